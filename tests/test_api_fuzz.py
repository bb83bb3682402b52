"""Schemathesis against the whole API, in process (issue 12): for every operation, a few generated requests — valid
and deliberately invalid — as an anonymous caller and as an insurer's system with its key. No answer may be a 5xx,
use a status code the operation does not document, or break its documented schema; errors are JSON, never HTML.

Bounded for `make test`: a few examples per operation and a fixed seed, so a run takes about a minute and a failure
reproduces. `FUZZ_EXAMPLES=50 pytest tests/test_api_fuzz.py` looks harder.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from claimbridge.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

config = schemathesis.Config(seed=20261201)
config.projects.default.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=config)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: a request in process must not close the database connection the test's
    transaction lives on (PostgreSQL; SQLite's in-memory database hides it)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def insurer_key(users):
    from claimbridge.accounts.api_keys import api_key_create

    _key, token = api_key_create(user=users["tianlong_hq"], name="fuzz")
    return token


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_no_operation_answers_a_5xx_or_off_its_contract(case, insurer_key):
    for headers in ({}, {"Authorization": f"Bearer {insurer_key}"}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
