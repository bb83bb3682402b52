"""The learned score on the platform (issue 16; B5, R20): trained on the committees' confirmed outcomes, used beside
the rules' score once the platform administrator puts a model in use (decision 0019).

A case's features are the facts the rules read (`scoring.case_signals`) plus a few plain attributes of the case
(its channel, county, the kind of collision, the estimated loss): counts, flags, codes — no personal data. Its label
is the committee's last decision on a clue about it: fraud confirmed (1) or not fraud (0); cases without a decided
clue are not trained on. The pipeline, the model file and its version are `fraud/learn.py`'s, the same code the
command `claimbridge fraud train` runs on any table.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import Case
from claimbridge.core.errors import AppError
from claimbridge.fraud.analysis_models import LearnedModel
from claimbridge.rules import fraud_score

LABEL = "fraud"
ID = "case"
MIN_EACH = 10  # confirmed frauds and cleared cases needed, each, before a model is worth training
DECISIONS = {"confirm_fraud": 1, "clear": 0}


def features(case: Case, signals: fraud_score.CaseSignals) -> dict[str, Any]:
    """One row of the model's table (None where a fact is unknown: the model learns what "unknown" says)."""
    from claimbridge.rules.common import CHINA

    def largest(counts: Any) -> int | None:
        return max(counts.values()) if counts else None

    accident = signals.accident_at.astimezone(CHINA) if signals.accident_at else None
    starts = signals.policy_starts or {}
    days_since_policy = min(((accident.date() - start).days for start in starts.values()), default=None) \
        if accident else None  # fmt: skip
    underwriting = set((signals.underwriting_cities or {}).values())
    facts = case.facts or {}
    return {
        "channel": case.channel,
        "county": case.county.code if case.county is not None else None,
        "hour": accident.hour if accident else None,
        "weekday": accident.isoweekday() if accident else None,
        "report_hours": round((signals.reported_at - signals.accident_at).total_seconds() / 3600, 2)
        if signals.reported_at and signals.accident_at else None,
        "days_since_policy": days_since_policy,
        "witnesses": None if signals.witnesses is None else str(signals.witnesses).lower(),
        "police": None if signals.police_attended is None else str(signals.police_attended).lower(),
        "cross_region": None if not signals.accident_city or not underwriting
        else str(bool(underwriting - {signals.accident_city})).lower(),
        "person_claims": largest(signals.claims_12m_people),
        "vehicle_claims": largest(signals.claims_12m_vehicles),
        "same_pair": signals.same_pair_cases,
        "photo_reused": signals.photo_reuse_matches,
        "exif_time": signals.exif_time_mismatches,
        "exif_place": signals.exif_place_mismatches,
        "exif_missing": signals.exif_missing_times,
        "shop_people": signals.shop_people_cases,
        "ring_size": signals.ring_size,
        "collision": facts.get("collision_form"),
        "damage": facts.get("damage"),
        "estimated_loss": float(facts["estimated_loss"]) if facts.get("estimated_loss") not in (None, "") else None,
    }  # fmt: skip


def outcomes() -> dict[int, int]:
    """Case id → the committee's last decision on a clue about it (1 fraud confirmed, 0 not fraud)."""
    from claimbridge.fraud.models import ClueEvent

    decided: dict[int, int] = {}
    rows = ClueEvent.objects.filter(kind__in=DECISIONS, clue__case__isnull=False).order_by("at", "pk")
    for case_id, kind in rows.values_list("clue__case_id", "kind"):
        decided[case_id] = DECISIONS[kind]
    return decided


def training_frame(case_ids: Iterable[int] | None = None) -> Any:
    """The table of decided cases: features, `case` (the number) and `fraud` (the label)."""
    import pandas as pd

    from claimbridge.fraud import scoring

    labels = outcomes()
    chosen = labels if case_ids is None else {pk: labels[pk] for pk in case_ids if pk in labels}
    rows = []
    for case in Case.objects.filter(pk__in=list(chosen)).select_related("county", "city"):
        rows.append({ID: case.number, **features(case, scoring.case_signals(case)), LABEL: chosen[case.pk]})
    return pd.DataFrame(rows)


def model_train(*, user: Any, put_in_use: bool = False, seed: int = 0) -> LearnedModel:
    """Train a model on every decided case and keep it (in use at once when asked)."""
    from claimbridge.fraud import analysis_services, learn

    if not scope_for(user).may_train_fraud_model:
        raise AppError("not_allowed", "只有平台管理员可以训练评分模型", "Only the platform administrator may train a "
                       "score model.", status=403)  # fmt: skip
    frame = training_frame()
    positives = int(frame[LABEL].sum()) if len(frame) else 0
    if positives < MIN_EACH or len(frame) - positives < MIN_EACH:
        raise AppError("too_few_outcomes", f"确认欺诈与排除欺诈的案件各需至少 {MIN_EACH} 起（现有 {positives} 与 "
                       f"{len(frame) - positives}）", f"at least {MIN_EACH} cases each of fraud confirmed and not fraud "
                       f"are needed (there are {positives} and {len(frame) - positives})", status=409)  # fmt: skip
    model = learn.train(frame, label=LABEL, id_column=ID, seed=seed)
    with transaction.atomic():
        row, _created = LearnedModel.objects.get_or_create(
            version=model.version,
            defaults={"content": model.text(), "rows": len(frame), "positives": positives, "trained_by": user,
                      "created_at": timezone.now(), "metrics": {"rows": len(frame), "positives": positives}},
        )  # fmt: skip
    if put_in_use:
        analysis_services.learned_model_put_in_use(user=user, model=row)
    return row


@lru_cache(maxsize=4)
def _loaded(version: str, content: str) -> Any:
    from claimbridge.fraud import learn

    return learn.Model.from_text(content)


def score_one(model: LearnedModel, case: Case, signals: fraud_score.CaseSignals) -> tuple[float, list[dict[str, Any]]]:
    """The model's calibrated probability for the case and the features that moved it most."""
    import pandas as pd

    from claimbridge.fraud import learn

    loaded = _loaded(model.version, model.content)
    frame = pd.DataFrame([features(case, signals)])
    probability = float(learn.score(loaded, frame)[0])
    return round(probability, 4), [reason.as_dict() for reason in learn.reasons(loaded, frame)[0]]
