"""A database out of reach mid-request (a restart, a failover) is a 503 with Retry-After, never a 500 (issue 19; B8).

The rehearsal restarted PostgreSQL under load and every request then in flight was answered 500 with a traceback;
clients retry a 503 with its Retry-After, and the page says what to do, in Chinese first.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError


@pytest.mark.parametrize("failure", [OperationalError, InterfaceError])
def test_an_api_call_is_answered_503_with_retry_after(client, users, monkeypatch, failure):
    client.force_login(users["tianlong_unit1"])

    def load(self):
        raise failure("the connection is closed")

    monkeypatch.setattr(SessionStore, "load", load)
    client.raise_request_exception = False
    response = client.get("/api/v1/cases", secure=True)
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    error = response.json()["error"]
    assert error["code"] == "unavailable"
    assert "重试" in error["zh"]
    assert "try again" in error["en"]


def test_a_page_is_answered_503_in_chinese_without_touching_the_database(client, users, monkeypatch):
    client.force_login(users["tianlong_unit1"])

    def load(self):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(SessionStore, "load", load)
    client.raise_request_exception = False
    response = client.get("/cases/", secure=True)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "系统正在恢复" in response.content.decode()


def test_other_faults_stay_500(client, users, monkeypatch):
    """Only a lost database is a 503: a bug of ours is still a 500, logged."""
    client.force_login(users["tianlong_unit1"])

    def load(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionStore, "load", load)
    client.raise_request_exception = False
    response = client.get("/cases/", secure=True)
    assert response.status_code == 500
    assert "Retry-After" not in response
