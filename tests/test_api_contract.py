"""The API's contract with insurers' systems (B9, issue 12): every operation's answers are typed — a generated client
gets real types — errors have the one error body, and the OpenAPI document is a reviewed file: any change to the
contract shows as a diff of `docs/openapi.json` (`make openapi` rewrites it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimbridge.api import api

SNAPSHOT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def openapi() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(), ensure_ascii=False, sort_keys=True, default=str))


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def untyped(schema: dict[str, Any], document: dict[str, Any]) -> bool:
    """An answer a generated client could only call `object`/`any`: no schema, a bare object with free properties, or
    a list of such."""
    schema = _resolve(schema, document)
    if not schema:
        return True
    if schema.get("type") == "array":
        return untyped(schema.get("items", {}), document)
    if "anyOf" in schema or "oneOf" in schema:
        return any(untyped(part, document) for part in schema.get("anyOf", schema.get("oneOf", [])))
    if schema.get("type") == "object" or "additionalProperties" in schema:
        return not schema.get("properties")
    return False


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in document["paths"].items() for method, operation in item.items()]


def test_every_operation_declares_typed_answers_and_the_one_error_body():
    document = openapi()
    problems = []
    for path, method, operation in operations(document):
        responses = operation.get("responses", {})
        ok = {code: answer for code, answer in responses.items() if code.startswith("2")}
        if not ok:
            problems.append(f"{method.upper()} {path}: no 2xx answer documented")
        for code, answer in ok.items():
            content = answer.get("content", {})
            if not content:
                problems.append(f"{method.upper()} {path} {code}: no body schema")
            for media, body in content.items():
                if media == "application/json" and untyped(body.get("schema", {}), document):
                    problems.append(f"{method.upper()} {path} {code}: untyped answer")
        for code in ("401", "404", "422") if operation.get("security") else ("404", "422"):
            schema = responses.get(code, {}).get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref", "").rsplit("/", 1)[-1] != "ErrorOut":
                problems.append(f"{method.upper()} {path}: {code} is not the error body")
    assert problems == []


def test_the_openapi_document_is_the_reviewed_snapshot():
    """A change to the API is a reviewed diff: run `make openapi` and commit docs/openapi.json with the change."""
    current = json.dumps(openapi(), ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    assert SNAPSHOT.exists(), "run `make openapi`"
    assert SNAPSHOT.read_text() == current, "the API changed: run `make openapi`, review and commit docs/openapi.json"


@pytest.mark.parametrize("case", [{}, {"type": "object"}, {"type": "object", "additionalProperties": True},
                                  {"type": "array", "items": {"type": "object"}}])  # fmt: skip
def test_the_untyped_check_can_fail(case):
    assert untyped(case, {"components": {"schemas": {}}})


def test_the_untyped_check_passes_a_typed_answer():
    document = {"components": {"schemas": {"ThingOut": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}
    assert not untyped({"$ref": "#/components/schemas/ThingOut"}, document)
