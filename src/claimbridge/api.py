"""The JSON API: one NinjaAPI, a router per domain, OpenAPI at /api/docs (B9)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from claimbridge.accounts.api import router as accounts_router
from claimbridge.cases.api import party_router, phone_router
from claimbridge.cases.api import router as cases_router
from claimbridge.core.errors import error_body
from claimbridge.credentials.api import router as credentials_router
from claimbridge.evidence.api import router as evidence_router
from claimbridge.organisations.api import geography_router
from claimbridge.organisations.api import router as organisations_router
from claimbridge.policies.api import router as policies_router
from claimbridge.rulebook.api import router as rules_router
from claimbridge.rules.common import RuleInputError


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese stays readable in responses (and a third shorter) instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
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
api.add_router("/v1/policies", policies_router)
api.add_router("/v1/cases", cases_router)
api.add_router("/v1/cases", party_router)
api.add_router("/v1/phone", phone_router)
api.add_router("/v1/credentials", credentials_router)


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, error_body("not_authenticated", _("Please log in.")), status=401)


@api.exception_handler(ValidationError)
def on_invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body = error_body("invalid_input", _("The request is not valid."))
    body["error"]["details"] = exc.errors
    return api.create_response(request, body, status=422)


@api.exception_handler(RuleInputError)
def on_rule_input_error(request: HttpRequest, exc: RuleInputError) -> HttpResponse:
    from claimbridge.rulebook.services import error_body as rule_error_body

    return api.create_response(request, rule_error_body(exc), status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {
        403: ("forbidden", _("You are not allowed to do this.")),
        404: ("not_found", _("Not found.")),
    }
    code, message = messages.get(exc.status_code, ("error", _("The request failed.")))
    return api.create_response(request, error_body(code, message), status=exc.status_code)
