"""The retention sweep (issue 20 item 2; PIPL art. 19, 47; B8, R17, R19; decision 0028): for each category, the
records whose time under the rule in force is up are anonymised (rows that figures or a chain need) or deleted
(rows nothing needs), and the run is reported as a `RetentionRun`. Each record is erased in its own transaction, so
one failure is reported and the others go on; a record's erasure is recorded on its own chain where it has one.
The roll-ups count no personal field: they are the same before and after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from claimbridge.core.errors import AppError
from claimbridge.retention.erasure import (
    ERASED_INDEX,
    account_erase,
    case_erase,
    clue_erase,
    consents_erase,
    consultation_erase,
    files_delete,
    policy_personal_erase,
    register_entry_erase,
    subject_request_erase,
)
from claimbridge.retention.facts import (
    account_facts,
    case_facts,
    clue_facts,
    consent_facts,
    policy_facts,
    register_facts,
    request_facts,
)
from claimbridge.retention.models import RetentionRule, RetentionRun
from claimbridge.rules import retention as kernel
from claimbridge.rules.retention import Anchor, Category, Facts, Holder

logger = logging.getLogger(__name__)
CHUNK = 500
SWEEP_BASIS = "retention_sweep"
CASE_ERASED_UNDER = [Category.CLAIM_RECORD.value, Category.UNCLAIMED_REPORT.value, Category.SUBJECT_REQUEST.value]


def schedule_in_force() -> kernel.Schedule:
    """The kernel's default schedule with every configured rule as a dated version of its category and holder."""
    return kernel.Schedule.with_overrides(rule.as_rule() for rule in RetentionRule.objects.all())


def retention_rule_save(*, rule: RetentionRule, actor: Any = None) -> RetentionRule:
    """Save a configured rule after the kernel's check (a legal minimum); AppError 422 otherwise."""
    try:
        kernel.validate(rule.as_rule())
    except kernel.RetentionRuleError as refused:
        raise AppError(refused.code, refused.zh, refused.en, status=422, field="keep_years") from None
    with transaction.atomic():
        if rule.pk is None and actor is not None and getattr(actor, "pk", None):
            rule.created_by = actor
        rule.save()
    return rule


@dataclass
class Tally:
    anonymised: int = 0
    deleted: int = 0
    kept: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"anonymised": self.anonymised, "deleted": self.deleted, "kept": self.kept}


@dataclass
class Sweep:
    schedule: kernel.Schedule
    now: datetime
    dry_run: bool

    def expired(self, category: Category, holder: Holder, facts: Facts) -> bool:
        return self.schedule.decide(category, holder, facts, self.now).expired

    def cutoff(self, category: Category, holder: Holder) -> datetime | None:
        """The latest anchor a candidate may have: the shortest legal minimum assumed (a one-day contract), so no
        record that may have expired is missed; the kernel confirms each candidate with its own facts."""
        return kernel.cutoff(self.schedule.in_force(category, holder, self.now), self.now, contract_days=1)

    def each(self, tally: Tally, label: str, rows: Iterator[Any], erase: Callable[[Any], str | None],
             decide: Callable[[Any], bool]) -> None:  # fmt: skip
        """For each candidate: kept when the kernel says its time is not up, else erased (unless a dry run);
        `erase` answers "anonymised", "deleted" or None (nothing was left to erase)."""
        for row in rows:
            try:
                if not decide(row):
                    tally.kept += 1
                    continue
                outcome = "anonymised" if self.dry_run else erase(row)
            except Exception as failure:  # reported in the run; the next record goes on
                logger.exception("retention sweep: %s %s failed", label, getattr(row, "pk", row))
                tally.errors.append(f"{label} {getattr(row, 'number', getattr(row, 'pk', ''))}: {failure}"[:300])
                continue
            if outcome == "anonymised":
                tally.anonymised += 1
            elif outcome == "deleted":
                tally.deleted += 1


def _chunked(queryset: Any) -> Iterator[Any]:
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        last = rows[-1].pk
        yield from rows


# --- cases: claim records and unclaimed reports -----------------------------------------------------------------


def _sweep_cases(sweep: Sweep, claims: Tally, unclaimed: Tally, consents: Tally) -> None:
    """A case that goes takes its consent records with it (`case_erase`): they are counted under `consent_record`."""
    from claimbridge.cases.models import Case
    from claimbridge.privacy.models import ConsentRecord

    # Candidates: reported before the shorter of the two cutoffs (a case cannot expire before it is reported).
    limits = [
        sweep.cutoff(Category.UNCLAIMED_REPORT, Holder.PLATFORM),
        sweep.cutoff(Category.CLAIM_RECORD, Holder.INSURER),
    ]
    latest = max(limit for limit in limits if limit is not None)
    # Erased cases are tombstones: nothing to do (a case whose join code alone was cleared is not one).
    candidates = Case.objects.filter(created_at__lte=latest).exclude(pk__in=_case_erasures().values("case_id"))
    consents_go = sweep.expired(*consent_facts(erased_at=sweep.now))
    for case in _chunked(candidates):
        category, holder, facts = case_facts(case)
        tally = claims if category == Category.CLAIM_RECORD else unclaimed

        def erase(row: Any, chosen: Category = category) -> str | None:
            result = case_erase(case=row, actor=None, reason=SWEEP_BASIS, category=chosen)
            consents.anonymised += result.consents
            return None if result.already else "anonymised"

        def decide(row: Any, chosen: Category = category, held_by: Holder = holder, known: Facts = facts) -> bool:
            expired = sweep.expired(chosen, held_by, known)
            if expired and sweep.dry_run and consents_go:  # what case_erase would take with it
                left = ConsentRecord.objects.filter(case_id=row.pk).exclude(phone_index="", device="")
                consents.anonymised += left.count()
            return expired

        sweep.each(tally, category.value, iter([case]), erase, decide)


# --- codes: one-time phone codes, join codes ----------------------------------------------------------------------


def _sweep_phone_codes(sweep: Sweep, tally: Tally) -> None:
    from claimbridge.core.phone_verification import CODE_LIFETIME, PhoneChallenge

    limit = sweep.cutoff(Category.PHONE_CODE, Holder.PLATFORM)
    if limit is None:
        return
    expired = PhoneChallenge.objects.filter(created_at__lte=limit - CODE_LIFETIME)
    count = expired.count()
    if not sweep.dry_run:
        expired.delete()  # a spent code: nothing refers to it
    tally.deleted += count
    tally.kept += PhoneChallenge.objects.count() - (count if sweep.dry_run else 0)


def _sweep_join_codes(sweep: Sweep, tally: Tally) -> None:
    from claimbridge.cases.models import Case

    limit = sweep.cutoff(Category.JOIN_CODE, Holder.PLATFORM)
    if limit is None:
        return
    rows = Case.objects.exclude(join_code="").filter(join_code_expires_at__lte=limit)
    tally.kept += Case.objects.exclude(join_code="").count() - rows.count()
    sweep.each(tally, "join_code", _chunked(rows), lambda case: _join_code_clear(case),
               lambda case: sweep.expired(Category.JOIN_CODE, Holder.PLATFORM,
                                          Facts({Anchor.CODE_EXPIRY: case.join_code_expires_at})))  # fmt: skip


def _join_code_clear(case: Any) -> str:
    """The dead code cleared, recorded on the case's chain (the code is sealed): `join_code_issued` with no code."""
    from claimbridge.cases.models import Case
    from claimbridge.cases.services.record import case_lock, event_append

    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        Case.objects.filter(pk=locked.pk).update(join_code="")
        locked.join_code = ""
        event_append(case=locked, kind="personal_data_erased", actor=None,
                     data={"category": Category.JOIN_CODE.value, "parties": [], "items": 0, "basis": SWEEP_BASIS})  # fmt: skip
    return "anonymised"


# --- uploads the checks refused -----------------------------------------------------------------------------------


def _sweep_rejected_uploads(sweep: Sweep, tally: Tally) -> None:
    """Evidence refused by its checks is never stored (evidence.services.evidence_item_upload). What a refused load
    leaves is its uploaded table: a policy table whose load failed is deleted at once."""
    from claimbridge.policies.models import LoadStatus, PolicyLoad

    rows = PolicyLoad.objects.filter(status=LoadStatus.FAILED).exclude(file_name_stored="")

    def erase(load: Any) -> str:
        name = load.file_name_stored
        PolicyLoad.objects.filter(pk=load.pk).update(file_name_stored="")
        transaction.on_commit(lambda: files_delete([name]))
        return "deleted"

    sweep.each(tally, "policy_load", _chunked(rows), erase,
               lambda load: sweep.expired(Category.REJECTED_UPLOAD, Holder.PLATFORM,
                                          Facts({Anchor.UPLOAD_REFUSED: load.finished_at or load.created_at})))  # fmt: skip


# --- adjusters' stops, the adjusters' register --------------------------------------------------------------------


def _sweep_service_stops(sweep: Sweep, tally: Tally) -> None:
    """Where the customer was and what they wrote go when the stop's consent ends; the stop (kind, county,
    services, companies) stays for the monthly feedback."""
    from claimbridge.credentials.models import ServiceStop

    limit = sweep.cutoff(Category.SERVICE_STOP_CONSENT, Holder.INSURER)
    if limit is None:
        return
    personal = ServiceStop.objects.exclude(latitude=None, longitude=None, rating_comment="")
    tally.kept += personal.filter(at__gt=limit).count()

    def erase(stop: Any) -> str:
        ServiceStop.objects.filter(pk=stop.pk).update(latitude=None, longitude=None, rating_comment="")
        return "anonymised"

    sweep.each(tally, "service_stop", _chunked(personal.filter(at__lte=limit)), erase,
               lambda stop: sweep.expired(Category.SERVICE_STOP_CONSENT, Holder.INSURER,
                                          Facts({Anchor.STOP_ENDED: stop.at})))  # fmt: skip


def _sweep_adjusters(sweep: Sweep, tally: Tally) -> None:
    from claimbridge.credentials.models import Adjuster

    rows = Adjuster.objects.exclude(id_index__startswith=ERASED_INDEX).prefetch_related("credentials")

    def erase(adjuster: Any) -> str | None:
        result = register_entry_erase(adjuster=adjuster, actor=None, reason=SWEEP_BASIS)
        return None if result.already else "anonymised"

    def decide(adjuster: Any) -> bool:
        return sweep.expired(*register_facts(adjuster, at=sweep.now))

    sweep.each(tally, "adjuster", _chunked(rows), erase, decide)


# --- police records, fraud casework, consultations, the policy register --------------------------------------------


def _sweep_police(sweep: Sweep, tally: Tally) -> None:
    """The drivers' names and ID numbers of a police record go after the agreed period from its load; the record
    (time, county, type, liability) stays for the matches' figures."""
    from claimbridge.police.models import PoliceEvent, PoliceLoad, PoliceRecord, PoliceVehicle

    limit = sweep.cutoff(Category.POLICE_RECORD, Holder.POLICE)
    if limit is None:
        return
    held = PoliceRecord.objects.exclude(events__kind="personal_data_erased")
    tally.kept += held.filter(created_at__gt=limit).count()

    def erase(record: Any) -> str:
        with transaction.atomic():
            PoliceVehicle.objects.filter(record=record).update(driver_name="", driver_id_number="", driver_index="")
            PoliceRecord.objects.filter(pk=record.pk).update(place="", latitude=None, longitude=None)
            PoliceLoad.objects.filter(pk=record.load_id, created_at__lte=limit).update(report=[])
            PoliceEvent.objects.create(kind="personal_data_erased", record=record, data={"basis": SWEEP_BASIS})
        return "anonymised"

    sweep.each(tally, "police_record", _chunked(held.filter(created_at__lte=limit)), erase,
               lambda record: sweep.expired(Category.POLICE_RECORD, Holder.POLICE,
                                            Facts({Anchor.RECORD_LOADED: record.created_at})))  # fmt: skip


def _sweep_fraud(sweep: Sweep, tally: Tally) -> None:
    """A closed clue's people, free texts and photos go after the committee's period from the later of its own
    closure and its investigation's (`clue_erase`); the clue (state, county, observations, decision, amount saved)
    stays for the committee's figures and rewards."""
    from claimbridge.fraud.models import Clue

    limit = sweep.cutoff(Category.FRAUD_CASEWORK, Holder.ANTIFRAUD_COMMITTEE)
    if limit is None:
        return
    closed = (Clue.objects.filter(closed_at__isnull=False).exclude(events__kind="personal_data_erased")
              .select_related("investigation"))  # fmt: skip
    tally.kept += closed.filter(closed_at__gt=limit).count()

    def erase(clue: Any) -> str | None:
        return None if clue_erase(clue=clue, actor=None, reason=SWEEP_BASIS).already else "anonymised"

    sweep.each(tally, "clue", _chunked(closed.filter(closed_at__lte=limit)), erase,
               lambda clue: sweep.expired(*clue_facts(clue)))  # fmt: skip


def _sweep_consultations(sweep: Sweep, tally: Tally) -> None:
    from claimbridge.consultations.models import Consultation

    closed = Consultation.objects.filter(closed_at__isnull=False).exclude(events__kind="personal_data_erased")
    for holder, rows in ((Holder.INSURER, closed.filter(insurer__isnull=False)),
                         (Holder.ASSOCIATION, closed.filter(association__isnull=False))):  # fmt: skip
        limit = sweep.cutoff(Category.CONSULTATION, holder)
        if limit is None:
            continue
        tally.kept += rows.filter(closed_at__gt=limit).count()

        def erase(row: Any) -> str | None:
            return (
                None if consultation_erase(consultation=row, actor=None, reason=SWEEP_BASIS).already else "anonymised"
            )

        def decide(row: Any, held_by: Holder = holder) -> bool:
            return sweep.expired(Category.CONSULTATION, held_by, Facts({Anchor.CONSULTATION_CLOSED: row.closed_at}))

        sweep.each(tally, "consultation", _chunked(rows.filter(closed_at__lte=limit)), erase, decide)


def _sweep_policies(sweep: Sweep, tally: Tally) -> None:
    """The holder's and insured's names, ID numbers and phones (`PolicyVersion.personal`) go after the contract's
    end and the art. 87 minimum by its term; the cover (plate, period, limit) stays so that a past accident is
    still checked against it."""
    from claimbridge.policies.models import PolicyVersion

    limit = sweep.cutoff(Category.POLICY_REGISTER, Holder.INSURER)
    if limit is None:
        return
    personal = PolicyVersion.objects.exclude(personal="").select_related("policy")
    tally.kept += personal.filter(period_end__gt=limit).count()

    def decide(version: Any) -> bool:
        return sweep.expired(*policy_facts(version))

    def erase(version: Any) -> str | None:
        return None if policy_personal_erase(version=version, actor=None, reason=SWEEP_BASIS).already else "anonymised"

    sweep.each(tally, "policy", _chunked(personal.filter(period_end__lte=limit)), erase, decide)


def _sweep_access_log(sweep: Sweep, tally: Tally) -> None:
    """Who looked at what: the records older than the rule in force, deleted in one statement (they name no one in
    clear, and nothing counts or chains them)."""
    from claimbridge.accesslog.models import AccessRecord
    from claimbridge.accesslog.services import access_records_expire

    limit = sweep.cutoff(Category.ACCESS_LOG, Holder.PLATFORM)
    if limit is None:
        return
    tally.kept += AccessRecord.objects.filter(at__gte=limit).count()
    if sweep.dry_run:
        tally.deleted += AccessRecord.objects.filter(at__lt=limit).count()
        return
    with transaction.atomic():
        tally.deleted += access_records_expire(before=limit)


# --- consent records, data-subject requests, accounts -----------------------------------------------------------


def _case_erasures() -> Any:
    """The cases' erasures (a join code's clearing is an event of the same kind, but not the case's erasure)."""
    from claimbridge.cases.models import CaseEvent

    return CaseEvent.objects.filter(kind="personal_data_erased", data__category__in=CASE_ERASED_UNDER)


def _sweep_consents(sweep: Sweep, tally: Tally) -> None:
    """A consent record lives as long as the data it allowed: the consents of a case erased before `case_erase`
    took them along go now (`consents_erase`, on the case's chain); those of a case still held are kept."""
    from claimbridge.cases.models import Case
    from claimbridge.privacy.models import ConsentRecord

    live = ConsentRecord.objects.exclude(phone_index="", device="")
    erased = dict(_case_erasures().filter(case_id__in=live.values("case_id")).values("case_id")
                  .annotate(first=models.Min("at")).values_list("case_id", "first"))  # fmt: skip
    tally.kept += live.exclude(case_id__in=list(erased)).count()
    for case_id, erased_at in sorted(erased.items()):
        records = live.filter(case_id=case_id)
        try:
            if not sweep.expired(*consent_facts(erased_at=erased_at)):
                tally.kept += records.count()
            elif sweep.dry_run:
                tally.anonymised += records.count()
            else:
                tally.anonymised += consents_erase(case=Case.objects.get(pk=case_id), actor=None, reason=SWEEP_BASIS)
        except Exception as failure:  # reported in the run; the next case goes on
            logger.exception("retention sweep: consents of case %s failed", case_id)
            tally.errors.append(f"consent_record case {case_id}: {failure}"[:300])


def _sweep_subject_requests(sweep: Sweep, tally: Tally) -> None:
    """A done or refused request keeps the requester's mobile and words for the requests' period after it was
    worked; then they go (`subject_request_erase`) and the request — its number, kind, state, dates — stays."""
    from claimbridge.subjects.flow import FINAL
    from claimbridge.subjects.models import SubjectRequest

    limit = sweep.cutoff(Category.SUBJECT_REQUEST, Holder.PLATFORM)
    if limit is None:
        return
    finished = SubjectRequest.objects.filter(state__in=FINAL).exclude(events__kind="personal_data_erased")
    tally.kept += finished.filter(worked_at__gt=limit).count()

    def erase(request: Any) -> str | None:
        return None if subject_request_erase(request=request, actor=None, reason=SWEEP_BASIS).already else "anonymised"

    sweep.each(tally, "subject_request", _chunked(finished.filter(worked_at__lte=limit)), erase,
               lambda request: sweep.expired(*request_facts(request)))  # fmt: skip


def _sweep_accounts(sweep: Sweep, tally: Tally) -> None:
    """A deactivated account's personal fields go after the account period from its deactivation (`account_erase`);
    the row stays so the audit events that name it still do. An active account is never a candidate."""
    from claimbridge.accounts.models import User

    limit = sweep.cutoff(Category.ACCOUNT, Holder.PLATFORM)
    if limit is None:
        return
    inactive = User.objects.filter(is_active=False, deactivated_at__isnull=False)
    tally.kept += inactive.filter(deactivated_at__gt=limit).count()

    def erase(user: Any) -> str | None:
        return None if account_erase(user=user, actor=None, reason=SWEEP_BASIS).already else "anonymised"

    sweep.each(tally, "account", _chunked(inactive.filter(deactivated_at__lte=limit)), erase,
               lambda user: sweep.expired(*account_facts(user)))  # fmt: skip


SWEEPERS: tuple[tuple[Category, Callable[[Sweep, Tally], None]], ...] = (
    (Category.PHONE_CODE, _sweep_phone_codes),
    (Category.JOIN_CODE, _sweep_join_codes),
    (Category.REJECTED_UPLOAD, _sweep_rejected_uploads),
    (Category.SERVICE_STOP_CONSENT, _sweep_service_stops),
    (Category.POLICE_RECORD, _sweep_police),
    (Category.FRAUD_CASEWORK, _sweep_fraud),
    (Category.CONSULTATION, _sweep_consultations),
    (Category.POLICY_REGISTER, _sweep_policies),
    (Category.ADJUSTER_REGISTER, _sweep_adjusters),
    (Category.ACCESS_LOG, _sweep_access_log),
    (Category.CONSENT_RECORD, _sweep_consents),
    (Category.SUBJECT_REQUEST, _sweep_subject_requests),
    (Category.ACCOUNT, _sweep_accounts),
)


def retention_sweep(*, dry_run: bool = False, now: datetime | None = None, actor: Any = None) -> RetentionRun:
    """Run every rule once and report it: a `RetentionRun` with, per category, how many records were anonymised,
    deleted and kept, and the errors. A dry run decides the same and changes nothing. Idempotent."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=timezone.now(), dry_run=dry_run,
                                      actor=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    sweep = Sweep(schedule_in_force(), now, dry_run)
    tallies = {category: Tally() for category in (Category.CLAIM_RECORD, Category.UNCLAIMED_REPORT,
                                                  *(category for category, _ in SWEEPERS))}  # fmt: skip
    case_tallies = (
        tallies[Category.CLAIM_RECORD],
        tallies[Category.UNCLAIMED_REPORT],
        tallies[Category.CONSENT_RECORD],
    )
    steps: list[tuple[str, Callable[[], None]]] = [("cases", lambda: _sweep_cases(sweep, *case_tallies))]
    steps += [(category.value, lambda c=category, f=sweeper: f(sweep, tallies[c])) for category, sweeper in SWEEPERS]  # type: ignore[misc]
    errors: list[str] = []
    for name, step in steps:
        try:
            if dry_run:
                with transaction.atomic():
                    step()
                    transaction.set_rollback(True)
            else:
                step()
        except Exception as failure:
            logger.exception("retention sweep: %s failed", name)
            errors.append(f"{name}: {failure}"[:300])
    for tally in tallies.values():
        errors += tally.errors
    run.counts = {category.value: tally.as_dict() for category, tally in tallies.items()}
    run.errors = errors
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "errors", "finished_at"])
    return run
