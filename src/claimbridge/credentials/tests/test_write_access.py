"""Issue 12, finding 1 (B8, R6, R8, R15): every write route of the register, on the pages and in the API, asks the
scope whether THIS actor may make THIS change, apart from whether they may see the object.

Real objects of two companies in both cities: Tianlong's adjuster submitted to the Longnan association and Maiji's to
the Tianshui association, a service stop of Tianlong's credentialed adjuster. Every write route is sent by every role
(insurer staff at company, branch and claims-unit level of both companies, adjusters with and without a credential,
both associations, and everyone else); each case asserts that the change was made exactly when it may be, and that
a refusal is a refusal (401/403/404 or the login page), never a quiet redirect that changed something.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claimbridge.core.errors import AppError
from claimbridge.credentials import services
from claimbridge.credentials.models import Adjuster, Credential, ServiceStop
from claimbridge.credentials.tests.conftest import ADJUSTER_FORM, DETAILS, ID_NUMBER, signed_in

ACTORS = [None, "driver_ln", "tianlong_adj1", "tianlong_adj2", "tianlong_hq", "tianlong_branch", "tianlong_unit1",
          "tianlong_unit2", "maiji_hq", "maiji_branch", "maiji_unit2", "maiji_adj1", "ln_assoc", "ts_assoc",
          "antifraud", "regulator", "admin"]  # fmt: skip
TIANLONG = {name for name in ACTORS if name and name.startswith("tianlong_")}
# (company, city) of the adjuster a route acts on: one per company, one per association.
TARGETS = {"tianlong_longnan": ("tianlong", "621200"), "maiji_tianshui": ("maiji", "620500")}
OTHER_CITY = {"621200": "620500", "620500": "621200"}


@dataclass
class World:
    users: dict[str, Any]
    target: Adjuster
    stop: ServiceStop
    counts: dict[str, int]

    def count(self) -> dict[str, int]:
        return {"adjusters": Adjuster.objects.count(), "stops": ServiceStop.objects.count(),
                "credentials": Credential.objects.count()}  # fmt: skip


def build(users, credentialed, target_key: str, state: str) -> World:
    company, city = TARGETS[target_key]
    for account in ("tianlong_adj1", "maiji_adj1"):  # adjusters holding a credential (tianlong_adj2 holds none)
        credentialed(account, since=timezone.localdate() - timedelta(days=30))
    target = services.adjuster_submit(user=users[f"{company}_hq"], full_name="王小明", id_number=ID_NUMBER,
                                      phone="13800001111", city_code=city, details=dict(DETAILS))  # fmt: skip
    association = users["ln_assoc" if city == "621200" else "ts_assoc"]
    if state == "needs_correction":
        services.adjuster_review(user=association, adjuster=target, decision="correct", note="照片不清晰")
    elif state == "approved":
        services.adjuster_review(user=association, adjuster=target, decision="approve")
    target.refresh_from_db()
    stop = services.stop_record(user=users["tianlong_adj1"], kind="accident", at=timezone.now() - timedelta(hours=1),
                                services=["scene_help"], credential_shown=True, customer_consented=True,
                                county_code="621202", customer_insurer_code="maiji")  # fmt: skip
    world = World(users, target, stop, {})
    world.counts = world.count()
    return world


@dataclass(frozen=True)
class Route:
    state: str  # the target's state before the request
    send: Callable[[Any, World], Any]
    changed: Callable[[World], bool]
    allowed: Callable[[str, str], set[str | None]]  # (target key, city) -> who may


def _api(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json", secure=True)


def _target_after(world: World) -> Adjuster:
    return Adjuster.objects.get(pk=world.target.pk)


def _submitted(world: World) -> bool:
    return world.count()["adjusters"] == world.counts["adjusters"] + 1


def _edited(world: World) -> bool:
    after = _target_after(world)
    return after.status == Adjuster.Status.SUBMITTED and after.full_name == "王小明改"


def _reviewed(world: World) -> bool:
    return _target_after(world).status != Adjuster.Status.SUBMITTED


def _left(world: World) -> bool:
    after = _target_after(world)
    return after.status == Adjuster.Status.LEFT and not after.credentials.filter(revoked_at__isnull=True).exists()


def _stopped(world: World) -> bool:
    return world.count()["stops"] == world.counts["stops"] + 1


def _rated(world: World) -> bool:
    return ServiceStop.objects.get(pk=world.stop.pk).rating is not None


def _company(key: str, *levels: str) -> set[str | None]:
    company = TARGETS[key][0]
    return {f"{company}_{level}" for level in levels}


def _covering(key: str) -> set[str | None]:
    """The target's company, at every level whose city is the target's (company level covers both cities)."""
    city = TARGETS[key][1]
    local = {"621200": ("branch", "unit1"), "620500": ("unit2",)}[city]
    return _company(key, "hq", *local) & set(ACTORS)


def _submitters(city: str) -> set[str | None]:
    """Insurer staff of both companies whose scope covers the city (their company, or a branch or unit there)."""
    local: dict[str, set[str | None]] = {
        "621200": {"tianlong_hq", "tianlong_branch", "tianlong_unit1", "maiji_hq", "maiji_branch"},
        "620500": {"tianlong_hq", "tianlong_unit2", "maiji_hq", "maiji_unit2"},
    }
    return local[city]


def _stop_body() -> dict[str, Any]:
    return {"kind": "accident", "at": (timezone.localtime() - timedelta(minutes=30)).isoformat(),
            "services": ["scene_help"], "credential_shown": True, "customer_consented": True,
            "county": "621202", "customer_insurer": "bailong"}  # fmt: skip


def _stop_form() -> dict[str, Any]:
    at = (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    return {"at": at, "kind": "accident", "county": "621202", "credential_shown": "on", "customer_consented": "on",
            "services": ["scene_help"], "customer_insurer": "bailong"}  # fmt: skip


def _edit_form(world: World) -> dict[str, Any]:
    return {**ADJUSTER_FORM, "full_name": "王小明改", "city": world.target.association.city.code}


ROUTES: dict[str, Route] = {
    "web submit to Longnan": Route("submitted", lambda c, w: c.post("/credentials/new/", ADJUSTER_FORM, secure=True),
                                   _submitted, lambda key, city: _submitters("621200")),
    "web submit to Tianshui": Route("submitted",
                                    lambda c, w: c.post("/credentials/new/", {**ADJUSTER_FORM, "city": "620500"},
                                                        secure=True),
                                    _submitted, lambda key, city: _submitters("620500")),
    "web correct and resubmit": Route("needs_correction",
                                      lambda c, w: c.post(f"/credentials/{w.target.pk}/edit/", _edit_form(w), secure=True),
                                      _edited, lambda key, city: _covering(key)),
    "web review": Route("submitted",
                        lambda c, w: c.post(f"/credentials/{w.target.pk}/review/", {"decision": "approve"}, secure=True),
                        _reviewed, lambda key, city: {"ln_assoc" if city == "621200" else "ts_assoc"}),
    "web staff left": Route("approved",
                            lambda c, w: c.post(f"/credentials/{w.target.pk}/change/", {"kind": "left"}, secure=True),
                            _left, lambda key, city: _covering(key)),
    "web staff moved": Route("approved",
                             lambda c, w: c.post(f"/credentials/{w.target.pk}/change/",
                                                 {"kind": "moved", "city": OTHER_CITY[w.target.association.city.code]},
                                                 secure=True),
                             _left, lambda key, city: _company(key, "hq")),
    "web record a stop": Route("submitted", lambda c, w: c.post("/credentials/stops/", _stop_form(), secure=True),
                               _stopped, lambda key, city: {"tianlong_adj1", "maiji_adj1"}),
    "web rate a stop": Route("submitted",
                             lambda c, w: c.post(f"/credentials/rate/{w.stop.rating_token}/", {"rating": "4"}, secure=True),
                             _rated, lambda key, city: set(ACTORS) - TIANLONG),
    "api submit to Longnan": Route("submitted",
                                   lambda c, w: _api(c, "/api/v1/credentials/adjusters",
                                                     {**{k: ADJUSTER_FORM[k] for k in ("full_name", "id_number", "phone")},
                                                      "city": "621200", "details": DETAILS}),
                                   _submitted, lambda key, city: _submitters("621200")),
    "api submit to Tianshui": Route("submitted",
                                    lambda c, w: _api(c, "/api/v1/credentials/adjusters",
                                                      {**{k: ADJUSTER_FORM[k] for k in ("full_name", "id_number", "phone")},
                                                       "city": "620500", "details": DETAILS}),
                                    _submitted, lambda key, city: _submitters("620500")),
    "api review": Route("submitted",
                        lambda c, w: _api(c, f"/api/v1/credentials/adjusters/{w.target.pk}/review", {"decision": "approve"}),
                        _reviewed, lambda key, city: {"ln_assoc" if city == "621200" else "ts_assoc"}),
    "api staff left": Route("approved",
                            lambda c, w: _api(c, f"/api/v1/credentials/adjusters/{w.target.pk}/change", {"kind": "left"}),
                            _left, lambda key, city: _covering(key)),
    "api staff moved": Route("approved",
                             lambda c, w: _api(c, f"/api/v1/credentials/adjusters/{w.target.pk}/change",
                                               {"kind": "moved", "city": OTHER_CITY[w.target.association.city.code]}),
                             _left, lambda key, city: _company(key, "hq")),
    "api record a stop": Route("submitted", lambda c, w: _api(c, "/api/v1/credentials/stops", _stop_body()),
                               _stopped, lambda key, city: {"tianlong_adj1", "maiji_adj1"}),
    "api rate a stop": Route("submitted",
                             lambda c, w: _api(c, f"/api/v1/credentials/stops/rate/{w.stop.rating_token}", {"rating": 4}),
                             _rated, lambda key, city: set(ACTORS) - TIANLONG),
}  # fmt: skip
# Routes that act on no adjuster of the register run once; the others once per target.
TARGETLESS = {name for name in ROUTES if "submit to" in name or "stop" in name}
CASES = [(route, key, actor) for route in ROUTES for key in (["tianlong_longnan"] if route in TARGETLESS else TARGETS)
         for actor in ACTORS]  # fmt: skip


@pytest.mark.parametrize(("route", "target", "actor"), CASES, ids=[f"{r}-{t}-{a or 'anonymous'}" for r, t, a in CASES])
def test_issue_12_every_write_route_asks_the_scope_who_may_make_this_change(users, credentialed, route, target, actor):
    """Issue 12 finding 1 (B8, R6, R8, R15): the change happens exactly for those the scope allows, on the pages
    and in the API; everyone else is refused and nothing changes."""
    spec = ROUTES[route]
    world = build(users, credentialed, target, spec.state)
    allowed = actor in spec.allowed(target, TARGETS[target][1])
    answer = spec.send(signed_in(users[actor] if actor else None), world)
    assert spec.changed(world) is allowed, (answer.status_code, answer.content[:400])
    if allowed:
        assert answer.status_code in {200, 201, 302}, answer.content[:400]
        return
    if actor is None and not route.startswith("api"):
        assert answer.status_code == 302
        assert "/login" in answer["Location"]
        return
    assert answer.status_code in {401, 403, 404}, (answer.status_code, answer.content[:400])
    if route.startswith("api"):
        error = answer.json()["error"]
        assert error["zh"]
        assert error["en"]
    others = {key: value for key, value in world.count().items() if key != "credentials"}
    assert others == {key: value for key, value in world.counts.items() if key != "credentials"}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_issue_12_who_may_revoke_a_credential(users, credentialed, target, actor):
    """Issue 12 finding 1 (R6): the issuing association, or the holder's company at a level covering them."""
    world = build(users, credentialed, target, "approved")
    credential = world.target.credentials.get()
    city = TARGETS[target][1]
    allowed = actor in _covering(target) | {"ln_assoc" if city == "621200" else "ts_assoc"}
    user = users[actor] if actor else None
    if allowed:
        services.credential_revoke(credential=credential, user=user, reason="lost card")
    else:
        with pytest.raises(AppError) as refused:
            services.credential_revoke(credential=credential, user=user, reason="lost card")
        assert refused.value.status == 403
    credential.refresh_from_db()
    assert (credential.revoked_at is not None) is allowed


def test_issue_12_a_company_cannot_link_another_companys_account_to_its_adjuster(users, client_for):
    """Issue 12 finding 1 (B8, R6): the platform account an entry is linked to is one of the company's adjusters."""
    refused = _api(client_for("tianlong_hq"), "/api/v1/credentials/adjusters",
                   {"full_name": "王小明", "id_number": ID_NUMBER, "phone": "13800001111", "city": "621200",
                    "details": DETAILS, "account": "maiji_adj1"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "account"
    assert Adjuster.objects.count() == 0


def test_issue_12_a_revoked_or_expired_credential_no_longer_lets_its_holder_record_stops(users, credentialed):
    """Issue 12 finding 1 (R6, R8): a stop is recorded only under a credential in force at the time of the stop."""
    adjuster = credentialed("tianlong_adj1", since=timezone.localdate() - timedelta(days=30))
    at = timezone.now() - timedelta(hours=1)
    before = timezone.now() - timedelta(days=40)
    with pytest.raises(AppError) as too_early:  # before the credential was issued
        services.stop_record(user=users["tianlong_adj1"], kind="accident", at=before, services=[],
                             credential_shown=False, customer_consented=False)  # fmt: skip
    assert too_early.value.status == 403
    services.stop_record(user=users["tianlong_adj1"], kind="accident", at=at, services=[], credential_shown=False,
                         customer_consented=False)  # fmt: skip
    services.staff_change(user=users["tianlong_hq"], adjuster=adjuster, kind="left")
    with pytest.raises(AppError) as revoked:
        services.stop_record(user=users["tianlong_adj1"], kind="accident", at=timezone.now(), services=[],
                             credential_shown=False, customer_consented=False)  # fmt: skip
    assert revoked.value.code == "no_credential"
    assert ServiceStop.objects.count() == 1
