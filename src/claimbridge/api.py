"""The JSON API: one NinjaAPI, a router per domain, OpenAPI at /api/docs (B9)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from claimbridge.accesslog.api import router as accesslog_router
from claimbridge.accounts.api import router as accounts_router
from claimbridge.cases.api import join_router, party_router, phone_router
from claimbridge.cases.api import router as cases_router
from claimbridge.cases.api.my_cases import my_router, proof_router
from claimbridge.consultations.api import router as consultations_router
from claimbridge.core.errors import (
    RETRY_AFTER_SECONDS,
    AppError,
    forbidden,
    not_authenticated,
    not_found,
    server_error,
    unavailable,
)
from claimbridge.core.inputs import parse_json
from claimbridge.credentials.api import router as credentials_router
from claimbridge.evidence.api import router as evidence_router
from claimbridge.evidence.upload_api import router as uploads_router
from claimbridge.field.api import router as field_router
from claimbridge.fraud.analysis_api import router as fraud_analysis_router
from claimbridge.fraud.api import router as fraud_router
from claimbridge.organisations.api import geography_router
from claimbridge.organisations.api import router as organisations_router
from claimbridge.photos.errors import RejectedFile
from claimbridge.police.api import router as police_router
from claimbridge.policies.api import router as policies_router
from claimbridge.reports.api import router as reports_router
from claimbridge.reports.publication_api import router as progress_router
from claimbridge.reports.row_export_api import router as report_exports_router
from claimbridge.retention.api import router as retention_router
from claimbridge.rulebook.api import router as rules_router
from claimbridge.rules.case_flow import IllegalTransition
from claimbridge.rules.common import RuleInputError
from claimbridge.subjects.api import router as subjects_router

logger = logging.getLogger("claimbridge.api")


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese stays readable in responses (and a third shorter) instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class CheckedJSONParser(Parser):
    """Every JSON body is checked before a schema reads it: no control characters or lone surrogates in any string
    or key, nesting bounded (core.inputs)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return parse_json(request.body)


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    parser=CheckedJSONParser(),
    title="ClaimBridge API",
    version="1",
    description="理赔桥 — the Longnan–Tianshui motor-claims integration platform. Errors carry a machine-readable "
    "`code` and the message in Chinese (`zh`) and English (`en`).",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/v1/geography", geography_router)
api.add_router("/v1/organisations", organisations_router)
api.add_router("/v1/accounts", accounts_router)
api.add_router("/v1/rules", rules_router)
api.add_router("/v1/evidence", evidence_router)
api.add_router("/v1/uploads", uploads_router)  # resumable uploads (decision 0025)
api.add_router("/v1/policies", policies_router)
api.add_router("/v1/cases", join_router)  # before /{number}: "join" is not a case number
api.add_router("/v1/cases", cases_router)
api.add_router("/v1/cases", party_router)
api.add_router("/v1/cases", accesslog_router)  # who looked at a case's personal data (issue 20)
api.add_router("/v1/phone", phone_router)
api.add_router("/v1/me", proof_router)  # 我的案件 (issue 13)
api.add_router("/v1/me", my_router)
api.add_router("/v1/credentials", credentials_router)
api.add_router("/v1/fraud", fraud_router)
api.add_router("/v1/fraud", fraud_analysis_router)
api.add_router("/v1/police", police_router)
api.add_router("/v1/field", field_router)
api.add_router("/v1/subjects", subjects_router)  # a person's own data and requests (decision 0030)
api.add_router("/v1/reports", report_exports_router)
api.add_router("/v1/reports", reports_router)
api.add_router("/v1/progress", progress_router)  # the published progress reports (issue 17, R19)
api.add_router("/v1/consultations", consultations_router)  # questions, answers, specialists, the FAQ (R13)
api.add_router("/v1/retention", retention_router)  # the retention schedule and sweeps (decision 0028)


def _details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors without what they quote back (the input, which may be personal data) or carry (objects)."""
    return [{"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}
            for error in errors]  # fmt: skip


def _field(errors: list[dict[str, Any]]) -> str:
    """The path of the first offending field, as a caller names it (`parties[1].plate`), without ninja's prefix."""
    if not errors:
        return ""
    loc = [part for part in errors[0].get("loc", ()) if part not in ("body", "payload", "query", "path", "form")]
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def respond(request: HttpRequest, error: AppError) -> HttpResponse:
    return api.create_response(request, error.as_body(), status=error.status)


@api.exception_handler(AppError)
def on_refused(request: HttpRequest, exc: AppError) -> HttpResponse:
    return respond(request, exc)


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return respond(request, not_authenticated())


@api.exception_handler(ValidationError)
def on_invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = list(exc.errors)
    field = _field(errors)
    first = str(errors[0].get("msg", "")) if errors else ""
    error = AppError(
        "invalid_input",
        f"请求内容不正确：{field or '请求'} — {first}" if first else "请求内容不正确",
        f"The request is not valid: {field or 'request'} — {first}" if first else "The request is not valid.",
        field=field,
        details=_details(errors),
    )
    return respond(request, error)


@api.exception_handler(RuleInputError)
def on_rule_input_error(request: HttpRequest, exc: RuleInputError) -> HttpResponse:
    return respond(request, AppError.from_kernel(exc))


@api.exception_handler(IllegalTransition)
def on_illegal_transition(request: HttpRequest, exc: IllegalTransition) -> HttpResponse:
    return respond(request, AppError.from_kernel(exc))


@api.exception_handler(RejectedFile)
def on_rejected_file(request: HttpRequest, exc: RejectedFile) -> HttpResponse:
    return respond(request, AppError.from_kernel(exc))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, AppError):  # ninja wraps what the body parser refused (core.inputs.parse_json)
        return respond(request, exc.__cause__)
    if isinstance(exc.__cause__, RequestDataTooBig):
        return respond(request, too_large())
    if exc.status_code == 400:
        return respond(
            request, AppError("bad_request", "请求内容无法读取", "The request body cannot be read.", status=400)
        )
    if exc.status_code == 404:
        return respond(request, not_found())
    if exc.status_code == 403 and "CSRF" in str(exc):  # a stale page or phone: its own code, so it can ask again
        return respond(request, AppError("csrf_failed", "页面的安全令牌已过期，请刷新页面后重试",
                                         "The page's security token has expired: reload it and try again",
                                         status=403))  # fmt: skip
    if exc.status_code == 403:
        return respond(request, forbidden())
    return respond(request, AppError("error", "请求失败", "The request failed.", status=exc.status_code))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return respond(request, not_found())


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return respond(request, forbidden())


def too_large() -> AppError:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1
    return AppError("too_large", f"请求内容超过 {limit} MB，请分批发送", f"The request is larger than {limit} MB: send it in parts",
                    status=413)  # fmt: skip


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return respond(request, too_large())


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """The database refused a value (too long, out of range): the request's transaction was rolled back. A schema
    should have refused it first; this net keeps the answer a 422 and the body JSON."""
    logger.warning("value refused by the database on %s: %s", request.path, exc)
    return respond(
        request, AppError("value_out_of_range", "有数值过长或超出范围", "A value is too long or out of range.")
    )


def on_database_unreachable(request: HttpRequest, exc: Any) -> HttpResponse:
    """The database went away mid-request (a restart, a failover): the transaction did not commit, so the answer is
    503 with Retry-After, which clients and the phone's outbox retry, not a 500 (B8)."""
    logger.warning("database unreachable on %s %s: %s", request.method, request.path, exc)
    response = respond(request, unavailable())
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


api.add_exception_handler(OperationalError, on_database_unreachable)
api.add_exception_handler(InterfaceError, on_database_unreachable)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback, answered with the JSON error body (never an HTML page)."""
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return respond(request, server_error())
