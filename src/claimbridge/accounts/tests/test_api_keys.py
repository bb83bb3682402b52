"""API keys for insurers' systems (B9): a key acts as its user, within that user's scope; revoked or altered keys fail."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.test import Client

from claimbridge.accounts import api_keys
from claimbridge.accounts.models import ApiKey

CASE = {"county": "621202", "parties": [{"label": "A", "plate": "甘K12345", "insurer": "tianlong"}]}


def call(method: str, path: str, token: str, body: dict | None = None):
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF token: the key alone must do
    headers = {"Authorization": f"Bearer {token}"}
    if method == "post":
        return client.post(path, json.dumps(body), content_type="application/json", secure=True, headers=headers)
    return client.get(path, secure=True, headers=headers)


def test_b9_a_system_reports_a_case_with_its_key_and_reads_it_back(users):
    _key, token = api_keys.api_key_create(user=users["tianlong_unit1"], name="core system")
    created = call("post", "/api/v1/cases", token, CASE)
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert call("get", f"/api/v1/cases/{number}", token).status_code == 200
    assert ApiKey.objects.get().secret_hash not in token  # only a hash is kept


def test_b8_another_companys_key_cannot_read_the_case(users):
    _key, tianlong = api_keys.api_key_create(user=users["tianlong_unit1"], name="core")
    _key, fuxi = api_keys.api_key_create(user=users["fuxi_unit1"], name="core")
    number = call("post", "/api/v1/cases", tianlong, CASE).json()["number"]
    assert call("get", f"/api/v1/cases/{number}", fuxi).status_code == 404


def test_revoked_altered_or_made_up_keys_are_refused(users):
    key, token = api_keys.api_key_create(user=users["tianlong_unit1"], name="core")
    assert call("get", "/api/v1/accounts/me", token).status_code == 200
    assert call("get", "/api/v1/accounts/me", token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 401
    assert call("get", "/api/v1/accounts/me", "cb_00000000_nothing").status_code == 401
    api_keys.api_key_revoke(key=key)
    assert call("get", "/api/v1/accounts/me", token).status_code == 401


def test_the_command_issues_a_key_that_works(users, capsys):
    call_command("api_key", "create", "maiji_unit1", "claims system")
    token = capsys.readouterr().out.strip()
    assert call("get", "/api/v1/accounts/me", token).json()["username"] == "maiji_unit1"
