"""Triage of a reported accident (R14): online one-stop claim, refer the liable party, or offline follow-up.

The threshold is plan data with an effective date (R21): a revision adds a version, past decisions keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from claimbridge.rules.common import ZERO, RuleInputError, Text, money, version_on
from claimbridge.rules.inputs import Fields, grade_or_ratio


@dataclass(frozen=True, slots=True)
class TriageRules:
    effective_from: date
    online_loss_ceiling: Decimal  # R14.1: at most this estimated loss for the online one-stop claim


TRIAGE_VERSIONS = (TriageRules(date(2023, 8, 15), Decimal(10000)),)  # the plan's trial start (R21)

ACTIONS: dict[str, Text] = {
    "move_to_safety": Text(
        "开启危险报警闪光灯、放置警告标志，将车辆移至安全地点",
        "Switch on the hazard lights, put out the warning triangle and move the vehicles to a safe place",
    ),
    "online_claim": Text(
        "通过线上一站式理赔提交案件，无需前往网点", "Claim online, one stop: no need to visit an office"
    ),
    "report_to_own_insurer": Text(
        "建议对方（责任方）向其承保公司报案", "Advise the other (liable) party to report to its own insurer"
    ),
    "call_police": Text("协助拨打 122 报警", "Help call the traffic police (122)"),
    "go_to_service_point": Text(
        "引导前往快处快赔中心、交警队、定损点或 4S 店",
        "Direct to the quick-claims centre, the traffic police, a loss-assessment point or a 4S shop",
    ),
    "back_office_follow_up": Text("后台登记案件并全程跟踪", "The back office registers the case and follows it up"),
    "claim_followed_online": Text(
        "协议书已送达双方保险公司，无需前往网点；理赔进度可在“我的案件”中查看",
        "The agreement has reached both insurers: no need to visit an office. Follow your claim under My cases",
    ),
    "claim_from_liable_insurer": Text(
        "您无责任：由对方（责任方）的保险公司赔付您的损失，协议书已送达双方保险公司，无需报警",
        "You are not liable: the other (liable) party's insurer pays your loss. The agreement has reached both "
        "insurers; there is no need to call the police",
    ),
}

ROUTE_ACTIONS = {
    "online_one_stop": ("move_to_safety", "online_claim"),
    "refer_liable_party": ("report_to_own_insurer", "call_police"),
    "offline_follow_up": ("call_police", "go_to_service_point", "back_office_follow_up"),
}
# Once the parties have signed a quick-claim agreement on the platform (道路交通事故处理程序规定 第十九条 to 第二十一条)
# the police are not needed: the not-liable party is told whose insurer pays instead of being told to call 122.
AGREED_ROUTE_ACTIONS = ROUTE_ACTIONS | {"refer_liable_party": ("claim_from_liable_insurer",),
                                        "online_one_stop": ("move_to_safety", "claim_followed_online")}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TriageCase:
    estimated_loss: Decimal
    liability: dict[str, Decimal | None]  # None: undetermined
    own_customer: str
    facts_disputed: bool
    scene_difficult: bool
    day: date | None = None
    quick_claim_eligible: bool = True  # False: the 快处易赔 conditions fail (injuries, say), so never online alone
    agreed: bool = False  # the parties signed a quick-claim agreement on the platform


@dataclass(frozen=True, slots=True)
class TriageDecision:
    route: str
    reasons: tuple[Text, ...]
    rules: TriageRules
    agreed: bool = False

    @property
    def actions(self) -> tuple[str, ...]:
        return (AGREED_ROUTE_ACTIONS if self.agreed else ROUTE_ACTIONS)[self.route]

    def as_dict(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "actions": [{"code": code, **ACTIONS[code].as_dict()} for code in self.actions],
            "reasons": [reason.as_dict() for reason in self.reasons],
            "online_loss_ceiling": money(self.rules.online_loss_ceiling),
        }


def triage_rules_on(day: date | None) -> TriageRules:
    return version_on(TRIAGE_VERSIONS, day or date.today(), field="date", zh="分流规则自 {first} 起施行",
                      en="the triage rules apply from {first}")  # fmt: skip


def triage(case: TriageCase) -> TriageDecision:
    rules = triage_rules_on(case.day)
    determined = all(ratio is not None for ratio in case.liability.values())
    share = case.liability[case.own_customer]
    reasons: list[Text] = []
    if not determined:
        reasons.append(Text("责任尚未确定", "Liability is not determined yet"))
    if case.facts_disputed:
        reasons.append(Text("各方对事实有争议", "The parties dispute the facts"))
    if case.estimated_loss > rules.online_loss_ceiling:
        reasons.append(
            Text(
                f"估损 {money(case.estimated_loss)} 元超过 {money(rules.online_loss_ceiling)} 元",
                f"The estimated loss {money(case.estimated_loss)} is over {money(rules.online_loss_ceiling)}",
            )
        )
    if case.scene_difficult:
        reasons.append(Text("现场情况复杂", "The scene is difficult"))
    if not case.quick_claim_eligible:
        reasons.append(
            Text(
                "不符合快处易赔条件（如有人员伤亡），须报警由交警处理",
                "The accident does not qualify for quick handling (injuries, say): the traffic police must handle it",
            )
        )
    if determined and share == ZERO and case.quick_claim_eligible:
        route = "refer_liable_party"
        reasons.append(
            Text("本公司客户无责任，责任在对方", "Our customer is not liable: the liability lies with the other party")
        )
    elif determined and not reasons:
        route = "online_one_stop"
        reasons.append(
            Text(
                f"责任明确且本公司客户有责，估损不超过 {money(rules.online_loss_ceiling)} 元",
                f"Liability is clear and lies with our customer, and the loss is at most {money(rules.online_loss_ceiling)}",
            )
        )
    else:
        route = "offline_follow_up"
    # An agreement stands in for the police only where the quick claim could make one: eligible, facts not disputed.
    settled = case.agreed and case.quick_claim_eligible and not case.facts_disputed
    return TriageDecision(route, tuple(reasons), rules, agreed=settled)


def read_triage(document: Any) -> TriageCase:
    fields = Fields(document)
    liability = {party: grade_or_ratio(value, path) for party, path, value in fields.mapping("liability")}
    if not liability:
        raise RuleInputError("liability", "至少需要一方", "needs at least one party")
    own = fields.text("own_customer")
    if own not in liability:
        raise RuleInputError(
            "own_customer", f"“{own}”不在 liability 所列当事方中", f"“{own}” is not one of the parties in liability"
        )
    case = TriageCase(
        estimated_loss=fields.money("estimated_loss"),
        liability=liability,
        own_customer=own,
        facts_disputed=fields.boolean("facts_disputed", default=False),
        scene_difficult=fields.boolean("scene_difficult", default=False),
        day=fields.day("date") if fields.has("date") else None,
        quick_claim_eligible=fields.boolean("quick_claim_eligible", default=True),
        agreed=fields.boolean("agreed", default=False),
    )
    fields.done()
    return case


def triage_from_document(document: Any) -> dict[str, Any]:
    """`claimbridge rules triage`."""
    return triage(read_triage(document)).as_dict()
