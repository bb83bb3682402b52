"""Every case's score on the platform (issue 16; B5, R20): the facts read where the platform keeps them, the kernel's
rules applied, the score kept with its reasons and recomputed after the commit of each change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claimbridge.fraud import scoring
from claimbridge.fraud.analysis_models import CaseScore

pytestmark = pytest.mark.django_db


def test_r20_the_same_two_drivers_again_and_again_make_a_ring_and_raise_the_score() -> None:
    from tests.factories import two_party_case

    first = two_party_case(photos=(0, 1, 2))
    signals = scoring.case_signals(first)
    assert signals.same_pair_cases == 0
    assert signals.ring_size == 0
    assert signals.claims_12m_vehicles == {"A": 0, "B": 0}
    later = [two_party_case(photos=photos) for photos in ((3, 4, 5), (6, 7, 8))]
    third = later[-1]
    signals = scoring.case_signals(third)
    assert signals.same_pair_cases == 2  # the two earlier cases of the same two people and vehicles
    assert signals.ring_size == 3
    assert signals.claims_12m_vehicles == {"A": 2, "B": 2}
    assert signals.accident_city == "621200"
    score = scoring.case_rescore(third)
    codes = [reason["code"] for reason in score.result["reasons"]]
    assert {"same_pair_before", "ring"} <= set(codes)
    assert score.linked_cases == 2
    assert score.score >= scoring.case_rescore(first).score
    assert all(isinstance(reason["zh"], str) and reason["en"] for reason in score.result["reasons"])


def test_b5_the_stored_facts_hold_no_personal_data() -> None:
    from tests.factories import A_DETAILS, B_DETAILS, two_party_case

    case = two_party_case()
    stored = str(scoring.case_rescore(case).signals)
    for value in (A_DETAILS["plate"], B_DETAILS["plate"], A_DETAILS["driver_licence"], "13700005555", "张三"):
        assert value not in stored


def test_r20_a_police_record_or_an_online_agreement_is_the_police_fact() -> None:
    from tests.factories import agreed_case, two_party_case

    assert scoring.case_signals(two_party_case()).police_attended is None  # not known yet
    assert scoring.case_signals(agreed_case()).police_attended is False  # settled online: no police


def test_an_accident_before_the_first_rules_is_scored_by_the_first_version() -> None:
    from claimbridge.cases.models import Case

    case = Case.objects.create(number="OLD-1", channel="hotline", accident_at=timezone.now() - timedelta(days=4000))
    score = scoring.case_rescore(case)
    assert score.rules_version == 1
    assert score.result["version"]["effective_from"] == "2023-08-15"


def test_r20_rescoring_waits_for_the_commit_and_runs_once_per_change(monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:  # fmt: skip
    """Many events of one change: one rescoring task after the commit, with every case it touched."""
    from claimbridge.fraud import tasks

    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        tasks, "rescore_cases", type("Fake", (), {"enqueue": staticmethod(lambda **kw: sent.append(kw))})
    )
    from tests.factories import two_party_case

    with django_capture_on_commit_callbacks(execute=True):
        case = two_party_case()
    assert len(sent) == 1
    assert sent[0]["case_ids"] == [case.pk]
    assert not CaseScore.objects.filter(case=case).exists()  # the task (faked here) is what scores


def test_r11_a_reused_photo_found_later_rescores_both_cases(monkeypatch: Any) -> None:
    """The evidence task finds a reuse after the upload's commit (no case event): both cases are rescored."""
    from tests.factories import two_party_case

    from claimbridge.evidence.models import EvidenceItem, ReuseMatch

    first, second = two_party_case(photos=(0, 1, 2)), two_party_case(photos=(3, 4, 5))
    a = EvidenceItem.objects.filter(file_id=first.evidence_id).first()
    b = EvidenceItem.objects.filter(file_id=second.evidence_id).first()
    assert a is not None
    assert b is not None
    asked: list[list[int]] = []
    monkeypatch.setattr(scoring, "rescore_after_commit", lambda ids, rings=(): asked.append(sorted(ids)))
    ReuseMatch.objects.create(item=a, matched_item=b, distance=0, identical=True)
    assert asked == [sorted([first.pk, second.pk])]
