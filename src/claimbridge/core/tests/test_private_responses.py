"""`Cache-Control: private, no-store` on everything answered to a person signed in, a system's API key or a phone that
joined a case; public pages keep their caching (issue 12 finding 10; B8).

Each test was checked by taking `PrivateResponsesMiddleware` out of MIDDLEWARE: every test of a private answer fails.
"""

from __future__ import annotations

import pytest
from django.test import Client

from claimbridge.accounts.api_keys import api_key_create

pytestmark = pytest.mark.django_db


def is_private(response) -> bool:
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


SIGNED_IN_PAGES = ["/", "/staff/", "/organisation/", "/policies/", "/policies/lookup/", "/accounts/password/"]
PERSONAL_JSON = ["/api/v1/accounts/me", "/api/v1/accounts/staff", "/api/v1/organisations/claims-units"]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_pages_for_someone_signed_in_are_never_cached(client, users, path):
    """Issue 12, finding 10 (B8)."""
    client.force_login(users["tianlong_hq"])
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert is_private(response), response.headers.get("Cache-Control")


@pytest.mark.parametrize("path", PERSONAL_JSON)
def test_personal_json_for_a_session_is_never_cached(client, users, path):
    """Issue 12, finding 10 (B8): names and phones of staff, over the API with a browser session."""
    client.force_login(users["tianlong_hq"])
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert is_private(response), response.headers.get("Cache-Control")


@pytest.mark.parametrize("path", PERSONAL_JSON)
def test_personal_json_for_an_api_key_is_never_cached(users, path):
    """Issue 12, finding 10 (B8): an insurer's system with `Authorization: Bearer cb_…` and no session at all."""
    _key, token = api_key_create(user=users["tianlong_hq"], name="core system")
    response = Client().get(path, secure=True, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert is_private(response), response.headers.get("Cache-Control")


def test_a_refusal_to_a_signed_in_user_is_not_cached_either(client, users):
    """Issue 12, finding 10 (B8): an error body names what was asked; it is private too."""
    client.force_login(users["driver_ln"])
    response = client.get("/api/v1/policies/lookup?plate=甘K12345", secure=True)
    assert response.status_code == 403
    assert is_private(response)


def test_a_drivers_phone_that_joined_a_case_is_never_cached(client):
    """Issue 12, finding 10 (B8): a phone is not signed in, but its session holds the case it joined."""
    session = client.session
    session["case_parties"] = {"621202-20240601-00001": "B"}
    session["verified_phone"] = "13912345678"
    session.save()
    for path in ("/cases/start/", "/cases/join/", "/rules/quick-claim/", "/api/v1/rules/circumstances"):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert is_private(response), (path, response.headers.get("Cache-Control"))


PUBLIC = ["/", "/directory/", "/directory/?county=621202", "/rules/", "/rules/settlement/", "/rules/quick-claim/",
          "/api/v1/geography/cities", "/api/v1/organisations/insurers", "/api/v1/rules/circumstances"]  # fmt: skip


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_are_left_to_ordinary_caching(path):
    """Issue 12, finding 10: the rule is for private answers only; the public directory and rules stay cacheable."""
    response = Client().get(path, secure=True)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "private" not in response.headers.get("Cache-Control", "")
