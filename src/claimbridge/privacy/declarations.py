"""What a declaration of personal data says (PIPL art. 7, 13, 17): kind, purpose, legal basis, who sees it, how long
it is kept. Pure: no Django. Each app declares its own fields in `<app>/personal_data.py` as `DECLARATIONS`; the
privacy app collects them (`privacy/register.py`) and a test fails when an encrypted field has no declaration or a
declaration names a field that does not exist, so the register in docs/ cannot drift from the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from claimbridge.rules.retention import Category

Shown = Literal["full", "masked"]


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


# PIPL article 13, first paragraph: the grounds on which personal information may be handled.
BASES: dict[str, Text] = {
    "consent": Text("取得个人的同意（《个人信息保护法》第十三条第一款第一项）",
                    "the person's consent (PIPL art. 13(1)(i))"),
    "contract": Text("为订立、履行个人作为一方当事人的合同所必需（第十三条第一款第二项）",
                     "necessary to conclude or perform a contract to which the person is a party (PIPL art. 13(1)(ii))"),
    "hr": Text("按照依法制定的劳动规章制度和依法签订的集体合同实施人力资源管理所必需（第十三条第一款第二项）",
               "necessary for human-resources management under lawful labour rules (PIPL art. 13(1)(ii))"),
    "legal_duty": Text("为履行法定职责或者法定义务所必需（第十三条第一款第三项）",
                       "necessary to fulfil statutory duties or obligations (PIPL art. 13(1)(iii))"),
    "not_personal": Text("不是个人信息", "not personal information"),
}  # fmt: skip

# Retention categories: the kernel's own (`claimbridge/rules/retention.py`, decision 0028), so they cannot drift.
RETENTION_CATEGORIES: frozenset[str] = frozenset(category.value for category in Category)

# In plain words for the public page and the register; the durations themselves are the retention module's.
RETENTION_WORDS: dict[str, Text] = {
    "claim_record": Text("理赔记录：按《保险法》第八十七条，自保险合同终止之日起至少保存五年（一年以上的合同十年）",
                         "claim record: under Insurance Law art. 87, at least 5 years after the contract ends "
                         "(10 years for contracts of more than a year)"),
    "unclaimed_report": Text("未立案的报案：未登记理赔的案件，自报案起保存三年（《民法典》第一百八十八条规定的三年诉讼时效），然后删除",
                             "unclaimed report: a case no claim was registered for, kept 3 years after it was reported "
                             "(the three-year limitation period of Civil Code art. 188), then deleted"),
    "phone_code": Text("短信验证码：失效后几分钟内删除", "text-message code: deleted minutes after it expires"),
    "join_code": Text("加入码：失效后几分钟内清除", "join code: cleared minutes after it expires"),
    "rejected_upload": Text("被拒绝的上传：不保存", "refused upload: not kept"),
    "service_stop_consent": Text("查勘服务记录及客户同意：查勘服务结束后保存30天（服务评价期）",
                                 "adjuster's stop and the customer's consent: kept 30 days after the stop ends (its "
                                 "rating window)"),
    "police_record": Text("交警事故记录：按与交警部门约定的期限保存（导入后三年）",
                          "traffic-police record: kept for the period agreed with the police (3 years after loading)"),
    "fraud_casework": Text("反欺诈线索与调查：调查结案后按反保险欺诈委员会的规定保存五年",
                           "anti-fraud clue and casework: kept 5 years after the casework is closed, under the "
                           "anti-fraud committee's rules"),
    "consultation": Text("咨询：答复结束后保存三年（《民法典》第一百八十八条规定的三年诉讼时效）",
                         "consultation: kept 3 years after it is closed (the three-year limitation period of Civil "
                         "Code art. 188)"),
    "policy_register": Text("保单库：按《保险法》第八十七条，自保险合同终止之日起至少保存五年（一年以上的合同十年）",
                            "policy register: under Insurance Law art. 87, at least 5 years after the contract ends "
                            "(10 years for contracts of more than a year)"),
    "adjuster_register": Text("查勘员登记：离职、驳回或最后一张证件失效后保存三年",
                              "adjusters' register: kept 3 years after the entry left, was rejected or its last "
                              "credential ended"),
    "access_log": Text("访问记录：保存一年（《网络安全法》第二十一条要求网络日志不少于六个月）",
                       "access log: kept 1 year (Cybersecurity Law art. 21: network logs at least six months)"),
    "consent_record": Text("同意记录：与其所同意处理的个人信息同时保存，该信息删除或匿名化时一并匿名化（保留同意的用途、说明版本和时间）",
                           "consent record: kept as long as the data it allows, and anonymised with it (the purpose, "
                           "notice version and time stay)"),
    "subject_request": Text("个人权利请求：办结或拒绝后保存三年（《个人信息保护法》第五十条），然后删除申请人的手机号和所写内容，保留请求编号、类型、结果和日期",
                            "data-subject request: kept for 3 years after it is done or refused (PIPL art. 50), then the requester's "
                            "mobile and words are erased; the request's number, kind, outcome and dates stay"),
    "account": Text("平台账户：在用账户不删除；停用满三年后匿名化姓名、用户名、手机号和电子邮箱，保留账户编号以便审计记录仍可指明操作人",
                    "platform account: never erased while active; 3 years after it is deactivated its name, user "
                    "name, mobile and email are anonymised, the account's number kept so the audit record still "
                    "names who acted"),
    "not_personal": Text("不是个人信息：随所属配置保存", "not personal information: kept with the setting it belongs to"),
}  # fmt: skip

# Who may see it: the roles of `accounts.models.Role` (a test compares), and the data subject themself.
AUDIENCES: dict[str, Text] = {
    "subject": Text("本人", "the person themself"),
    "driver": Text("同一案件的其他当事驾驶人", "the other drivers of the same case"),
    "adjuster": Text("查勘员", "adjusters"),
    "insurer_staff": Text("保险公司理赔人员", "insurer claims staff"),
    "association_staff": Text("行业协会工作人员", "association staff"),
    "antifraud_member": Text("反保险欺诈委员会", "the anti-fraud committee"),
    "regulator": Text("监管部门", "the regulator"),
    "platform_admin": Text("平台系统管理员", "platform administrators"),
    "traffic_police": Text("交警部门", "the traffic police"),
    "public": Text("公众（核验查勘员工作证时）", "the public (checking an adjuster's card)"),
}  # fmt: skip

SHOWN_WORDS: dict[str, Text] = {"full": Text("完整", "in full"), "masked": Text("脱敏", "masked")}


@dataclass(frozen=True)
class Seen:
    who: str  # a key of AUDIENCES
    shown: Shown = "masked"
    note: Text | None = None  # a condition: "only their own company's customers", "each showing recorded"


@dataclass(frozen=True)
class Declaration:
    model: str  # "cases.CaseParty": the model's label
    field: str  # a concrete field of it; for files, the field naming the stored object
    kind: Text
    purpose: Text
    basis: str  # a key of BASES
    seen_by: tuple[Seen, ...]
    retention: str  # a key of RETENTION_CATEGORIES
    note: Text | None = None  # e.g. why something not personal is encrypted


def problems(declaration: Declaration) -> list[str]:
    """What is wrong with a declaration on its own (its keys); the field's existence is the register's question."""
    found = []
    if declaration.basis not in BASES:
        found.append(f"{declaration.model}.{declaration.field}: unknown basis {declaration.basis!r}")
    if declaration.retention not in RETENTION_CATEGORIES:
        found.append(f"{declaration.model}.{declaration.field}: unknown retention category {declaration.retention!r}")
    for seen in declaration.seen_by:
        if seen.who not in AUDIENCES:
            found.append(f"{declaration.model}.{declaration.field}: unknown audience {seen.who!r}")
    if (declaration.basis == "not_personal") != (declaration.retention == "not_personal"):
        found.append(f"{declaration.model}.{declaration.field}: not_personal is both the basis and the retention")
    if declaration.basis == "not_personal" and declaration.note is None:
        found.append(f"{declaration.model}.{declaration.field}: say why data that is not personal is declared")
    return found
