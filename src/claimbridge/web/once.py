"""Sending a web form once (every creating POST honours a key, as the API honours `Idempotency-Key`): the form
carries a hidden key; a second POST of the same form (a double tap, a retry after a dropped answer) gets the first
answer; the same key with other contents is refused. One rule for every app's pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from claimbridge.core.errors import AppError
from claimbridge.core.idempotency import earlier_answer, fingerprint_of, run_once

FORM_KEY = "form_key"
NOT_FORM_FIELDS = {FORM_KEY, "csrfmiddlewaretoken"}


def form_key(request: HttpRequest) -> str:
    """The key of the form on the page: the one it was posted with (so that a corrected form is still the same
    submission), or a new one for a new form."""
    posted = request.POST.get(FORM_KEY, "") if request.method == "POST" else ""
    return posted if posted and len(posted) <= 64 and posted.isascii() else secrets.token_urlsafe(16)


def form_identity(request: HttpRequest, operation: str, *, app: str) -> tuple[str, str, str]:
    fields = {name: request.POST.getlist(name) for name in sorted(request.POST) if name not in NOT_FORM_FIELDS}
    files = {name: [(upload.name, upload.size) for upload in request.FILES.getlist(name)] for name in request.FILES}
    scope = f"user:{request.user.pk}:{app}.web.{operation}"
    return scope, request.POST.get(FORM_KEY, ""), fingerprint_of({"fields": fields, "files": files})


def sent_before(request: HttpRequest, operation: str, *, app: str) -> dict[str, Any] | None:
    """The first answer to this very form, when it was sent before (a double tap): checked before the form's own
    checks, which would now find the entry it made (the same ID number) and refuse."""
    scope, key, fingerprint = form_identity(request, operation, app=app)
    if not key:
        return None
    try:
        earlier = earlier_answer(scope=scope, key=key, fingerprint=fingerprint)
    except AppError:
        return None  # the same key with other contents: `_once` says so
    return earlier[1] if earlier is not None else None


def once(request: HttpRequest, operation: str, work: Callable[[], dict[str, Any]], *, app: str) -> dict[str, Any]:
    """Run a form's work once per form key of this user: a second POST of the same form gets the first answer. The
    same key with other contents is refused (a stale form sent again after a change)."""
    scope, key, fingerprint = form_identity(request, operation, app=app)
    try:
        earlier = earlier_answer(scope=scope, key=key, fingerprint=fingerprint)
        if earlier is not None:
            return earlier[1]
        return run_once(scope=scope, key=key, work=lambda: (200, work()), fingerprint=fingerprint)[1]
    except AppError as error:
        if error.code not in {"idempotency_key_reused", "bad_idempotency_key"}:
            raise
        raise AppError("form_already_sent", "这张表已经提交过，内容不同：请重新打开页面再填写",
                       "This form was already sent with other contents: open the page again to send a new one",
                       status=409) from None  # fmt: skip
