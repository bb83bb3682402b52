"""Two guards every request passes: input a database cannot hold is refused before any view sees it, and what is
answered to a person signed in (or to a driver's phone) is never kept by a cache on the way. And, outermost, each
request gets its id and its line in the access log (issue 19).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from claimbridge.core.errors import AppError
from claimbridge.core.inputs import bad_text, unsafe_text
from claimbridge.core.logging import REQUEST_ID, valid_request_id

Handler = Callable[[HttpRequest], HttpResponse]
access_log = logging.getLogger("claimbridge.access")


class RequestIdMiddleware:
    """The request's id: the `X-Request-ID` a proxy or client sent when it is plain (at most 64 of A–Z, a–z, 0–9,
    `-`, `_`, `.`), a fresh one otherwise. It is on the response's `X-Request-ID`, on `request.request_id` and in
    every log line written while the request is answered (core/logging.py). With ACCESS_LOG on, one line per request
    says the method, the URL pattern that answered (never the path or its query string: they carry case numbers and
    phone numbers), the status and the milliseconds."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from claimbridge.core.metrics import method_of, route_of

        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if valid_request_id(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if getattr(settings, "ACCESS_LOG", True):
                route, method = route_of(request), method_of(request)
                ms = round((time.perf_counter() - started) * 1000, 1)
                access_log.info("%s %s %s %.1fms", method, route, response.status_code, ms,
                                extra={"method": method, "route": route, "status": response.status_code, "ms": ms,
                                       "request_id": request_id})  # fmt: skip
            return response
        finally:
            REQUEST_ID.reset(token)


def refusal_response(request: HttpRequest, error: AppError) -> HttpResponse:
    """The error as the JSON body on the API, as a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_body(), status=error.status, json_dumps_params={"ensure_ascii": False})
    return render(request, "refused.html", {"error": error}, status=error.status)


class InputSanityMiddleware:
    """NUL bytes, other control characters and lone surrogates in the path, the query string or a form field are
    refused with 400 (PostgreSQL cannot store them, and no person types them)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem is not None:
            return refusal_response(request, bad_text(problem))
        return self.get_response(request)

    @staticmethod
    def _problem(request: HttpRequest) -> str | None:
        if unsafe_text(request.path):
            return "path"
        for name, values in request.GET.lists():
            if unsafe_text(name) or any(unsafe_text(value) for value in values):
                return name if not unsafe_text(name) else "query"
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            for name, values in request.POST.lists():
                if unsafe_text(name) or any(unsafe_text(value) for value in values):
                    return name if not unsafe_text(name) else "form"
            for _name, uploads in request.FILES.lists():
                if any(unsafe_text(getattr(upload, "name", "") or "") for upload in uploads):
                    return "file"
        return None


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every answer to someone signed in, an API key's system or a phone that
    joined a case, unless the view chose its own caching (B8: personal data is never kept by a shared cache)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            (user is not None and user.is_authenticated)
            or "HTTP_AUTHORIZATION" in request.META
            or (session is not None and not session.is_empty())
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
