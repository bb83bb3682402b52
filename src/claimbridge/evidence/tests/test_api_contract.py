"""The evidence API's contract (issue 12, "every API response has a schema"; finding 4): every operation declares
its answers and errors with schemas, and an evidence file's county comes from the platform's one point → county
rule."""

from __future__ import annotations

import pytest

from claimbridge.api import api
from claimbridge.evidence import services
from claimbridge.rulebook.services import county_code_at

ERROR_STATUSES = {"400", "401", "403", "404", "409", "422", "429", "500"}


def _operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/evidence/"):
            for method, operation in operations.items():
                yield f"{method.upper()} {path}", operation


def test_every_evidence_operation_declares_a_typed_answer_and_its_errors():
    """Issue 12 (B9): no operation answers an untyped dict; each success is a schema (or declared bytes) and every
    error status is the one error body."""
    operations = dict(_operations())
    assert len(operations) == 8
    for name, operation in operations.items():
        answers = {str(status): answer for status, answer in operation["responses"].items()}
        successes = [answer for status, answer in answers.items() if status.startswith("2")]
        assert successes, name
        for answer in successes:
            for content in answer["content"].values():
                schema = content["schema"]
                typed = "$ref" in schema or "$ref" in schema.get("items", {}) or schema.get("format") == "binary"
                assert typed, (name, schema)
        assert set(answers) >= ERROR_STATUSES, name
        for status in ERROR_STATUSES:
            assert answers[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut"), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude", "crs"),
    [
        (33.3950, 104.9230, "gcj02"),
        (33.3920, 104.9180, "wgs84"),
        (34.58, 105.72, "gcj02"),
        (43.46745, 11.88513, "wgs84"),
    ],
    ids=["武都区 from a Chinese map", "武都区 by GPS", "天水", "Tuscany: no county"],
)
def test_the_county_of_an_evidence_file_is_the_platforms_one_rule(users, latitude, longitude, crs):
    """Issue 12 finding 4: evidence had its own copy of the point → county lookup; it uses county_code_at now."""
    evidence_file = services.evidence_file_create(
        user=users["tianlong_adj1"], latitude=latitude, longitude=longitude, crs=crs
    )
    expected = county_code_at(latitude, longitude, crs)
    assert bool(expected) == (latitude < 40)  # the points in Gansu lie in a county, the one in Tuscany in none
    assert (evidence_file.county.code if evidence_file.county else "") == expected
    assert not hasattr(services, "_county_at")
