"""The integration's figures, each defined once (issue 17, R15, R17–R19, B10).

A figure is computed from sums of roll-up counters (`facts.COUNTERS`, the stops' and clues' counters) and, for
waits, from counts per duration bucket (`quantiles`). `docs/figures.md` is generated from `FIGURES`
(`python -m claimbridge.stats.figures`), so the formulas people read are the ones the code runs.

Case counts come in two weights: the market's (each case once) and a company's (each case the company has a party
in, once for that company) — `insurer_view` picks the second, so a company's figures never count another's parties.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from claimbridge.rules.common import Text
from claimbridge.stats.quantiles import Counts, count_of, quantile

SHARE_PLACES = Decimal("0.0001")
NUMERATOR = ":numerator"  # a row's bases[code + NUMERATOR]: a share's numerator count (what suppression also protects)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    code: str
    name: Text
    unit: str  # "cases" | "share" | "minutes" | "yuan" | "count"
    formula: Text
    numerator: str = ""  # the counter summed (for shares: over `denominator`)
    denominator: str = ""
    measure: str = ""  # for waits: facts.MEASURES key
    p: float = 0.0  # for waits: the quantile
    base: str = ""  # the counter saying how many cases stand behind the value (small-count suppression)
    requirement: str = ""
    source: str = "cases"  # "cases" | "stops" | "clues"
    case_weighted: bool = False  # counts cases: a company's view uses its own weight (`_ins`)

    def counter(self, name: str, insurer_view: bool) -> str:
        return f"{name}_ins" if insurer_view and self.case_weighted and name in _WEIGHTED else name


_WEIGHTED = frozenset({"cases", "agreed", "police"})


def _share(code: str, zh: str, en: str, numerator: str, denominator: str, formula_zh: str, formula_en: str,
           requirement: str, *, weighted: bool = False, source: str = "cases") -> Figure:  # fmt: skip
    return Figure(code, Text(zh, en), "share", Text(formula_zh, formula_en), numerator, denominator,
                  base=denominator, requirement=requirement, case_weighted=weighted, source=source)  # fmt: skip


def _count(code: str, zh: str, en: str, counter: str, formula_zh: str, formula_en: str, requirement: str, *,
           unit: str = "cases", weighted: bool = False, source: str = "cases", base: str = "") -> Figure:  # fmt: skip
    return Figure(code, Text(zh, en), unit, Text(formula_zh, formula_en), counter, base=base or counter,
                  requirement=requirement, case_weighted=weighted, source=source)  # fmt: skip


def _wait(measure: str, zh: str, en: str, step_zh: str, step_en: str) -> list[Figure]:
    return [
        Figure(f"{measure}_{name}", Text(f"{zh}{label_zh}", f"{en}, {label_en}"), "minutes",
               Text(f"自报案至{step_zh}的分钟数（取整）的{label_zh}（最近秩法）",
                    f"the {label_en} (nearest rank) of whole minutes from the report to {step_en}"),
               measure=measure, p=p, base=f"n_{measure}", requirement="R14, R1")
        for name, label_zh, label_en, p in (("median", "中位数", "median", 0.5), ("p90", "90分位", "90th percentile", 0.9))
    ]  # fmt: skip


FIGURES: tuple[Figure, ...] = (
    _count("cases_reported", "报案数", "cases reported", "cases",
           "报告月内在平台报案（非草稿）的案件数；按渠道（驾驶人手机、查勘员现场、保险公司热线）可分",
           "cases reported on the platform (not drafts) in the month, by channel: driver phone, adjuster, hotline",
           "R19", weighted=True),
    _share("cross_region_share", "跨地区案件占比", "cross-region share", "cross_region", "uw_known",
           "出险城市与承保城市不同的当事方数 ÷ 两者均已知的当事方数",
           "parties whose accident city differs from their underwriting city ÷ parties with both cities known",
           "R1, R19"),
    _share("quick_claim_share", "快处易赔占比", "quick-claim share", "agreed", "cases",
           "以快处易赔在线达成协议的案件数 ÷ 报案数", "cases settled by an online 快处易赔 agreement ÷ cases reported",
           "R2, R3", weighted=True),
    _share("online_one_stop_share", "线上一站式理赔占比", "online one-stop share", "one_stop", "parties",
           "达成协议时分流为线上一站式理赔（R14.1）的当事方数 ÷ 当事方数",
           "parties triaged to the online one-stop claim (R14.1) when the agreement was made ÷ parties", "R14.1"),
    _count("agreements", "达成协议数", "agreements reached", "agreed", "在线达成并签署协议书的案件数",
           "cases whose parties reached and signed the agreement online", "R2", weighted=True),
    _count("police_referrals", "转交警处理数", "police referrals", "police",
           "转交警处理的案件数（含交警处理后结案的）", "cases sent to the traffic police (including those closed since)",
           "R14.2", weighted=True),
    *_wait("first_contact", "首次联系时长", "time to first contact", "首次联系客户", "the first call to the customer"),
    *_wait("survey", "查勘定损时长", "time to survey", "查勘定损完成", "the survey (loss assessment)"),
    *_wait("settlement", "理算时长", "time to settlement", "理算完成", "the settlement"),
    *_wait("payment", "赔款支付时长", "time to payment", "赔款支付", "the payment"),
    _share("sla_first_contact", "首次联系时效达标率", "first-contact SLA adherence", "sla_first_contact_met",
           "sla_first_contact_due", "在时限内首次联系的当事方数 ÷ 已联系或已超时的当事方数",
           "parties first contacted within the limit ÷ parties contacted or past the limit", "R14"),
    _share("sla_survey", "查勘时效达标率", "survey SLA adherence", "sla_survey_met", "sla_survey_due",
           "在时限内完成查勘定损的当事方数 ÷ 已查勘或已超时的当事方数",
           "parties surveyed within the limit ÷ parties surveyed or past the limit", "R14"),
    _share("sla_closure", "结案时效达标率", "closure SLA adherence", "sla_closure_met", "sla_closure_due",
           "在时限内结案的当事方数 ÷ 已结案或已超时的当事方数",
           "parties whose claim closed within the limit ÷ parties closed or past the limit", "R14"),
    _count("claims_registered", "立案数", "claims registered", "claims", "保险公司立案的理赔数",
           "claims registered by the insurers", "R19", unit="count"),
    _count("amount_settled", "理算金额（元）", "amount settled (yuan)", "amount_settled", "已理算理赔的应付金额之和",
           "the payable amounts of settled claims, summed", "R19", unit="yuan", base="settled"),
    _count("amount_paid", "已付赔款（元）", "amount paid (yuan)", "amount_paid", "已支付理赔的实付金额之和",
           "the amounts paid on paid claims, summed", "R19", unit="yuan", base="paid"),
    _count("handoffs", "跨机构转交次数", "hand-offs between branches", "handoffs",
           "理赔从一个理赔单位转到另一个的次数（R1 通赔通办）", "times a claim moved from one claims unit to another (R1)",
           "R1", unit="count", base="parties"),
    _count("adjuster_stops", "查勘员遇事必停次数", "adjuster stops", "stops", "查勘员在事故或故障现场停车服务的次数",
           "times an adjuster stopped at an accident or breakdown", "R7, R15", unit="count", source="stops"),
    _count("other_company_help", "服务他司客户次数", "other-company help", "stops_other",
           "查勘员服务其他保险公司客户的次数（协会按月统计，R15）",
           "stops at which the adjuster served another company's customer (counted monthly, R15)", "R15",
           unit="count", source="stops", base="stops"),
    _count("fraud_clues", "欺诈线索数", "fraud clues", "clues", "提交的欺诈线索数", "fraud clues submitted", "R11, R20",
           unit="count", source="clues"),
    _count("confirmed_frauds", "确认欺诈数", "confirmed frauds", "confirmed", "经反欺诈委员会确认欺诈的线索数",
           "clues the anti-fraud committee confirmed as fraud", "R20", unit="count", source="clues", base="clues"),
    _count("amount_saved", "挽回损失（元）", "amount saved (yuan)", "amount_saved", "确认欺诈时记录的挽回或拒赔金额之和",
           "the amounts saved or refused recorded when fraud was confirmed, summed", "R20", unit="yuan",
           source="clues", base="confirmed"),
)  # fmt: skip
BY_CODE: dict[str, Figure] = {figure.code: figure for figure in FIGURES}


def value_of(figure: Figure, sums: Mapping[str, int | Decimal], durations: Mapping[str, Counts],
             *, insurer_view: bool = False) -> int | Decimal | None:  # fmt: skip
    """The figure's value from summed counters and duration counts; None where it is undefined (a share of nothing,
    a median of no waits)."""
    if figure.measure:
        return quantile(durations.get(figure.measure, {}), figure.p)
    numerator = Decimal(sums.get(figure.counter(figure.numerator, insurer_view), 0) or 0)
    if figure.unit == "share":
        denominator = Decimal(sums.get(figure.counter(figure.denominator, insurer_view), 0) or 0)
        if not denominator:
            return None
        return (numerator / denominator).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    if figure.unit == "yuan":
        return numerator.quantize(CENT, rounding=ROUND_HALF_UP)
    return int(numerator)


def base_of(figure: Figure, sums: Mapping[str, int | Decimal], durations: Mapping[str, Counts],
            *, insurer_view: bool = False) -> int:  # fmt: skip
    """How many cases (parties, stops, clues) stand behind the value: what small-count suppression looks at."""
    if figure.measure:
        return sum(count_of(entry) for entry in durations.get(figure.measure, {}).values())
    return int(sums.get(figure.counter(figure.base, insurer_view), 0) or 0)


def numerator_of(figure: Figure, sums: Mapping[str, int | Decimal], *, insurer_view: bool = False) -> int | None:
    """For a share, how many of its base it counts (the 3 of "3 of 5"): a public share hides when this, or the rest
    of its base, is a small count — 60 % of 5 cases gives away 3 as surely as "3" does."""
    if figure.unit != "share":
        return None
    return int(sums.get(figure.counter(figure.numerator, insurer_view), 0) or 0)


def document() -> str:
    """docs/figures.md."""
    lines = [
        "# The integration's figures",
        "",
        "Generated from `src/claimbridge/stats/figures.py` (`python -m claimbridge.stats.figures > docs/figures.md`);",
        "a test fails when this file is out of date.",
        "",
        "Every figure is computed from roll-ups kept at write time (`claimbridge.reports`), never from a scan of the",
        "raw cases; `claimbridge reports rebuild` recomputes the roll-ups from the raw rows. A month's case figures are",
        "about the cases **reported** in that month (China's calendar), followed as their claims run; stops count by",
        "the month of the stop, clues by the month they were submitted. A company's view counts each of its cases",
        "once and never another company's parties; the market's counts each case once.",
        "",
        "Waits are whole minutes from the report. They are kept as counts per bucket: every minute up to four hours,",
        "then buckets 2 % wide with the sum of their minutes; a median or 90th percentile is the nearest-rank value —",
        "exact below four hours, above it the mean of the bucket holding it (exact when that bucket holds one value). SLA clocks (first contact, survey, closure) are the platform's",
        "(`CASE_SLA_MINUTES`); a clock not yet due is not counted, a claim closed without the step is not counted.",
        "",
        "Public figures hide any cell of fewer than 5 cases (and, where a total is shown, the next smallest cell of",
        "its line), so that nobody can be singled out.",
        "",
        "| code | figure | 指标 | unit | formula | 计算方法 | requirement |",
        "|---|---|---|---|---|---|---|",
    ]
    for figure in FIGURES:
        lines.append(f"| `{figure.code}` | {figure.name.en} | {figure.name.zh} | {figure.unit} | {figure.formula.en} |"
                     f" {figure.formula.zh} | {figure.requirement} |")  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(document(), end="")
