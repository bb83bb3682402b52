"""Who reads which figures (issue 17; R17, R19, B8, B9), with real cases of four companies (tests/factories.py,
`statistics_world`): an insurer — by its system's API key or its staff's session — reads its own company's figures
and the market's totals, never another company's (asked by `insurer=`, by another company's `claims_unit=`, or by
`by=insurer`/`by=claims_unit`), on the API, the dashboard and the exports alike; the associations, the regulator and
the platform read every company's; nobody else reads any. Bad input is a 422 naming its field, in both languages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from claimbridge.accounts.models import User
from claimbridge.organisations.models import ClaimsUnit

pytestmark = pytest.mark.django_db

COMPETITORS_OF_MAIJI = ("天陇", "伏羲", "白龙江", "Tianlong", "Fuxi", "Bailongjiang")
SEE_ALL = ("ln_assoc", "ts_assoc", "regulator", "admin")
REFUSED = ("driver_ln", "maiji_adj1", "police_ln", "antifraud")


@pytest.fixture(scope="module")
def stats(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The statistics world, built once for the module in a transaction rolled back at its end."""
    from tests.factories import built_once, statistics_world

    def build() -> dict[str, Any]:
        users = {user.username: user for user in User.objects.select_related("insurer")}
        built = statistics_world(users)
        built["users"] = users
        built["units"] = {code: list(ClaimsUnit.objects.filter(branch__insurer__code=code).values_list("pk", flat=True))
                          for code in ("maiji", "tianlong")}  # fmt: skip
        return built

    with built_once(django_db_blocker, build) as built:
        yield built


def _key(stats: dict[str, Any], username: str) -> Client:
    """A client sending an API key of this user's (an insurer's system), no session."""
    from claimbridge.accounts.api_keys import api_key_create

    _key_row, token = api_key_create(user=stats["users"][username], name="statistics test")
    return Client(headers={"authorization": f"Bearer {token}"})


def _session(stats: dict[str, Any], username: str | None) -> Client:
    client = Client()
    if username is not None:
        client.force_login(stats["users"][username])
    return client


def _figures(response: Any) -> dict[str, str | None]:
    return {figure["code"]: figure["value"] for figure in response.json()["total"]["figures"]}


def test_r19_an_insurers_key_reads_its_own_company_and_the_market(stats: dict[str, Any]) -> None:
    client = _key(stats, "maiji_hq")
    market = client.get("/api/v1/reports/figures", secure=True)
    assert market.status_code == 200
    assert market.json()["insurer_view"] is False
    assert _figures(market)["cases_reported"] == "4"
    assert _figures(market)["cross_region_share"] == "0.3750"  # 3 of the 8 parties with both cities known
    own = client.get("/api/v1/reports/figures?insurer=maiji", secure=True)
    assert own.status_code == 200
    assert own.json()["insurer_view"] is True
    figures = _figures(own)
    assert figures["cases_reported"] == "3"  # 麦积 has a party in three of the four cases
    assert figures["amount_paid"] == "1600.00"
    assert figures["first_contact_median"] == "25"
    by_unit = client.get("/api/v1/reports/figures?insurer=maiji&by=claims_unit", secure=True)
    assert by_unit.status_code == 200
    assert {int(row["key"]) for row in by_unit.json()["rows"]} <= set(stats["units"]["maiji"])
    one_unit = client.get(f"/api/v1/reports/figures?claims_unit={stats['units']['maiji'][0]}", secure=True)
    assert one_unit.status_code == 200
    by_county = client.get("/api/v1/reports/figures?by=county&period=" + market.json()["first"], secure=True)
    assert by_county.status_code == 200  # the market by county is nobody's company


@pytest.mark.parametrize("query", [
    "insurer=tianlong", "by=insurer", "by=claims_unit", "insurer=tianlong&by=county", "by=insurer&insurer=maiji",
    "claims_unit={tianlong_unit}", "insurer=maiji&claims_unit={tianlong_unit}",
])  # fmt: skip
def test_b8_an_insurer_never_reads_another_companys_figures(stats: dict[str, Any], query: str) -> None:
    path = "/api/v1/reports/figures?" + query.format(tianlong_unit=stats["units"]["tianlong"][0])
    for client in (_key(stats, "maiji_hq"), _session(stats, "maiji_unit1")):
        response = client.get(path, secure=True)
        assert response.status_code == 403, (query, response.content)
        assert response.json()["error"]["code"] == "other_insurer"  # said why, in both languages
        assert not any(name in response.content.decode() for name in COMPETITORS_OF_MAIJI)


@pytest.mark.parametrize("username", SEE_ALL)
def test_r17_the_associations_the_regulator_and_the_platform_read_every_company(stats: dict[str, Any],
                                                                                username: str) -> None:  # fmt: skip
    client = _session(stats, username)
    response = client.get("/api/v1/reports/figures?by=insurer", secure=True)
    assert response.status_code == 200
    counts = {row["label"]: next(f["value"] for f in row["figures"] if f["code"] == "cases_reported")
              for row in response.json()["rows"]}  # fmt: skip
    assert len([label for label, count in counts.items() if count != "0"]) == 4  # every company with a case
    tianlong = client.get("/api/v1/reports/figures?insurer=tianlong", secure=True)
    assert tianlong.status_code == 200
    assert _figures(tianlong)["cases_reported"] == "3"
    assert client.get("/reports/?insurer=maiji", secure=True).status_code == 200
    assert client.get("/reports/figures.csv?insurer=tianlong", secure=True).status_code == 200


@pytest.mark.parametrize("username", [None, *REFUSED])
def test_b8_nobody_else_reads_any_figure(stats: dict[str, Any], username: str | None) -> None:
    client = _session(stats, username)
    api = client.get("/api/v1/reports/figures", secure=True)
    assert api.status_code == (401 if username is None else 403)
    assert api.json()["error"]["code"] in {"not_authenticated", "forbidden"}
    bad_input = client.get("/api/v1/reports/figures?period=nonsense", secure=True)
    assert bad_input.status_code == (401 if username is None else 403)  # refused before the query is read
    for path in ("/reports/", "/reports/figures.xlsx", "/reports/figures.csv"):
        page = client.get(path, secure=True)
        assert page.status_code == (302 if username is None else 403), path
    if username is not None:
        assert _key(stats, username).get("/api/v1/reports/figures", secure=True).status_code == 403


def test_b8_an_insurers_dashboard_and_exports_name_no_other_company(stats: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    client = _session(stats, "maiji_hq")
    page = client.get("/reports/", secure=True)
    assert page.status_code == 200
    body = page.content.decode()
    assert not [name for name in COMPETITORS_OF_MAIJI if name in body]
    assert 'data-testid="chart-insurer"' not in body
    assert 'data-testid="chart-comparison"' in body
    assert "麦积山财险" in body
    for refused in ("/reports/?insurer=tianlong", "/reports/?by=insurer&insurer=fuxi",
                    f"/reports/figures.xlsx?claims_unit={stats['units']['tianlong'][0]}",
                    "/reports/figures.csv?insurer=tianlong", "/reports/figures.xlsx?insurer=bailong"):  # fmt: skip
        assert client.get(refused, secure=True).status_code == 403, refused

    text = client.get("/reports/figures.csv", secure=True).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["table"] for row in rows} == {"total", "month", "county"}  # no table by company
    assert {row["scope_name"] for row in rows} == {"麦积山财险", "全市场"}
    assert not [name for name in COMPETITORS_OF_MAIJI if name in text]
    own = next(r for r in rows if (r["table"], r["scope"], r["figure"]) == ("total", "subject", "cases_reported"))
    assert own["value"] == "3"

    book = load_workbook(io.BytesIO(client.get("/reports/figures.xlsx", secure=True).content))
    assert book.sheetnames == ["合计", "按月", "按县区"]
    cells = [str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [name for name in COMPETITORS_OF_MAIJI if any(name in cell for cell in cells)]


def test_r17_the_associations_dashboard_has_every_company_and_the_map(stats: dict[str, Any]) -> None:
    client = _session(stats, "ln_assoc")
    body = client.get("/reports/", secure=True).content.decode()
    for name in ("天陇财险", "麦积山财险", "伏羲财险", "白龙江财险"):
        assert name in body
    assert 'data-testid="chart-insurer"' in body
    assert body.count("<path d=") >= 16  # the sixteen counties of both cities
    tianshui = client.get("/reports/?city=620500&figure=cross_region_share", secure=True).content.decode()
    assert tianshui.count('data-code="62') == 7  # Tianshui's seven counties on the map
    book_rows = client.get("/reports/figures.csv", secure=True).content.decode("utf-8-sig")
    assert "insurer,market" in book_rows


def test_the_definitions_are_public(stats: dict[str, Any]) -> None:
    from claimbridge.stats.figures import FIGURES

    response = Client().get("/api/v1/reports/figures/definitions", secure=True)
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["figures"]] == [figure.code for figure in FIGURES]
    assert response.json()["figures"][0]["formula"]["zh"]


BAD = {  # query → (code, field)
    "period=nonsense": ("bad_period", "period"),
    "period=2026-Q5": ("bad_period", "period"),
    "period=2026-13": ("bad_month", "period"),
    "period=0000-Q1": ("bad_period", "period"),
    "period=0000-01": ("bad_month", "period"),
    "period=99999-01": ("bad_period", "period"),
    "period=9999-Q4": ("period_not_begun", "period"),
    "period=2019-Q1": ("period_too_early", "period"),
    "first=2025-06&last=2025-01": ("last_before_first", "last"),
    "first=2023-01&last=2030-12": ("period_too_long", "last"),
    "first=2024-1": ("bad_month", "first"),
    "last=2025-01": ("first_missing", "first"),
    "period=2025-Q1&first=2025-01": ("period_twice", "period"),
    "city=abc": ("unknown_city", "city"),
    "city=999999": ("unknown_city", "city"),
    "county=621299": ("unknown_county", "county"),
    "city=620500&county=621202": ("county_not_in_city", "county"),
    "insurer=nobody": ("unknown_insurer", "insurer"),
    "insurer=MAIJI%27--": ("unknown_insurer", "insurer"),
    "claims_unit=abc": ("bad_claims_unit", "claims_unit"),
    "claims_unit=-1": ("bad_claims_unit", "claims_unit"),
    "claims_unit=99999999999999999999": ("bad_claims_unit", "claims_unit"),
    "claims_unit=999999": ("unknown_claims_unit", "claims_unit"),
    "channel=fax": ("unknown_channel", "channel"),
    "by=planet": ("unknown_grouping", "by"),
    "by=" + "x" * 500: ("too_long", "by"),
}


@pytest.mark.parametrize("query", list(BAD))
def test_bad_input_is_a_422_naming_its_field_in_both_languages(stats: dict[str, Any], query: str) -> None:
    code, field = BAD[query]
    api = _session(stats, "ln_assoc").get(f"/api/v1/reports/figures?{query}", secure=True)
    assert api.status_code == 422, api.content
    error = api.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["zh"] != error["en"]
    assert any("\u4e00" <= char <= "\u9fff" for char in error["zh"])
    page = _session(stats, "maiji_hq").get(f"/reports/?{query}", secure=True)
    assert page.status_code == 422
    shown = "period" if field in ("first", "last") else field  # the page's picker has the period only
    assert f'data-testid="error-{shown}"' in page.content.decode()  # next to its field, or above when not shown
    export = _session(stats, "ln_assoc").get(f"/reports/figures.csv?{query}", secure=True)
    assert export.status_code == 422


def test_an_unknown_figure_for_the_map_is_refused_next_to_its_field(stats: dict[str, Any]) -> None:
    page = _session(stats, "ln_assoc").get("/reports/?figure=bogus", secure=True)
    assert page.status_code == 422
    assert 'data-testid="error-figure"' in page.content.decode()


def test_the_dashboard_reads_in_english_too(stats: dict[str, Any]) -> None:
    """Everything on the page in the reader's language: figure names, places, companies, units and the charts'
    words (the Chinese page is checked in Chromium)."""
    import re

    from django.conf import settings

    client = _session(stats, "ln_assoc")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/reports/?insurer=maiji", secure=True).content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert "Wudu District" in main
    assert "Maijishan P&amp;C" in main
    assert "Cases reported by month" in main
    assert set(re.findall(r"[\u4e00-\u9fff]+", main)) <= {"快处易赔"}  # the scheme's name, in its formula


def test_a_channel_keeps_no_waits_and_the_page_says_so(stats: dict[str, Any]) -> None:
    client = _session(stats, "regulator")
    api = client.get("/api/v1/reports/figures?channel=driver", secure=True).json()
    assert {"first_contact_median", "adjuster_stops", "fraud_clues"} <= set(api["unavailable"])
    assert _figures_of(api)["first_contact_median"] is None
    assert _figures_of(api)["cases_reported"] == "2"  # the two quick claims reported from the drivers' phones
    page = client.get("/reports/?channel=driver&figure=first_contact_median", secure=True).content.decode()
    assert "时长不按报案渠道统计" in page
    assert "此筛选条件下不统计" in page  # on the cards


def _figures_of(body: dict[str, Any]) -> dict[str, str | None]:
    return {figure["code"]: figure["value"] for figure in body["total"]["figures"]}


def test_without_boundaries_the_map_is_its_table_and_a_note(stats: dict[str, Any], settings: Any) -> None:
    settings.COUNTY_BOUNDARIES_FILE = ""
    page = _session(stats, "ln_assoc").get("/reports/", secure=True)
    assert page.status_code == 200
    body = page.content.decode()
    assert "未配置县区边界" in body
    assert 'data-testid="table-map"' in body
