"""Public: what a scanned card's QR code says (R6)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.credentials import keys, services


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")[:2000]
    result = services.credential_verify(token) if token else None
    context = {"token": token, "result": result, "public_key": keys.public_key_pem()}
    return render(request, "credentials/verify.html", context)
