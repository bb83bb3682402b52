"""Every case's fraud score (issue 16; B5, R20, R11): the facts gathered from the platform, the kernel's rules
(`rules/fraud_score.py`) applied, and the learned model's probability beside them when one is in use.

The facts are read where they are kept — the case and its parties, the policy register, the evidence's reuse matches
and capture metadata, the police records, the link index and the rings — each by the one rule that already exists
for it (`cases.selectors.party_q` for the same person or vehicle, `police_attended_q` for the police, the evidence
checks for capture time and place). A score is recomputed after the commit of any change to the case, and of any
change to its ring.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claimbridge.cases.models import Case, CaseParty
from claimbridge.fraud.analysis_models import CaseLink, CaseScore, LearnedModel, RingMember
from claimbridge.rules import fraud_score
from claimbridge.rules.common import RuleInputError, months_after

log = logging.getLogger(__name__)
PERSON_KINDS = ("id_number", "phone")
_PENDING_KEY = "claimbridge_fraud_rescore"


def _window_start(case: Case) -> Any:
    moment = case.accident_at or case.created_at
    return months_after(moment, -int(settings.FRAUD_RECENT_CLAIMS_MONTHS))


def _before(case: Case, prefix: str = "case__") -> Q:
    """Cases of an earlier accident than this one (the same instant: reported before it; a case without an accident
    time by its report time): "before" for every rule that counts earlier cases."""
    moment = case.accident_at or case.created_at

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    return (q(accident_at__lt=moment) | q(accident_at=moment, created_at__lt=case.created_at)
            | q(accident_at__isnull=True, created_at__lt=moment))  # fmt: skip


def _earlier(case: Case) -> Q:
    """Other cases of earlier accidents within the window (the configured months before this one's)."""
    since = _window_start(case)
    return _before(case) & (Q(case__accident_at__gte=since) | Q(case__accident_at__isnull=True,
                                                                 case__created_at__gte=since))  # fmt: skip


def _claims_counts(case: Case, parties: list[CaseParty]) -> tuple[dict[str, int], dict[str, int]]:
    """Each party's person (by the verified mobile's blind index) and vehicle (plate or VIN): the other cases of the
    last months naming them."""
    from claimbridge.cases.selectors import party_q

    earlier = CaseParty.objects.filter(_earlier(case)).exclude(case=case)
    people: dict[str, int] = {}
    vehicles: dict[str, int] = {}
    for party in parties:
        person = party_q(phone_index=party.phone_index)
        if person is not None:
            people[party.label] = earlier.filter(person).values("case_id").distinct().count()
        vehicle = party_q(plate=party.plate, vin=party.vin)
        if vehicle is not None:
            vehicles[party.label] = earlier.filter(vehicle).values("case_id").distinct().count()
    return people, vehicles


def _same_pair(case: Case, parties: list[CaseParty]) -> int | None:
    """Earlier cases (any time) in which the same two people, or the same two vehicles, met again."""
    from claimbridge.cases.selectors import party_q

    if len(parties) < 2:
        return None
    a, b = parties[0], parties[1]
    found: set[int] = set()
    for first, second in ((party_q(phone_index=a.phone_index), party_q(phone_index=b.phone_index)),
                          (party_q(plate=a.plate, vin=a.vin), party_q(plate=b.plate, vin=b.vin))):  # fmt: skip
        if first is None or second is None:
            continue
        with_first = CaseParty.objects.filter(first).exclude(case=case).values("case_id")
        found |= set(CaseParty.objects.filter(second, case_id__in=with_first).exclude(case=case)
                     .filter(_before(case)).values_list("case_id", flat=True))  # fmt: skip
    return len(found)


def _photos(case: Case) -> tuple[int | None, int | None, int | None, int | None]:
    """(verified reuse matches, photos taken long before the accident, photos taken far away, photos with no capture
    time) of the case's evidence — None when it has no photos yet."""
    from claimbridge.evidence.models import EvidenceItem, ReuseMatch
    from claimbridge.evidence.selectors import item_flags

    if case.evidence_id is None:
        return None, None, None, None
    items = list(EvidenceItem.objects.filter(file_id=case.evidence_id, stored__kind="image")
                 .select_related("stored", "file"))  # fmt: skip
    if not items:
        return None, None, None, None
    verified = Q(identical=True) | Q(inliers__isnull=False)
    reused = ReuseMatch.objects.filter(verified, item__in=items).exclude(matched_item__file_id=case.evidence_id)
    codes = [flag.code for item in items for flag in item_flags(item)]
    return (reused.values("matched_item__file_id").distinct().count(), codes.count("taken_before_accident"),
            codes.count("far_from_scene"), codes.count("no_capture_time"))  # fmt: skip


def _police_attended(case: Case) -> bool | None:
    """True when the police dealt with it or a police record matched it; False when the parties settled it online
    (快处易赔: no police); unknown otherwise."""
    from claimbridge.police.matching import police_attended_q
    from claimbridge.police.models import PoliceMatch

    if Case.objects.filter(police_attended_q(), pk=case.pk).exists() or PoliceMatch.objects.filter(case=case).exists():
        return True
    return False if case.agreed_at is not None else None


def _shop_people(case: Case) -> int | None:
    """Earlier cases that share a repair shop and a person (ID number or mobile) with this one (the link index)."""
    own = list(CaseLink.objects.filter(case=case).values_list("kind", "pseudonym"))
    shops = [pseudonym for kind, pseudonym in own if kind == "repair_shop"]
    if not shops:
        return None
    people = [pseudonym for kind, pseudonym in own if kind in PERSON_KINDS]
    if not people:
        return 0
    with_shop = CaseLink.objects.filter(kind="repair_shop", pseudonym__in=shops).exclude(case=case).values("case_id")
    both = CaseLink.objects.filter(_before(case), kind__in=PERSON_KINDS, pseudonym__in=people,
                                   case_id__in=with_shop)  # fmt: skip
    return both.values("case_id").distinct().count()


def _policy_starts(case: Case, parties: list[CaseParty]) -> dict[str, date]:
    """The first day of each party's cover in force at the accident (the policy register)."""
    from claimbridge.policies.selectors import in_force_versions

    if case.accident_at is None:
        return {}
    starts: dict[str, date] = {}
    for party in parties:
        if not (party.plate or party.vin):
            continue
        versions = in_force_versions(plate=party.plate, at=case.accident_at) if party.plate else \
            in_force_versions(vin=party.vin, at=case.accident_at)  # fmt: skip
        if party.insurer_id:
            versions = versions.filter(policy__insurer_id=party.insurer_id)
        first = versions.order_by("period_start").values_list("period_start", flat=True).first()
        if first is not None:
            starts[party.label] = timezone.localtime(first).date()
    return starts


def _witnesses(case: Case) -> bool | None:
    value = (case.facts or {}).get("witnesses")
    return value if isinstance(value, bool) else None


def case_signals(case: Case) -> fraud_score.CaseSignals:
    """Every fact the rules read about the case, as the platform knows it now (None where it does not)."""
    parties = list(case.parties.order_by("label"))
    people, vehicles = _claims_counts(case, parties)
    reused, taken_before, far_away, no_time = _photos(case)
    member = RingMember.objects.filter(case=case).select_related("ring").first()
    accident_city = case.city.code if case.city is not None else None
    return fraud_score.CaseSignals(
        accident_at=case.accident_at,
        reported_at=max(case.created_at, case.accident_at) if case.accident_at else None,
        policy_starts=_policy_starts(case, parties) or None,
        witnesses=_witnesses(case),
        police_attended=_police_attended(case),
        accident_city=accident_city,
        underwriting_cities={
            party.label: party.underwriting_city_code
            for party in parties
            if re.fullmatch(r"[0-9]{6}", party.underwriting_city_code)
        }
        or None,
        claims_12m_people=people or None,
        claims_12m_vehicles=vehicles or None,
        same_pair_cases=_same_pair(case, parties),
        photo_reuse_matches=reused,
        exif_time_mismatches=taken_before,
        exif_place_mismatches=far_away,
        exif_missing_times=no_time,
        shop_people_cases=_shop_people(case),
        ring_size=member.ring.size if member else 0,
    )


def signals_document(signals: fraud_score.CaseSignals) -> dict[str, Any]:
    """The facts as stored beside the score (counts, flags, dates and city codes: no personal data)."""
    document: dict[str, Any] = {}
    for name in fraud_score.CaseSignals.__dataclass_fields__:
        value = getattr(signals, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, dict):
            value = {key: item.isoformat() if hasattr(item, "isoformat") else item for key, item in value.items()}
        document[name] = value
    return document


def case_rescore(case: Case) -> CaseScore:
    """Score the case now and keep it (with the learned model's probability and reasons when one is in use)."""
    signals = case_signals(case)
    try:
        result = fraud_score.score_case(signals)
    except RuleInputError:  # an accident before the first rules (2023-08-15): judged by the first version
        result = fraud_score.score_case(signals, day=fraud_score.SCORE_VERSIONS[0].effective_from)
    learned, learned_version, learned_reasons = _learned(case, signals)
    values = {"score": result.score, "band": result.band, "rules_version": result.rules.version,
              "result": result.as_dict(), "signals": signals_document(signals), "learned": learned,
              "learned_version": learned_version, "learned_reasons": learned_reasons,
              "linked_cases": max((signals.ring_size or 0) - 1, 0), "computed_at": timezone.now()}  # fmt: skip
    score, _created = CaseScore.objects.update_or_create(case=case, defaults=values)
    return score


def _learned(case: Case, signals: fraud_score.CaseSignals) -> tuple[float | None, str, list[Any]]:
    model = LearnedModel.objects.filter(in_use=True).first()
    if model is None:
        return None, "", []
    from claimbridge.fraud import learning

    try:
        probability, reasons = learning.score_one(model, case, signals)
    except Exception:  # a model that cannot read this case must not stop the rules' score
        log.exception("learned score failed for case %s with model %s", case.pk, model.version[:12])
        return None, "", []
    return probability, model.version, reasons


def cases_rescore(case_ids: Iterable[int]) -> int:
    done = 0
    for case in Case.objects.filter(pk__in=list(case_ids)).select_related("city"):
        with transaction.atomic():
            case_rescore(case)
        done += 1
    return done


def rescore_after_commit(case_ids: Iterable[int], ring_ids: Iterable[int] = ()) -> None:
    """Rescore these cases (and every member of these rings) once, after the commit of the current transaction —
    however many events the change appended. Outside a transaction the task is sent at once."""
    connection = transaction.get_connection()
    pending: dict[str, Any] | None = getattr(connection, _PENDING_KEY, None)
    if pending is not None and any(entry[1] is pending["send"] for entry in connection.run_on_commit):
        pending["cases"].update(case_ids)
        pending["rings"].update(ring_ids)
        return  # already to be sent at this transaction's commit
    waiting: dict[str, Any] = {"cases": set(case_ids), "rings": set(ring_ids)}

    def send() -> None:
        from claimbridge.fraud.tasks import rescore_cases

        rescore_cases.enqueue(case_ids=sorted(waiting["cases"]), ring_ids=sorted(waiting["rings"]))

    waiting["send"] = send
    setattr(connection, _PENDING_KEY, waiting)
    transaction.on_commit(send, robust=True)


def on_reuse_match(*, instance: Any, created: bool, **_kwargs: Any) -> None:
    """A verified reuse found between two evidence files: rescore the cases they belong to."""
    if not created:
        return
    files = [instance.item.file_id, instance.matched_item.file_id]
    cases = list(Case.objects.filter(evidence_id__in=files).values_list("pk", flat=True))
    if cases:
        rescore_after_commit(cases)


def ring_members(ring_ids: Iterable[int]) -> list[int]:
    return list(RingMember.objects.filter(ring_id__in=list(ring_ids)).values_list("case_id", flat=True))
