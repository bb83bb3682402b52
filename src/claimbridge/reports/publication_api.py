"""/api/v1/progress/…: the published progress reports for anyone (R19, B10), and the associations' writes — draft,
edit, approve, publish, correct (B9).

Handlers are thin: they parse, load through the selectors (404 for what the caller may not see) and call the
services, which ask the scope whether this user may write reports. The creating POSTs (a draft, a correction) honour
`Idempotency-Key`: a retry gets the first answer (200), the same key with another body is refused
(`idempotency_key_reused`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import forbidden, not_found
from claimbridge.core.idempotency import answer_once
from claimbridge.core.inputs import Text
from claimbridge.core.schemas import StrictIn, responses
from claimbridge.reports import publication, publication_selectors
from claimbridge.reports.public_tables import shown, tables_of
from claimbridge.reports.publication_models import ProgressReport, ReportVersion
from claimbridge.stats.figures import FIGURES

router = Router(tags=["progress"])


class CellOut(Schema):
    code: str  # a figure of stats.figures (docs/figures.md)
    value: str | int | None  # shares and yuan as decimal strings; None when withheld or undefined
    hidden: bool  # withheld: fewer than 5 cases, or hidden with such a cell so that a total does not give it away
    text: str  # as printed (＊ withheld, — no value)


class RowOut(Schema):
    key: str  # a city's or county's code, an insurer's code, a month (YYYY-MM), "total"
    label_zh: str
    label_en: str
    cells: list[CellOut]


class TableOut(Schema):
    name: Literal["city", "county", "insurer", "month"]
    rows: list[RowOut]
    total: RowOut | None


class PeriodOut(Schema):
    kind: Literal["monthly", "quarterly"]
    first: str  # YYYY-MM
    last: str
    label_zh: str
    label_en: str


class VersionBriefOut(Schema):
    version: int
    state: Literal["draft", "approved", "published"]
    correction_reason: str
    published_at: datetime | None
    url: str


class VersionOut(Schema):
    number: int
    version: int
    state: Literal["draft", "approved", "published"]
    period: PeriodOut
    computed_at: str
    min_cell: int
    summary_zh: str
    summary_en: str
    highlights_zh: str
    highlights_en: str
    correction_reason: str
    approved_at: datetime | None
    published_at: datetime | None
    pdf_url: str
    pdf_sha256: str
    xlsx_url: str
    xlsx_sha256: str
    headline: list[CellOut]
    tables: list[TableOut]
    versions: list[VersionBriefOut]


class ReportBriefOut(Schema):
    number: int
    kind: Literal["monthly", "quarterly"]
    period: PeriodOut
    version: int  # the newest published one (for the associations' list: the newest)
    published_at: datetime | None
    versions: list[VersionBriefOut]


class ReportListOut(Schema):
    reports: list[ReportBriefOut]


class Texts(StrictIn):
    summary_zh: Text(publication.TEXT_MAX) | None = None  # type: ignore[valid-type]
    summary_en: Text(publication.TEXT_MAX) | None = None  # type: ignore[valid-type]
    highlights_zh: Text(publication.TEXT_MAX) | None = None  # type: ignore[valid-type]
    highlights_en: Text(publication.TEXT_MAX) | None = None  # type: ignore[valid-type]


class DraftIn(Texts):
    kind: Literal["monthly", "quarterly"]
    period_start: date  # the first day of the period's first month (a quarter starts in January, April, July, October)


class EditIn(Texts):
    refresh_figures: bool = False  # compute the figures again from the roll-ups now


class CorrectionIn(StrictIn):
    reason: Annotated[Text(publication.REASON_MAX), Field(min_length=1)]  # type: ignore[valid-type]
    refresh_figures: bool = False


# --- shaping ----------------------------------------------------------------------------------------------------------


def _cells(cells: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"code": figure.code, "value": cells.get(figure.code, {}).get("value"),
             "hidden": bool(cells.get(figure.code, {}).get("hidden")),
             "text": shown(figure, cells.get(figure.code))} for figure in FIGURES]  # fmt: skip


def _row(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"key": row["key"], "label_zh": row["label"]["zh"], "label_en": row["label"]["en"],
            "cells": _cells(row["cells"])}  # fmt: skip


def _period(snapshot: dict[str, Any]) -> dict[str, Any]:
    period = snapshot["period"]
    return {"kind": period["kind"], "first": period["first"], "last": period["last"],
            "label_zh": period["label"]["zh"], "label_en": period["label"]["en"]}  # fmt: skip


def _url(request: HttpRequest, version: ReportVersion, what: str = "") -> str:
    public = version.state == "published"
    base = f"/{'progress' if public else 'publications'}/{version.report.number}/{version.n}/"
    return request.build_absolute_uri(base + what)


def _brief(request: HttpRequest, version: ReportVersion) -> dict[str, Any]:
    return {"version": version.n, "state": version.state, "correction_reason": version.correction_reason,
            "published_at": version.published_at, "url": _url(request, version)}  # fmt: skip


def version_view(request: HttpRequest, version: ReportVersion, versions: list[ReportVersion]) -> dict[str, Any]:
    snapshot = version.snapshot
    published = version.state == "published"
    return {
        "number": version.report.number, "version": version.n, "state": version.state, "period": _period(snapshot),
        "computed_at": snapshot["computed_at"], "min_cell": snapshot["min_cell"],
        **{field: getattr(version, field) for field in publication.TEXT_FIELDS},
        "correction_reason": version.correction_reason, "approved_at": version.approved_at,
        "published_at": version.published_at,
        "pdf_url": _url(request, version, "report.pdf"), "pdf_sha256": version.pdf_sha256 if published else "",
        "xlsx_url": _url(request, version, "report.xlsx"), "xlsx_sha256": version.xlsx_sha256 if published else "",
        "headline": _cells(snapshot["headline"]),
        "tables": [{"name": name, "rows": [_row(row) for row in table["rows"]], "total": _row(table.get("total"))}
                   for name, table in tables_of(snapshot)],
        "versions": [_brief(request, other) for other in sorted(versions, key=lambda v: -v.n)],
    }  # fmt: skip


def _report_brief(request: HttpRequest, report: ProgressReport, versions: list[ReportVersion]) -> dict[str, Any]:
    newest = max(versions, key=lambda v: v.n)
    return {"number": report.number, "kind": report.kind, "period": _period(newest.snapshot), "version": newest.n,
            "published_at": newest.published_at,
            "versions": [_brief(request, v) for v in sorted(versions, key=lambda v: -v.n)]}  # fmt: skip


def _once(request: HttpRequest, operation: str, body: Any, work: Callable[[], tuple[int, dict[str, Any]]]
          ) -> Status[Any]:  # fmt: skip
    scope = f"user:{request.user.pk}:progress.{operation}"
    return Status(*answer_once(scope=scope, key=request.headers.get("Idempotency-Key", ""), body=body, work=work))


def _version(request: HttpRequest, number: int, version: int) -> ReportVersion:
    found = publication_selectors.version_get_for_user(user=request.user, number=number, n=version)
    if found is None:
        raise not_found()
    return found


def _answer(request: HttpRequest, version: ReportVersion) -> dict[str, Any]:
    return version_view(request, version, publication_selectors.versions_of(user=request.user, report=version.report))


# --- the associations' side (before the public routes: "reports" is not a number) -----------------------------------


@router.get("/reports", auth=API_AUTH, response=responses({200: ReportListOut}),
            summary="Every report with its versions, drafts included (associations, supervisors, the platform)")  # fmt: skip
def report_list(request: HttpRequest) -> dict[str, Any]:
    if not publication_selectors.reads_every_version(scope_for(request.user)):
        raise forbidden()
    reports = publication_selectors.report_list_for_user(user=request.user)
    return {"reports": [_report_brief(request, report, list(report.versions.all())) for report in reports]}


@router.get("/reports/{number}/versions/{version}", auth=API_AUTH, response=responses({200: VersionOut}),
            summary="One version in any state (associations, supervisors, the platform)")  # fmt: skip
def report_version(request: HttpRequest, number: int, version: int) -> dict[str, Any]:
    if not publication_selectors.reads_every_version(scope_for(request.user)):
        raise forbidden()
    return _answer(request, _version(request, number, version))


@router.post("/reports", auth=API_AUTH, response=responses({200: VersionOut, 201: VersionOut}),
             summary="Draft the report of a month or quarter, with its figures from the roll-ups now (associations; "
                     "Idempotency-Key makes retries return the same draft)")  # fmt: skip
def report_draft(request: HttpRequest, payload: DraftIn) -> Status[Any]:
    def work() -> tuple[int, dict[str, Any]]:
        texts = payload.model_dump(include=set(publication.TEXT_FIELDS), exclude_none=True)
        version = publication.report_draft(user=request.user, kind=payload.kind, start=payload.period_start, **texts)
        return 201, _answer(request, version)

    return _once(request, "draft", payload, work)


@router.post("/reports/{number}/versions/{version}/edit", auth=API_AUTH, response=responses({200: VersionOut}),
             summary="Change a version's texts, or compute its figures again (associations; an approved version goes "
                     "back to draft)")  # fmt: skip
def version_edit(request: HttpRequest, number: int, version: int, payload: EditIn) -> dict[str, Any]:
    found = _version(request, number, version)
    texts = payload.model_dump(include=set(publication.TEXT_FIELDS), exclude_none=True)
    edited = publication.version_edit(user=request.user, version=found, refresh_figures=payload.refresh_figures,
                                      **texts)  # fmt: skip
    return _answer(request, edited)


@router.post("/reports/{number}/versions/{version}/approve", auth=API_AUTH, response=responses({200: VersionOut}),
             summary="Approve a draft (an association user other than the one who wrote it last)")  # fmt: skip
def version_approve(request: HttpRequest, number: int, version: int) -> dict[str, Any]:
    return _answer(request, publication.version_approve(user=request.user, version=_version(request, number, version)))


@router.post("/reports/{number}/versions/{version}/publish", auth=API_AUTH, response=responses({200: VersionOut}),
             summary="Publish an approved version: its PDF and spreadsheet are made and kept; it never changes again")  # fmt: skip
def version_publish(request: HttpRequest, number: int, version: int) -> dict[str, Any]:
    return _answer(request, publication.version_publish(user=request.user, version=_version(request, number, version)))


@router.post("/reports/{number}/corrections", auth=API_AUTH, response=responses({200: VersionOut, 201: VersionOut}),
             summary="Correct a published report: a new version with the reason, to approve and publish again "
                     "(associations; Idempotency-Key makes retries return the same version)")  # fmt: skip
def report_correct(request: HttpRequest, number: int, payload: CorrectionIn) -> Status[Any]:
    report = publication_selectors.report_get_for_user(user=request.user, number=number)
    if report is None:
        raise not_found()

    def work() -> tuple[int, dict[str, Any]]:
        version = publication.report_correct(user=request.user, report=report, reason=payload.reason,
                                             refresh_figures=payload.refresh_figures)  # fmt: skip
        return 201, _answer(request, version)

    return _once(request, f"correct.{number}", payload, work)


# --- the public side ---------------------------------------------------------------------------------------------


@router.get("/", auth=None, response=responses({200: ReportListOut}),
            summary="The published progress reports, the latest period first, each with its published versions")  # fmt: skip
def progress_list(request: HttpRequest) -> dict[str, Any]:
    return {"reports": [_report_brief(request, item.report, item.versions)
                        for item in publication_selectors.published_reports()]}  # fmt: skip


@router.get("/{number}/{version}", auth=None, response=responses({200: VersionOut}),
            summary="A published version of a report: its figures (small counts withheld), texts and downloads")  # fmt: skip
def progress_version(request: HttpRequest, number: int, version: int) -> dict[str, Any]:
    found = publication_selectors.published(number=number, n=version)
    if found is None:
        raise not_found()
    return version_view(request, found.version, found.versions)
