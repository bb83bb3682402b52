"""The progress report's public-safe tables (R19), worked by hand: small cells hidden, a lone hidden cell joined by
its smallest neighbour where a total is shown, a city whose counties cannot protect a hidden one hidden in turn."""

from __future__ import annotations

from datetime import date

from claimbridge.reports.public_tables import (
    RawRow,
    period_label,
    periods,
    public_snapshot,
    public_table,
    shown,
    trend_months,
    valid_period,
)
from claimbridge.rules.common import Text
from claimbridge.stats.figures import BY_CODE, FIGURES


def row(key: str, cases: int, group: str | None = None, *, agreed: int = 0) -> RawRow:
    """A row of `cases` two-party cases, `agreed` of them settled online."""
    bases = {figure.code: 0 for figure in FIGURES}
    values: dict[str, object] = {figure.code: None for figure in FIGURES}
    bases.update(cases_reported=cases, quick_claim_share=cases, agreements=agreed, handoffs=2 * cases)
    values.update(cases_reported=cases, agreements=agreed, handoffs=0)
    return RawRow(key, Text(key, key), values, bases, group)


def hidden(table: dict, code: str = "cases_reported") -> dict[str, bool]:
    return {line["key"]: line["cells"][code]["hidden"] for line in table["rows"]}


def test_a_county_of_three_cases_is_hidden_with_its_smallest_neighbour_in_the_city():
    counties = [row("武都", 6, "陇南"), row("成县", 3, "陇南"), row("徽县", 7, "陇南"), row("秦州", 5, "天水"),
                row("麦积", 8, "天水")]  # fmt: skip
    table, exposed = public_table(counties, row("total", 29))
    assert hidden(table) == {"武都": True, "成县": True, "徽县": False, "秦州": False, "麦积": False}
    assert exposed == {}
    cells = {line["key"]: line["cells"]["cases_reported"] for line in table["rows"]}
    assert cells["成县"] == {"value": None, "hidden": True}  # the value is not kept at all
    assert cells["武都"] == {"value": None, "hidden": True}
    assert cells["徽县"] == {"value": 7, "hidden": False}
    assert cells["秦州"]["value"] == 5  # five is published
    assert table["total"]["cells"]["cases_reported"] == {"value": 29, "hidden": False}


def test_a_cell_counts_the_fewer_of_its_base_and_the_rows_cases():
    """成县's hand-offs are counted over 6 parties, but they are about 3 cases: hidden with the cases."""
    counties = [row("武都", 6, "陇南"), row("成县", 3, "陇南"), row("徽县", 7, "陇南")]
    table, _ = public_table(counties, row("total", 16))
    assert hidden(table, "handoffs") == {"武都": True, "成县": True, "徽县": False}
    # no agreement is published as zero, even beside a hidden count: nobody is singled out of nobody
    assert [line["cells"]["agreements"] for line in table["rows"]] == [{"value": 0, "hidden": False}] * 3


def test_a_city_whose_counties_cannot_hide_a_small_one_is_hidden_with_the_other_city():
    """秦州 has 3 cases and no other 天水 county has any: 天水's total would give it away, so 天水 is hidden in the
    cities' table, and 陇南 with it (the grand total is shown)."""
    counties = [row("武都", 6, "陇南"), row("秦州", 3, "天水"), row("麦积", 0, "天水")]
    snapshot = public_snapshot(kind="monthly", start=date(2026, 11, 1), computed_at="2026-12-01T08:00+08:00",
                               total=row("total", 9), cities=[row("陇南", 6), row("天水", 3)], counties=counties,
                               insurers=[], months=[row("2026-11", 9, "period")])  # fmt: skip
    assert hidden(snapshot["tables"]["county"]) == {"武都": False, "秦州": True, "麦积": False}
    assert hidden(snapshot["tables"]["city"]) == {"陇南": True, "天水": True}
    assert snapshot["headline"]["cases_reported"] == {"value": 9, "hidden": False}
    assert snapshot["tables"]["month"]["total"] is None


def test_a_tiny_period_hides_even_its_total():
    table, _ = public_table([row("武都", 2, "陇南")], row("total", 2))
    assert table["total"]["cells"]["cases_reported"]["hidden"]


def test_the_months_of_the_period_are_one_line_under_the_headline():
    """A month of the period with 4 cases is hidden with the period's other smallest month; a month before the
    period (no total of it is shown) hides only itself."""
    months = [row("2026-07", 4), row("2026-08", 30), row("2026-09", 12, "period"), row("2026-10", 4, "period"),
              row("2026-11", 9, "period")]  # fmt: skip
    table, _ = public_table(months, None)
    assert hidden(table) == {"2026-07": True, "2026-08": False, "2026-09": False, "2026-10": True, "2026-11": True}


def test_periods_and_labels():
    assert valid_period("quarterly", date(2023, 7, 1), date(2026, 12, 2))  # the quarter the integration began in
    assert not valid_period("monthly", date(2023, 7, 1), date(2026, 12, 2))
    assert not valid_period("quarterly", date(2026, 11, 1), date(2026, 12, 2))  # not a quarter's start
    assert not valid_period("monthly", date(2027, 1, 1), date(2026, 12, 2))  # not begun
    found = periods(date(2026, 12, 2))
    assert found[0] == ("quarterly", date(2026, 10, 1))
    assert ("monthly", date(2026, 12, 1)) in found
    assert found[-1] == ("monthly", date(2023, 8, 1))
    assert period_label("quarterly", date(2026, 10, 1)) == Text("2026年第4季度", "Q4 2026")
    assert period_label("monthly", date(2026, 11, 1)) == Text("2026年11月", "November 2026")
    assert len(trend_months(date(2026, 12, 1))) == 12
    assert trend_months(date(2023, 9, 1)) == [date(2023, 8, 1), date(2023, 9, 1)]


def test_cells_as_printed():
    share, minutes, yuan = BY_CODE["quick_claim_share"], BY_CODE["payment_median"], BY_CODE["amount_paid"]
    assert shown(share, {"value": "0.4286", "hidden": False}) == "42.9%"
    assert shown(minutes, {"value": 95, "hidden": False}) == "95 分钟"
    assert shown(minutes, {"value": 95, "hidden": False}, english=True) == "95 min"
    assert shown(yuan, {"value": "12345.50", "hidden": False}) == "12,345.50"
    assert shown(share, {"value": None, "hidden": True}) == "＊"
    assert shown(share, {"value": None, "hidden": False}) == "—"


def test_a_share_hides_when_its_numerator_or_the_rest_is_small():
    """R19 (found on a new user's walk): 60 % of 5 cases gives away 3 agreements as surely as "3"; 20 % of 25 gives
    away 5 (published), 96 % of 25 the one case that was not agreed; 0 % and 100 % single out nobody."""
    cases = {"a": (5, 3), "b": (25, 5), "c": (25, 24), "d": (25, 0), "e": (25, 25)}
    rows = []
    for key, (total, agreed) in cases.items():
        line = row(key, total, agreed=agreed)
        rows.append(RawRow(key, line.label, {**line.values, "quick_claim_share": agreed / total},
                           {**line.bases, "quick_claim_share:numerator": agreed}, None))  # fmt: skip
    table, _exposed = public_table(rows, None)
    assert hidden(table, "quick_claim_share") == {"a": True, "b": False, "c": True, "d": False, "e": False}
