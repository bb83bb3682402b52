"""The learned score on the platform (issue 16; B5, R20): trained on the committees' decisions, kept as a versioned
model, put in use by the platform administrator only, and then scoring every case beside the rules."""

from __future__ import annotations

from typing import Any

import pytest
from tests.factories import linked_case

from claimbridge.core.errors import AppError
from claimbridge.fraud import learning, scoring
from claimbridge.fraud.analysis_models import LearnedModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(monkeypatch: Any) -> list[Any]:
    """Thirty cases, the committee's decisions planted on the channel: the hotline's were confirmed frauds."""
    cases = []
    for i in range(30):
        case = linked_case(f"L{i:03d}", [{"plate": f"甘K6{i:04d}"}])
        case.channel = "hotline" if i % 2 else "driver"
        case.save(update_fields=["channel"])
        cases.append(case)
    monkeypatch.setattr(learning, "outcomes", lambda: {case.pk: int(case.channel == "hotline") for case in cases})
    return cases


def test_r20_a_model_trained_on_decisions_scores_cases_with_reasons(decided: list[Any], users: dict[str, Any]) -> None:
    model = learning.model_train(user=users["admin"], put_in_use=True)
    assert model.in_use and model.rows == 30 and model.positives == 15  # noqa: PT018
    again = learning.model_train(user=users["admin"])  # the same decisions: the same model, kept once
    assert again.pk == model.pk
    assert LearnedModel.objects.count() == 1
    fraud = scoring.case_rescore(decided[1])
    honest = scoring.case_rescore(decided[0])
    assert fraud.learned is not None and honest.learned is not None  # noqa: PT018
    assert fraud.learned > honest.learned
    assert fraud.learned_version == model.version
    assert fraud.learned_reasons[0]["feature"] == "channel"


def test_b8_only_the_platform_administrator_trains_and_only_with_enough_outcomes(decided: list[Any],
                                                                                 users: dict[str, Any],
                                                                                 monkeypatch: Any) -> None:  # fmt: skip
    for username in ("antifraud", "maiji_hq", "tianlong_unit1"):
        with pytest.raises(AppError) as refused:
            learning.model_train(user=users[username])
        assert refused.value.status == 403
    monkeypatch.setattr(learning, "outcomes", lambda: {case.pk: 1 for case in decided[:3]})
    with pytest.raises(AppError) as few:
        learning.model_train(user=users["admin"])
    assert few.value.code == "too_few_outcomes"
    assert not LearnedModel.objects.exists()


def test_the_features_hold_no_personal_data(decided: list[Any]) -> None:
    row = learning.features(decided[0], scoring.case_signals(decided[0]))
    assert "甘K6" not in str(row)
    assert set(row) >= {"channel", "ring_size", "same_pair", "photo_reused", "witnesses"}
