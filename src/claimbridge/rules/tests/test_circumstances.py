"""The 21 circumstances as dated data, and liability decided from them (R3 condition 5, R21, B2)."""

from __future__ import annotations

from datetime import date

import pytest

from claimbridge.rules.circumstances import catalogue_on, catalogues, circumstances_document, liability_from_document
from claimbridge.rules.common import RuleInputError


def liability(circumstances, **extra):
    return liability_from_document({"circumstances": circumstances, **extra})["liability"]


def test_version_1_holds_21_items_numbered_1_to_21_with_the_official_wording():
    catalogue = catalogue_on(date(2024, 6, 1))
    assert catalogue.version == 1
    assert list(catalogue.items) == list(range(1, 22))
    assert catalogue.items[1].text.zh == "在同车道行驶中，不按规定与前车保持必要的安全距离的（追尾）"
    assert catalogue.items[19].text.zh == "溜车的"
    assert catalogue.items[20].text.zh == "开关车门造成道路交通事故的"
    assert catalogue.items[21].text.zh == "依法应负全部责任的其他情形"
    assert all(item.text.en and item.at_fault.zh for item in catalogue.items.values())
    assert [n for n, item in catalogue.items.items() if not item.decides_alone] == [21]


def test_an_accident_is_judged_by_the_catalogue_in_force_on_its_date():
    assert all(a.effective_from < b.effective_from for a, b in zip(catalogues(), catalogues()[1:], strict=False))
    with pytest.raises(RuleInputError):
        catalogue_on(date(2018, 4, 30))
    assert (
        liability_from_document({"circumstances": {"A": [1], "B": []}, "date": "2018-05-01"})["catalogue"]["version"]
        == 1
    )


def test_the_printed_catalogue_is_the_one_in_force():
    printed = circumstances_document({})
    assert printed["version"] == 1
    assert len(printed["items"]) == 21
    assert printed["items"][0]["number"] == 1
    assert "zh" in printed["rule"]


@pytest.mark.parametrize("number", range(1, 21))
def test_b2_one_party_with_any_listed_circumstance_is_fully_liable(number):
    assert liability({"A": [], "B": [number]}) == {"A": "none", "B": "full"}


def test_b2_both_parties_with_listed_circumstances_share_equally():
    assert liability({"A": [2], "B": [14]}) == {"A": "equal", "B": "equal"}


def test_neither_party_with_a_circumstance_is_undetermined():
    decision = liability_from_document({"circumstances": {"A": [], "B": []}})
    assert decision["liability"] == {"A": "undetermined", "B": "undetermined"}
    assert decision["determined"] is False
    assert any("报警" in line["zh"] and "police" in line["en"] for line in decision["basis"])


def test_item_21_never_decides_by_itself():
    assert liability({"A": [21], "B": []}) == {"A": "undetermined", "B": "undetermined"}
    assert liability({"A": [21], "B": [1]}) == {"A": "undetermined", "B": "undetermined"}  # it would change the result


def test_item_21_counts_once_confirmed_by_all_or_the_police():
    assert liability({"A": [21], "B": []}, item_21_confirmed=True) == {"A": "full", "B": "none"}
    assert liability({"A": [21], "B": [1]}, item_21_confirmed=True) == {"A": "equal", "B": "equal"}


def test_item_21_beside_a_listed_item_of_the_same_party_changes_nothing():
    assert liability({"A": [1, 21], "B": []}) == {"A": "full", "B": "none"}


def test_the_basis_quotes_the_circumstance_in_both_languages():
    decision = liability_from_document({"circumstances": {"A": [18], "B": []}})
    assert any("不按规定倒车的" in line["zh"] and "Reversed improperly" in line["en"] for line in decision["basis"])


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"circumstances": {"A": [22], "B": []}}, "circumstances.A[0]"),
        ({"circumstances": {"A": [0], "B": []}}, "circumstances.A[0]"),
        ({"circumstances": {"A": ["一"], "B": []}}, "circumstances.A[0]"),
        ({"circumstances": {"A": 1, "B": []}}, "circumstances.A"),
        ({"circumstances": {"A": [1]}}, "circumstances"),
        ({"circumstances": [1, 2]}, "circumstances"),
        ({"circumstances": {"A": [1], "B": []}, "who": "me"}, "who"),
        ({}, "circumstances"),
        ([], ""),
    ],
)
def test_bad_circumstances_are_refused(document, field):
    with pytest.raises(RuleInputError) as caught:
        liability_from_document(document)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("answered", "unanswered", "outlook"),
    [
        ({"A": []}, ["B"], "open"),  # none of these is an answer; B's may still decide it
        ({"A": [1]}, ["B"], "open"),  # decided only once B has answered too (B might choose item 21)
        ({}, ["A", "B"], "open"),
        ({"A": [21]}, ["B"], "undetermined"),  # item 21 alone: no answer of B's can decide it
        ({"A": [], "B": []}, [], "undetermined"),
        ({"A": [1], "B": []}, [], "determined"),
        ({"A": [2], "B": [14]}, [], "determined"),
    ],
)
def test_liability_waits_for_a_party_who_has_not_chosen_yet(answered, unanswered, outlook):
    """Issue 13 (phone walk): a party who has not chosen is not a party who chose none."""
    from claimbridge.rules.circumstances import liability_outlook

    assert liability_outlook(answered, unanswered, catalogue_on(date(2024, 6, 1))) == outlook


def test_the_outlook_agrees_with_every_answer_the_waiting_party_could_give():
    """The three kinds of answer tried stand for all 22 (none, and each item): exact, not a sample."""
    from claimbridge.rules.circumstances import UNDETERMINED, liability_grades, liability_outlook

    catalogue = catalogue_on(date(2024, 6, 1))
    for mine in [[], *([n] for n in catalogue.items)]:
        possible = any(
            UNDETERMINED not in liability_grades({"A": mine, "B": theirs}, catalogue).values()
            for theirs in [[], *([n] for n in catalogue.items)]
        )
        assert liability_outlook({"A": mine}, ["B"], catalogue) == ("open" if possible else "undetermined")
