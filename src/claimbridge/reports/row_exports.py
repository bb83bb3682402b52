"""Exports of the rows behind the figures (issue 17, item 6): a company's staff get their own parties' rows (case
number, month, place, unit, channel, the party's counters, waits and clocks); the associations, the regulator and the
platform the roll-up cells of every company. Written by a task in chunks, so the page shows how far it has got and a
long export never holds a request open; the file is the requester's alone."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import Channel
from claimbridge.core.errors import AppError, forbidden, not_found
from claimbridge.organisations.models import City, ClaimsUnit, County, Insurer
from claimbridge.reports.export_models import ExportJob
from claimbridge.reports.models import CASE_KEYS, SLA_CLOCKS, CaseRollup, PartyFact
from claimbridge.reports.rollups import ROLLUP_COUNTERS
from claimbridge.stats.facts import COUNTERS, MEASURES

CHUNK = 2000
MAX_MONTHS = 60


def export_request(*, user: Any, first: date, last: date) -> ExportJob:
    """Ask for an export of the months first…last (cut to the user's company for a company's staff)."""
    scope = scope_for(user)
    if not scope.sees_statistics:
        raise forbidden()
    if last < first:
        raise AppError.translated("period_reversed", _("The last month comes before the first."), field="last")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise AppError.translated("period_too_long", _("Export at most five years at a time."), field="first")
    if last > timezone.localdate().replace(day=1):
        raise AppError.translated("period_in_future", _("That month has not begun yet."), field="last")
    insurer_id = None if scope.sees_all_statistics else scope.insurer_id
    job = ExportJob.objects.create(requested_by=user, insurer_id=insurer_id, first=first.replace(day=1),
                                   last=last.replace(day=1))  # fmt: skip

    def send() -> None:
        from claimbridge.reports.tasks import run_export

        run_export.enqueue(job_id=job.pk)

    transaction.on_commit(send, robust=True)
    return job


def export_get(*, user: Any, job_id: int) -> ExportJob:
    """The user's own export (another's is not found, whoever asks)."""
    job = ExportJob.objects.filter(pk=job_id, requested_by_id=getattr(user, "pk", None)).first()
    if job is None or not scope_for(user).sees_statistics:
        raise not_found()
    return job


def exports_of(user: Any, limit: int = 20) -> list[ExportJob]:
    return list(ExportJob.objects.filter(requested_by_id=getattr(user, "pk", None))[:limit])


def export_open(*, user: Any, job_id: int, route: str = "web", purpose: str = "", note: str = "") -> tuple[bytes, str]:
    """The export's file for its requester; each download is an access record with its rows (issue 20)."""
    from claimbridge.accesslog.services import Action, access_record, default_purpose

    job = export_get(user=user, job_id=job_id)
    if job.state != ExportJob.State.DONE:
        raise AppError.translated("export_not_ready", _("The export is not ready yet."), status=409)
    access_record(actor=user, action=Action.EXPORTED, what="reports.row_export.xlsx", route=route,
                  purpose=purpose or default_purpose(user), note=note, object_ref=f"reports.export:{job.pk}",
                  rows=job.rows_total)  # fmt: skip
    with default_storage.open(job.file_name, "rb") as handle:
        return handle.read(), f"claimbridge-{job.first:%Y%m}-{job.last:%Y%m}.xlsx"


def _names() -> dict[str, dict[int, str]]:
    return {
        "city_id": {obj.pk: obj.display_name for obj in City.objects.all()},
        "county_id": {obj.pk: obj.display_name for obj in County.objects.all()},
        "insurer_id": {obj.pk: obj.display_name for obj in Insurer.objects.all()},
        "claims_unit_id": {obj.pk: obj.display_name for obj in ClaimsUnit.objects.all()},
    }


def _party_rows(job: ExportJob) -> tuple[list[str], Any, Iterator[list[Any]]]:
    facts = PartyFact.objects.filter(insurer_id=job.insurer_id or 0, month__gte=job.first, month__lte=job.last)
    columns = ["case__number", "label", *CASE_KEYS, *(c for c in COUNTERS if not c.endswith("_ins")),
               "amount_settled_fen", "amount_paid_fen", *(f"sla_{c}" for c in SLA_CLOCKS),
               *(f"minutes_{m}" for m in MEASURES)]  # fmt: skip
    names = _names()

    def rows() -> Iterator[list[Any]]:
        for values in facts.order_by("month", "case_id", "label").values_list(*columns).iterator(chunk_size=CHUNK):
            yield [_cell(column, value, names) for column, value in zip(columns, values, strict=True)]

    return [_header(column) for column in columns], facts, rows()


def _cell_rows(job: ExportJob) -> tuple[list[str], Any, Iterator[list[Any]]]:
    cells = CaseRollup.objects.filter(month__gte=job.first, month__lte=job.last)
    columns = [*CASE_KEYS, *ROLLUP_COUNTERS]
    names = _names()

    def rows() -> Iterator[list[Any]]:
        for values in cells.order_by(*CASE_KEYS).values_list(*columns).iterator(chunk_size=CHUNK):
            yield [_cell(column, value, names) for column, value in zip(columns, values, strict=True)]

    return [_header(column) for column in columns], cells, rows()


def _header(column: str) -> str:
    """The column's name for people, then its code (which a program reading the file keys on)."""
    code = column.removeprefix("case__").replace("_fen", "_yuan")
    label = HEADERS.get(code)
    return f"{label} ({code})" if label else code


HEADERS = {
    "number": gettext_lazy("case number"), "label": gettext_lazy("party"), "month": gettext_lazy("month reported"), "city_id": gettext_lazy("city"),
    "county_id": gettext_lazy("county"), "insurer_id": gettext_lazy("insurer"), "claims_unit_id": gettext_lazy("claims unit"),
    "channel": gettext_lazy("channel"), "cases": gettext_lazy("cases"), "agreed": gettext_lazy("agreements"), "police": gettext_lazy("police"),
    "parties": gettext_lazy("parties"), "uw_known": gettext_lazy("both cities known"), "cross_region": gettext_lazy("cross-region"),
    "one_stop": gettext_lazy("online one-stop"), "claims": gettext_lazy("claims registered"), "settled": gettext_lazy("settled"),
    "paid": gettext_lazy("paid"), "handoffs": gettext_lazy("hand-offs"), "amount_settled_yuan": gettext_lazy("amount settled (yuan)"),
    "amount_paid_yuan": gettext_lazy("amount paid (yuan)"),
    "cases_ins": gettext_lazy("cases, counted for each company"), "agreed_ins": gettext_lazy("agreements, counted for each company"),
    "police_ins": gettext_lazy("police referrals, counted for each company"),
    "sla_first_contact": gettext_lazy("first-contact clock"), "sla_survey": gettext_lazy("survey clock"),
    "sla_closure": gettext_lazy("closure clock"), "minutes_first_contact": gettext_lazy("minutes to first contact"),
    "minutes_survey": gettext_lazy("minutes to survey"), "minutes_settlement": gettext_lazy("minutes to settlement"),
    "minutes_payment": gettext_lazy("minutes to payment"),
    "sla_first_contact_met": gettext_lazy("first contact in time"), "sla_first_contact_due": gettext_lazy("first contact due"),
    "sla_survey_met": gettext_lazy("survey in time"), "sla_survey_due": gettext_lazy("survey due"),
    "sla_closure_met": gettext_lazy("closure in time"), "sla_closure_due": gettext_lazy("closure due"),
}  # fmt: skip
CLOCK_STATES = {"met": gettext_lazy("in time"), "missed": gettext_lazy("late"), "open": gettext_lazy("running"),
                "none": gettext_lazy("does not apply")}  # fmt: skip


def _cell(column: str, value: Any, names: dict[str, dict[int, str]]) -> Any:
    if column in names:
        return names[column].get(value, "") if value else ""
    if column == "month":
        return value.strftime("%Y-%m")
    if column == "channel":
        return str(Channel(value).label) if value in Channel.values else value
    if column.startswith("sla_") and isinstance(value, str):
        return str(CLOCK_STATES.get(value, value))
    if column.endswith("_fen"):
        return value / 100
    return value


def export_run(job_id: int) -> ExportJob:
    """Write the export, recording its progress every chunk (each in its own short transaction, so the page sees
    it); a failure is recorded with its reason and the file is not kept."""
    job = ExportJob.objects.get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return job  # a task delivered twice
    header, query, rows = _party_rows(job) if job.insurer_id is not None else _cell_rows(job)
    total = query.count()
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, rows_total=total, rows_done=0)
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("rows behind the figures"))
        sheet.append(header)
        done = 0
        for row in rows:
            sheet.append(row)
            done += 1
            if done % CHUNK == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
        name = default_storage.save(f"exports/{job.pk}-{job.first:%Y%m}-{job.last:%Y%m}.xlsx", ContentFile(content))
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.DONE, rows_done=done, file_name=name,
                                                   sha256=hashlib.sha256(content).hexdigest(),
                                                   finished_at=timezone.now())  # fmt: skip
    except Exception as exc:  # recorded for the requester; the task runner logs the traceback
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error=str(exc)[:300],
                                                   finished_at=timezone.now())  # fmt: skip
        raise
    job.refresh_from_db()
    return job
