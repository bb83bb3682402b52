"""Builders the register's tests share: an adjuster's details, a pinned clock, submitted and credentialed adjusters,
signed-in clients, a case the adjuster may link a stop to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from claimbridge.credentials import services
from claimbridge.credentials.models import Adjuster

CHINA = ZoneInfo("Asia/Shanghai")
DETAILS = {"education": "college", "mandarin": "2B", "licence_class": "C1", "licence_expiry": "2030-05-01",
           "knows_both_regions": True, "vehicle_plate": "甘K12345", "vehicle_marked": True,
           "equipment": ["uniform", "work_card", "vest", "survey_tools"]}  # fmt: skip
ID_NUMBER = "11010519491231002X"  # a valid resident ID number (check character X)
OTHER_ID_NUMBER = "110105194912310038"  # another person, also valid
ADJUSTER_FORM = {"full_name": "王小明", "id_number": ID_NUMBER, "phone": "13800001111", "city": "621200",
                 "education": "college", "mandarin": "2B", "licence_class": "C1", "licence_expiry": "2031-05-01",
                 "vehicle_plate": "甘K12345"}  # fmt: skip


def id_for(serial: int) -> str:
    """A valid resident ID number of its own for each person (the register holds one entry per person)."""
    from claimbridge.rules.identifiers import id_check_character

    first = f"62120219800101{serial % 1000:03d}"
    return first + id_check_character(first)


@pytest.fixture
def details() -> dict[str, Any]:
    return dict(DETAILS)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Pin "now" (timezone.now, and so localdate and localtime) for a test whose dates are fixed."""

    def pin(instant: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return pin


@pytest.fixture
def submitted(users: dict[str, Any]) -> Adjuster:
    """Tianlong's Longnan adjuster, submitted by the company to the Longnan association."""
    return services.adjuster_submit(user=users["tianlong_hq"], full_name="王小明", id_number=ID_NUMBER,
                                    phone="13800001111", city_code="621200", details=dict(DETAILS))  # fmt: skip


@pytest.fixture
def credentialed(users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Adjuster]:
    """Give an adjuster's account an entry in the register, approved by its city's association on `since`, so
    that its credential is in force from that day (a stop needs one: R6, R8)."""

    def make(username: str, *, since: date | None = None, city_code: str = "") -> Adjuster:
        account = users[username]
        city = city_code or account.claims_unit.branch.city.code
        company = users[f"{account.insurer.code}_hq"]
        adjuster = services.adjuster_submit(user=company, full_name=account.full_name or "李四", id_number=id_for(account.pk),
                                            phone="13800002222", city_code=city, details=dict(DETAILS),
                                            account=account.username)  # fmt: skip
        association = users["ln_assoc" if city == "621200" else "ts_assoc"]
        day = since or timezone.localdate()
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "now", lambda: datetime.combine(day, time(9, 0), CHINA))
            services.adjuster_review(user=association, adjuster=adjuster, decision="approve")
        adjuster.refresh_from_db()
        return adjuster

    return make


def signed_in(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for(users: dict[str, Any]) -> Callable[[str | None], Client]:
    """A browser signed in as the named demo user (None: anonymous)."""
    return lambda name: signed_in(users[name] if name else None)


@pytest.fixture
def case_of(users: dict[str, Any]) -> Callable[[str], Any]:
    """A case in 武都区 reported by the named adjuster (so that they may see it and link a stop to it)."""
    from claimbridge.cases.models import Case
    from claimbridge.organisations.models import County

    counter = iter(range(1, 1000))

    def make(username: str) -> Any:
        county = County.objects.select_related("city").get(code="621202")
        return Case.objects.create(number=f"621200-20261001-{next(counter):05d}", channel="adjuster", county=county,
                                   city=county.city, accident_at=datetime(2026, 10, 1, 9, 0, tzinfo=CHINA),
                                   created_by=users[username])  # fmt: skip

    return make


@pytest.fixture(autouse=True)
def _register_record_verifies(request: pytest.FixtureRequest) -> Any:
    """After every register test that used the database, each entry's event chain verifies (B9): a service that
    writes an event around `register_event`, or saves an entry's head back, fails here. Tests that edit the record on
    purpose say so with `@pytest.mark.tampers_audit`."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or bool({"db", "transactional_db", "users"} & set(request.fixturenames))
    if not uses_db or request.node.get_closest_marker("tampers_audit"):
        yield
        return
    request.getfixturevalue("db" if "transactional_db" not in request.fixturenames else "transactional_db")
    yield
    from claimbridge.credentials.audit import register_verify

    problems = register_verify()
    assert not problems, "the register's record does not verify after this test:\n" + "\n".join(problems)
