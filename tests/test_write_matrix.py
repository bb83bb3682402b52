"""Every write route, web and API, sent by every actor against real objects of two insurers (issue 12, "tests that can
fail"; acceptance item 2; B8, B9, R1, R6, R8, R15).

The world (tests/world.py) holds cases with both parties, claim lines, a hand-off, evidence with a reused photo,
policies and their loads, adjusters with credentials, stops and monthly reports of 麦积 and 天陇, in both cities.
Each entry of WRITES names a route, the request that succeeds for an actor who may make the change (the path with
real ids, a body that would be accepted), and the actors who may. Every actor of ACTORS sends it — anonymous, each
scope level of both insurers (the party's own claims unit, another unit, a branch that covers the party's unit and
one that does not, the company), adjusters with and without a credential, the insurers not in the case, both
associations, the anti-fraud committee, the regulator, the platform admin, a driver's account, and the phones of
party A, party B and a stranger.

Each actor's request runs in a savepoint rolled back afterwards, so every actor meets the same world, and what the
request did is read from a fingerprint of the database (every table a write may touch; see
`tests.world.fingerprint`):

- an actor who may: something changed, and the answer is 200/201/202, or 302 (a page that leads on after saving);
- an actor who may not: nothing changed, and the answer is a refusal — 401 (API, not signed in), 403 or 404 (404
  where the object is not even visible to them); for pages, also the login page (302 to /accounts/login/) for
  someone not signed in, and, where a page refuses by going back to where it was posted from with the reason as a
  message (the case page, the party's phone page), that redirect: there "nothing changed" is what counts;
- a `noop` actor: the request is answered as done but changes nothing (the same step taken already);
- a `pure` route (calculators, login, language) changes nothing whoever sends it.

`test_every_write_route_is_in_the_matrix` fails when a route that accepts a write exists — in the URLconf (found by
POSTing to every page as one actor of each role and seeing an answer other than 405) or in the OpenAPI document —
without an entry here. `test_the_matrix_fails_when_a_scope_check_is_broken` replaces scope checks with careless
versions and sees the matrix fail (issue 12, acceptance item 2); the admin's writes are listed model by model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from claimbridge.privacy.notice import NOTICE_VERSION
from tests.factories import A_DETAILS, B_DETAILS, CAR_PHOTOS, FACTS, photo, resumable_upload
from tests.routes import api_write_operations, concrete, site_routes
from tests.world import (
    ACTORS,
    ADJUSTER_DETAILS,
    ADJUSTERS,
    AGREED_A,
    AGREED_B,
    CONFIRMING_A,
    CONFIRMING_B,
    COVERS_LONGNAN,
    COVERS_TIANSHUI,
    CREDENTIALED,
    DEMO_PASSWORD,
    DRAFT_A,
    EVERYONE,
    INSURER_STAFF,
    MAIJI,
    MAIJI_STAFF,
    PHONE_A,
    PHONE_JOINER,
    POLICE,
    SEES_AGREED,
    SEES_CONFIRMING,
    SEES_DRAFT,
    SEES_FUXI_FILE,
    SEES_MAIJI_LONGNAN,
    SEES_MAIJI_TIANSHUI,
    SEES_TIANLONG_LONGNAN,
    SEES_TIANLONG_TIANSHUI,
    SIGNED_IN,
    TIANLONG,
    World,
    fingerprint,
    id_number,
    sms_code_for,
)

pytestmark = pytest.mark.django_db

OK = {200, 201, 202, 302}
API_REFUSALS = {401, 403, 404}
WEB_REFUSALS = {403, 404}

Send = Callable[[Client, World, str, dict[str, Any]], Any]  # the test client's response


@dataclass(frozen=True)
class Write:
    """One write request and who may make it."""

    route: str  # as the URLconf or the OpenAPI document names it
    send: Send
    allowed: frozenset[str] = frozenset()
    noop: frozenset[str] = frozenset()  # answered as done, nothing to change for them
    prepare: Callable[[World], dict[str, Any]] | None = None  # services run first (as an allowed actor)
    back_with_message: bool = False  # a page that refuses by redirecting back with the reason as a message
    refused_also: frozenset[int] = frozenset()  # a page that refuses by drawing itself again (said why below)
    pure: bool = False  # changes nothing, whoever sends it
    readers: frozenset[str] | None = None  # who may see the object: to anyone else it does not exist (404)
    method: str = "post"  # the API operation's method (a resumable upload's part is a PATCH)

    @property
    def api(self) -> bool:
        return self.route.startswith("/api/")


def web(path: Callable[[World], str], data: Callable[..., dict[str, Any]] | None = None) -> Send:
    """A form posted to a page; `data(world, actor, extra)` or `data(world)` gives its fields (files included)."""

    def send(client: Client, world: World, actor: str, extra: dict[str, Any]) -> Any:
        return client.post(path(world), _call(data, world, actor, extra) if data else {}, secure=True)

    return send


def api(path: Callable[[World], str], body: Callable[..., dict[str, Any]] | None = None, *, multipart: bool = False,
        headers: dict[str, str] | None = None) -> Send:  # fmt: skip
    """A JSON body (or a multipart upload) sent to the API with the actor's browser session."""

    def send(client: Client, world: World, actor: str, extra: dict[str, Any]) -> Any:
        payload = _call(body, world, actor, extra) if body else {}
        if multipart:
            return client.post(path(world), payload, secure=True, headers=headers)
        return client.post(path(world), json.dumps(payload), content_type="application/json", secure=True,
                           headers=headers)  # fmt: skip

    return send


def _call(make: Callable[..., dict[str, Any]], world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    arguments = make.__code__.co_argcount
    return make(world, actor, extra) if arguments == 3 else make(world) if arguments == 1 else make()


# --- bodies that succeed for an actor who may ---------------------------------------------------------------------


def _local_minutes(ago: timedelta) -> str:
    return (timezone.localtime() - ago).strftime("%Y-%m-%dT%H:%M")


def _details_form(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The phone's own party's details with the point of impact changed."""
    mine = B_DETAILS if actor == "phone_b" else A_DETAILS
    form = {name: ("on" if value is True else value) for name, value in mine.items() if value not in (False, "")}
    return form | {"collision_part": "left"}


def _details_json(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    mine = B_DETAILS if actor == "phone_b" else A_DETAILS
    return mine | {"collision_part": "right"}


def _facts_form() -> dict[str, Any]:
    return {name: ("yes" if value is True else "no" if value is False else value) for name, value in FACTS.items()} | {
        "weather": "rain"
    }


def _confirm(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    mine = B_DETAILS if actor == "phone_b" else A_DETAILS
    return {"typed_name": mine["driver_name"], "consent": True}


def _confirm_form(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    return _confirm(world, actor, extra) | {"consent": "on"}


def _adjuster_form(city: str, **changes: str) -> dict[str, Any]:
    return {"full_name": "韩梅梅", "id_number": id_number(90), "phone": "13911119999", "city": city,
            "education": "college", "mandarin": "2B", "licence_class": "C1", "licence_expiry": "2035-05-01",
            "vehicle_plate": "甘K0A001", **changes}  # fmt: skip


def _adjuster_json(city: str) -> dict[str, Any]:
    return {"full_name": "韩梅梅", "id_number": id_number(91), "phone": "13911119998", "city": city,
            "details": ADJUSTER_DETAILS}  # fmt: skip


def _stop_form() -> dict[str, Any]:
    return {"at": _local_minutes(timedelta(minutes=30)), "kind": "accident", "county": "621202",
            "credential_shown": "on", "customer_consented": "on", "services": ["scene_help"],
            "customer_insurer": "bailong"}  # fmt: skip


def _stop_json() -> dict[str, Any]:
    return {"kind": "accident", "at": (timezone.localtime() - timedelta(minutes=30)).isoformat(),
            "services": ["scene_help"], "credential_shown": True, "customer_consented": True, "county": "621202",
            "customer_insurer": "bailong"}  # fmt: skip


def _case_form() -> dict[str, Any]:
    return {"county": "621202", "crs": "wgs84", "accident_at": _local_minutes(timedelta(hours=1)),
            "plate_a": "甘K99999", "insurer_a": "tianlong", "plate_b": "甘E88888", "insurer_b": "maiji",
            "credential_shown": "on", "customer_consented": "on"}  # fmt: skip


def _case_json() -> dict[str, Any]:
    return {"county": "621202", "accident_at": (timezone.localtime() - timedelta(hours=1)).isoformat(),
            "parties": [{"label": "A", "plate": "甘K99999", "insurer": "tianlong"},
                        {"label": "B", "plate": "甘E88888", "insurer": "maiji"}],
            "consent": {"credential_shown": True, "customer_consented": True}}  # fmt: skip


def _start_form() -> dict[str, Any]:
    return {"county": "621202", "accident_at": _local_minutes(timedelta(minutes=20)), "plate": "甘K66666",
            "insurer": "tianlong", "consent": "on", "consent_version": NOTICE_VERSION}  # fmt: skip


def _policy_row() -> dict[str, str]:
    year = timezone.localdate().year
    return {"policy_number": "MATRIX0001", "branch": "621200", "cover_type": "ctpl", "plate": "甘K77777",
            "start": f"{year}-01-01", "end": f"{year}-12-31"}  # fmt: skip


def _policy_file() -> dict[str, Any]:
    row = _policy_row()
    content = (",".join(row) + "\n" + ",".join(row.values()) + "\n").encode()
    return {"file": SimpleUploadedFile("policies.csv", content, content_type="text/csv")}


def _police_row() -> dict[str, Any]:
    at = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    return {"record_number": "NEW-0001", "accident_at": at, "accident_type": "property", "plate_1": "甘K0P777",
            "liability_1": "full"}  # fmt: skip


def _police_file() -> dict[str, Any]:
    row = _police_row()
    content = (",".join(row) + "\n" + ",".join(row.values()) + "\n").encode()
    return {"file": SimpleUploadedFile("records.csv", content, content_type="text/csv")}


def _police_batch(unit: str = "") -> Callable[[World], dict[str, Any]]:
    def body(world: World) -> dict[str, Any]:
        row = _police_row()
        record = {**{k: row[k] for k in ("record_number", "accident_at", "accident_type")},
                  "vehicles": [{"plate": row["plate_1"], "liability": row["liability_1"]}]}  # fmt: skip
        return {"records": [record]} | ({"unit": world.users[unit].police_unit_id} if unit else {})

    return body


def _join(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"join_code": world.join_code, "phone": PHONE_JOINER, "sms_code": extra["sms_code"],
            "consent_version": NOTICE_VERSION}  # fmt: skip


def _join_web(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    return _join(world, actor, extra) | {"consent": "on"}  # the box ticked


def _sms(world: World) -> dict[str, Any]:
    return {"sms_code": sms_code_for(PHONE_JOINER)}


def _proof(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"phone": PHONE_A, "sms_code": extra["sms_code"], "verify": "1"}


def _sms_a(world: World) -> dict[str, Any]:
    return {"sms_code": sms_code_for(PHONE_A)}


def _settled(world: World) -> dict[str, Any]:
    from claimbridge.cases.services import claims

    claims.claim_settle(claim=world.claim("A"), user=world.users["maiji_hq"])
    return {}


def _approved(world: World) -> dict[str, Any]:
    from claimbridge.cases.services import claims

    _settled(world)
    claims.claim_approve(claim=world.claim("A"), user=world.users["maiji_hq"])
    return {}


def _closed(world: World) -> dict[str, Any]:
    from claimbridge.cases.services import claims

    claims.claim_close(claim=world.claim("A"), user=world.users["maiji_hq"], reason="withdrawn")
    return {}


def _due(world: World) -> str:
    claim = world.claim("A")
    return str(claim.payable - (claim.paid_amount or 0))


def _upload(slot: str, party: str, index: int) -> Callable[[], dict[str, Any]]:
    return lambda: {"slot": slot, "party": party, "file": photo(index)}


A1, C1 = "agreed", "confirming"


def _fixed(path: str) -> Callable[[World], str]:
    return lambda world: path


def _claim(case: str, label: str, action: str, *, api_route: bool) -> Callable[[World], str]:
    if api_route:
        return lambda w: f"/api/v1/cases/{w.case_of(case).number}/claims/{label}/{action}"
    return lambda w: f"/cases/{w.case_of(case).number}/claims/{label}/{action}/"


CLAIM_WEB = "/cases/<str:number>/claims/<str:label>/<str:action>/"
CLAIM_API = "/api/v1/cases/{number}/claims/{label}/{action}"
# The claim steps: (case, party, step, form/JSON body, who may, what is done first).
CLAIM_STEPS: dict[str, tuple[str, str, str, Callable[..., dict[str, Any]] | None, set[str], Any]] = {
    "register confirming A": (C1, "A", "register", None, CONFIRMING_A, None),
    "register confirming B": (C1, "B", "register", None, CONFIRMING_B, None),
    "contact agreed A": (A1, "A", "contact", None, AGREED_A, None),
    "contact agreed B": (A1, "B", "contact", None, AGREED_B, None),
    "assess agreed A": (A1, "A", "assess", lambda: {"losses": {"A": "2800.00", "B": "1600.00"}}, AGREED_A, None),
    "assess agreed B": (A1, "B", "assess", lambda: {"losses": {"A": "2600.00", "B": "1500.00"}}, AGREED_B, None),
    "settle agreed A": (A1, "A", "settle", None, AGREED_A, None),
    "approve agreed A": (A1, "A", "approve", None, AGREED_A, _settled),
    "pay agreed A": (A1, "A", "pay", lambda w: {"amount": _due(w), "reference": "PAY-0001"}, AGREED_A, _approved),
    "close agreed A": (A1, "A", "close", lambda: {"reason": "withdrawn"}, AGREED_A, None),
    "reopen agreed A": (A1, "A", "reopen", lambda: {"reason": "new_evidence"}, AGREED_A, _closed),
}


def _claim_form(body: Callable[..., dict[str, Any]] | None) -> Callable[..., dict[str, Any]] | None:
    """The case page's form fields for a claim step's JSON body (losses as loss_A, ...)."""
    if body is None:
        return None

    def form(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
        data = dict(_call(body, world, actor, extra))
        for label, amount in data.pop("losses", {}).items():
            data[f"loss_{label}"] = amount
        return data

    return form


def _claim_writes() -> dict[str, Write]:
    writes = {}
    for name, (case, label, step, body, allowed, prepare) in CLAIM_STEPS.items():
        readers = SEES_AGREED if case == A1 else SEES_CONFIRMING
        writes[f"web {name}"] = Write(
            CLAIM_WEB,
            web(_claim(case, label, step, api_route=False), _claim_form(body)),
            frozenset(allowed),
            prepare=prepare,
            back_with_message=True,
            readers=readers,
        )
        writes[f"api {name}"] = Write(CLAIM_API, api(_claim(case, label, step, api_route=True), body),
                                      frozenset(allowed), prepare=prepare, readers=readers)  # fmt: skip
    return writes


def _me(step: str = "") -> Callable[[World], str]:
    return lambda w: f"/cases/{w.confirming.number}/me/{step + '/' if step else ''}"


def _me_api(step: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/cases/{w.confirming.number}/me/{step}"


FIGURE_READERS = frozenset(INSURER_STAFF | {"ln_assoc", "ts_assoc", "regulator", "admin"})
BOTH_PHONES = frozenset({"phone_a", "phone_b"})
PHONE_A_ONLY = frozenset({"phone_a"})

WRITES: dict[str, Write] = {
    # --- accounts, language, calculators: nothing of anyone's data changes -----------------------------------------
    "web log in": Write("/accounts/login/", web(lambda w: "/accounts/login/",
                                                lambda: {"username": "tianlong_hq", "password": "wrong"}), pure=True),
    "web log out": Write("/accounts/logout/", web(lambda w: "/accounts/logout/"), pure=True),
    # Each signed-in person changes their own password, nobody else's (the users table is in the fingerprint).
    "web change own password": Write("/accounts/password/", web(lambda w: "/accounts/password/", lambda: {
        "old_password": DEMO_PASSWORD, "new_password1": "A-new-pass-2026!", "new_password2": "A-new-pass-2026!"}),
        SIGNED_IN),
    "web switch language": Write("/i18n/setlang/", web(lambda w: "/i18n/setlang/", lambda: {"language": "en"}),
                                 pure=True),
    "web liability check": Write("/rules/liability/", web(lambda w: "/rules/liability/", lambda: {"party_A": "1"}),
                                 pure=True),
    "web settlement calculator": Write("/rules/settlement/", web(lambda w: "/rules/settlement/"), pure=True),
    "web quick-claim self-check": Write("/rules/quick-claim/", web(lambda w: "/rules/quick-claim/",
                                                                   lambda: {"plate_A": "甘E6789A"}), pure=True),
    **{f"api rules {name}": Write(f"/api/v1/rules/{name}", api(_fixed(f"/api/v1/rules/{name}"),
                                                                lambda: {"circumstances": {"A": [1], "B": []}}),
                                  pure=True)
       for name in ("liability", "eligibility", "settle", "triage", "validate", "locate")},
    "api phone code": Write("/api/v1/phone/code", api(lambda w: "/api/v1/phone/code", lambda: {"phone": PHONE_JOINER}),
                            pure=True),  # a one-time code is sent: no one's data changes (codes are excluded)
    "web phone check as typed": Write("/cases/<str:number>/me/check/", web(_me("check"), _details_form), pure=True),
    # 我的案件 (issue 13): proving a mobile again binds the session to its parties; no one's data changes (the
    # driver's language is remembered, here unchanged; sessions and codes are not fingerprinted).
    "web my cases, proving the mobile": Write("/me/", web(lambda w: "/me/", _proof), pure=True, prepare=_sms_a),
    "api my cases, proving the mobile": Write("/api/v1/me/proof", api(lambda w: "/api/v1/me/proof",
                                                                      lambda w, a, extra: {"phone": PHONE_A, "sms_code": extra["sms_code"]}),
                                              pure=True, prepare=_sms_a),
    # --- evidence ------------------------------------------------------------------------------------------------
    "web start an evidence file": Write("/evidence/", web(lambda w: "/evidence/",
                                                          lambda: {"title": "现场照片", "crs": "wgs84"}),
                                        frozenset(INSURER_STAFF | ADJUSTERS | {"driver_ln", "admin"})),
    "api start an evidence file": Write("/api/v1/evidence/files", api(lambda w: "/api/v1/evidence/files",
                                                                      lambda: {"title": "现场照片"}),
                                        frozenset(INSURER_STAFF | ADJUSTERS | {"driver_ln", "admin"})),
    # Into the agreed case's file: every account of the case's two insurers, whatever its level; the committee sees
    # the file but does not add to it.
    "web upload into the case's file": Write("/evidence/<str:reference>/upload/",
                                             web(lambda w: f"/evidence/{w.evidence.reference}/upload/",
                                                 _upload("plate", "B", 6)),
                                             frozenset(TIANLONG | MAIJI | {"admin"}), readers=SEES_AGREED),
    "api upload into the case's file": Write("/api/v1/evidence/files/{reference}/items",
                                             api(lambda w: f"/api/v1/evidence/files/{w.evidence.reference}/items",
                                                 _upload("plate", "A", 7), multipart=True),
                                             frozenset(TIANLONG | MAIJI | {"admin"}), readers=SEES_AGREED),
    "api upload into 伏羲's own file": Write("/api/v1/evidence/files/{reference}/items",
                                           api(lambda w: f"/api/v1/evidence/files/{w.fuxi_file.reference}/items",
                                               _upload("rear_panorama", "", 8), multipart=True),
                                           frozenset({"fuxi_hq", "fuxi_unit1", "fuxi_adj1", "admin"}),
                                           readers=SEES_FUXI_FILE),
    # --- policies: insurer staff load their own company's; the admin's page is drawn again without the form -----
    "web load a policy file": Write("/policies/", web(lambda w: "/policies/", _policy_file), frozenset(INSURER_STAFF),
                                    refused_also=frozenset({200})),
    "api load policies": Write("/api/v1/policies", api(lambda w: "/api/v1/policies",
                                                       lambda: {"policies": [_policy_row()]}),
                               frozenset(INSURER_STAFF)),
    # --- police records (R20): each unit its own; the platform administrator through the API, naming the unit -----
    "web load a police file": Write("/police/", web(lambda w: "/police/", _police_file), frozenset(POLICE)),
    # --- the figures (issue 17): whoever sees them may export their rows (cut to what they see: row_exports.py) -----
    "web ask for an export of the figures' rows": Write(
        "/reports/exports/", web(lambda w: "/reports/exports/", lambda: {"first": "2026-01", "last": "2026-03"}),
        FIGURE_READERS),
    "api ask for an export of the figures' rows": Write(
        "/api/v1/reports/exports", api(lambda w: "/api/v1/reports/exports",
                                       lambda: {"first": "2026-01-01", "last": "2026-03-01"}), FIGURE_READERS),
    "api load police records for one's own unit": Write("/api/v1/police/records",
                                                        api(lambda w: "/api/v1/police/records", _police_batch()),
                                                        frozenset(POLICE)),
    "api load police records for the Longnan unit": Write("/api/v1/police/records",
                                                          api(lambda w: "/api/v1/police/records",
                                                              _police_batch("police_ln")),
                                                          frozenset({"police_ln", "admin"})),
    "api load police records for the Tianshui unit": Write("/api/v1/police/records",
                                                           api(lambda w: "/api/v1/police/records",
                                                               _police_batch("police_ts")),
                                                           frozenset({"police_ts", "admin"})),
    # --- cases: reporting, joining ---------------------------------------------------------------------------------
    "web report a case": Write("/cases/new/", web(lambda w: "/cases/new/", _case_form),
                               frozenset(INSURER_STAFF | ADJUSTERS)),
    "api report a case": Write("/api/v1/cases", api(lambda w: "/api/v1/cases", _case_json),
                               frozenset(INSURER_STAFF | ADJUSTERS | {"driver_ln", "admin"})),
    # A phone whose mobile was proved starts a case; any other visitor is shown the mobile check again (200).
    "web start a case from a phone": Write("/cases/start/", web(lambda w: "/cases/start/", _start_form),
                                           frozenset({"phone_a", "phone_stranger"}), refused_also=frozenset({200})),
    # Whoever holds the live join code and proves a mobile joins: the code is the authority (B1).
    "web join with the code": Write("/cases/join/", web(lambda w: "/cases/join/", _join_web), EVERYONE, prepare=_sms),
    "api join with the code": Write("/api/v1/cases/join", api(lambda w: "/api/v1/cases/join", _join), EVERYONE,
                                    prepare=_sms),
    "api join code for the draft": Write("/api/v1/cases/{number}/join-code",
                                         api(lambda w: f"/api/v1/cases/{w.draft.number}/join-code"),
                                         frozenset({"tianlong_adj1"} | DRAFT_A), readers=SEES_DRAFT),  # its reporter, A's handlers
    "api join code for the confirming case": Write("/api/v1/cases/{number}/join-code",
                                                   api(lambda w: f"/api/v1/cases/{w.confirming.number}/join-code"),
                                                   frozenset(CONFIRMING_A | CONFIRMING_B), readers=SEES_CONFIRMING),
    # --- the case page: a step of the whole case, hand-offs ----------------------------------------------------------
    "web send the confirming case to the police": Write("/cases/<str:number>/action/",
                                                        web(lambda w: f"/cases/{w.confirming.number}/action/",
                                                            lambda: {"action": "send_to_police", "reason": "staff"}),
                                                        frozenset(CONFIRMING_A | CONFIRMING_B), back_with_message=True,
                                                        readers=SEES_CONFIRMING),
    "web send the draft to the police": Write("/cases/<str:number>/action/",
                                              web(lambda w: f"/cases/{w.draft.number}/action/",
                                                  lambda: {"action": "send_to_police", "reason": "staff"}),
                                              frozenset(DRAFT_A), back_with_message=True, readers=SEES_DRAFT),
    "web hand B to another unit": Write("/cases/<str:number>/handoff/<str:label>/",
                                        web(lambda w: f"/cases/{w.agreed.number}/handoff/B/",
                                            lambda w: {"unit": w.units["tl_ln2"].pk, "reason": "wrong_unit"}),
                                        frozenset(AGREED_B), back_with_message=True, readers=SEES_AGREED),
    "web hand A back to 武都": Write("/cases/<str:number>/handoff/<str:label>/",
                                   web(lambda w: f"/cases/{w.agreed.number}/handoff/A/",
                                       lambda w: {"unit": w.units["mj_wudu"].pk, "reason": "workload"}),
                                   frozenset(AGREED_A), back_with_message=True, readers=SEES_AGREED),
    "api hand B to another unit": Write("/api/v1/cases/{number}/parties/{label}/handoff",
                                        api(lambda w: f"/api/v1/cases/{w.agreed.number}/parties/B/handoff",
                                            lambda w: {"unit": w.units["tl_ln2"].pk, "reason": "wrong_unit"}),
                                        frozenset(AGREED_B), readers=SEES_AGREED),
    "api hand A back to 武都": Write("/api/v1/cases/{number}/parties/{label}/handoff",
                                   api(lambda w: f"/api/v1/cases/{w.agreed.number}/parties/A/handoff",
                                       lambda w: {"unit": w.units["mj_wudu"].pk, "reason": "workload"}),
                                   frozenset(AGREED_A), readers=SEES_AGREED),
    **_claim_writes(),
    # Showing a driver's name and mobile in full writes an event (issue 13): only for a handler of that party.
    "web show A's driver name and mobile": Write("/cases/<str:number>/parties/<str:label>/reveal/",
                                                 web(lambda w: f"/cases/{w.agreed.number}/parties/A/reveal/",
                                                     lambda w: {"purpose": "customer_contact"}),
                                                 frozenset(AGREED_A), back_with_message=True, readers=SEES_AGREED),
    "web show B's driver name and mobile": Write("/cases/<str:number>/parties/<str:label>/reveal/",
                                                 web(lambda w: f"/cases/{w.agreed.number}/parties/B/reveal/",
                                                     lambda w: {"purpose": "customer_contact"}),
                                                 frozenset(AGREED_B), back_with_message=True, readers=SEES_AGREED),
    # Closing without payment, from the case page (issue 13): the other closing step of the claim's machine.
    "web close agreed A without payment": Write(CLAIM_WEB, web(_claim(A1, "A", "close_unpaid", api_route=False),
                                                               lambda: {"reason": "not_covered"}),
                                                frozenset(AGREED_A), back_with_message=True, readers=SEES_AGREED),
    # --- the party's own phone, on the confirming case ---------------------------------------------------------------
    "web phone details": Write("/cases/<str:number>/me/", web(_me(), _details_form), BOTH_PHONES),
    "web phone facts": Write("/cases/<str:number>/me/facts/", web(_me("facts"), _facts_form), BOTH_PHONES),
    "web phone circumstances": Write("/cases/<str:number>/me/circumstances/",
                                     web(_me("circumstances"), lambda: {"party_A": "3", "party_B": ""}), BOTH_PHONES),
    "web phone photo": Write("/cases/<str:number>/me/photos/",
                             web(_me("photos"), lambda: {"slot": "collision_point", "file": photo(9)}), BOTH_PHONES),
    "web phone confirm": Write("/cases/<str:number>/me/confirm/", web(_me("confirm"), _confirm_form), BOTH_PHONES),
    "web phone disagree": Write("/cases/<str:number>/me/disagree/", web(_me("disagree")), BOTH_PHONES),
    "web phone police": Write("/cases/<str:number>/me/police/", web(_me("police")), BOTH_PHONES),
    # A's policy was written in Tianshui, so A may ask to be served there; B's was written where it crashed.
    "web phone underwriting city": Write("/cases/<str:number>/me/underwriting-city/", web(_me("underwriting-city")),
                                         PHONE_A_ONLY, noop=frozenset({"phone_b"})),
    # Only the party who reported (A) issues a new code; B is refused on its own page.
    "web phone join code": Write("/cases/<str:number>/me/join-code/", web(_me("join-code")), PHONE_A_ONLY,
                                 back_with_message=True),
    "api phone details": Write("/api/v1/cases/{number}/me/details", api(_me_api("details"), _details_json), BOTH_PHONES),
    "api phone facts": Write("/api/v1/cases/{number}/me/facts", api(_me_api("facts"), lambda: FACTS | {"weather": "fog"}),
                             BOTH_PHONES),
    "api phone circumstances": Write("/api/v1/cases/{number}/me/circumstances",
                                     api(_me_api("circumstances"), lambda: {"A": [], "B": [1]}), BOTH_PHONES),
    "api phone confirm": Write("/api/v1/cases/{number}/me/confirm", api(_me_api("confirm"), _confirm), BOTH_PHONES),
    "api phone disagree": Write("/api/v1/cases/{number}/me/{step}", api(_me_api("disagree")), BOTH_PHONES),
    "api phone police": Write("/api/v1/cases/{number}/me/{step}", api(_me_api("police")), BOTH_PHONES),
    "api phone underwriting city": Write("/api/v1/cases/{number}/me/{step}", api(_me_api("underwriting-city")),
                                         PHONE_A_ONLY, noop=frozenset({"phone_b"})),
    # --- the adjusters' register (R4–R9, R13, R15) -------------------------------------------------------------------
    "web submit to Longnan": Write("/credentials/new/", web(lambda w: "/credentials/new/",
                                                            lambda: _adjuster_form("621200")),
                                   frozenset(COVERS_LONGNAN)),
    "web submit to Tianshui": Write("/credentials/new/", web(lambda w: "/credentials/new/",
                                                             lambda: _adjuster_form("620500")),
                                    frozenset(COVERS_TIANSHUI)),
    "api submit to Longnan": Write("/api/v1/credentials/adjusters",
                                   api(lambda w: "/api/v1/credentials/adjusters", lambda: _adjuster_json("621200")),
                                   frozenset(COVERS_LONGNAN)),
    "api submit to Tianshui": Write("/api/v1/credentials/adjusters",
                                    api(lambda w: "/api/v1/credentials/adjusters", lambda: _adjuster_json("620500")),
                                    frozenset(COVERS_TIANSHUI)),
    "web correct 天陇's Longnan entry": Write("/credentials/<int:pk>/edit/",
                                         web(lambda w: f"/credentials/{w.adjusters['tl_ln_fix'].pk}/edit/",
                                             lambda: _adjuster_form("621200", full_name="孙悟能改")),
                                         frozenset(COVERS_LONGNAN & TIANLONG), readers=SEES_TIANLONG_LONGNAN),
    "web correct 麦积's Tianshui entry": Write("/credentials/<int:pk>/edit/",
                                          web(lambda w: f"/credentials/{w.adjusters['mj_ts_fix'].pk}/edit/",
                                              lambda: _adjuster_form("620500", full_name="郑板桥改")),
                                          frozenset(COVERS_TIANSHUI & MAIJI), readers=SEES_MAIJI_TIANSHUI),
    "web review 天陇's Tianshui entry": Write("/credentials/<int:pk>/review/",
                                         web(lambda w: f"/credentials/{w.adjusters['tl_ts'].pk}/review/",
                                             lambda: {"decision": "approve"}), frozenset({"ts_assoc"}),
                                         readers=SEES_TIANLONG_TIANSHUI),
    "api review 麦积's Longnan entry": Write("/api/v1/credentials/adjusters/{pk}/review",
                                        api(lambda w: f"/api/v1/credentials/adjusters/{w.adjusters['mj_ln_new'].pk}/review",
                                            lambda: {"decision": "correct", "note": "请补充培训记录"}),
                                        frozenset({"ln_assoc"}), readers=SEES_MAIJI_LONGNAN),
    "web 天陇's Longnan adjuster left": Write("/credentials/<int:pk>/change/",
                                         web(lambda w: f"/credentials/{w.adjusters['tl_ln'].pk}/change/",
                                             lambda: {"kind": "left"}), frozenset(COVERS_LONGNAN & TIANLONG),
                                         readers=SEES_TIANLONG_LONGNAN),
    "web 麦积's Tianshui adjuster moved": Write("/credentials/<int:pk>/change/",
                                           web(lambda w: f"/credentials/{w.adjusters['mj_ts'].pk}/change/",
                                               lambda: {"kind": "moved", "city": "621200"}),
                                           frozenset({"maiji_hq"}), readers=SEES_MAIJI_TIANSHUI),  # both cities: the company
    "api 麦积's Tianshui adjuster left": Write("/api/v1/credentials/adjusters/{pk}/change",
                                          api(lambda w: f"/api/v1/credentials/adjusters/{w.adjusters['mj_ts'].pk}/change",
                                              lambda: {"kind": "left"}), frozenset(COVERS_TIANSHUI & MAIJI),
                                          readers=SEES_MAIJI_TIANSHUI),
    "api 天陇's Longnan adjuster moved": Write("/api/v1/credentials/adjusters/{pk}/change",
                                          api(lambda w: f"/api/v1/credentials/adjusters/{w.adjusters['tl_ln'].pk}/change",
                                              lambda: {"kind": "moved", "city": "620500"}),
                                          frozenset({"tianlong_hq"}), readers=SEES_TIANLONG_LONGNAN),
    "web record a stop": Write("/credentials/stops/", web(lambda w: "/credentials/stops/", _stop_form),
                               frozenset(CREDENTIALED)),
    "api record a stop": Write("/api/v1/credentials/stops", api(lambda w: "/api/v1/credentials/stops", _stop_json),
                               frozenset(CREDENTIALED)),
    # Whoever holds the rating link rates, except the adjuster's own company (R15 counts the ratings).
    "web rate 天陇's stop": Write("/credentials/rate/<str:token>/",
                               web(lambda w: f"/credentials/rate/{w.stops['tianlong'].rating_token}/",
                                   lambda: {"rating": "4"}), EVERYONE - TIANLONG),
    "api rate 麦积's stop": Write("/api/v1/credentials/stops/rate/{token}",
                               api(lambda w: f"/api/v1/credentials/stops/rate/{w.stops['maiji'].rating_token}",
                                   lambda: {"rating": 5}), EVERYONE - MAIJI),
}  # fmt: skip


# --- anti-fraud clues (issue 15: R11, R20, R15) -------------------------------------------------------------------
# Two committees: for these routes the demo's committee (the `antifraud` account's) is made Longnan's own, and a
# Tianshui committee is added, so each clue goes to the committee of its city and is shared with the other's when it
# involves the other city. `ln` (天陇's adjuster, from the agreed case in 武都: A's policy was written in Tianshui) is
# Longnan's, shared with Tianshui; `ts` (麦积's adjuster, in 秦州区, a Longnan plate involved) is Tianshui's, shared
# with Longnan; `ln2` has a request for files to 麦积; `draft` is not sent yet; `reward` is 麦积's for a confirmed clue.
# The companies a clue touches are told (their staff above a claims unit see their part, and are refused, not left
# in the dark, when they try to act): `ln`'s case has parties of 天陇 and 麦积; `ts` names 甘K12345, 天陇's of record.
TIANLONG_TOLD = frozenset({"tianlong_hq", "tianlong_branch", "tianlong_branch_ts", "tianlong_wudu"})
MAIJI_TOLD = frozenset({"maiji_hq", "maiji_branch", "maiji_branch_ts"})
CLUE_LN_READERS = frozenset({"tianlong_adj1", "antifraud", "admin"}) | TIANLONG_TOLD | MAIJI_TOLD
CLUE_TS_READERS = frozenset({"maiji_adj1", "antifraud", "admin"}) | TIANLONG_TOLD
MAIJI_PAYERS = frozenset({"maiji_hq", "maiji_branch", "maiji_branch_ts"})  # not from a claims unit


def _clues(world: World) -> dict[str, Any]:
    from datetime import date
    from decimal import Decimal

    from claimbridge.fraud import services as fraud
    from claimbridge.fraud.models import RewardRatio
    from claimbridge.organisations.models import AntiFraudCommittee, Association, Insurer

    users = world.users
    users["antifraud"].committee.associations.set([Association.objects.get(city__code="621200")])
    tianshui, _new = AntiFraudCommittee.objects.get_or_create(name="天水市保险反欺诈委员会",
                                                              name_en="Tianshui anti-fraud committee")  # fmt: skip
    tianshui.associations.set([Association.objects.get(city__code="620500")])
    reporter = users["tianlong_adj1"]
    ln = fraud.clue_create(user=reporter, case_number=world.agreed.number, observations=["old_damage"], submit=True)
    ln2 = fraud.clue_create(user=reporter, county_code="621202", observations=["staged_scene"], submit=True)
    draft = fraud.clue_create(user=reporter, county_code="621202", observations=["other"], description="未发送")
    ts = fraud.clue_create(user=users["maiji_adj1"], county_code="620502", observations=["driver_swapped"],
                           vehicles=[{"plate": "甘K12345"}], submit=True)  # fmt: skip
    asked = fraud.file_request_create(user=users["antifraud"], clue=ln2, insurer_code="maiji", question="定损材料")
    RewardRatio.objects.get_or_create(insurer=Insurer.objects.get(code="maiji"), effective_from=date(2023, 8, 15),
                                      defaults={"ratio": Decimal("0.05")})  # fmt: skip
    confirmed = fraud.clue_create(user=reporter, county_code="621202", observations=["inflated_injury"], submit=True)
    fraud.clue_move(user=users["antifraud"], clue=confirmed, action="investigate")
    confirmed = fraud.clue_move(user=users["antifraud"], clue=confirmed, action="confirm_fraud", reasons=["admitted"],
                                amount_saved=Decimal("1000.00"), underwriter_code="maiji")  # fmt: skip
    return {"ln": ln, "ln2": ln2, "draft": draft, "ts": ts, "asked": asked, "reward": confirmed.reward}


def _clue_api(what: str, tail: str) -> Callable[..., str]:
    return lambda w: f"/api/v1/fraud/clues/{_prepared[what].number}/{tail}"


_prepared: dict[str, Any] = {}  # what `_clues` made for the write being run (set by `_prepare_clues`)


def _prepare_clues(world: World) -> dict[str, Any]:
    _prepared.clear()
    _prepared.update(_clues(world))
    return dict(_prepared)


WITNESS_JSON = {"role": "witness", "name": "王五", "phone": "13912345678"}
WRITES |= {
    "api file a clue": Write("/api/v1/fraud/clues", api(_fixed("/api/v1/fraud/clues"), lambda: {
        "county": "621202", "observations": ["staged_scene"], "people": [WITNESS_JSON], "submit": True}),
        frozenset(ADJUSTERS)),
    "web file a clue": Write("/fraud/new/", web(_fixed("/fraud/new/"), lambda: {
        "observations": ["staged_scene"], "urgency": "urgent", "county": "621202", "person_role": "witness",
        "person_name": "王五"}), frozenset(ADJUSTERS)),
    "api photo into 天陇's clue": Write("/api/v1/fraud/clues/{number}/photos",
        api(_clue_api("ln", "photos"), lambda: {"file": photo(5)}, multipart=True), frozenset({"tianlong_adj1"}),
        prepare=_prepare_clues, readers=CLUE_LN_READERS),
    "api submit 天陇's draft clue": Write("/api/v1/fraud/clues/{number}/submit", api(_clue_api("draft", "submit")),
        frozenset({"tianlong_adj1"}), prepare=_prepare_clues, readers=frozenset({"tianlong_adj1", "admin"})),
    "api add to 麦积's Tianshui clue": Write("/api/v1/fraud/clues/{number}/addenda",
        api(_clue_api("ts", "addenda"), lambda: {"text": "另一目击者", "vehicles": [{"plate": "甘E6789A"}]}),
        frozenset({"maiji_adj1"}), prepare=_prepare_clues, readers=CLUE_TS_READERS),
    "api screen 天陇's Longnan clue": Write("/api/v1/fraud/clues/{number}/steps",
        api(_clue_api("ln", "steps"), lambda: {"action": "screen"}), frozenset({"antifraud"}),
        prepare=_prepare_clues, readers=CLUE_LN_READERS),
    "api assign 天陇's Longnan clue": Write("/api/v1/fraud/clues/{number}/assignment",
        api(_clue_api("ln", "assignment"), lambda: {"assignee": "antifraud", "deadline": "2099-01-01"}),
        frozenset({"antifraud"}), prepare=_prepare_clues, readers=CLUE_LN_READERS),
    "api note on 麦积's Tianshui clue (shared with Longnan)": Write("/api/v1/fraud/clues/{number}/notes",
        api(_clue_api("ts", "notes"), lambda: {"text": "陇南方：该车近期多次出险"}), frozenset({"antifraud"}),
        prepare=_prepare_clues, readers=CLUE_TS_READERS),
    "api ask 麦积 for files on 天陇's clue": Write("/api/v1/fraud/clues/{number}/requests",
        api(_clue_api("ln", "requests"), lambda: {"insurer": "maiji", "question": "A 方定损照片"}),
        frozenset({"antifraud"}), prepare=_prepare_clues, readers=CLUE_LN_READERS),
    "api link 天陇's clue into another": Write("/api/v1/fraud/clues/{number}/link",
        api(_clue_api("ln", "link"), lambda: {"into": _prepared["ln2"].number}), frozenset({"antifraud"}),
        prepare=_prepare_clues, readers=CLUE_LN_READERS),
    "api 麦积 answers a request for files": Write("/api/v1/fraud/requests/{pk}/answer",
        api(lambda w: f"/api/v1/fraud/requests/{_prepared['asked'].pk}/answer", lambda: {"answer": "已上传"}),
        frozenset(MAIJI_STAFF), prepare=_prepare_clues, readers=frozenset(MAIJI_STAFF | {"antifraud"})),
    "api 麦积 attaches a document to its answer": Write("/api/v1/fraud/requests/{pk}/files",
        api(lambda w: f"/api/v1/fraud/requests/{_prepared['asked'].pk}/files", lambda: {"file": photo(6)},
            multipart=True),
        frozenset(MAIJI_STAFF), prepare=_prepare_clues, readers=frozenset(MAIJI_STAFF | {"antifraud"})),
    "api 麦积 records a reward paid": Write("/api/v1/fraud/rewards/{pk}/payment",
        api(lambda w: f"/api/v1/fraud/rewards/{_prepared['reward'].pk}/payment", lambda: {"reference": "PAY-1"}),
        MAIJI_PAYERS, prepare=_prepare_clues, readers=frozenset(MAIJI_STAFF | {"tianlong_adj1", "antifraud", "admin"})),
    "web note on 天陇's Longnan clue": Write("/fraud/<str:number>/",
        web(lambda w: f"/fraud/{_prepared['ln'].number}/", lambda: {"op": "note", "text": "现场复核"}),
        frozenset({"antifraud"}), prepare=_prepare_clues, readers=CLUE_LN_READERS),
}  # fmt: skip

# --- the progress report (issue 17: R19, B10) ----------------------------------------------------------------------
# The associations write it, each one's draft approved by another association user (four eyes); the regulator and the
# platform read every version and write none; everyone else sees only what is published.
ASSOCIATIONS = frozenset({"ln_assoc", "ts_assoc"})
REPORT_READERS = ASSOCIATIONS | {"regulator", "admin"}
_report: dict[str, Any] = {}  # what `_prepare_report` made for the write being run


def _quarter() -> str:
    month = timezone.localdate().replace(day=1)
    return month.replace(month=(month.month - 1) // 3 * 3 + 1).isoformat()


def _prepare_report(stage: str) -> Callable[[World], dict[str, Any]]:
    """A draft of this quarter's report by 陇南's association; approved by 天水's; or published too."""

    def prepare(world: World) -> dict[str, Any]:
        from datetime import date

        from claimbridge.reports import publication

        users = world.users
        version = publication.report_draft(user=users["ln_assoc"], kind="quarterly",
                                           start=date.fromisoformat(_quarter()))  # fmt: skip
        if stage in ("approved", "published"):
            version = publication.version_approve(user=users["ts_assoc"], version=version)
        if stage == "published":
            version = publication.version_publish(user=users["ln_assoc"], version=version)
        _report.clear()
        _report.update(version=version, number=version.report.number)
        return dict(_report)

    return prepare


def _version_api(tail: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/progress/reports/{_report['number']}/versions/1/{tail}"


WRITES |= {
    "web draft this quarter's report": Write("/publications/", web(_fixed("/publications/"), lambda: {
        "period": f"quarterly:{_quarter()[:7]}", "summary_zh": "本季度概述"}), ASSOCIATIONS),
    "api draft this quarter's report": Write("/api/v1/progress/reports", api(_fixed("/api/v1/progress/reports"),
        lambda: {"kind": "quarterly", "period_start": _quarter()}), ASSOCIATIONS),
    # 陇南's association drafted it: only another association user approves (its own refusal: back with the reason)
    "web approve 陇南's draft": Write("/publications/<int:number>/",
        web(lambda w: f"/publications/{_report['number']}/", lambda: {"op": "approve"}), frozenset({"ts_assoc"}),
        prepare=_prepare_report("draft"), back_with_message=True),
    "api edit 陇南's draft": Write("/api/v1/progress/reports/{number}/versions/{version}/edit",
        api(_version_api("edit"), lambda: {"summary_zh": "改写的概述"}), ASSOCIATIONS,
        prepare=_prepare_report("draft"), readers=REPORT_READERS),
    "api approve 陇南's draft": Write("/api/v1/progress/reports/{number}/versions/{version}/approve",
        api(_version_api("approve")), frozenset({"ts_assoc"}), prepare=_prepare_report("draft"),
        readers=REPORT_READERS),
    "api publish the approved report": Write("/api/v1/progress/reports/{number}/versions/{version}/publish",
        api(_version_api("publish")), ASSOCIATIONS, prepare=_prepare_report("approved"), readers=REPORT_READERS),
    "api correct the published report": Write("/api/v1/progress/reports/{number}/corrections",
        api(lambda w: f"/api/v1/progress/reports/{_report['number']}/corrections", lambda: {"reason": "补录迟报"}),
        ASSOCIATIONS, prepare=_prepare_report("published")),
}  # fmt: skip

# --- consultations (R13) ------------------------------------------------------------------------------------------
# Party A's phone (the session that proved PHONE_A) asks 麦积, its insurer of record on the confirming case; 麦积's
# staff at every level answer, escalate, close and publish a FAQ entry; 麦积's adjuster maiji_adj1 is designated a
# specialist and answers what is escalated to them; only the phone that asked rates. Nobody else reads the question.
MAIJI_QUESTION_READERS = frozenset(MAIJI_STAFF | {"admin"})
_consult: dict[str, Any] = {}  # what `_prepare_consultation` made for the write being run


def _prepare_consultation(stage: str) -> Callable[[World], dict[str, Any]]:
    def prepare(world: World) -> dict[str, Any]:
        from claimbridge.consultations import services as consult
        from claimbridge.consultations.models import Specialist

        users = world.users
        specialist = Specialist.objects.create(user=users["maiji_adj1"], insurer=users["maiji_adj1"].insurer)
        asked = consult.consultation_ask(phone=PHONE_A, question="定损后多久赔付？", topic="settlement",
                                         case_number=world.confirming.number)  # fmt: skip
        if stage == "escalated":
            consult.consultation_escalate(user=users["maiji_hq"], consultation=asked, specialist_id=specialist.pk)
        if stage == "answered":
            consult.consultation_answer(user=users["maiji_hq"], consultation=asked, answer="资料齐全后 3 个工作日内")
        _consult.clear()
        _consult.update(number=asked.number, specialist=specialist.pk)
        return dict(_consult)

    return prepare


def _colleague(world: World) -> dict[str, Any]:
    from claimbridge.accounts.models import Role, User

    User.objects.create_user(username="ln_expert", password=DEMO_PASSWORD, role=Role.ASSOCIATION_STAFF,
                             association=world.users["ln_assoc"].association)  # fmt: skip
    return {}


def _consult_api(tail: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/consultations/{_consult['number']}/{tail}"


def _consult_page(w: World) -> str:
    return f"/consult/q/{_consult['number']}/"


CONSULT_FAQ = {"question_zh": "定损后多久赔付？", "answer_zh": "资料齐全后 3 个工作日内。", "topic": "settlement"}
WRITES |= {
    # A phone asks on a case it is a party of; any other visitor meets the mobile check or a form that cannot name
    # that case, drawn again with the reason next to the field (422).
    "web ask 麦积 on the confirming case": Write("/consult/", web(_fixed("/consult/"), lambda w: {
        "op": "ask", "about": f"case:{w.confirming.number}", "topic": "settlement", "question": "多久赔付？",
        "form_key": "matrix-ask"}), PHONE_A_ONLY, refused_also=frozenset({422})),
    "web consult, proving the mobile": Write("/consult/", web(_fixed("/consult/"), _proof), pure=True, prepare=_sms_a),
    # The API: a proved phone asks the insurer it names; an insurer's staff record the caller's question for their
    # own company (the hotline).
    "api ask a question or record a caller's": Write("/api/v1/consultations", api(_fixed("/api/v1/consultations"),
        lambda: {"question": "异地出险去哪里理赔？", "insurer": "maiji", "caller_phone": "13700008888"}),
        frozenset(INSURER_STAFF | {"phone_a", "phone_stranger"})),
    "web record a caller's question": Write("/consult/inbox/", web(_fixed("/consult/inbox/"), lambda: {
        "caller_phone": "13700008888", "channel": "hotline", "topic": "process", "question": "怎么报案？",
        "form_key": "matrix-record"}), frozenset(INSURER_STAFF)),
    "api answer 麦积's question": Write("/api/v1/consultations/{number}/answer",
        api(_consult_api("answer"), lambda: {"answer": "3 个工作日内"}), frozenset(MAIJI_STAFF),
        prepare=_prepare_consultation("asked"), readers=MAIJI_QUESTION_READERS),
    "web answer 麦积's question": Write("/consult/q/<str:number>/",
        web(_consult_page, lambda: {"op": "answer", "answer": "3 个工作日内"}), frozenset(MAIJI_STAFF),
        prepare=_prepare_consultation("asked"), readers=MAIJI_QUESTION_READERS),
    "api the specialist answers the escalated question": Write("/api/v1/consultations/{number}/answer",
        api(_consult_api("answer"), lambda: {"answer": "各自车损各自赔付"}), frozenset(MAIJI_STAFF | {"maiji_adj1"}),
        prepare=_prepare_consultation("escalated"), readers=MAIJI_QUESTION_READERS | {"maiji_adj1"}),
    "api escalate 麦积's question": Write("/api/v1/consultations/{number}/escalate",
        api(_consult_api("escalate"), lambda: {"specialist": _consult["specialist"]}), frozenset(MAIJI_STAFF),
        prepare=_prepare_consultation("asked"), readers=MAIJI_QUESTION_READERS),
    "web escalate 麦积's question": Write("/consult/q/<str:number>/",
        web(_consult_page, lambda: {"op": "escalate", "specialist": _consult["specialist"], "working_days": "2"}),
        frozenset(MAIJI_STAFF), prepare=_prepare_consultation("asked"), readers=MAIJI_QUESTION_READERS),
    "api close 麦积's question": Write("/api/v1/consultations/{number}/close", api(_consult_api("close")),
        frozenset(MAIJI_STAFF), prepare=_prepare_consultation("asked"), readers=MAIJI_QUESTION_READERS),
    "api publish 麦积's answer in the FAQ": Write("/api/v1/consultations/{number}/faq",
        api(_consult_api("faq"), lambda: CONSULT_FAQ), frozenset(MAIJI_STAFF),
        prepare=_prepare_consultation("answered"), readers=MAIJI_QUESTION_READERS),
    "web publish 麦积's answer in the FAQ": Write("/consult/q/<str:number>/",
        web(_consult_page, lambda: {"op": "faq", "form_key": "matrix-faq", **CONSULT_FAQ}), frozenset(MAIJI_STAFF),
        prepare=_prepare_consultation("answered"), readers=MAIJI_QUESTION_READERS),
    # Only the phone that asked rates; 麦积's staff read the question but do not rate it (403).
    "api rate 麦积's answer": Write("/api/v1/consultations/{number}/rate", api(_consult_api("rate"),
        lambda: {"rating": 4}), PHONE_A_ONLY, prepare=_prepare_consultation("answered"),
        readers=MAIJI_QUESTION_READERS | PHONE_A_ONLY),
    "web rate 麦积's answer": Write("/consult/q/<str:number>/rate/",
        web(lambda w: f"/consult/q/{_consult['number']}/rate/", lambda: {"rating": "4"}), PHONE_A_ONLY,
        prepare=_prepare_consultation("answered")),
    # An association designates its own staff; Tianshui's has no such colleague (the form says so next to the name).
    "web designate a Longnan specialist": Write("/consult/specialists/", web(_fixed("/consult/specialists/"),
        lambda: {"op": "designate", "username": "ln_expert"}), frozenset({"ln_assoc"}), prepare=_colleague,
        refused_also=frozenset({422})),
}  # fmt: skip

# --- personal data requests (decision 0030, PIPL arts. 44–47) -----------------------------------------------------
# Party A's phone (its session holds the 15-minute grant of 我的个人信息) asks to delete its data in the agreed case:
# held by Longnan's association, which alone works it (the platform reads it, works none); 天陇's adjuster
# tianlong_adj2's correction of their Tianshui entry is Tianshui's association's. Anyone else: the mobile check, or
# a form whose records are not these (422), or 404 for what they may not read.
LN_REQUEST_READERS = frozenset({"ln_assoc", "admin"})
TS_REQUEST_READERS = frozenset({"ts_assoc", "admin"})


def _held_request(key: str, api_route: bool) -> Callable[[World], str]:
    if api_route:
        return lambda w: f"/api/v1/subjects/queue/{w.subject_requests[key].number}/work"
    return lambda w: f"/data-requests/{w.subject_requests[key].number}/"


WRITES |= {
    "web my data, proving the mobile": Write("/my-data/", web(_fixed("/my-data/"), _proof), pure=True, prepare=_sms_a),
    "api my data, proving the mobile": Write("/api/v1/subjects/proof", api(_fixed("/api/v1/subjects/proof"),
        lambda w, actor, extra: {"phone": PHONE_A, "sms_code": extra["sms_code"]}), pure=True, prepare=_sms_a),
    # the world already holds A's open deletion of the agreed case (a second one is refused as a duplicate, 409):
    # these ask for a correction of it instead
    "web ask to correct A's data in the agreed case": Write("/my-data/", web(_fixed("/my-data/"), lambda w: {
        "op": "correction", "item": f"case:{w.agreed.number}|driver_name", "correction": "张叁",
        "form_key": "matrix-correction"}), PHONE_A_ONLY, refused_also=frozenset({422})),
    "api ask to correct A's data in the agreed case": Write("/api/v1/subjects/requests",
        api(_fixed("/api/v1/subjects/requests"), lambda w: {"kind": "correction", "record": f"case:{w.agreed.number}",
                                                           "field": "driver_name", "correction": "张叁"}),
        PHONE_A_ONLY),
    "api Longnan refuses A's deletion": Write("/api/v1/subjects/queue/{number}/work", api(_held_request("ln", True),
        lambda: {"action": "refuse", "reason_zh": "案件仍在理赔中", "reason_en": "The claim is still open"}),
        frozenset({"ln_assoc"}), readers=LN_REQUEST_READERS),
    "web Longnan starts A's deletion": Write("/data-requests/<str:number>/", web(_held_request("ln", False),
        lambda: {"op": "start"}), frozenset({"ln_assoc"}), readers=LN_REQUEST_READERS),
    "web Tianshui completes the adjuster's correction": Write("/data-requests/<str:number>/",
        web(_held_request("ts", False), lambda: {"op": "complete", "resolution": "已更正手机号"}),
        frozenset({"ts_assoc"}), readers=TS_REQUEST_READERS),
}  # fmt: skip

# --- resumable uploads (decision 0025): each person's own; a complete one is consumed like a file uploaded whole ---
UPLOAD_STARTERS = frozenset(INSURER_STAFF | ADJUSTERS | {"driver_ln", "admin"})  # who may start an evidence file


def _started_upload(world: World) -> dict[str, Any]:
    return {"upload": resumable_upload(world.users["tianlong_adj1"], PART, complete=False)}


def _part(client: Client, world: World, actor: str, extra: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1/uploads/{extra['upload'].pk}", PART, content_type="application/offset+octet-stream",
                        secure=True, headers={"Upload-Offset": "0"})  # fmt: skip


def _complete_uploads(world: World) -> dict[str, Any]:
    """A complete upload of the same photo for every account: a refusal is then about the file or the clue, never
    about the upload; someone without an account names 天陇's adjuster's."""
    data = CAR_PHOTOS[9].read_bytes()
    return {"uploads": {actor: resumable_upload(world.users[actor], data) for actor in sorted(SIGNED_IN)}}


def _consumed(slot: str, party: str = "") -> Callable[..., dict[str, Any]]:
    def body(world: World, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
        uploads = extra["uploads"]
        return {"slot": slot, "party": party, "upload": str(uploads.get(actor, uploads["tianlong_adj1"]).pk)}

    return body


def _clues_and_uploads(world: World) -> dict[str, Any]:
    return {**_prepare_clues(world), **_complete_uploads(world)}


PART = CAR_PHOTOS[8].read_bytes()[:4096]
WRITES |= {
    "api start a resumable upload": Write("/api/v1/uploads", api(_fixed("/api/v1/uploads"), lambda: {
        "length": 123456, "content_type": "video/mp4", "filename": "VID_0001.mp4"},
        headers={"Idempotency-Key": "start-1"}), UPLOAD_STARTERS),
    "api send a part of 天陇's adjuster's upload": Write("/api/v1/uploads/{upload_id}", _part,
        frozenset({"tianlong_adj1"}), prepare=_started_upload, readers=frozenset({"tianlong_adj1"}), method="patch"),
    "api upload into the case's file, from a resumable upload": Write("/api/v1/evidence/files/{reference}/items",
        api(lambda w: f"/api/v1/evidence/files/{w.evidence.reference}/items", _consumed("plate", "A"),
            multipart=True), frozenset(TIANLONG | MAIJI | {"admin"}), prepare=_complete_uploads, readers=SEES_AGREED),
    "api photo into 天陇's clue, from a resumable upload": Write("/api/v1/fraud/clues/{number}/photos",
        api(_clue_api("ln", "photos"), _consumed("scene"), multipart=True), frozenset({"tianlong_adj1"}),
        prepare=_clues_and_uploads, readers=CLUE_LN_READERS),
}  # fmt: skip

# --- running one write as every actor ---------------------------------------------------------------------------


def _signed_in(actor: str) -> bool:
    return actor in SIGNED_IN


def _attempt(world: World, write: Write, actor: str, extra: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    from claimbridge.evidence import reuse_index

    with transaction.atomic():
        reuse_index.reset()
        response = write.send(world.client(actor), world, actor, extra)
        after = fingerprint()
        transaction.set_rollback(True)
    return response, after


def _wrong(write: Write, actor: str, response: Any, changed: list[str]) -> str:
    """Why this answer is not what the matrix says ("" when it is)."""
    status = response.status_code
    location = response.get("Location", "") if status == 302 else ""
    to_login = location.startswith("/accounts/login/")
    if status >= 500:
        return f"answered {status}"
    if write.pure:
        return f"changed {changed}" if changed else ""
    if actor in write.allowed:
        if not changed:
            return f"may, but nothing changed (answered {status} {location})"
        return "" if status in OK and not to_login else f"changed {changed} but answered {status} {location}"
    if changed:
        return f"may not, but changed {changed} (answered {status} {location})"
    if actor in write.noop:
        return "" if status in OK and not to_login else f"answered {status} {location}"
    if write.api:
        unseen = write.readers is not None and actor not in write.readers
        refusals = {401, 404} if unseen and not _signed_in(actor) else {404} if unseen else API_REFUSALS
        if status not in refusals:
            return f"refused with {status}, not {'/'.join(map(str, sorted(refusals)))}"
        error = response.json().get("error", {})
        return "" if error.get("zh") and error.get("en") else "a refusal without the bilingual error body"
    if status in WEB_REFUSALS or status in write.refused_also:
        return ""
    if status == 302 and to_login and not _signed_in(actor):
        return ""
    if status == 302 and write.back_with_message and not to_login:
        if write.readers is not None and actor not in write.readers:
            return "refused as one who sees the object (back to it with a message), but may not see it: 404"
        return ""
    return f"refused with {status} {location}"


def _run(world: World, write: Write) -> dict[str, str]:
    """Send the write as every actor, each from the same world; what was wrong, per actor."""
    extra = write.prepare(world) if write.prepare else {}
    before = fingerprint()
    wrong = {}
    for actor in ACTORS:
        response, after = _attempt(world, write, actor, extra)
        changed = sorted(table for table, digest in after.items() if before.get(table) != digest)
        why = _wrong(write, actor, response, changed)
        if why:
            wrong[actor] = why
    assert fingerprint() == before  # every actor's request was rolled back
    return wrong


@pytest.mark.parametrize("name", list(WRITES))
def test_each_write_route_changes_something_exactly_for_those_who_may(world, name):
    """Issue 12 (tests that can fail; acceptance item 2; B8): the route, with real ids of the world, sent by every
    actor; the change happens for exactly the actors allowed and for nobody else, whose answer is a refusal."""
    wrong = _run(world, WRITES[name])
    assert not wrong, f"{name}:\n" + "\n".join(f"  {actor}: {why}" for actor, why in sorted(wrong.items()))


def _any_insurer_staff_handles_any_party(self: Any, party: Any) -> bool:
    return self.role == "insurer_staff"


def _company_changes_its_people_anywhere(self: Any, adjuster: Any) -> bool:
    return self.role == "insurer_staff" and adjuster.insurer_id == self.insurer_id


def _insurer_staff_see_every_file(self: Any) -> Any:
    from django.db.models import Q

    return Q() if self.insurer_id else Q(pk__in=[])


def _any_insurer_staff_pays_any_reward(self: Any, reward: Any) -> bool:
    return self.role == "insurer_staff"


def _whoever_reads_answers(self: Any, consultation: Any) -> bool:
    return True


def _whoever_reads_works_requests(self: Any, request: Any) -> bool:
    return True


BROKEN = {  # a scope check broken on purpose, and a route of the matrix that must then fail
    "may_answer": (_whoever_reads_answers, "api answer 麦积's question"),
    "may_work_subject_request": (_whoever_reads_works_requests, "api Longnan refuses A's deletion"),
    "may_handle_party": (_any_insurer_staff_handles_any_party, "api contact agreed A"),
    "may_change_adjuster": (_company_changes_its_people_anywhere, "web 天陇's Longnan adjuster left"),
    "evidence_files_q": (_insurer_staff_see_every_file, "api upload into 伏羲's own file"),
    "may_record_reward_payment": (_any_insurer_staff_pays_any_reward, "api 麦积 records a reward paid"),
}


@pytest.mark.parametrize("check", list(BROKEN))
def test_the_matrix_fails_when_a_scope_check_is_broken(world, monkeypatch, check):
    """Issue 12 (acceptance item 2: a deliberately broken scope check makes the matrix fail): with the check replaced
    by a careless version, the route's matrix names the actors who could then change what is not theirs."""
    from claimbridge.accounts.scope import Scope

    broken, route = BROKEN[check]
    assert not _run(world, WRITES[route])
    monkeypatch.setattr(Scope, check, broken)
    wrong = _run(world, WRITES[route])
    assert any(why.startswith("may not, but changed") for why in wrong.values()), wrong


def test_every_write_entry_can_fail_both_ways():
    """Issue 12 (B8): a route where everybody may, or nobody may, proves nothing about who may: every entry that is
    not pure has actors who may and actors who may not (public routes: whoever holds the code or link, and then the
    refused ones are those the rule excludes, or none for the join code, whose holder is the authority)."""
    for name, write in WRITES.items():
        assert write.pure or write.allowed, name
        assert write.allowed <= EVERYONE, name
        assert write.noop <= EVERYONE, name
        if not write.pure and "join with the code" not in name:
            assert EVERYONE - write.allowed - write.noop, name


# --- completeness -------------------------------------------------------------------------------------------------
# One actor of each role, and a phone: every page lets at least one of them past its door.
PROBES = ("admin", "ln_assoc", "tianlong_hq", "tianlong_adj1", "driver_ln", "antifraud", "regulator", "anonymous",
          "phone_a")  # fmt: skip


def _takes_writes(world: World, route: str) -> bool:
    """A page answers 405 to a method it does not take, once past its door (sign-in, role): it takes no writes when
    any of the probes gets 405 to a POST, and takes them when none does (every page lets some probe in; an empty
    form changes nothing, and each POST is rolled back anyway)."""
    for actor in PROBES:
        with transaction.atomic():
            status = world.client(actor).post(concrete(route), secure=True).status_code
            transaction.set_rollback(True)
        if status == 405:
            return False
    return True


def test_every_write_route_is_in_the_matrix(world):
    """Issue 12 (B8): a page or API operation that takes a POST (or PUT, PATCH, DELETE) cannot exist without an entry
    in WRITES saying who may change what through it; and every entry names a route that exists."""
    web_writes = {route for route in site_routes() if _takes_writes(world, route)}
    assert web_writes == {write.route for write in WRITES.values() if not write.api}
    assert api_write_operations() == {(write.method, write.route) for write in WRITES.values() if write.api}


# --- the back office (Django's admin) ------------------------------------------------------------------------------
# Its pages are Django's own, generated per model: who may add, change or delete each registered model is decided by
# the model's admin class and the account's permissions. Tenant data is read-only there for everyone (it is written
# only through the services, which ask the scope); organisation data is kept by the associations (their group's
# permissions) and the platform admin; accounts, API keys, webhook endpoints and service points by the platform admin.
READ_ONLY_IN_ADMIN = {
    "cases.case", "cases.caseevent", "cases.claim", "cases.handoff", "cases.outboxmessage", "credentials.adjuster",
    "credentials.credential", "credentials.servicestop", "credentials.monthlyreport", "credentials.reportcorrection",
    "evidence.storedobject", "evidence.evidencefile", "evidence.evidenceitem", "evidence.reusematch",
    "policies.policylookup", "django_tasks_database.dbtaskresult",
    "fraud.clue", "fraud.clueroute", "fraud.filerequest", "fraud.reward", "fraud.clueevent",
    "fraud.ringlook", "fraud.learnedmodel",  # issue 16: the record of looks; models come from training
    # R20: the police's records are loaded by their units (the services); what matching found is the matching's
    "police.policerecord", "police.policeload", "police.policematch", "police.policesignal", "police.policeevent",
    # issue 17: the progress reports are written only through their services (four eyes, published never changed)
    "reports.progressreport", "reports.reportversion", "reports.reportevent",
    # R13: questions, their events and the FAQ are written only through the services (specialists: the admin's)
    "consultations.consultation", "consultations.consultationevent", "consultations.faqentry",
    # issue 20: the access log is append-only, written only by `accesslog.services.access_record`
    "accesslog.accessrecord",
    # issue 20: the sweep's reports are what the sweep did (the schedule's rules are the admin's to configure)
    "retention.retentionrun",
    # issue 20: a consent is what the driver agreed to, recorded by the step it belongs to (privacy.services)
    "privacy.consentrecord",
    # decision 0030: personal data requests and their events are written only through the services
    "subjects.subjectrequest", "subjects.subjectrequestevent",
}  # fmt: skip
# The sign-in log (django-axes) is written by signing in, never added by hand; the admin may clear it.
NOT_ADDED_IN_ADMIN = {"axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"}
ADMIN_KEEPERS = {"admin"}
ORGANISATION_KEEPERS = {"admin", "ln_assoc", "ts_assoc"}


def test_who_may_write_what_in_the_back_office(world, rf):
    """Issue 12 (B8): for every model in the admin, the actors who may add, change or delete it there."""
    from django.contrib import admin
    from django.contrib.auth.models import AnonymousUser

    wrong = {}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in READ_ONLY_IN_ADMIN:
            expected: set[str] = set()
        elif model._meta.app_label == "organisations":
            expected = ORGANISATION_KEEPERS
        else:
            expected = ADMIN_KEEPERS
        for action in ("add", "change", "delete"):
            wanted = set() if action == "add" and label in NOT_ADDED_IN_ADMIN else expected
            writers = set()
            for actor in SIGNED_IN:
                request = rf.post("/admin/")
                request.user = world.users.get(actor, AnonymousUser())
                if admin.site.has_permission(request) and getattr(model_admin, f"has_{action}_permission")(request):
                    writers.add(actor)
            if writers != wanted:
                wrong[(label, action)] = sorted(writers ^ wanted)
    assert wrong == {}


# --- holes the matrix found --------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["/api/v1/cases/join", "/cases/join/"])
def test_a_join_code_issued_before_the_agreement_does_not_add_a_party_to_the_agreed_case(world, route):
    """Issue 12 (B1, B8): a join code lives an hour; the parties may agree within it. Whoever holds the code then
    must not add a third party to the agreed case (its 协议书 names two; a party without an insurer also took the
    case out of both insurers' inboxes). One answer, as for a wrong or expired code."""
    from claimbridge.cases.services import join
    from tests.world import confirmed

    case = world.confirming
    code = join.case_join_code_issue(case=case)
    confirmed(case)
    assert case.state == "agreed"
    before = fingerprint()
    body = {"join_code": code, "phone": PHONE_JOINER, "sms_code": sms_code_for(PHONE_JOINER),
            "consent_version": NOTICE_VERSION}  # fmt: skip
    if route.startswith("/api/"):
        answer = world.client("anonymous").post(route, body, content_type="application/json", secure=True)
        assert answer.json()["error"]["code"] == "join_refused"
    else:
        answer = world.client("anonymous").post(route, body | {"consent": "on"}, secure=True)
    assert answer.status_code == 422
    assert fingerprint() == before
    assert case.parties.count() == 2


def test_the_review_rule_is_asked_by_the_service_whatever_reaches_it(world):
    """Issue 12 (B8, R6): the pages and the API never show an association another city's entries (the register's
    selectors), so no route can tell whether the review rule itself refuses them; the service is called here
    directly, for every account: only the association of the entry's city reviews it."""
    from claimbridge.core.errors import AppError
    from claimbridge.credentials import services

    entry = world.adjusters["tl_ts"]  # 天陇's, submitted to the Tianshui association
    answers = {}
    for actor in sorted(SIGNED_IN):
        with transaction.atomic():
            try:
                services.adjuster_review(user=world.users[actor], adjuster=entry, decision="approve")
                answers[actor] = "approved"
            except AppError as refused:
                answers[actor] = f"{refused.status} {refused.code}"
            transaction.set_rollback(True)
    assert answers == {actor: "approved" if actor == "ts_assoc" else "403 not_reviewer" for actor in SIGNED_IN}
