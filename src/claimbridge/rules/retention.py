"""How long personal data is kept, by kind and by who holds it, and when a record's time is up (PIPL art. 19,
issue 20 item 2; B8, R17, R19; decision 0028). No Django: dataclasses in, dataclasses out.

A rule keeps a category of records held by one role for a duration counted from an anchor — the contract's end, the
claim's closure, a code's expiry, the stop's end, the record's load, the casework's closure. Rules are dated: the rule
in force at a moment is the one with the latest `effective_from` on or before that moment's date (China time), so a
revision applies from its date and never rewrites what was decided before it. A configured rule shorter than a legal
minimum is refused (`RetentionRuleError`); a record whose anchor is not known yet (a claim still open, a stop still
going) is not expired, whatever the rule.

Insurance Law (保险法) art. 87: an insurer keeps its books, vouchers and records for at least five years from the end
of the insurance contract, ten when the contract runs for more than one year. The contract's term comes from the
policy register; when it is not known the longer minimum holds.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Category(enum.StrEnum):
    """What a personal field is, for how long it is kept (the personal-data register declares fields by these)."""

    CLAIM_RECORD = "claim_record"  # a case with a claim line: the parties, the claim, its evidence
    UNCLAIMED_REPORT = "unclaimed_report"  # a case on which no claim was ever registered
    PHONE_CODE = "phone_code"  # a one-time text-message code
    JOIN_CODE = "join_code"  # the short code the other driver joins with
    REJECTED_UPLOAD = "rejected_upload"  # an upload the checks refused
    SERVICE_STOP_CONSENT = "service_stop_consent"  # where an adjuster stopped, with the customer's consent
    POLICE_RECORD = "police_record"  # the traffic police's accident records (decision 0017)
    FRAUD_CASEWORK = "fraud_casework"  # the committees' clues and casework (decision 0016)
    CONSULTATION = "consultation"  # a customer's question and its answer (decision 0023)
    POLICY_REGISTER = "policy_register"  # holders' and insureds' names, ID numbers and phones
    ADJUSTER_REGISTER = "adjuster_register"  # the adjusters' register (names, ID numbers, phones, portraits)
    ACCESS_LOG = "access_log"  # who looked at what (lookups, disclosures)
    CONSENT_RECORD = "consent_record"  # a consent given or withdrawn
    SUBJECT_REQUEST = "subject_request"  # a person's request about their data
    ACCOUNT = "account"  # a user's login
    NOT_PERSONAL = "not_personal"  # no personal data: kept as long as the platform is


class Holder(enum.StrEnum):
    """Whose records they are: the role that holds them decides the duty."""

    INSURER = "insurer"
    ASSOCIATION = "association"
    POLICE = "police"
    ANTIFRAUD_COMMITTEE = "antifraud_committee"
    PLATFORM = "platform"


class Anchor(enum.StrEnum):
    """What a rule's clock runs from."""

    CONTRACT_END = "contract_end"
    CLAIM_CLOSED = "claim_closed"
    REPORTED = "reported"
    CODE_EXPIRY = "code_expiry"
    UPLOAD_REFUSED = "upload_refused"
    STOP_ENDED = "stop_ended"
    RECORD_LOADED = "record_loaded"
    CASEWORK_CLOSED = "casework_closed"
    CONSULTATION_CLOSED = "consultation_closed"
    REGISTRATION_ENDED = "registration_ended"  # the adjuster's entry left, rejected, or last credential expired
    RECORDED = "recorded"
    DATA_ERASED = "data_erased"  # the personal data a consent allowed was erased (its case anonymised)
    REQUEST_CLOSED = "request_closed"  # a data-subject request was done or refused
    ACCOUNT_CLOSED = "account_closed"  # an account was deactivated


class RetentionRuleError(ValueError):
    """A rule the kernel refuses, with the reason in both languages."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True, slots=True, order=True)
class Keep:
    """A duration: calendar years, then days, then minutes (a year from 29 February ends on 1 March: never short)."""

    years: int = 0
    days: int = 0
    minutes: int = 0

    def __post_init__(self) -> None:
        if min(self.years, self.days, self.minutes) < 0:
            raise RetentionRuleError(
                "retention_negative", "保存期限不能为负数", "a retention period cannot be negative"
            )

    def after(self, moment: datetime) -> datetime:
        year = moment.year + self.years
        try:
            moved = moment.replace(year=year)
        except ValueError:  # 29 February in a year that has none
            moved = moment.replace(year=year, month=3, day=1)
        return moved + timedelta(days=self.days, minutes=self.minutes)

    def at_least(self, other: Keep) -> bool:
        """Whether this duration is never shorter than `other`, from any anchor: each part at least as long, or the
        shortest this can be (365-day years) no shorter than the longest the other can be (366-day years)."""
        if self.years >= other.years and self.days >= other.days and self.minutes >= other.minutes:
            return True
        shortest = (self.years * 365 + self.days) * 1440 + self.minutes
        longest = (other.years * 366 + other.days) * 1440 + other.minutes
        return shortest >= longest

    def describe(self) -> tuple[str, str]:
        """In words, (zh, en)."""
        parts_zh, parts_en = [], []
        for count, zh, en in ((self.years, "年", "year"), (self.days, "天", "day"), (self.minutes, "分钟", "minute")):
            if count:
                parts_zh.append(f"{count}{zh}")
                parts_en.append(f"{count} {en}{'s' if count != 1 else ''}")
        return ("".join(parts_zh) or "不保存", ", ".join(parts_en) or "not kept")

    @property
    def zero(self) -> bool:
        """No time at all: the record goes when its anchor happens (a refused upload at once; a consent record
        when the data it allowed is erased — kept until then, not "not kept")."""
        return not (self.years or self.days or self.minutes)


@dataclass(frozen=True, slots=True)
class LegalMinimum:
    keep: Keep
    source: str  # the provision, in Chinese: "《保险法》第八十七条（一年以下的合同）"
    source_en: str = ""  # the same in English: "Insurance Law art. 87 (contracts of one year or less)"

    def sources(self) -> tuple[str, str]:
        """The provision, (zh, en)."""
        return self.source, self.source_en or self.source


CLAIMS_SHORT = LegalMinimum(Keep(years=5), "《保险法》第八十七条（一年以下的合同）",
                            "Insurance Law art. 87 (contracts of one year or less)")  # fmt: skip
CLAIMS_LONG = LegalMinimum(Keep(years=10), "《保险法》第八十七条（一年以上的合同）",
                           "Insurance Law art. 87 (contracts longer than one year)")  # fmt: skip
NETWORK_LOGS = LegalMinimum(Keep(days=183), "《网络安全法》第二十一条（网络日志不少于六个月）",
                            "Cybersecurity Law art. 21 (network logs: not less than six months)")  # fmt: skip
ONE_YEAR_DAYS = 366  # a contract of "one year" runs 365 or 366 days: longer than that is "more than one year"

INSURANCE_RECORDS = frozenset({Category.CLAIM_RECORD, Category.POLICY_REGISTER})


def legal_minimum(category: Category, holder: Holder, *, contract_days: int | None = None) -> LegalMinimum | None:
    """The shortest time the law lets a holder keep such a record (None: no statutory minimum). Insurers' claim and
    policy records: art. 87, by the contract's term in days (unknown: the longer one)."""
    if category in INSURANCE_RECORDS and holder == Holder.INSURER:
        if contract_days is None or contract_days > ONE_YEAR_DAYS:
            return CLAIMS_LONG
        return CLAIMS_SHORT
    if category == Category.ACCESS_LOG:
        return NETWORK_LOGS
    return None


def configurable_minimum(category: Category, holder: Holder) -> LegalMinimum | None:
    """What a configured rule must keep at least: the minimum for the shortest contract the law distinguishes (a
    longer contract's records are kept to its own minimum whatever the rule says: `expires_at`)."""
    return legal_minimum(category, holder, contract_days=1)


@dataclass(frozen=True, slots=True)
class Rule:
    category: Category
    holder: Holder
    keep: Keep | None  # None: kept for as long as the platform is (not personal data)
    anchor: tuple[Anchor, ...]  # the clock runs from the latest of these; until each is known it does not run
    effective_from: date
    source: str = ""  # why this duration (a provision, an agreement, the committee's rules), in Chinese
    legal_minimum: LegalMinimum | None = field(default=None)
    source_en: str = ""  # the same in English ("": a configured rule's one text, used for both)

    def __post_init__(self) -> None:
        if not self.anchor and self.keep is not None:
            raise RetentionRuleError("retention_no_anchor", "保存期限须有起算点", "a retention period needs an anchor")

    def sources(self) -> tuple[str, str]:
        """Why this duration, (zh, en)."""
        return self.source, self.source_en or self.source


def validate(rule: Rule) -> Rule:
    """The rule, with its legal minimum attached, or RetentionRuleError when it keeps less than the law requires."""
    minimum = configurable_minimum(rule.category, rule.holder)
    if minimum is not None and rule.keep is not None and not rule.keep.at_least(minimum.keep):
        zh, en = minimum.keep.describe()
        source_zh, source_en = minimum.sources()
        raise RetentionRuleError(
            "retention_below_legal_minimum",
            f"保存期限短于法定最低期限（{zh}，{source_zh}）",
            f"the retention period is shorter than the legal minimum ({en}, {source_en})",
        )
    return Rule(rule.category, rule.holder, rule.keep, rule.anchor, rule.effective_from, rule.source, minimum,
                rule.source_en)  # fmt: skip


PLATFORM_START = date(2023, 8, 15)  # the integration is in force from this day (陇南、天水车险理赔服务一体化)


def _rule(category: Category, holder: Holder, keep: Keep | None, *anchor: Anchor, source: tuple[str, str]) -> Rule:
    return validate(Rule(category, holder, keep, tuple(anchor), PLATFORM_START, source[0], source_en=source[1]))


C, H, A = Category, Holder, Anchor
DEFAULT_SCHEDULE: tuple[Rule, ...] = (
    _rule(C.CLAIM_RECORD, H.INSURER, Keep(years=5), A.CONTRACT_END, A.CLAIM_CLOSED,
          source=("《保险法》第八十七条：自保险合同终止之日起至少五年，一年以上的合同十年",
                  "Insurance Law art. 87: 5 years after the contract ends, 10 for contracts longer than one year")),
    _rule(C.UNCLAIMED_REPORT, H.PLATFORM, Keep(years=3), A.REPORTED,
          source=("《民法典》第一百八十八条：三年诉讼时效", "Civil Code art. 188: the three-year limitation period for a claim")),
    _rule(C.PHONE_CODE, H.PLATFORM, Keep(minutes=10), A.CODE_EXPIRY,
          source=("验证码失效后数分钟即删除", "minutes after the code's expiry")),
    _rule(C.JOIN_CODE, H.PLATFORM, Keep(minutes=10), A.CODE_EXPIRY,
          source=("加入码失效后数分钟即删除", "minutes after the code's expiry")),
    _rule(C.REJECTED_UPLOAD, H.PLATFORM, Keep(), A.UPLOAD_REFUSED, source=("不保存", "never kept")),
    _rule(C.SERVICE_STOP_CONSENT, H.INSURER, Keep(days=30), A.STOP_ENDED,
          source=("同意随查勘服务持续，服务评价期30天结束时终止",
                  "consent lasts as long as the stop, whose 30-day rating window closes it")),
    _rule(C.POLICE_RECORD, H.POLICE, Keep(years=3), A.RECORD_LOADED,
          source=("与交警部门约定的期限（决定0017，按约定配置）",
                  "the period agreed with the traffic police (decision 0017, configured as agreed)")),
    _rule(C.FRAUD_CASEWORK, H.ANTIFRAUD_COMMITTEE, Keep(years=5), A.CASEWORK_CLOSED,
          source=("反保险欺诈委员会的规定：调查结案后五年",
                  "the anti-fraud committee's rules: 5 years after the casework is closed")),
    _rule(C.CONSULTATION, H.INSURER, Keep(years=3), A.CONSULTATION_CLOSED,
          source=("《民法典》第一百八十八条：投诉的三年诉讼时效", "Civil Code art. 188: a complaint's limitation period")),
    _rule(C.CONSULTATION, H.ASSOCIATION, Keep(years=3), A.CONSULTATION_CLOSED,
          source=("《民法典》第一百八十八条：投诉的三年诉讼时效", "Civil Code art. 188: a complaint's limitation period")),
    _rule(C.POLICY_REGISTER, H.INSURER, Keep(years=5), A.CONTRACT_END,
          source=("《保险法》第八十七条：自保险合同终止之日起至少五年，一年以上的合同十年",
                  "Insurance Law art. 87: 5 years after the contract ends, 10 for contracts longer than one year")),
    _rule(C.ADJUSTER_REGISTER, H.ASSOCIATION, Keep(years=3), A.REGISTRATION_ENDED,
          source=("离职、驳回或最后一张证件失效后三年",
                  "3 years after the entry left or its last credential expired")),
    _rule(C.ACCESS_LOG, H.PLATFORM, Keep(years=1), A.RECORDED,
          source=("《网络安全法》第二十一条：不少于六个月", "Cybersecurity Law art. 21: at least six months")),
    _rule(C.CONSENT_RECORD, H.PLATFORM, Keep(), A.DATA_ERASED,
          source=("《个人信息保护法》第十四条、第四十七条：同意的证明与其所同意处理的信息一同保存，并一同匿名化",
                  "PIPL art. 14, 47: the proof of consent is kept as long as the data it allows, and anonymised "
                  "with it")),
    _rule(C.SUBJECT_REQUEST, H.PLATFORM, Keep(years=3), A.REQUEST_CLOSED,
          source=("《个人信息保护法》第五十条：请求办结后，在三年诉讼时效内保存答复",
                  "PIPL art. 50: the answer to a request, for the limitation period after it was closed")),
    _rule(C.ACCOUNT, H.PLATFORM, Keep(years=3), A.ACCOUNT_CLOSED,
          source=("《民法典》第一百八十八条：账户停用后，在三年诉讼时效内可就其下的操作追问",
                  "Civil Code art. 188: the limitation period for a claim about what was done under the account, "
                  "from its deactivation")),
    _rule(C.NOT_PERSONAL, H.PLATFORM, None, source=("不是个人信息", "not personal data")),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known of one record: when each anchor happened (missing: not yet), and its contract's term in days."""

    anchors: Mapping[Anchor, datetime | None]
    contract_days: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    rule: Rule
    expires_at: datetime | None  # None: not while an anchor is unknown, or never (keep is None)
    expired: bool
    minimum: LegalMinimum | None  # the legal minimum applied to this record, if any


class Schedule:
    """The rules by category and holder, each with its dated versions: the defaults and any configured ones."""

    def __init__(self, rules: Iterable[Rule] = DEFAULT_SCHEDULE) -> None:
        versions: dict[tuple[Category, Holder], list[Rule]] = {}
        for rule in rules:
            versions.setdefault((rule.category, rule.holder), []).append(validate(rule))
        self._versions = {key: sorted(found, key=lambda rule: rule.effective_from) for key, found in versions.items()}

    @classmethod
    def with_overrides(cls, overrides: Iterable[Rule]) -> Schedule:
        """The defaults, and the configured rules as later (or earlier) versions of the same category and holder."""
        return cls([*DEFAULT_SCHEDULE, *overrides])

    def rules(self) -> list[Rule]:
        return [rule for key in sorted(self._versions) for rule in self._versions[key]]

    def in_force(self, category: Category, holder: Holder, at: datetime) -> Rule:
        """The rule with the latest effective_from on or before `at`'s date in China; KeyError when none applies."""
        day = at.astimezone(CHINA).date()
        versions = [rule for rule in self._versions.get((category, holder), []) if rule.effective_from <= day]
        if not versions:
            raise KeyError(f"no retention rule for {category} held by {holder} on {day}")
        return versions[-1]

    def decide(self, category: Category, holder: Holder, facts: Facts, at: datetime) -> Decision:
        return decide(self.in_force(category, holder, at), facts, at)


def expires_at(rule: Rule, facts: Facts) -> tuple[datetime | None, LegalMinimum | None]:
    """When a record under `rule` with these facts may go: the rule's duration, never less than the legal minimum for
    the record's contract, from the latest anchor. None while any anchor is unknown, or when kept for good."""
    minimum = legal_minimum(rule.category, rule.holder, contract_days=facts.contract_days)
    if rule.keep is None:
        return None, minimum
    moments = [facts.anchors.get(anchor) for anchor in rule.anchor]
    if any(moment is None for moment in moments):
        return None, minimum
    start = max(moment for moment in moments if moment is not None)
    keep = rule.keep if minimum is None or rule.keep.at_least(minimum.keep) else minimum.keep
    return keep.after(start), minimum


def decide(rule: Rule, facts: Facts, at: datetime) -> Decision:
    """Whether the record's time under `rule` is up at `at` (aware)."""
    if at.tzinfo is None:
        raise ValueError("at must be aware")
    until, minimum = expires_at(rule, facts)
    return Decision(rule, until, until is not None and until <= at, minimum)


def cutoff(rule: Rule, at: datetime, *, contract_days: int | None = None) -> datetime | None:
    """The latest anchor a record may have and be expired at `at`, for a query (anchor <= cutoff) that finds the
    candidates; None: nothing under this rule expires. Around 29 February it may take a record a day early, so the
    caller confirms each candidate with `decide`."""
    minimum = legal_minimum(rule.category, rule.holder, contract_days=contract_days)
    if rule.keep is None:
        return None
    keep = rule.keep if minimum is None or rule.keep.at_least(minimum.keep) else minimum.keep
    moved = at - timedelta(days=keep.days, minutes=keep.minutes)
    year = moved.year - keep.years
    try:
        return moved.replace(year=year)
    except ValueError:  # 29 February: 28 February is the latest anchor whose anniversary (1 March) has passed
        return moved.replace(year=year, day=28)
