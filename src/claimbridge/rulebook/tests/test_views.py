"""The rule pages: the catalogue with a liability check, and the settlement calculator (B2)."""

from __future__ import annotations

import pytest


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
