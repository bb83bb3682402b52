"""Who reads the link index, the rings and the scores (issue 16; B5, B8, R20), with real objects of two insurers.

The world's agreed and confirming cases are between 麦积's customer (A) and 天陇's (B); the draft names only 麦积's.
A third case of the same two drivers makes the three a ring. Every actor asks for every case's score and links, the
ring list and the ring: the committee and the platform administrator read everything; an insurer's staff the
scores of the cases where their company covers a party — never another's pseudonym, ring or score.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from claimbridge.fraud import linking, scoring
from claimbridge.fraud.analysis_models import CaseLink, Ring, RingLook
from tests.world import MAIJI_STAFF, OTHER_STAFF, SIGNED_IN, TIANLONG_STAFF

pytestmark = pytest.mark.django_db

COMMITTEE = {"antifraud", "admin"}
SCORES_OF = {"agreed": TIANLONG_STAFF | MAIJI_STAFF | COMMITTEE, "confirming": TIANLONG_STAFF | MAIJI_STAFF | COMMITTEE,
             "draft": MAIJI_STAFF | COMMITTEE}  # fmt: skip
ACTORS = sorted(SIGNED_IN | {"anonymous"})


@pytest.fixture
def analysed(world: Any) -> dict[str, Any]:
    """The world's cases indexed and scored, plus a third case of the same drivers: a ring of three."""
    from tests.factories import two_party_case

    third = two_party_case(photos=(6, 7, 8))
    linking.rings_rescan()
    scoring.cases_rescore([world.agreed.pk, world.confirming.pk, world.draft.pk, third.pk])
    ring = Ring.objects.get(members__case=world.agreed)
    assert ring.size >= 3
    return {"ring": ring, "third": third}


def _status(world: Any, actor: str, path: str) -> tuple[int, str]:
    response = world.client(actor).get(path, secure=True)
    return response.status_code, response.content.decode()


def test_b8_scores_are_read_by_the_companies_of_the_case_and_the_committee_only(world: Any, analysed: Any) -> None:
    for name in ("agreed", "confirming", "draft"):
        number = world.case_of(name).number
        for actor in ACTORS:
            status, body = _status(world, actor, f"/api/v1/fraud/cases/{number}/score")
            expected = 401 if actor == "anonymous" else 200 if actor in SCORES_OF[name] else 404
            assert status == expected, (name, actor, status)
            if status == 200:
                assert {"linked_cases", "reasons"} <= set(json.loads(body))


def test_b5_an_insurer_reads_no_pseudonym_and_no_ring(world: Any, analysed: Any) -> None:
    """Links (pseudonyms) and rings are the committee's: to everyone else a case's links and a real ring are 404,
    the ring list 403; no pseudonym of the index appears in anything an insurer can fetch about the case."""
    ring = analysed["ring"]
    pseudonyms = set(CaseLink.objects.filter(case=world.agreed).values_list("pseudonym", flat=True))
    assert pseudonyms
    for actor in ACTORS:
        anonymous = actor == "anonymous"
        links, links_body = _status(world, actor, f"/api/v1/fraud/cases/{world.agreed.number}/links")
        listing, _ = _status(world, actor, "/api/v1/fraud/rings")
        detail, _ = _status(world, actor, f"/api/v1/fraud/rings/{ring.pk}")
        page, _ = _status(world, actor, f"/fraud/rings/{ring.pk}/")
        if actor in COMMITTEE:
            assert (links, listing, detail, page) == (200, 200, 200, 200), actor
            assert all(pseudonym in links_body for pseudonym in pseudonyms), actor
            continue
        assert links == (401 if anonymous else 404), (actor, links)
        assert listing == (401 if anonymous else 403), (actor, listing)
        assert detail == (401 if anonymous else 404), (actor, detail)
        assert page in (302, 403), (actor, page)
        for path in (f"/api/v1/fraud/cases/{world.agreed.number}/score", "/api/v1/fraud/scores", "/fraud/scores/",
                     f"/fraud/scores/{world.agreed.number}/"):  # fmt: skip
            _code, body = _status(world, actor, path)
            assert not any(pseudonym in body for pseudonym in pseudonyms), (actor, path)


def test_b8_an_insurer_sees_only_how_many_cases_are_linked(world: Any, analysed: Any) -> None:
    """天陇's staff see on the agreed case "linked to N cases" — not which: the third case's number (a case of the
    same drivers) never shows; on the score list, the draft (麦积's alone) never shows either."""
    third = analysed["third"].number
    for actor in sorted(TIANLONG_STAFF):
        status, body = _status(world, actor, f"/api/v1/fraud/cases/{world.agreed.number}/score")
        assert status == 200
        assert json.loads(body)["linked_cases"] == 2
        assert third not in body
        _code, listing = _status(world, actor, "/api/v1/fraud/scores")
        assert world.draft.number not in listing
        assert world.agreed.number in listing
        _code, page = _status(world, actor, "/fraud/scores/")
        assert world.draft.number not in page
    for actor in sorted(OTHER_STAFF):
        _code, listing = _status(world, actor, "/api/v1/fraud/scores")
        assert world.agreed.number not in listing
        assert world.draft.number not in listing


def test_b8_every_look_at_a_ring_is_recorded(world: Any, analysed: Any) -> None:
    ring = analysed["ring"]
    before = RingLook.objects.count()
    world.client("antifraud").get(f"/fraud/rings/{ring.pk}/", secure=True)
    world.client("admin").get(f"/api/v1/fraud/rings/{ring.pk}", secure=True)
    world.client("maiji_hq").get(f"/api/v1/fraud/rings/{ring.pk}", secure=True)  # refused: no look to record
    looks = list(RingLook.objects.order_by("pk")[before:])
    assert [(look.user.username, look.route, look.ring_number) for look in looks] == \
        [("antifraud", "page", ring.pk), ("admin", "api", ring.pk)]  # fmt: skip
    assert world.agreed.number in looks[0].cases


def test_the_scope_check_is_what_refuses(world: Any, analysed: Any, monkeypatch: Any) -> None:
    """Break the scope's score rule on purpose: an insurer in no case of the world reads the agreed case's score."""
    from django.db.models import Q

    from claimbridge.accounts.scope import Scope

    number = world.agreed.number
    assert _status(world, "fuxi_hq", f"/api/v1/fraud/cases/{number}/score")[0] == 404
    monkeypatch.setattr(Scope, "fraud_scores_q", lambda self: Q())
    assert _status(world, "fuxi_hq", f"/api/v1/fraud/cases/{number}/score")[0] == 200
