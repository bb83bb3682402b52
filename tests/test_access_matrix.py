"""Every URL and API route, visited as every demo role (B8, R16, R17).

The matrix says what each role gets; a route that exists but is missing from the matrix fails the suite, so a new
page cannot ship without someone deciding who may open it. On top of status codes, every response is searched for
the personal data of people outside the visitor's scope.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver

from claimbridge.accounts.models import INSURER_ROLES, User
from claimbridge.api import api

pytestmark = pytest.mark.django_db

# One visitor per role; insurer staff at each of their three scope levels.
VISITORS = {
    "anonymous": None,
    "driver": "driver_ln",
    "adjuster": "tianlong_adj1",
    "insurer_company": "tianlong_hq",
    "insurer_branch": "tianlong_branch",
    "insurer_unit": "tianlong_unit1",
    "association": "ln_assoc",
    "antifraud": "antifraud",
    "regulator": "regulator",
    "platform_admin": "admin",
}
ALL = frozenset(VISITORS)
SIGNED_IN = ALL - {"anonymous"}
ORG_ROLES = {
    "adjuster",
    "insurer_company",
    "insurer_branch",
    "insurer_unit",
    "association",
    "antifraud",
    "platform_admin",
}
STAFF_ROLES = {
    "insurer_company",
    "insurer_branch",
    "insurer_unit",
    "association",
    "antifraud",
    "platform_admin",
}
ADMIN_ROLES = {"association", "platform_admin"}
EVIDENCE_ROLES = {
    "driver",
    "adjuster",
    "insurer_company",
    "insurer_branch",
    "insurer_unit",
    "antifraud",
    "platform_admin",
}
REUSE_ROLES = {"antifraud", "platform_admin"}
POLICY_ROLES = {"insurer_company", "insurer_branch", "insurer_unit", "platform_admin"}
LOOKUP_ROLES = EVIDENCE_ROLES - {"driver"}  # issue 12: drivers may not look a vehicle's cover up
CASE_INBOX_ROLES = {"adjuster", "insurer_company", "insurer_branch", "insurer_unit", "platform_admin"}
CASE_ROLES = CASE_INBOX_ROLES | {"driver", "antifraud"}


def expect(ok: set[str] | frozenset[str], *, ok_status: int = 200, otherwise: int | None = None) -> dict[str, int]:
    """Status per visitor: `ok_status` for `ok`; others get 302 to login if anonymous, else `otherwise` (403)."""
    result = {}
    for visitor in VISITORS:
        if visitor in ok:
            result[visitor] = ok_status
        elif visitor == "anonymous":
            result[visitor] = 302
        else:
            result[visitor] = otherwise if otherwise is not None else 403
    return result


WEB = {
    "/": expect(ALL),
    "/directory/": expect(ALL),
    "/directory/?county=621202": expect(ALL),
    "/organisation/": expect(ORG_ROLES),
    "/staff/": expect(STAFF_ROLES),
    "/healthz": expect(ALL),
    "/rules/": expect(ALL),
    "/rules/liability/": dict.fromkeys(VISITORS, 405),  # the check is a POST from the rules page
    "/rules/settlement/": expect(ALL),
    "/rules/quick-claim/": expect(ALL),
    "/evidence/": expect(EVIDENCE_ROLES),
    "/evidence/reuse/": expect(REUSE_ROLES),
    # A reference or item nobody has: the page exists only for those allowed to look for it.
    "/evidence/<str:reference>/": expect(EVIDENCE_ROLES, ok_status=404),
    "/evidence/<str:reference>/upload/": {v: 302 if v == "anonymous" else 405 for v in VISITORS},  # a POST
    "/evidence/items/<int:item_id>/original/": expect(SIGNED_IN, ok_status=404),
    "/evidence/items/<int:item_id>/thumbnail/": expect(SIGNED_IN, ok_status=404),
    "/evidence/items/<int:item_id>/preview/": expect(SIGNED_IN, ok_status=404),
    "/policies/": expect(POLICY_ROLES),
    "/policies/loads/<int:load_id>/": expect(POLICY_ROLES, ok_status=404),
    "/policies/lookup/": expect(LOOKUP_ROLES),
    "/cases/": expect(CASE_INBOX_ROLES),
    "/cases/join/": expect(ALL),
    "/cases/start/": expect(ALL),
    "/cases/new/": expect({"adjuster", "insurer_company", "insurer_branch", "insurer_unit"}),
    "/cases/<str:number>/me/": dict.fromkeys(VISITORS, 404),  # only for the party whose phone joined it
    "/cases/<str:number>/me/agreement.pdf": dict.fromkeys(VISITORS, 404),
    **{
        f"/cases/<str:number>/me/{step}/": dict.fromkeys(VISITORS, 405)  # POSTs from the party's page
        for step in (
            "check",
            "facts",
            "circumstances",
            "photos",
            "confirm",
            "disagree",
            "police",
            "underwriting-city",
            "join-code",
        )
    },
    "/cases/<str:number>/agreement.pdf": expect(CASE_ROLES, ok_status=404),
    "/cases/agreement/verify/": expect(ALL),
    "/credentials/verify/": expect(ALL),
    "/credentials/": expect({"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}),
    "/credentials/stops/": expect({"adjuster"}),
    "/credentials/reports/": expect(
        {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}
    ),
    "/credentials/reports/<int:pk>.<str:kind>": expect(
        {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}, ok_status=404
    ),
    "/credentials/rate/<str:token>/": dict.fromkeys(VISITORS, 404),
    "/credentials/new/": expect({"insurer_company", "insurer_branch", "insurer_unit"}),
    "/credentials/<int:pk>/": expect(
        {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}, ok_status=404
    ),
    "/credentials/<int:pk>/edit/": expect({"insurer_company", "insurer_branch", "insurer_unit"}, ok_status=404),
    "/credentials/<int:pk>/review/": {
        v: 302 if v == "anonymous" else 405 if v == "association" else 403 for v in VISITORS
    },
    "/credentials/<int:pk>/change/": {
        v: 302 if v == "anonymous" else 405 if v.startswith("insurer_") else 403 for v in VISITORS
    },
    "/credentials/<int:pk>/card/<str:number>.pdf": expect(
        {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}, ok_status=404
    ),
    "/cases/<str:number>/handoff/<str:label>/": {
        v: 302 if v == "anonymous" else 403 if v not in CASE_INBOX_ROLES else 405 for v in VISITORS
    },
    "/cases/<str:number>/claims/<str:label>/<str:action>/": {
        v: 302 if v == "anonymous" else 403 if v not in CASE_INBOX_ROLES else 405 for v in VISITORS
    },
    "/cases/<str:number>/": expect(CASE_ROLES, ok_status=404),
    "/cases/<str:number>/action/": {
        v: 302 if v == "anonymous" else 403 if v not in CASE_INBOX_ROLES else 405 for v in VISITORS
    },
    "/accounts/login/": {visitor: 200 if visitor == "anonymous" else 302 for visitor in VISITORS},
    "/accounts/logout/": dict.fromkeys(VISITORS, 405),  # logging out is a POST
    "/accounts/password/": expect(SIGNED_IN),
    "/i18n/setlang/": dict.fromkeys(VISITORS, 302),  # a GET only redirects back; switching is a POST
    "/admin/": expect(ADMIN_ROLES, otherwise=302),
    "/api/docs": expect(ALL),
    "/api/openapi.json": expect(ALL),
}

API_PUBLIC = dict.fromkeys(VISITORS, 200)
API_SIGNED_IN = {visitor: 401 if visitor == "anonymous" else 200 for visitor in VISITORS}
API = {
    "/api/v1/geography/cities": API_PUBLIC,
    "/api/v1/geography/counties": API_PUBLIC,
    "/api/v1/organisations/insurers": API_PUBLIC,
    "/api/v1/organisations/directory/{county_code}": API_PUBLIC,
    "/api/v1/organisations/claims-units": API_SIGNED_IN,
    "/api/v1/organisations/overview": API_SIGNED_IN,
    "/api/v1/accounts/me": API_SIGNED_IN,
    "/api/v1/accounts/staff": API_SIGNED_IN,
    "/api/v1/rules/circumstances": API_PUBLIC,
    "/api/v1/evidence/slots": API_PUBLIC,
    "/api/v1/evidence/files": API_SIGNED_IN,
    "/api/v1/evidence/files/{reference}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/evidence/files/{reference}/items": dict.fromkeys(VISITORS, 405),
    "/api/v1/policies": dict.fromkeys(VISITORS, 405),  # loading is a POST
    "/api/v1/cases": dict.fromkeys(VISITORS, 405),  # reporting is a POST
    "/api/v1/cases/{number}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/cases/join": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/join-code": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/claims/{label}/{action}": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/parties/{label}/handoff": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/me": dict.fromkeys(VISITORS, 401),
    "/api/v1/credentials/verify": dict.fromkeys(VISITORS, 422),  # needs ?token=
    "/api/v1/credentials/public-key": API_PUBLIC,
    "/api/v1/credentials/adjusters": API_SIGNED_IN,
    "/api/v1/credentials/adjusters/{pk}/review": dict.fromkeys(VISITORS, 405),
    "/api/v1/credentials/adjusters/{pk}/change": dict.fromkeys(VISITORS, 405),
    "/api/v1/credentials/stops": dict.fromkeys(VISITORS, 405),
    "/api/v1/credentials/stops/rate/{token}": dict.fromkeys(VISITORS, 405),
    "/api/v1/credentials/reports": API_SIGNED_IN,  # only a phone that joined the case
    **{
        f"/api/v1/cases/{{number}}/me/{step}": dict.fromkeys(VISITORS, 405)
        for step in ("details", "facts", "circumstances", "confirm", "{step}")
    },
    "/api/v1/phone/code": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/policies/loads/{load_id}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/policies/lookup": {
        visitor: 401 if visitor == "anonymous" else 422 if visitor in LOOKUP_ROLES else 403 for visitor in VISITORS
    },  # needs a plate
    **{
        f"/api/v1/evidence/items/{{item_id}}/{what}": {
            visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS
        }
        for what in ("original", "thumbnail", "preview")
    },
    # The calculators take a JSON body by POST, from anyone: a GET is answered 405 whoever asks.
    **{
        f"/api/v1/rules/{name}": dict.fromkeys(VISITORS, 405)
        for name in ("liability", "eligibility", "settle", "triage", "validate", "locate")
    },
}
PATH_SAMPLES = {"county_code": "621202", "reference": "EV19990101NONE", "item_id": "999999", "load_id": "999999",
                "number": "000000-19990101-00000", "pk": "999999", "token": "nothing-here", "label": "A", "action": "register", "step": "police"}  # fmt: skip
WEB_SAMPLES = {"<str:reference>": PATH_SAMPLES["reference"], "<int:item_id>": PATH_SAMPLES["item_id"],
               "<str:number>": PATH_SAMPLES["number"], "<int:pk>": "999999", "<str:token>": "nothing-here", "<str:kind>": "pdf", "<str:label>": "A", "<str:action>": "register",
               "<int:load_id>": PATH_SAMPLES["load_id"]}  # fmt: skip


def concrete(path: str) -> str:
    for pattern, sample in WEB_SAMPLES.items():
        path = path.replace(pattern, sample)
    return path


def _site_routes(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    routes: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route in ("admin/", "api/"):
                continue  # admin pages are Django's own (checked by the index below); the API is listed from OpenAPI
            routes |= _site_routes(entry, route)
        elif isinstance(entry, URLPattern):
            routes.add("/" + route.lstrip("^").rstrip("$"))
    return routes


def test_every_route_that_exists_is_in_the_matrix():
    web_routes = {path.split("?")[0] for path in WEB} - {"/admin/", "/api/docs", "/api/openapi.json"}
    assert _site_routes() == web_routes
    assert set(api.get_openapi_schema()["paths"]) == set(API)
    assert admin_site.name == "admin"


def _client_for(client, users, visitor):
    username = VISITORS[visitor]
    if username is not None:
        client.force_login(users[username])
    return client


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_each_role_gets_what_the_matrix_says(client, users, visitor):
    _client_for(client, users, visitor)
    got = {}
    for path in WEB:
        got[path] = client.get(concrete(path), secure=True).status_code
    for route in API:
        got[route] = client.get(route.format(**PATH_SAMPLES), secure=True).status_code
    wanted = {path: expected[visitor] for path, expected in {**WEB, **API}.items()}
    assert got == wanted


def _fingerprints(people):
    """Strings that identify a person anywhere in a page or a JSON body."""
    for person in people:
        yield person.username, person.username
        yield person.username, person.full_name
        yield person.username, person.masked_phone


def _all_bodies(client):
    for path in WEB:
        response = client.get(concrete(path), secure=True)
        yield path, response.content.decode()
    for route in API:
        response = client.get(route.format(**PATH_SAMPLES), secure=True)
        yield route, response.content.decode()


OUT_OF_SCOPE = {
    # visitor username -> the people whose data must never reach them
    "tianlong_hq": lambda u: u.role in INSURER_ROLES and u.insurer.code != "tianlong",
    "tianlong_branch": lambda u: (
        u.role in INSURER_ROLES
        and (u.insurer.code != "tianlong" or u.username in {"tianlong_hq", "tianlong_adj2", "tianlong_unit2"})
    ),
    "tianlong_unit1": lambda u: u.role in INSURER_ROLES and u.username not in {"tianlong_unit1", "tianlong_adj1"},
    "tianlong_adj1": lambda u: u.username != "tianlong_adj1",
    "maiji_hq": lambda u: u.role in INSURER_ROLES and u.insurer.code != "maiji",
    "bailong_adj1": lambda u: u.username != "bailong_adj1",
    "ln_assoc": lambda u: (
        u.role in INSURER_ROLES
        and u.username
        in {
            "tianlong_adj2",
            "tianlong_unit2",
            "maiji_adj2",
            "maiji_unit2",
            "fuxi_branch",
            "fuxi_unit1",
            "fuxi_adj1",
            "tianlong_hq",
            "maiji_hq",
            "fuxi_hq",
            "bailong_hq",
        }
    ),
    "driver_ln": lambda u: u.username != "driver_ln",
    "regulator": lambda u: u.username != "regulator",
    "antifraud": lambda u: u.role in INSURER_ROLES,
}


@pytest.mark.parametrize("visitor", sorted(OUT_OF_SCOPE))
def test_nobody_sees_people_outside_their_scope(client, users, visitor):
    """Staff of one insurer never see another insurer's people, on any page or API route (B8)."""
    me = users[visitor]
    client.force_login(me)
    hidden = [person for person in User.objects.select_related("insurer") if OUT_OF_SCOPE[visitor](person)]
    assert hidden, "the check must have someone to hide"
    leaks = [
        (path, owner, needle)
        for path, body in _all_bodies(client)
        for owner, needle in _fingerprints(hidden)
        if needle and needle in body
    ]
    assert leaks == []


def test_insurer_staff_see_only_their_own_claims_units(client, users):
    for username, insurer in (("tianlong_hq", "tianlong"), ("bailong_hq", "bailong")):
        client.force_login(users[username])
        units = client.get("/api/v1/organisations/claims-units", secure=True).json()
        assert units
        assert {unit["insurer_code"] for unit in units} == {insurer}


def test_the_staff_directory_narrows_with_the_scope_level(client, users):
    seen = {}
    for username in ("tianlong_hq", "tianlong_branch", "tianlong_unit1"):
        client.force_login(users[username])
        seen[username] = {row["username"] for row in client.get("/api/v1/accounts/staff", secure=True).json()}
    assert seen["tianlong_unit1"] == {"tianlong_unit1", "tianlong_adj1"}
    assert seen["tianlong_unit1"] < seen["tianlong_branch"] < seen["tianlong_hq"]
    assert all(name.startswith("tianlong_") for name in seen["tianlong_hq"])


def test_association_staff_see_their_own_city_only(client, users):
    client.force_login(users["ts_assoc"])
    overview = client.get("/api/v1/organisations/overview", secure=True).json()
    assert {entry["insurer"]["code"] for entry in overview} == {
        "tianlong",
        "maiji",
        "fuxi",
    }  # bailong: Longnan only
    units = client.get("/api/v1/organisations/claims-units", secure=True).json()
    assert {unit["city_code"] for unit in units} == {"620500"}


def test_anonymous_api_calls_get_a_bilingual_error(client):
    body = client.get("/api/v1/accounts/me", secure=True).json()
    assert body["error"]["code"] == "not_authenticated"
    assert body["error"]["zh"] == "请先登录。"
    assert body["error"]["en"] == "Please log in."
