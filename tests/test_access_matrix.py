"""Every URL and API route, visited as every demo role (B8, R16, R17).

The matrix says what each role gets; a route that exists but is missing from the matrix fails the suite, so a new
page cannot ship without someone deciding who may open it. On top of status codes, every response is searched for
the personal data of people outside the visitor's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import Client

from claimbridge.accounts.models import INSURER_ROLES, User
from claimbridge.api import api
from tests.routes import site_routes
from tests.world import (
    ACTORS,
    COVERS_LONGNAN,
    COVERS_TIANSHUI,
    EVERYONE,
    INSURER_STAFF,
    MAIJI,
    MAIJI_STAFF,
    POLICE,
    SEES_AGREED,
    SEES_CONFIRMING,
    SEES_DRAFT,
    SEES_FUXI_FILE,
    SEES_MAIJI_LONGNAN,
    SEES_MAIJI_TIANSHUI,
    SEES_TIANLONG_LONGNAN,
    SEES_TIANLONG_TIANSHUI,
    TIANLONG,
    TIANLONG_STAFF,
    World,
)
from tests.world import SIGNED_IN as SIGNED_IN_WORLD

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
    "police": "police_ln",
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
FRAUD_ROLES = {"adjuster", "insurer_company", "insurer_branch", "insurer_unit", "antifraud", "platform_admin"}
POLICE_LOADERS = {"police", "platform_admin"}  # R20: the units load, the platform administrator too (through the API)
POLICE_READERS = POLICE_LOADERS | {"antifraud"}
SIGNAL_READERS = {"antifraud", "platform_admin", "insurer_company", "insurer_branch", "insurer_unit"}
RING_READERS = {"antifraud", "platform_admin"}
SCORE_READERS = RING_READERS | {"insurer_company", "insurer_branch", "insurer_unit"}
FIGURE_READERS = {"insurer_company", "insurer_branch", "insurer_unit", "association", "regulator", "platform_admin"}
CONSULT_DESK_ROLES = {"adjuster", "insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}
ACCESS_LOG_ROLES = {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}
PROGRESS_READERS = {"association", "regulator", "platform_admin"}  # issue 17: every version of the progress reports
SUBJECT_DESK_ROLES = {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}
# Issue 20: the retention schedule, read only, for the holders of records under it (insurers hold claim records)
RETENTION_READERS = {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}


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
    "/privacy/": expect(ALL),  # issue 20: the personal-information notice and register, for anyone
    "/directory/?county=621202": expect(ALL),
    "/organisation/": expect(ORG_ROLES),
    "/staff/": expect(STAFF_ROLES),
    "/healthz": expect(ALL),
    "/readyz": expect(ALL),  # issue 19: each dependency checked; nothing personal in it
    "/metrics": dict.fromkeys(VISITORS, 404),  # issue 19: only with METRICS_TOKEN (and its bearer), or under DEBUG
    # The installable app (issue 18, B7): manifest and worker for anyone; the offline field form for adjusters.
    "/manifest.webmanifest": expect(ALL),
    "/sw.js": expect(ALL),
    "/field/": expect({"adjuster"}),
    "/field/offline/": expect(ALL),
    "/field/session.json": expect(ALL),  # who is signed in, and a CSRF token; nothing else
    "/rules/": expect(ALL),
    "/rules/liability/": dict.fromkeys(VISITORS, 405),  # the check is a POST from the rules page
    "/rules/settlement/": expect(ALL),
    "/rules/quick-claim/": expect(ALL),
    "/evidence/": expect(EVIDENCE_ROLES),
    "/evidence/reuse/": expect(REUSE_ROLES),
    "/evidence/reuse/<int:match_id>/picture/": expect(REUSE_ROLES, ok_status=404),  # a signal nobody has
    # A reference or item nobody has: the page exists only for those allowed to look for it.
    "/evidence/<str:reference>/": expect(EVIDENCE_ROLES, ok_status=404),
    "/evidence/<str:reference>/upload/": {v: 302 if v == "anonymous" else 405 for v in VISITORS},  # a POST
    "/evidence/items/<int:item_id>/original/": expect(SIGNED_IN, ok_status=404),
    "/evidence/items/<int:item_id>/thumbnail/": expect(SIGNED_IN, ok_status=404),
    "/evidence/items/<int:item_id>/preview/": expect(SIGNED_IN, ok_status=404),
    "/policies/": expect(POLICY_ROLES),
    "/policies/loads/<int:load_id>/": expect(POLICY_ROLES, ok_status=404),
    "/policies/template.csv": expect(POLICY_ROLES),
    "/policies/lookup/": expect(LOOKUP_ROLES),
    "/cases/": expect(CASE_INBOX_ROLES),
    "/cases/join/": expect(ALL),
    "/cases/start/": expect(ALL),
    "/cases/new/": expect({"adjuster", "insurer_company", "insurer_branch", "insurer_unit"}),
    "/cases/<str:number>/me/": dict.fromkeys(VISITORS, 404),  # only for the party whose phone joined it
    "/cases/<str:number>/me/agreement.pdf": dict.fromkeys(VISITORS, 404),
    "/cases/<str:number>/me/live/": dict.fromkeys(VISITORS, 404),  # polled by the party's page (issue 13)
    "/cases/<str:number>/me/photos/<int:item_id>/thumbnail/": dict.fromkeys(VISITORS, 404),
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
    # Issue 20: who looked at a case's personal data — its data's holders only (the scope); no such case here.
    "/cases/<str:number>/access/": expect(ACCESS_LOG_ROLES, ok_status=404),
    "/access-log/": expect(ACCESS_LOG_ROLES),
    "/cases/agreement/verify/": expect(ALL),
    "/me/": expect(ALL),  # 我的案件: the mobile check, then the cases of the proved mobile (issue 13)
    "/me/<str:number>/": dict.fromkeys(VISITORS, 404),  # only for a phone that is a party of the case
    # R13, consultations: anyone asks (after proving a mobile) and reads the FAQ; the addressed organisation's staff
    # work the inbox; specialists (a designation, not a role) see their escalated questions; associations designate.
    "/consult/": expect(ALL),
    "/consult/faq/": expect(ALL),
    "/consult/inbox/": expect({"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}),
    "/consult/specialist/": expect(CONSULT_DESK_ROLES),
    "/consult/specialists/": expect({"association"}),
    "/consult/q/<str:number>/": expect(CONSULT_DESK_ROLES, ok_status=404),
    "/consult/q/<str:number>/rate/": dict.fromkeys(VISITORS, 405),  # a POST from the customer's page
    # Decision 0030 (PIPL arts. 44–47): anyone opens 我的个人信息 (a phone proves its mobile; an account is its own
    # person) and downloads their own copy; the holders' staff work the requests on the desk.
    "/my-data/": expect(ALL),
    "/my-data/copy.<str:kind>": {v: 302 if v == "anonymous" else 200 for v in VISITORS},  # anonymous: the proof
    "/data-requests/": expect(SUBJECT_DESK_ROLES),
    "/data-requests/<str:number>/": expect(SUBJECT_DESK_ROLES, ok_status=404),
    "/credentials/verify/": expect(ALL),
    "/credentials/": expect({"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}),
    "/credentials/stops/": expect({"adjuster"}),
    "/credentials/my-feedback/": expect({"adjuster"}),  # the adjuster's own line of each published report (R15)
    # Anti-fraud clues (issue 15): the adjusters file, the committee works, insurer staff answer requests and pay.
    "/fraud/": expect(FRAUD_ROLES),
    "/fraud/new/": expect({"adjuster"}),
    "/fraud/<str:number>/": expect(FRAUD_ROLES, ok_status=404),
    # Rings and scores (issue 16): rings are the committee's; scores also the insurers' staff (their own cases').
    "/fraud/rings/": expect(RING_READERS),
    "/fraud/rings/<int:number>/": expect(RING_READERS, ok_status=404),
    "/fraud/scores/": expect(SCORE_READERS),
    "/fraud/scores/<str:number>/": expect(SCORE_READERS, ok_status=404),
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
    # Issue 13: the photos (the entry's for its reviewer and company, the work card's for its holder, the one a
    # verification page signed, the one held for a refused form) and the adjuster's own work card.
    "/credentials/<int:pk>/photo.jpg": expect(
        {"insurer_company", "insurer_branch", "insurer_unit", "association", "platform_admin"}, ok_status=404
    ),
    "/credentials/photo/pending/<str:token>/": expect(
        {"insurer_company", "insurer_branch", "insurer_unit"}, ok_status=404
    ),
    "/credentials/verify/photo/<str:signed>/": dict.fromkeys(VISITORS, 404),  # a link the verification page signed
    "/credentials/card/": expect({"adjuster"}),
    "/credentials/card/photo.jpg": expect({"adjuster"}, ok_status=404),  # this one holds no credential
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
    "/cases/<str:number>/parties/<str:label>/reveal/": {  # a POST, recorded (issue 13)
        v: 302 if v == "anonymous" else 403 if v not in CASE_INBOX_ROLES else 405 for v in VISITORS
    },
    "/accounts/login/": {visitor: 200 if visitor == "anonymous" else 302 for visitor in VISITORS},
    "/accounts/logout/": dict.fromkeys(VISITORS, 405),  # logging out is a POST
    "/accounts/password/": expect(SIGNED_IN),
    "/i18n/setlang/": dict.fromkeys(VISITORS, 302),  # a GET only redirects back; switching is a POST
    "/admin/": expect(ADMIN_ROLES, otherwise=302),
    "/api/docs": expect(ALL),
    "/api/openapi.json": expect(ALL),
    "/police/": expect(POLICE_LOADERS),
    "/police/loads/<int:load_id>/": expect(POLICE_READERS, ok_status=404),
    "/police/matches/": expect(POLICE_READERS),
    "/police/signals/": expect(SIGNAL_READERS),
    "/reports/exports/": expect(FIGURE_READERS),  # issue 17: the rows behind the figures, each export its requester's
    "/reports/exports/<int:job_id>/": expect(SIGNED_IN, ok_status=404),
    "/reports/exports/<int:job_id>/download": expect(SIGNED_IN, ok_status=404),
    "/reports/": expect(FIGURE_READERS),
    "/reports/figures.<str:kind>": expect(FIGURE_READERS, ok_status=404),  # xlsx and csv only
    # Issue 17 (R19): the published progress reports are for anyone; their drafts for the associations (who write
    # them), the regulator and the platform (who read them). A report nobody has: 404 for those who may look.
    "/progress/": expect(ALL),
    # R18: the public guide and its leaflet, for anyone
    "/guide/": expect(ALL),
    "/guide/circumstances/": expect(ALL),
    "/guide/photos/": expect(ALL),
    "/guide/service-points/": expect(ALL),
    "/guide/leaflet.pdf": expect(ALL),
    "/progress/<int:number>/": dict.fromkeys(VISITORS, 404),
    "/progress/<int:number>/<int:version>/": dict.fromkeys(VISITORS, 404),
    "/progress/<int:number>/<int:version>/report.<str:kind>": dict.fromkeys(VISITORS, 404),
    "/publications/": expect(PROGRESS_READERS),
    "/publications/<int:number>/": expect(PROGRESS_READERS, ok_status=404),
    "/publications/<int:number>/<int:version>/": expect(PROGRESS_READERS, ok_status=404),
    "/publications/<int:number>/<int:version>/report.<str:kind>": expect(PROGRESS_READERS, ok_status=404),
    # Issue 20 (decision 0028): the retention schedule and the sweeps, for the insurers, associations and the platform
    "/retention/": expect(RETENTION_READERS),
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
    "/api/v1/uploads": dict.fromkeys(VISITORS, 405),  # starting one is a POST (decision 0025)
    "/api/v1/uploads/{upload_id}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/policies": dict.fromkeys(VISITORS, 405),  # loading is a POST
    "/api/v1/police/records": dict.fromkeys(VISITORS, 405),  # loading is a POST
    "/api/v1/police/loads/{load_id}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/police/matches": API_SIGNED_IN,  # each sees the matches of the records it may read (none: an empty list)
    "/api/v1/police/signals": {v: 401 if v == "anonymous" else 200 if v in SIGNAL_READERS else 403 for v in VISITORS},
    "/api/v1/reports/exports": dict.fromkeys(VISITORS, 405),  # asking for one is a POST
    "/api/v1/reports/exports/{job_id}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/reports/exports/{job_id}/file": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/cases": {v: 401 if v == "anonymous" else 200 if v in CASE_INBOX_ROLES else 403 for v in VISITORS},
    "/api/v1/cases/{number}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/cases/join": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/join-code": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/claims/{label}/{action}": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/parties/{label}/handoff": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/cases/{number}/me": dict.fromkeys(VISITORS, 401),
    "/api/v1/credentials/verify": dict.fromkeys(VISITORS, 422),  # needs ?token=
    "/api/v1/credentials/public-key": API_PUBLIC,
    "/api/v1/credentials/adjusters": API_SIGNED_IN,
    "/api/v1/credentials/adjusters/{pk}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/credentials/adjusters/{pk}/photo": {
        visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS
    },
    "/api/v1/credentials/me/card": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/credentials/adjusters/{pk}/review": dict.fromkeys(VISITORS, 405),
    "/api/v1/credentials/adjusters/{pk}/change": dict.fromkeys(VISITORS, 405),
    "/api/v1/credentials/stops": dict.fromkeys(VISITORS, 405),
    "/api/v1/field/cases/{number}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/credentials/stops/rate/{token}": dict.fromkeys(VISITORS, 405),
    "/api/v1/credentials/reports": API_SIGNED_IN,  # only a phone that joined the case
    "/api/v1/credentials/my-feedback": API_SIGNED_IN,  # an adjuster's own lines; empty for everyone else
    "/api/v1/fraud/clues": API_SIGNED_IN,  # each sees the clues in its scope (none for most)
    "/api/v1/fraud/clues/{number}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/fraud/rings": {v: 401 if v == "anonymous" else 200 if v in RING_READERS else 403 for v in VISITORS},
    "/api/v1/reports/figures": {v: 401 if v == "anonymous" else 200 if v in FIGURE_READERS else 403 for v in VISITORS},
    "/api/v1/reports/figures/definitions": API_PUBLIC,
    "/api/v1/cases/{number}/access-log": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/fraud/rings/{ring}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/fraud/scores": API_SIGNED_IN,  # each reads the scores in its scope (none for most)
    "/api/v1/fraud/cases/{number}/score": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/fraud/cases/{number}/links": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    **{
        f"/api/v1/fraud/{path}": dict.fromkeys(VISITORS, 405)  # POSTs
        for path in (
            "clues/{number}/photos",
            "clues/{number}/submit",
            "clues/{number}/addenda",
            "clues/{number}/steps",
            "clues/{number}/assignment",
            "clues/{number}/notes",
            "clues/{number}/requests",
            "clues/{number}/link",
            "requests/{pk}/answer",
            "requests/{pk}/files",
            "rewards/{pk}/payment",
        )
    },
    **{
        f"/api/v1/cases/{{number}}/me/{step}": dict.fromkeys(VISITORS, 405)
        for step in ("details", "facts", "circumstances", "confirm", "{step}")
    },
    "/api/v1/phone/code": dict.fromkeys(VISITORS, 405),  # a POST
    # Issue 17 (R19): the published progress reports for anyone; every version for the associations, the regulator
    # and the platform; the writes are POSTs.
    "/api/v1/progress/": API_PUBLIC,
    "/api/v1/progress/{number}/{version}": dict.fromkeys(VISITORS, 422),  # a report number is a number
    "/api/v1/progress/reports": {
        v: 401 if v == "anonymous" else 200 if v in PROGRESS_READERS else 403 for v in VISITORS
    },
    "/api/v1/progress/reports/{number}/versions/{version}": {v: 401 if v == "anonymous" else 422 for v in VISITORS},
    **{
        f"/api/v1/progress/reports/{path}": dict.fromkeys(VISITORS, 405)
        for path in (
            "{number}/versions/{version}/edit",
            "{number}/versions/{version}/approve",
            "{number}/versions/{version}/publish",
            "{number}/corrections",
        )
    },
    "/api/v1/me/proof": dict.fromkeys(VISITORS, 405),  # a POST
    # Decision 0030: a person's own data (a granted phone, or the account), their requests; the holders' queue
    "/api/v1/subjects/proof": dict.fromkeys(VISITORS, 405),  # a POST
    "/api/v1/subjects/me": API_SIGNED_IN,
    "/api/v1/subjects/me/copy.json": API_SIGNED_IN,
    "/api/v1/subjects/me/copy.pdf": API_SIGNED_IN,
    "/api/v1/subjects/requests": API_SIGNED_IN,
    "/api/v1/subjects/queue": API_SIGNED_IN,  # each reads what its organisation holds (none for most)
    "/api/v1/subjects/queue/{number}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    "/api/v1/subjects/queue/{number}/work": dict.fromkeys(VISITORS, 405),  # a POST
    # R13: the FAQ for anyone; a phone lists its own questions, a signed-in user those in its scope (none for most)
    "/api/v1/consultations/faq": API_PUBLIC,
    "/api/v1/retention/runs": {
        v: 401 if v == "anonymous" else 200 if v in RETENTION_READERS else 403 for v in VISITORS
    },
    "/api/v1/consultations": API_SIGNED_IN,
    "/api/v1/consultations/{number}": {visitor: 401 if visitor == "anonymous" else 404 for visitor in VISITORS},
    **{
        f"/api/v1/consultations/{{number}}/{step}": dict.fromkeys(VISITORS, 405)  # POSTs
        for step in ("answer", "escalate", "rate", "close", "faq")
    },
    "/api/v1/me/cases": dict.fromkeys(VISITORS, 401),  # only a phone that proved its mobile (or joined a case)
    "/api/v1/me/cases/{number}": dict.fromkeys(VISITORS, 401),
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
                "number": "000000-19990101-00000", "pk": "999999", "token": "nothing-here", "label": "A", "action": "register", "step": "police", "ring": "999999",
                "job_id": "999999", "version": "1", "upload_id": "00000000-0000-4000-8000-000000000000"}  # fmt: skip
WEB_SAMPLES = {"<str:reference>": PATH_SAMPLES["reference"], "<int:item_id>": PATH_SAMPLES["item_id"],
               "<str:number>": PATH_SAMPLES["number"], "<int:pk>": "999999", "<str:token>": "nothing-here", "<str:kind>": "pdf", "<str:label>": "A", "<str:action>": "register",
               "<int:load_id>": PATH_SAMPLES["load_id"], "<int:match_id>": "999999", "<int:number>": "999999",
               "<int:job_id>": "999999", "<int:version>": "1"}  # fmt: skip


def concrete(path: str) -> str:
    for pattern, sample in WEB_SAMPLES.items():
        path = path.replace(pattern, sample)
    return path


def test_every_route_that_exists_is_in_the_matrix():
    web_routes = {path.split("?")[0] for path in WEB} - {"/admin/", "/api/docs", "/api/openapi.json"}
    assert site_routes() == web_routes
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
        yield path, response.content.decode(errors="replace")  # a PDF is searched as far as it reads
    for route in API:
        response = client.get(route.format(**PATH_SAMPLES), secure=True)
        yield route, response.content.decode(errors="replace")  # a PDF is searched as far as it reads


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


# --- the same questions with real objects of two insurers (issue 12: tests that can fail) ---------------------------
# The matrix above visits object routes with ids nobody has, so every one of them answers 404 to everybody. Here each
# is visited with the real ids of the world (tests/world.py) by every actor: 200 for those who may see the object,
# a refusal for the others; lists show exactly the objects in the actor's scope; and every answer is searched for
# personal data and for objects the actor may not know of.


@dataclass(frozen=True)
class Read:
    path: Callable[[World], str]
    readers: frozenset[str]
    shows: Callable[[World], str] | None = None  # what the answer must contain for a reader (the real object)


def _item_path(key: str, what: str) -> Callable[[World], str]:
    return lambda w: f"/evidence/items/{w.items[key].pk}/{what}/"


def _entry_path(key: str, suffix: str) -> Callable[[World], str]:
    return lambda w: f"/credentials/{w.adjusters[key].pk}/{suffix}"


def _report_path(key: tuple[str, str], kind: str) -> Callable[[World], str]:
    return lambda w: f"/credentials/reports/{w.reports[key].pk}.{kind}"


def _rate_link(world: World) -> str:
    return f"/credentials/rate/{world.stops['tianlong'].rating_token}/"


_ENTRY_READERS = {"tl_ln": SEES_TIANLONG_LONGNAN, "tl_ln_fix": SEES_TIANLONG_LONGNAN, "tl_ts": SEES_TIANLONG_TIANSHUI,
                  "mj_ln": SEES_MAIJI_LONGNAN, "mj_ln_new": SEES_MAIJI_LONGNAN, "mj_ts": SEES_MAIJI_TIANSHUI,
                  "mj_ts_fix": SEES_MAIJI_TIANSHUI}  # fmt: skip
# Who may correct an entry (its company, at a level covering its city): they get the entry's edit form, in full.
ENTRY_EDITORS = {"tl_ln": COVERS_LONGNAN & TIANLONG, "tl_ln_fix": COVERS_LONGNAN & TIANLONG,
                 "tl_ts": COVERS_TIANSHUI & TIANLONG, "mj_ln": COVERS_LONGNAN & MAIJI,
                 "mj_ln_new": COVERS_LONGNAN & MAIJI, "mj_ts": COVERS_TIANSHUI & MAIJI,
                 "mj_ts_fix": COVERS_TIANSHUI & MAIJI}  # fmt: skip
LOADERS_OF = {code: frozenset({name for name in INSURER_STAFF if name.startswith(code)} | {"admin"})
              for code in ("tianlong", "maiji")}  # fmt: skip
REPORT_READERS = {(city, code): frozenset({name for name in INSURER_STAFF if name.startswith(code)}
                                          | {"ln_assoc" if city == "621200" else "ts_assoc", "admin"})
                  for city in ("621200", "620500") for code in ("tianlong", "maiji")}  # fmt: skip
PARTIES_OF_AGREED = frozenset({"phone_a", "phone_b"})


def _police_load(unit: str, api: str) -> Callable[[World], str]:
    if api:
        return lambda w: f"/api/v1/police/loads/{w.police_loads[unit].pk}"
    return lambda w: f"/police/loads/{w.police_loads[unit].pk}/"


SUBJECT_REQUEST_READERS = {"ln": frozenset({"ln_assoc", "admin"}), "ts": frozenset({"ts_assoc", "admin"})}


def _subject_request(key: str, api: str) -> Callable[[World], str]:
    if api:
        return lambda w: f"/api/v1/subjects/queue/{w.subject_requests[key].number}"
    return lambda w: f"/data-requests/{w.subject_requests[key].number}/"


def _subject_request_number(key: str) -> Callable[[World], str]:
    return lambda w: str(w.subject_requests[key].number)


READS: dict[str, Read] = {
    "case page, agreed": Read(lambda w: f"/cases/{w.agreed.number}/", SEES_AGREED, lambda w: w.agreed.number),
    "case page, confirming": Read(lambda w: f"/cases/{w.confirming.number}/", SEES_CONFIRMING),
    "case page, draft": Read(lambda w: f"/cases/{w.draft.number}/", SEES_DRAFT, lambda w: w.draft.number),
    "agreement PDF": Read(lambda w: f"/cases/{w.agreed.number}/agreement.pdf", SEES_AGREED),
    "phone page, agreed": Read(lambda w: f"/cases/{w.agreed.number}/me/", PARTIES_OF_AGREED),
    "phone agreement PDF": Read(lambda w: f"/cases/{w.agreed.number}/me/agreement.pdf", PARTIES_OF_AGREED),
    "phone page, confirming": Read(lambda w: f"/cases/{w.confirming.number}/me/", PARTIES_OF_AGREED),
    "phone page, draft": Read(lambda w: f"/cases/{w.draft.number}/me/", frozenset({"phone_stranger"})),
    "phone live fragment, confirming": Read(lambda w: f"/cases/{w.confirming.number}/me/live/", PARTIES_OF_AGREED),
    "phone thumbnail of A's photo": Read(
        lambda w: f"/cases/{w.agreed.number}/me/photos/{w.items['a'].pk}/thumbnail/", PARTIES_OF_AGREED
    ),
    "phone thumbnail of another file's photo": Read(
        lambda w: f"/cases/{w.agreed.number}/me/photos/{w.items['fuxi'].pk}/thumbnail/", frozenset()
    ),
    "my case, agreed": Read(lambda w: f"/me/{w.agreed.number}/", PARTIES_OF_AGREED, lambda w: w.agreed.number),
    "my case, draft": Read(lambda w: f"/me/{w.draft.number}/", frozenset({"phone_stranger"}), lambda w: w.draft.number),
    "api my case, agreed": Read(lambda w: f"/api/v1/me/cases/{w.agreed.number}", PARTIES_OF_AGREED,
                                lambda w: w.agreed.number),
    "evidence page, agreed": Read(lambda w: f"/evidence/{w.evidence.reference}/", SEES_AGREED),
    "evidence page, 伏羲's": Read(lambda w: f"/evidence/{w.fuxi_file.reference}/", SEES_FUXI_FILE),
    **{f"{what} of A's photo": Read(_item_path("a", what), SEES_AGREED)
       for what in ("original", "preview")},
    "original of 伏羲's reused photo": Read(lambda w: f"/evidence/items/{w.items['fuxi'].pk}/original/", SEES_FUXI_FILE),
    "天陇's policy load": Read(lambda w: f"/policies/loads/{w.loads['tianlong'].pk}/", LOADERS_OF["tianlong"]),
    "麦积's policy load": Read(lambda w: f"/policies/loads/{w.loads['maiji'].pk}/", LOADERS_OF["maiji"]),
    **{f"register entry {key}": Read(_entry_path(key, ""), readers)
       for key, readers in _ENTRY_READERS.items()},
    **{f"edit form of {key}": Read(_entry_path(key, "edit/"), frozenset(editors))
       for key, editors in ENTRY_EDITORS.items()},
    "card of 天陇's Longnan adjuster": Read(lambda w: f"/credentials/{w.adjusters['tl_ln'].pk}/card/"
                                        f"{w.adjusters['tl_ln'].credentials.get().number}.pdf", SEES_TIANLONG_LONGNAN),
    **{f"report {city} {code} {kind}": Read(_report_path((city, code), kind), readers)
       for (city, code), readers in REPORT_READERS.items() for kind in ("pdf", "xlsx")},
    "rating page": Read(_rate_link, EVERYONE),  # the link is the customer's key
    "api case, agreed": Read(lambda w: f"/api/v1/cases/{w.agreed.number}", SEES_AGREED, lambda w: w.agreed.number),
    "api case, draft": Read(lambda w: f"/api/v1/cases/{w.draft.number}", SEES_DRAFT),
    "api phone case, confirming": Read(lambda w: f"/api/v1/cases/{w.confirming.number}/me", PARTIES_OF_AGREED),
    "api evidence, agreed": Read(lambda w: f"/api/v1/evidence/files/{w.evidence.reference}", SEES_AGREED),
    "api evidence, 伏羲's": Read(lambda w: f"/api/v1/evidence/files/{w.fuxi_file.reference}", SEES_FUXI_FILE),
    "api resumable upload of 天陇's adjuster": Read(lambda w: f"/api/v1/uploads/{w.uploads['tianlong_adj1'].pk}",
                                                 frozenset({"tianlong_adj1"}), lambda w: str(w.uploads["tianlong_adj1"].pk)),
    "api thumbnail of B's photo": Read(lambda w: f"/api/v1/evidence/items/{w.items['b'].pk}/preview", SEES_AGREED),
    "api 麦积's policy load": Read(lambda w: f"/api/v1/policies/loads/{w.loads['maiji'].pk}", LOADERS_OF["maiji"]),
    **{f"police load of {unit}": Read(_police_load(unit, ""), frozenset({unit, "antifraud", "admin"}),
                                      lambda w: "world.csv") for unit in POLICE},
    **{f"api police load of {unit}": Read(_police_load(unit, "api"), frozenset({unit, "antifraud", "admin"}))
       for unit in POLICE},
    # Decision 0030: a personal data request is read by the holder's staff (and the platform), nobody else's
    **{f"{api}data request held by {key}": Read(_subject_request(key, api), SUBJECT_REQUEST_READERS[key],
                                                _subject_request_number(key))
       for key in ("ln", "ts") for api in ("", "api ")},
}  # fmt: skip
# Lists, read for what they show (their own status is the matrix's above).
LISTS = ("/cases/", "/evidence/", "/evidence/reuse/", "/policies/", "/credentials/", "/credentials/reports/",
         "/credentials/stops/", "/api/v1/evidence/files", "/api/v1/credentials/adjusters", "/api/v1/credentials/reports",
         "/api/v1/organisations/claims-units", "/api/v1/accounts/staff", "/me/", "/api/v1/me/cases", "/api/v1/cases",
         "/police/", "/police/matches/", "/police/signals/", "/api/v1/police/matches", "/api/v1/police/signals",
         "/my-data/", "/data-requests/", "/api/v1/subjects/me", "/api/v1/subjects/requests", "/api/v1/subjects/queue")  # fmt: skip


def _refused(path: str, actor: str, response: Any) -> bool:
    status = response.status_code
    if path.startswith("/api/"):
        return status in {401, 403, 404}  # 401 also for a signed-in person on a phone's route (no party session)
    login = status == 302 and response["Location"].startswith("/accounts/login/")
    return status in {403, 404} or (login and actor not in SIGNED_IN_WORLD)


def _text(response: Any) -> str:
    """What a person reading the answer sees: pages and JSON as text; PDFs, spreadsheets and images are not read."""
    kind = response.get("Content-Type", "")
    if getattr(response, "streaming", False) or not kind.startswith(("text/", "application/json")):
        return ""
    return response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_opens_exactly_the_real_objects_it_may_see(world, actor):
    """Issue 12 (B8): every object route with the real ids of two insurers' objects: 200 for those who may see
    the object (showing it), a refusal (401, 403, 404, or the login page) for everyone else."""
    client = world.client(actor)
    wrong = {}
    for name, read in READS.items():
        path = read.path(world)
        response = client.get(path, secure=True)
        if actor in read.readers:
            if response.status_code != 200:
                wrong[name] = f"may see it, answered {response.status_code}"
            elif read.shows is not None and read.shows(world) not in _text(response):
                wrong[name] = "answered 200 without the object"
        elif not _refused(path, actor, response):
            wrong[name] = f"may not see it, answered {response.status_code}"
    assert not wrong, f"{actor}: {wrong}"


# What each list shows of the world, per actor (actors not named: nothing of it).
_TL_WUDU = {"tianlong_hq", "tianlong_branch", "tianlong_wudu", "tianlong_unit1", "tianlong_adj1"}
INBOX = {  # cases with a party whose claims unit is in the actor's claims_units_q (the SLA inbox)
    **{key: {"agreed", "confirming"} for key in _TL_WUDU},  # B of both is at 天陇's 武都 unit
    **{key: {"confirming", "draft"} for key in ("maiji_branch", "maiji_unit1", "maiji_adj1")},  # 麦积's 武都 unit
    **{key: {"agreed"} for key in ("maiji_branch_ts", "maiji_unit2", "maiji_adj2")},  # A was handed to Tianshui
    "maiji_hq": {"agreed", "confirming", "draft"},
    "admin": {"agreed", "confirming", "draft"},
}
EVIDENCE_FILES = {**{key: {"agreed", "confirming"} for key in TIANLONG | MAIJI},
                  **{key: {"fuxi"} for key in ("fuxi_hq", "fuxi_unit1", "fuxi_adj1")},
                  "antifraud": {"agreed", "confirming", "fuxi"}, "admin": {"agreed", "confirming", "fuxi"}}  # fmt: skip
REGISTER = {**{key: {"tl_ln", "tl_ts", "tl_ln_fix"} for key in TIANLONG_STAFF},
            **{key: {"mj_ln", "mj_ts", "mj_ts_fix", "mj_ln_new"} for key in MAIJI_STAFF},
            "ln_assoc": {"tl_ln", "tl_ln_fix", "mj_ln", "mj_ln_new"}, "ts_assoc": {"tl_ts", "mj_ts", "mj_ts_fix"},
            "admin": set(ENTRY_EDITORS)}  # fmt: skip
REPORTS = {**{name: {("621200", code), ("620500", code)} for code in ("tianlong", "maiji")
              for name in INSURER_STAFF if name.startswith(code)},
           "ln_assoc": {("621200", "tianlong"), ("621200", "maiji")},
           "ts_assoc": {("620500", "tianlong"), ("620500", "maiji")}, "admin": set(REPORT_READERS)}  # fmt: skip
CLAIMS_UNITS = {  # of the world's named units: whose internal data (staff, workload) the actor may see
    "tianlong_hq": {"tl_wudu", "tl_ln2", "tl_ts"}, "tianlong_branch": {"tl_wudu", "tl_ln2"},
    "tianlong_wudu": {"tl_wudu"}, "tianlong_unit1": {"tl_wudu"}, "tianlong_adj1": {"tl_wudu"},
    "tianlong_unit_ln2": {"tl_ln2"}, "tianlong_branch_ts": {"tl_ts"}, "tianlong_unit2": {"tl_ts"},
    "tianlong_adj2": {"tl_ts"}, "maiji_hq": {"mj_wudu", "mj_ts"}, "maiji_branch": {"mj_wudu"},
    "maiji_unit1": {"mj_wudu"}, "maiji_adj1": {"mj_wudu"}, "maiji_branch_ts": {"mj_ts"}, "maiji_unit2": {"mj_ts"},
    "maiji_adj2": {"mj_ts"}, "ln_assoc": {"tl_wudu", "tl_ln2", "mj_wudu"}, "ts_assoc": {"tl_ts", "mj_ts"},
    "admin": {"tl_wudu", "tl_ln2", "tl_ts", "mj_wudu", "mj_ts"},
}  # fmt: skip


def _json(client: Client, path: str) -> Any:
    response = client.get(path, secure=True)
    return response.json() if response.status_code == 200 else []


@pytest.mark.parametrize("actor", ACTORS)
def test_each_list_shows_exactly_the_real_objects_in_scope(world, actor):
    """Issue 12 (B8): the inbox (claims units in scope), the evidence files, the register, the monthly reports and
    the claims units each list exactly what the actor's scope holds of two insurers' objects in both cities."""
    client = world.client(actor)
    inbox = client.get("/cases/", secure=True).content.decode()
    api_inbox = {case["number"] for case in (_json(client, "/api/v1/cases") or {"cases": []})["cases"]}
    files = {ref: name for name, ref in (("agreed", world.evidence.reference), ("fuxi", world.fuxi_file.reference),
                                         ("confirming", world.confirming_evidence.reference))}  # fmt: skip
    entries = {entry.pk: key for key, entry in world.adjusters.items()}
    reports = {report.pk: key for key, report in world.reports.items() if key in REPORT_READERS}
    units = {unit.pk: key for key, unit in world.units.items()}
    seen = {
        "inbox": {name for name in ("agreed", "confirming") if world.case_of(name).number in inbox},
        "api inbox": {name for name in ("agreed", "confirming") if world.case_of(name).number in api_inbox},
        "evidence": {files[f["reference"]] for f in _json(client, "/api/v1/evidence/files") if f["reference"] in files},
        "register": {entries[a["id"]] for a in _json(client, "/api/v1/credentials/adjusters") if a["id"] in entries},
        "reports": {reports[r["id"]] for r in _json(client, "/api/v1/credentials/reports") if r["id"] in reports},
        "units": {units[u["id"]] for u in _json(client, "/api/v1/organisations/claims-units") if u["id"] in units},
    }
    wanted = {"inbox": INBOX.get(actor, set()) - {"draft"}, "api inbox": INBOX.get(actor, set()) - {"draft"},
              "evidence": EVIDENCE_FILES.get(actor, set()),
              "register": REGISTER.get(actor, set()), "reports": REPORTS.get(actor, set()),
              "units": CLAIMS_UNITS.get(actor, set())}  # fmt: skip
    assert seen == wanted


@pytest.mark.parametrize("actor", ["maiji_hq", "maiji_unit1"])
def test_a_case_with_a_party_not_yet_routed_stays_in_the_other_partys_inbox(world, actor):
    """Issue 12 (found by the real-object matrix): the draft's party A is 麦积's, routed to its 武都 unit; party B
    joined from a phone and has no insurer yet. 麦积's unit must still see the case in its inbox."""
    assert world.draft.number in world.client(actor).get("/cases/", secure=True).content.decode()


def _leak_needles(world: World) -> dict[str, frozenset[str]]:
    """What must not reach an actor, with who may see it: every person's full personal data (shown masked
    everywhere; in full only on the person's own phone, on the entry's edit form for the company correcting it, or
    on the entry's page for the association reviewing it, each showing recorded: issue 13) and the objects of the world (case numbers, evidence files, the parties' plates) outside the actor's scope."""
    from tests.factories import A_DETAILS, B_DETAILS
    from tests.world import ADJUSTER_PEOPLE, PHONE_A, PHONE_B, PHONE_STRANGER, POLICE_DRIVER, id_number

    needles: dict[str, frozenset[str]] = {
        A_DETAILS["driver_name"]: frozenset({"phone_a"}), A_DETAILS["driver_licence"]: frozenset({"phone_a"}),
        B_DETAILS["driver_name"]: frozenset({"phone_b"}), B_DETAILS["driver_licence"]: frozenset({"phone_b"}),
        PHONE_A: frozenset(), PHONE_B: frozenset(), PHONE_STRANGER: frozenset(),
        "演示车主": frozenset(), "13800001234": frozenset(),  # the demo policies' holder
        # R20: Longnan's police recorded the accident of both (its plates are in the police's own record): they see
        # the cases their record matches, by number, with the plates they share
        world.agreed.number: SEES_AGREED | PARTIES_OF_AGREED | {"police_ln"},
        world.confirming.number: SEES_CONFIRMING | PARTIES_OF_AGREED | {"police_ln"},
        world.draft.number: SEES_DRAFT | {"phone_stranger"},
        world.evidence.reference: SEES_AGREED, world.confirming_evidence.reference: SEES_CONFIRMING,
        world.fuxi_file.reference: SEES_FUXI_FILE,
        A_DETAILS["plate"]: frozenset(MAIJI | {"antifraud", "admin", "police_ln"} | PARTIES_OF_AGREED),
        B_DETAILS["plate"]: frozenset(TIANLONG | {"antifraud", "admin", "police_ln"} | PARTIES_OF_AGREED),
        # R20: a unit's records (and their matches) are its own; a signal about a case is its insurers' staff's too
        "LN-2025-0001": frozenset({"police_ln", "antifraud", "admin"} | TIANLONG_STAFF | MAIJI_STAFF),
        "TS-2025-0001": frozenset({"police_ts", "antifraud", "admin"}), POLICE_DRIVER: frozenset(),
    }  # fmt: skip
    for serial, (key, (name, phone)) in enumerate(ADJUSTER_PEOPLE.items(), start=1):
        reviewer = "ln_assoc" if key.endswith(("_ln", "_ln_fix", "_ln_new")) else "ts_assoc"
        for needle in (name, phone, id_number(serial)):
            needles[needle] = frozenset(ENTRY_EDITORS[key]) | {reviewer}
        account = world.adjusters[key].account
        if account is not None:  # decision 0030: the adjuster reads their own name on 我的个人信息 (numbers masked)
            needles[name] |= {account.username}
    # Decision 0030: a personal data request is the person's and the holder's (and the platform's)
    needles[world.subject_requests["ln"].number] = frozenset({"phone_a", "ln_assoc", "admin"})
    needles[world.subject_requests["ts"].number] = frozenset({"tianlong_adj2", "ts_assoc", "admin"})
    # … and the holder learns which record it is about (to erase or correct it), no more of the case: the agreed
    # case's number reaches Longnan's association through A's request
    needles[world.agreed.number] |= {"ln_assoc"}
    return needles


def _company_of(username: str) -> str:
    return username.split("_")[0] if username.split("_")[0] in {"tianlong", "maiji", "fuxi", "bailong"} else ""


def _shown(world: World, actor: str) -> dict[str, str]:
    """Every page and JSON answer of the world's objects and lists the actor was shown (a refusal may repeat the
    address asked for, as the 404 page does: only what was shown with 200 is read)."""
    client = world.client(actor)
    answers = {name: client.get(read.path(world), secure=True) for name, read in READS.items()}
    answers |= {path: client.get(path, secure=True) for path in LISTS}
    return {where: _text(answer) for where, answer in answers.items() if answer.status_code == 200}


@pytest.mark.parametrize("actor", ACTORS)
def test_no_answer_shows_an_actor_what_is_outside_its_scope(world, actor):
    """Issue 12 (B8): every page and JSON answer an actor may open in a world with real cases, adjusters and
    policies of two insurers is searched for personal data and for objects outside the actor's scope."""
    hidden = {needle for needle, seers in _leak_needles(world).items() if actor not in seers}
    leaks = sorted(
        (where, needle) for where, body in _shown(world, actor).items() for needle in hidden if needle in body
    )
    assert not leaks, f"{actor}: {leaks}"


@pytest.mark.parametrize("actor", ["tianlong_hq", "maiji_unit2"])
def test_no_answer_names_another_insurers_people(world, actor):
    """Issue 12 (B8: staff of one insurer never see another insurer's people): found by the real-object matrix."""
    company = _company_of(actor)
    others = [user for user in world.users.values() if _company_of(user.username) not in ("", company)]
    names = {user.username for user in others} | {user.full_name for user in others if user.full_name}
    leaks = sorted((where, name) for where, body in _shown(world, actor).items() for name in names if name in body)
    assert not leaks, f"{actor}: {leaks}"
