"""/api/v1/reports/exports: an insurer's system (or an association's) asks for the rows behind the figures of some
months, follows the export's progress and downloads the spreadsheet (issue 17, item 6). Creating honours
`Idempotency-Key`; an export is its requester's alone (another's is a 404)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.idempotency import earlier_answer, fingerprint_of, run_once
from claimbridge.core.schemas import download_answer, responses
from claimbridge.reports import row_exports
from claimbridge.reports.export_models import ExportJob

router = Router(tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportIn(Schema):
    first: date  # any day of the first month (its month is taken)
    last: date


class ExportOut(Schema):
    id: int
    first: date
    last: date
    state: str
    rows_total: int
    rows_done: int
    percent: int
    created_at: datetime
    finished_at: datetime | None
    download: str  # the file's address once the state is "done"


def _out(job: ExportJob) -> dict[str, Any]:
    return {"id": job.pk, "first": job.first, "last": job.last, "state": job.state, "rows_total": job.rows_total,
            "rows_done": job.rows_done, "percent": job.percent, "created_at": job.created_at,
            "finished_at": job.finished_at,
            "download": f"/api/v1/reports/exports/{job.pk}/file" if job.state == ExportJob.State.DONE else ""}  # fmt: skip


@router.post("/exports", auth=API_AUTH, response=responses({202: ExportOut, 200: ExportOut}),
             summary="Ask for an export of the rows behind the figures (honours Idempotency-Key)")  # fmt: skip
def export_create(request: HttpRequest, body: ExportIn) -> Any:
    scope = f"user:{request.user.pk}:reports.export"
    key, fingerprint = request.headers.get("Idempotency-Key", ""), fingerprint_of(body)
    earlier = earlier_answer(scope=scope, key=key, fingerprint=fingerprint)
    if earlier is not None:
        return Status(200, row_exports_get(request, earlier[1]["id"]))

    def work() -> tuple[int, dict[str, Any]]:
        job = row_exports.export_request(user=request.user, first=body.first.replace(day=1),
                                         last=body.last.replace(day=1))  # fmt: skip
        return 202, _out(job)

    status, answer, replayed = run_once(scope=scope, key=key, work=work, fingerprint=fingerprint)
    return Status(200 if replayed else status, row_exports_get(request, answer["id"]) if replayed else answer)


def row_exports_get(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return _out(row_exports.export_get(user=request.user, job_id=job_id))


@router.get("/exports/{job_id}", auth=API_AUTH, response=responses({200: ExportOut}),
            summary="An export's progress")  # fmt: skip
def export_read(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return row_exports_get(request, job_id)


@router.get("/exports/{job_id}/file", auth=API_AUTH, summary="The export's spreadsheet, once it is done",
            response=responses({}), openapi_extra=download_answer(XLSX, "The spreadsheet"))  # fmt: skip
def export_file(request: HttpRequest, job_id: int) -> HttpResponse:
    content, name = row_exports.export_open(user=request.user, job_id=job_id, route="api")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
