"""Only with BENCH_ENDPOINTS on (never in production): the yardstick `bench/intake.py` compares case creation with,
one row inserted through the ORM behind the same middleware."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from claimbridge.core.idempotency import IdempotentRequest


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    row = IdempotentRequest.objects.create(scope="bench", key=secrets.token_hex(16))
    return JsonResponse({"id": row.pk}, status=201)
