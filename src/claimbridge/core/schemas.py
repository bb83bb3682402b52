"""Schemas every API router shares: the one error body, so that every operation documents its errors (B9)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """A request body: a field the operation does not know is refused (422), never silently dropped — a mistyped
    `acident_at` must not lose the time of an accident."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Schema):
    code: str  # machine-readable, stable: e.g. "not_found", "invalid_input", "idempotency_key_reused"
    message: str  # in the reader's language (Accept-Language / the language cookie)
    zh: str
    en: str
    field: str | None = None  # the input the error is about, e.g. "parties[1].plate"
    details: Any = None  # for invalid_input: each offending field with pydantic's message


class ErrorOut(Schema):
    error: ErrorDetail


# The answers every signed-in operation may give besides its own, to put in `response={...}`.
COMMON_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    500: ErrorOut,
}


def responses(ok: dict[int, Any]) -> dict[int, Any]:
    """`{200: ThingOut}` plus every error status with the error body: `response=responses({201: ThingOut})`."""
    return {**COMMON_ERRORS, **ok}


def download_answer(mime: str, what: str) -> dict[str, Any]:
    """`openapi_extra` of a download: its 200 answer is bytes of this type (an evidence original, a portrait, an
    export)."""
    return {"responses": {200: {"description": what, "content": {mime: {"schema": {"type": "string",
                                                                                "format": "binary"}}}}}}  # fmt: skip
