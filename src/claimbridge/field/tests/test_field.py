"""Issue 18, the installable field app (B7, R7–R12): the manifest and the worker the phone installs, the session the
outbox asks before sending, and a case's changes as the phone may see them (the conflict view)."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from claimbridge.field.shell import SHELL_STATIC, shell

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_b7_the_manifest_makes_the_app_installable_with_both_icon_sizes(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    body = json.loads(answer.content)
    assert body["start_url"] == "/"  # anyone's app opens on the home page …
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_b7_an_adjusters_app_opens_on_the_field_form(users):
    """… an adjuster's on the form that works with no signal (the manifest link sends the cookie)."""
    answer = signed_in(users["tianlong_adj1"]).get("/manifest.webmanifest")
    assert json.loads(answer.content)["start_url"] == "/field/"
    assert answer["Cache-Control"].startswith("private")


def test_b7_the_worker_precaches_the_shell_and_its_version_follows_the_files(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/"
    text = answer.content.decode()
    kept = shell()
    assert kept.cache_name in text
    for url in kept.static_urls:
        assert url in text
    assert "/field/" in text
    assert "/field/offline/" in text
    assert kept.static_bytes > 0
    assert len(SHELL_STATIC) == len(kept.static_urls)


def test_b7_the_session_says_who_may_send_and_gives_a_fresh_token(client, users):
    anonymous = client.get("/field/session.json").json()
    assert anonymous["authenticated"] is False
    assert anonymous["may_send"] is False
    adjuster = signed_in(users["tianlong_adj1"]).get("/field/session.json")
    assert adjuster["Cache-Control"] == "private, no-store"
    assert adjuster.json()["may_send"] is True
    assert adjuster.json()["csrf"]
    assert signed_in(users["tianlong_hq"]).get("/field/session.json").json()["may_send"] is False


def test_b7_the_field_form_is_the_adjusters(users):
    assert signed_in(users["tianlong_adj1"]).get("/field/").status_code == 200
    assert signed_in(users["tianlong_hq"]).get("/field/").status_code == 403
    assert Client().get("/field/").status_code == 302


def test_b7_a_case_s_changes_since_the_phone_looked_are_the_readers_to_see(users):
    """The conflict view: what happened after the sequence the phone kept, in words; nothing to who may not see
    the case (404, the same as no case at all)."""
    from tests.factories import wudu_case

    from claimbridge.cases.services.record import case_advance, case_lock

    reporter = users["tianlong_adj1"]
    case = wudu_case(reporter)
    with transaction.atomic():
        case_advance(case=case_lock(pk=case.pk), action="report", reason="complete")
    phone = signed_in(reporter)
    seen = phone.get(f"/api/v1/field/cases/{case.number}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert seen["state"] == "reported"
    assert seen["changes"] == []
    with transaction.atomic():
        case_advance(case=case_lock(pk=case.pk), action="send_to_police", reason="staff")
    later = phone.get(f"/api/v1/field/cases/{case.number}?since={seen['sequence']}").json()
    assert later["state"] == "police"
    assert later["sequence"] > seen["sequence"]
    assert [change["words"] for change in later["changes"]] == ["转交警处理"]
    assert Client().get(f"/api/v1/field/cases/{case.number}").status_code == 401
    for stranger in ("ln_assoc", "driver_ln"):
        assert signed_in(users[stranger]).get(f"/api/v1/field/cases/{case.number}").status_code == 404
    assert phone.get(f"/api/v1/field/cases/{case.number}?after=2026-01-01T00:00:00").status_code == 422  # naive


def test_b7_a_stale_token_is_told_apart_from_a_refusal(users):
    """The phone retries a write refused for its CSRF token (signed in again meanwhile); a real refusal it keeps."""
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(users["tianlong_adj1"])
    answer = phone.post("/api/v1/credentials/stops", {"kind": "accident"}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "csrf_failed"
