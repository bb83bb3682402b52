"""The rule pages: the catalogue with a liability check, and the settlement calculator (B2)."""

from __future__ import annotations

import re

import pytest

from claimbridge.rulebook.tests.factories import quick_claim_form


def settlement_form(**changes):
    data = {"accident_date": "2024-06-01", "mutual_self_compensation": "auto", "no_fault_proxy": "on"}
    for vid in "ABCD":
        data |= {f"{vid}_liability": "", f"{vid}_ctpl_units": "1", f"{vid}_third_party_limit": "1000000"}
        data |= {
            f"{vid}_{name}": "0" for name in ("vehicle", "other_property", "medical", "death_disability", "salvage")
        }
    data |= {"A_liability": "primary", "B_liability": "secondary", "A_vehicle": "20000", "B_vehicle": "30000",
             "A_own_damage": "on", "B_own_damage": "on"}  # fmt: skip
    return data | changes


def test_the_catalogue_lists_all_21_circumstances(client):
    page = client.get("/rules/", secure=True).content.decode()
    assert "在同车道行驶中，不按规定与前车保持必要的安全距离的（追尾）" in page
    assert "依法应负全部责任的其他情形" in page


def test_the_liability_check_answers_in_place(client):
    response = client.post("/rules/liability/", {"party_a": "", "party_b": "5"}, secure=True, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "liability-result" in body
    assert "<html" not in body


def test_the_liability_check_works_without_javascript(client):
    response = client.post("/rules/liability/", {"party_a": "2", "party_b": "14"}, secure=True)
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_a_choice_outside_the_catalogue_is_refused(client):
    assert client.post("/rules/liability/", {"party_a": "99", "party_b": ""}, secure=True).status_code == 422


def test_the_calculator_shows_every_payment(client):
    response = client.post("/rules/settlement/", settlement_form(), secure=True, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    for amount in ("19600.00", "5400.00", "12600.00", "8400.00", "2000.00"):
        assert amount in body


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"A_vehicle": "-5"}, 422),
        ({"A_liability": "", "B_liability": ""}, 422),
        ({"B_liability": "full"}, 422),  # 170 % in all: the kernel refuses it
        ({"accident_date": "2005-01-01"}, 422),
    ],
)
def test_bad_calculator_input_is_explained(client, changes, status):
    response = client.post("/rules/settlement/", settlement_form(**changes), secure=True, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    assert 'class="error"' in response.content.decode()


def test_the_calculator_speaks_english_on_request(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    body = client.post("/rules/settlement/", settlement_form(), secure=True).content.decode()
    assert "How it was worked out" in body
    assert "commercial third-party cover pays" in body


@pytest.mark.django_db
def test_r3_the_self_check_lists_every_condition(client):
    response = client.post("/rules/quick-claim/", quick_claim_form(), secure=True, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("data-code=") == 18
    assert "status-bad" not in body


@pytest.mark.django_db
def test_r3_an_insurer_present_in_one_city_only_fails_that_condition(client):
    """白龙江 (demo) has branches in Longnan only: the platform knows it, nobody types it."""
    response = client.post(
        "/rules/quick-claim/", quick_claim_form(B_insurer="bailong"), secure=True, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'class="status-bad" data-code="insurer_in_both_cities"' in body
    assert body.count("status-bad") == 1


@pytest.mark.django_db
def test_the_self_check_reads_policy_periods_and_places(client):
    expired = quick_claim_form(B_ctpl_end="2024-05-31")
    body = client.post("/rules/quick-claim/", expired, secure=True, HTTP_HX_REQUEST="true").content.decode()
    assert 'class="status-bad" data-code="ctpl_both"' in body
    elsewhere = quick_claim_form(A_third_party_city="other")
    body = client.post("/rules/quick-claim/", elsewhere, secure=True, HTTP_HX_REQUEST="true").content.decode()
    assert 'class="status-bad" data-code="insured_in_region"' in body


@pytest.mark.django_db
def test_the_self_check_asks_for_a_missing_policy_end(client):
    response = client.post("/rules/quick-claim/", quick_claim_form(A_ctpl_end=""), secure=True)
    assert response.status_code == 422
    assert "请填写保险止期" in response.content.decode()


def test_annual_policies_start_the_day_after_a_year_earlier():
    from datetime import date

    from claimbridge.rulebook.forms import annual_policy_start

    assert annual_policy_start(date(2024, 12, 31)) == date(2024, 1, 1)
    assert annual_policy_start(date(2024, 2, 29)) == date(2023, 3, 1)


@pytest.mark.django_db
def test_r3_the_register_overrides_what_is_typed_for_the_staffs_own_vehicle(client, users):
    """A's cover comes from the register (expired there, whatever was typed); B's typed cover is marked unverified.
    Only for whoever may read A's policies in full (issue 12: test_self_check_register.py)."""
    from claimbridge.policies.tests.factories import load, row

    load(users, [row("TL2023000001", start="2023-01-01", end="2023-12-31"),
                 row("TL2023000002", cover_type="third_party", limit="1000000", start="2023-01-01", end="2023-12-31")])  # fmt: skip
    client.force_login(users["tianlong_hq"])
    body = client.post("/rules/quick-claim/", quick_claim_form(), secure=True, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="from-register"' in body
    assert 'class="status-bad" data-code="ctpl_both"' in body  # the register says A's policies expired in 2023
    assert body.count('data-testid="unverified"') == 2  # B's ctpl and third-party: typed, not in the register


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "data", "field", "summary"),
    [
        ("/rules/quick-claim/", quick_claim_form(B_insurer=""), "id_B_insurer", "B 方 · 保险公司"),
        ("/rules/settlement/", settlement_form(A_vehicle="12,00元"), "id_A_vehicle", "A 车 · 车辆损失"),
    ],
)
def test_a_refused_field_is_marked_where_it_is(client, path, data, field, summary):
    """Issue 13 (B1): a refusal from an htmx submit redraws the form with the error just below the field, the
    field marked invalid, and a summary beside the button that names and links the field (it said "please correct
    the fields marked above" and marked nothing when the missing field was the insurer)."""
    response = client.post(path, data, secure=True, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body  # the form comes back with the answer
    assert f'id="{field}-error"' in body
    assert re.search(rf'<(select|input)[^>]*aria-invalid="true"[^>]*id="{field}"', body)
    assert f'href="#{field}"' in body
    assert summary in body


@pytest.mark.django_db
def test_an_accepted_check_redraws_the_form_without_marks(client):
    body = client.post("/rules/quick-claim/", quick_claim_form(), secure=True, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="true"' in body  # the marks of an earlier refusal go
    assert 'data-testid="form-errors"' not in body
    assert "field-error" not in body
    assert 'data-testid="eligibility-result"' in body
    assert 'class="result result-ok' in body
    assert 'href="/cases/start/" data-testid="start-report"' in body  # walk finding 23: a "yes" leads to the report


@pytest.mark.django_db
def test_the_calculator_reads_money_as_the_desk_does(client):
    """Issue 13 (R12, B9): one reading of typed money on the platform — "20,000元" and "２００００" are the 20000 of the
    plain form, in the calculator as at the claims desk."""
    plain = client.post("/rules/settlement/", settlement_form(), secure=True, HTTP_HX_REQUEST="true")
    typed = client.post("/rules/settlement/", settlement_form(A_vehicle="20,000元", B_vehicle="３００００"), secure=True,
                        HTTP_HX_REQUEST="true")  # fmt: skip
    assert plain.status_code == typed.status_code == 200
    assert plain.context["result"] == typed.context["result"]
