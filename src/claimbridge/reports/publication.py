"""Writing the progress reports (R19, B10): draft, edit, approve, publish, correct. Every write is one transaction
with its `ReportEvent`; only the associations write (accounts/scope.py `may_write_reports`).

The rules: a version is approved by an association user other than the one who wrote it last (four eyes); only an
approved version is published, and publishing stores its PDF and spreadsheet with their SHA-256 in the same update
that makes it published; a published version is never changed again — by these services, nor by anything else (a
database trigger, migration 0003) — and a correction is a new version of the report, copying the texts (and, unless
asked to compute them again, the figures) of the newest published one, with its reason, approved and published again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.accounts.scope import scope_for
from claimbridge.core.chains import chain_append, chain_verify
from claimbridge.core.errors import AppError, forbidden
from claimbridge.core.inputs import bad_text, unsafe_text
from claimbridge.reports import publication_selectors as selectors
from claimbridge.reports.public_tables import valid_period
from claimbridge.reports.publication_models import ProgressReport, ReportEvent, ReportVersion, VersionState

TEXT_MAX = 4000
REASON_MAX = 1000
TEXT_FIELDS = ("summary_zh", "summary_en", "highlights_zh", "highlights_en")


# --- refusals -------------------------------------------------------------------------------------------------------


def published_immutable() -> AppError:
    return AppError.translated("published_immutable", _("A published version cannot be changed: correct it with a "
                                                        "new version, giving the reason."), status=409)  # fmt: skip


def four_eyes() -> AppError:
    return AppError.translated("four_eyes", _("You wrote this version last: another association user must approve "
                                              "it (four eyes)."), status=403)  # fmt: skip


def not_approved() -> AppError:
    return AppError.translated("not_approved", _("Only an approved version can be published."), status=409)


def already_approved() -> AppError:
    return AppError.translated("already_approved", _("This version is already approved."), status=409)


def report_exists(number: int) -> AppError:
    return AppError.translated("report_exists", _("There is already a report for this period (no. %(number)s): "
                                                  "correct it instead."), status=409, field="period", number=number)  # fmt: skip


def bad_period() -> AppError:
    return AppError.translated("bad_period", _("Choose a month or a calendar quarter that has begun, since the "
                                               "integration came into force (August 2023)."), field="period")  # fmt: skip


def reason_required() -> AppError:
    return AppError.translated("reason_required", _("Say why the report is corrected."), field="reason")


def open_version_exists(n: int) -> AppError:
    return AppError.translated("open_version_exists", _("Version %(n)s is still being worked on: publish it first."),
                               status=409, n=n)  # fmt: skip


def too_long(field: str, limit: int) -> AppError:
    return AppError.translated("too_long", _("At most %(limit)s characters."), field=field, limit=limit)


# --- the event chain ------------------------------------------------------------------------------------------------


def report_event(*, report: ProgressReport, version: int, kind: str, actor: Any,
                 details: dict[str, Any] | None = None) -> ReportEvent:  # fmt: skip
    """Append to the report's keyed event chain (decision 0012), in the caller's transaction: the report's row is
    locked so that the chain never forks, and its head moves with the event."""
    return chain_append(head=report, event=ReportEvent(report=report, version=version, kind=kind, details=details or {}),
                        payload=ReportEvent.payload, actor=actor)  # fmt: skip


def publication_verify() -> list[str]:
    """Every report whose event chain is broken (edited, reordered, cut short, or keyed with a key not configured),
    as `progress report N: what is wrong` — for `claimbridge audit verify`."""
    return chain_verify(heads=ProgressReport.objects.all(), events=ReportEvent.objects.all(), head_field="report",
                        name=lambda report: f"progress report {report.number}", payload=lambda _, event: event.payload())  # fmt: skip


# --- the writes -----------------------------------------------------------------------------------------------------


def _writer(user: Any) -> None:
    if not scope_for(user).may_write_reports:
        raise forbidden()


def _text(value: Any, field: str, limit: int = TEXT_MAX) -> str:
    text = str(value or "").strip().replace("\r\n", "\n")
    if unsafe_text(text):
        raise bad_text(field)
    if len(text) > limit:
        raise too_long(field, limit)
    return text


def _locked(version: ReportVersion) -> ReportVersion:
    """The version's row, locked for the change, as it is now (a concurrent publish is seen)."""
    return ReportVersion.objects.select_for_update().select_related("report").get(pk=version.pk)


def report_draft(*, user: Any, kind: str, start: date, now: datetime | None = None,
                 **texts: str) -> ReportVersion:  # fmt: skip
    """A new report for the period: version 1, a draft, with the period's figures from the roll-ups now."""
    _writer(user)
    moment = now or timezone.now()
    if not valid_period(kind, start, timezone.localdate(moment)):
        raise bad_period()
    cleaned = {field: _text(texts.get(field, ""), field) for field in TEXT_FIELDS}
    existing = selectors.report_for_period(kind=kind, start=start)
    if existing is not None:
        raise report_exists(existing.number)
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(number=selectors.next_number(), kind=kind, period_start=start,
                                                   created_by=user, created_at=moment)  # fmt: skip
            version = ReportVersion.objects.create(
                report=report, n=1, snapshot=selectors.snapshot_for(kind=kind, start=start, now=moment),
                drafted_by=user, drafted_at=moment, edited_by=user, edited_at=moment, **cleaned,
            )  # fmt: skip
            report_event(report=report, version=1, kind=ReportEvent.Kind.DRAFTED, actor=user,
                         details={"kind": kind, "period_start": start.isoformat()})  # fmt: skip
    except IntegrityError:
        existing = selectors.report_for_period(kind=kind, start=start)
        if existing is None:
            raise
        raise report_exists(existing.number) from None
    return version


def version_edit(*, user: Any, version: ReportVersion, refresh_figures: bool = False, now: datetime | None = None,
                 **texts: str | None) -> ReportVersion:  # fmt: skip
    """Change a version's texts (those given) and, if asked, compute its figures again from the roll-ups now. An
    approved version edited is a draft again: the approval was of what it said before."""
    _writer(user)
    moment = now or timezone.now()
    with transaction.atomic():
        version = _locked(version)
        if version.state == VersionState.PUBLISHED:
            raise published_immutable()
        changed = []
        for field in TEXT_FIELDS:
            if texts.get(field) is None:
                continue
            text = _text(texts[field], field)
            if text != getattr(version, field):
                setattr(version, field, text)
                changed.append(field)
        if refresh_figures:
            snapshot = selectors.snapshot_for(kind=version.report.kind, start=version.report.period_start, now=moment)
            version.snapshot = snapshot
        if not changed and not refresh_figures:
            return version
        withdrawn = version.state == VersionState.APPROVED
        version.state, version.approved_by, version.approved_at = VersionState.DRAFT, None, None
        version.edited_by, version.edited_at = user, moment
        version.save()
        report_event(report=version.report, version=version.n, kind=ReportEvent.Kind.EDITED, actor=user,
                     details={"fields": changed, "figures_refreshed": refresh_figures,
                              "approval_withdrawn": withdrawn})  # fmt: skip
    return version


def version_approve(*, user: Any, version: ReportVersion, now: datetime | None = None) -> ReportVersion:
    """Approve a draft: an association user other than the one who wrote it last."""
    _writer(user)
    with transaction.atomic():
        version = _locked(version)
        if version.state == VersionState.PUBLISHED:
            raise published_immutable()
        if version.state == VersionState.APPROVED:
            raise already_approved()
        if version.edited_by_id == user.pk:
            raise four_eyes()
        version.state, version.approved_by, version.approved_at = VersionState.APPROVED, user, now or timezone.now()
        version.save(update_fields=["state", "approved_by", "approved_at"])
        report_event(report=version.report, version=version.n, kind=ReportEvent.Kind.APPROVED, actor=user)
    return version


def _stored(name: str, data: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    return default_storage.save(f"{name}-{digest[:16]}", ContentFile(data)), digest


def _documents(version: ReportVersion, *, published_at: datetime) -> Iterator[tuple[str, bytes]]:
    from claimbridge.reports.excel import report_xlsx
    from claimbridge.reports.pdf import report_pdf

    base = f"progress/{version.report.number}/v{version.n}"
    yield f"{base}.pdf", report_pdf(version=version, published_at=published_at)
    yield f"{base}.xlsx", report_xlsx(version=version, published_at=published_at)


def version_publish(*, user: Any, version: ReportVersion, now: datetime | None = None) -> ReportVersion:
    """Publish an approved version: its PDF and spreadsheet are made and stored, and the version becomes published
    with their names and SHA-256 in one update — from then on nothing of it changes."""
    _writer(user)
    moment = now or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            version = _locked(version)
            if version.state == VersionState.PUBLISHED:
                raise published_immutable()
            if version.state != VersionState.APPROVED:
                raise not_approved()
            files = {}
            for name, data in _documents(version, published_at=moment):
                files[name.rsplit(".", 1)[1]] = _stored(name, data)
                stored.append(files[name.rsplit(".", 1)[1]][0])
            ReportVersion.objects.filter(pk=version.pk, state=VersionState.APPROVED).update(
                state=VersionState.PUBLISHED, published_by=user, published_at=moment,
                pdf_name=files["pdf"][0], pdf_sha256=files["pdf"][1], xlsx_name=files["xlsx"][0],
                xlsx_sha256=files["xlsx"][1],
            )  # fmt: skip
            report_event(report=version.report, version=version.n, kind=ReportEvent.Kind.PUBLISHED, actor=user,
                         details={"pdf_sha256": files["pdf"][1], "xlsx_sha256": files["xlsx"][1]})  # fmt: skip
    except BaseException:
        for name in stored:  # nothing refers to them: the version is not published
            default_storage.delete(name)
        raise
    version.refresh_from_db()
    return version


def report_correct(*, user: Any, report: ProgressReport, reason: str, refresh_figures: bool = False,
                   now: datetime | None = None) -> ReportVersion:  # fmt: skip
    """A new version of a published report, with the reason: the texts and figures of the newest published version
    (the figures computed again from the roll-ups now, if asked), a draft to approve and publish again."""
    _writer(user)
    reason = _text(reason, "reason", REASON_MAX)
    if not reason:
        raise reason_required()
    moment = now or timezone.now()
    with transaction.atomic():
        ProgressReport.objects.select_for_update().filter(pk=report.pk).first()
        versions = list(report.versions.order_by("-n"))
        open_one = next((v for v in versions if v.state != VersionState.PUBLISHED), None)
        if open_one is not None:
            raise open_version_exists(open_one.n)
        previous = versions[0]
        snapshot = (selectors.snapshot_for(kind=report.kind, start=report.period_start, now=moment)
                    if refresh_figures else previous.snapshot)  # fmt: skip
        version = ReportVersion.objects.create(
            report=report, n=previous.n + 1, snapshot=snapshot, correction_reason=reason,
            drafted_by=user, drafted_at=moment, edited_by=user, edited_at=moment,
            **{field: getattr(previous, field) for field in TEXT_FIELDS},
        )  # fmt: skip
        report_event(report=report, version=version.n, kind=ReportEvent.Kind.CORRECTION_STARTED, actor=user,
                     details={"reason": reason, "corrects": previous.n, "figures_refreshed": refresh_figures})  # fmt: skip
    return version
