"""Every answer of the register's, the reference routes' and the rules' operations has a schema (issue 12: typed
responses; B9): an insurer's system generates a typed client from /api/openapi.json, and errors are the one body."""

from __future__ import annotations

import pytest

from claimbridge.rulebook.api import EXAMPLES
from claimbridge.rules.documents import RULES, validate_document

pytestmark = pytest.mark.django_db
PREFIXES = ("/api/v1/policies", "/api/v1/organisations", "/api/v1/geography", "/api/v1/accounts", "/api/v1/rules")
ERRORS_EVERY_OPERATION_DECLARES = {"400", "401", "403", "404", "422", "500"}


@pytest.fixture
def schema(client):
    """The document as clients read it (JSON: status codes are strings)."""
    return client.get("/api/openapi.json", secure=True).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        if path.startswith(PREFIXES):
            for method, operation in methods.items():
                yield f"{method.upper()} {path}", operation


def component(schema, reference: str) -> dict:
    assert reference.startswith("#/components/schemas/"), reference
    return schema["components"]["schemas"][reference.rsplit("/", 1)[1]]


def typed(schema, node: dict) -> bool:
    """A named schema with its properties, a list of such, or a choice among such; never a free object."""
    if "$ref" in node:
        target = component(schema, node["$ref"])
        return bool(target.get("properties")) or typed(schema, target) if "$ref" not in target else False
    if node.get("type") == "array":
        return typed(schema, node.get("items", {}))
    choices = node.get("oneOf") or node.get("anyOf")
    if choices:
        return all(typed(schema, choice) for choice in choices)
    return False


def test_there_are_operations_to_check(schema):
    assert len(list(operations(schema))) >= 15


def test_every_answer_is_a_named_schema(schema):
    """Issue 12 (B9): 35 of 48 operations answered `dict[str, Any]`; none of these may."""
    untyped = []
    for name, operation in operations(schema):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if body is None or not typed(schema, body):
                untyped.append((name, status, body))
    assert untyped == []


def test_every_operation_documents_the_one_error_body(schema):
    """Issue 12 (B9): errors are `ErrorOut`, declared on every operation (core.schemas.responses)."""
    missing = []
    for name, operation in operations(schema):
        for status in ERRORS_EVERY_OPERATION_DECLARES:
            response = operation["responses"].get(status)
            reference = (response or {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
            if reference != "#/components/schemas/ErrorOut":
                missing.append((name, status))
    assert missing == []


@pytest.mark.parametrize("name", ["liability", "eligibility", "settle", "triage"])
def test_each_rules_answer_is_the_kernels_document_field_for_field(client, name):
    """A schema must not drop or reshape what the kernel decided."""
    import json

    response = client.post(f"/api/v1/rules/{name}", data=json.dumps(EXAMPLES[name], ensure_ascii=False),
                           content_type="application/json", secure=True)  # fmt: skip
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(RULES[name](EXAMPLES[name]), default=str))


@pytest.mark.parametrize(
    "document",
    [{"kind": "plate", "value": "甘K12345"}, {"kind": "plate", "value": "甘K1234"}, {"kind": "vin", "value": "LSVAM4187C2184847"},
     {"kind": "vin", "value": "LSVAM4187C2184840"}, {"kind": "idcard", "value": "34052419800101001X"},
     {"kind": "idcard", "value": "340524198001010010"}],
)  # fmt: skip
def test_each_identifier_check_is_the_kernels_document(client, document):
    import json

    response = client.post("/api/v1/rules/validate", data=json.dumps(document, ensure_ascii=False),
                           content_type="application/json", secure=True)  # fmt: skip
    assert response.json() == validate_document(document)


def test_the_catalogue_and_a_location_are_the_kernels_documents(client):
    from claimbridge.rulebook.services import locate

    assert client.get("/api/v1/rules/circumstances", secure=True).json() == RULES["circumstances"]({})
    response = client.post("/api/v1/rules/locate", data='{"lat": 34.580888, "lon": 105.724215, "crs": "gcj02"}',
                           content_type="application/json", secure=True)  # fmt: skip
    assert response.json() == locate(34.580888, 105.724215, crs="gcj02").as_dict()
