"""Issue 12, "every API response has a schema" (B9): each operation of /api/v1/credentials/… declares its 2xx
answers with named schemas an insurer's system can generate a typed client from, and its errors with the one error
body; and what the operations answer matches what they declare."""

from __future__ import annotations

from typing import Any

import pytest

from claimbridge.api import api

PREFIX = "/api/v1/credentials"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [(method, path, operation) for path, operations in schema["paths"].items() if path.startswith(PREFIX)
            for method, operation in operations.items()]  # fmt: skip


def _named(schema: dict[str, Any] | None) -> bool:
    """A reference to a named component, or a list of them: never a bare object with any properties."""
    if not schema:
        return False
    if "$ref" in schema:
        return True
    return schema.get("type") == "array" and "$ref" in schema.get("items", {})


def test_issue_12_b9_the_register_has_its_operations():
    assert len(_operations()) == 13  # issue 13: one entry, its portrait, the work card; issue 15: my feedback


def _binary(answer: dict[str, Any]) -> bool:
    """A download (the portrait): bytes of a named media type, no JSON to type."""
    content = answer.get("content", {})
    return bool(content) and all(
        media.startswith("image/") and body.get("schema", {}).get("format") == "binary"
        for media, body in content.items()
    )


@pytest.mark.parametrize(("method", "path", "operation"), _operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_issue_12_b9_every_answer_of_the_register_is_typed(method, path, operation):
    """Issue 12 (B9): 2xx answers are named schemas; every error status is the error body (ErrorOut)."""
    answers = operation["responses"]
    ok = {status: answer for status, answer in answers.items() if str(status).startswith("2")}
    assert ok, f"{method} {path} declares no successful answer"
    for status, answer in ok.items():
        if _binary(answer):
            continue
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        assert _named(schema), f"{method} {path} {status} is untyped: {schema}"
    for status in (400, 404, 422, 500):
        schema = answers[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
