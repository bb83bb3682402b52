"""One scoped read of a case's photos, for the phone of a party and for staff (issue 13 follow-up; B8, R10).

There were two: `case_photos(case)` read every item of the case for whoever called it, `case_thumbnails_for_user`
went through the evidence scope. Now there is one read that asks who reads: a party of this very case, or a user the
evidence scope lets in — anyone else, and a call naming nobody (or both), gets nothing.
"""

from __future__ import annotations

import pytest
from tests.factories import two_party_case

from claimbridge.cases import selectors


@pytest.fixture
def cases(users):
    return two_party_case(), two_party_case(photos=(3, 4, 5))


def test_a_party_reads_the_photos_of_its_own_case_only(cases):
    mine, other = cases
    a = mine.parties.get(label="A")
    own = selectors.case_photos(case=mine, party=a)
    assert len(own) == 3
    assert [item.uploaded_at for item in own] == sorted(item.uploaded_at for item in own)
    assert selectors.case_photos(case=other, party=a) == []
    foreign = selectors.case_photos(case=other, party=other.parties.get(label="A"))[0]
    assert selectors.case_photo(case=mine, item_id=foreign.pk, party=a) is None
    assert selectors.case_photo(case=other, item_id=foreign.pk, party=a) is None
    assert selectors.case_photo(case=mine, item_id=own[0].pk, party=a) == own[0]


def test_staff_read_the_photos_the_evidence_scope_lets_them_see(cases, users):
    """A's insurer (麦积) and B's (天陇) handle a party of the case; 白龙 insures neither and sees nothing."""
    mine, _ = cases
    assert len(selectors.case_photos(case=mine, user=users["maiji_unit1"])) == 3
    assert len(selectors.case_photos(case=mine, user=users["tianlong_unit1"])) == 3
    assert selectors.case_photos(case=mine, user=users["bailong_hq"]) == []
    some = selectors.case_photos(case=mine, user=users["maiji_unit1"])[0]
    assert selectors.case_photo(case=mine, item_id=some.pk, user=users["bailong_hq"]) is None
    assert selectors.case_photo(case=mine, item_id=some.pk, user=users["maiji_unit1"]) == some
    assert len(selectors.case_photos(case=mine, user=users["maiji_unit1"], limit=2)) == 2


def test_a_read_that_names_no_reader_or_two_gets_nothing(cases, users):
    mine, _ = cases
    assert selectors.case_photos(case=mine) == []
    assert selectors.case_photos(case=mine, user=users["maiji_unit1"], party=mine.parties.get(label="A")) == []
    assert selectors.case_photo(case=mine, item_id=1) is None


def test_the_case_page_lists_photos_with_their_slot_names(cases, users):
    mine, _ = cases
    cards = selectors.photo_cards(selectors.case_photos(case=mine, user=users["maiji_unit1"]))
    assert [card["party"] for card in cards] == ["A", "A", "B"]
    assert all(card["thumbnail"] for card in cards)
    assert "front_panorama" not in {card["slot"] for card in cards}  # the slot's name, not its code
