"""A world of real objects of two insurers, for the access matrices (issue 12, "tests that can fail"; B8).

The demo world (tests/fixtures.py) has every role but nothing to leak: no case, no claim, no photo, no adjuster. This
one adds, through the services and with dates relative to today, what every route acts on — objects of 麦积 (maiji)
and 天陇 (tianlong), in both cities, so that each route can be sent by staff of the party's own unit, of another unit,
of a branch that covers it and of one that does not, of the company, and of the other companies:

- `agreed`: the two-party quick claim in 武都区 — A insured by 麦积 in Tianshui, B by 天陇 in Longnan — confirmed by
  both phones, with its 协议书 PDF and photos of both parties. A's claim was handed from 麦积's 武都 unit to its
  Tianshui unit (A asked to be served where the policy was written) and is registered and assessed there; B's claim
  is registered by 天陇's 武都 unit.
- `confirming`: the same accident reported again from two phones (other photos), every detail in, not yet
  confirmed: the case the phones' write routes act on, and whose claims nobody has registered yet.
- `draft`: a draft reported at the scene by 天陇's adjuster for a 麦积 customer (party A only), with a live join code;
  a stranger's phone joined it as party B.
- evidence: the case files, and 伏羲's adjuster's own file reusing one of the agreed case's photos (a reuse match).
- policies of every demo insurer, each loaded through the register (a load per vehicle).
- the adjusters' register: entries of both companies in both cities, approved (credentials linked to the demo
  adjusters' logins, so they record stops), submitted, and returned for corrections; a stop of each company last
  month, and the monthly feedback of every association and company for that month.
- accounts at the scope levels the demo lacks: a county sub-branch, the Tianshui city branches, a second Longnan
  claims unit.
- police records (R20): a load of each traffic police unit — Longnan's record of the agreed accident (its plates, the
  police finding A not liable), Tianshui's of a vehicle no case has — and the matching run over them.
- sessions: each account signed in, and the phones of the agreed/confirming cases' A and B and of the stranger.

Everything is built inside one transaction that the `world` fixture (tests/fixtures.py) rolls back at the end of the
module; each test runs in a savepoint of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import A_DETAILS, B_DETAILS, CAR_PHOTOS, photo, resumable_upload

DEMO_PASSWORD = "demo-pass-2026"
PHONE_A, PHONE_B, PHONE_STRANGER, PHONE_JOINER = "13700005555", "13700006666", "13700009999", "13700007777"
# Every person's full personal data in the world: none of it may appear, unmasked, on any page or in any answer.
ADJUSTER_PEOPLE = {
    "tl_ln": ("赵铁柱", "13911110001"), "tl_ts": ("钱多宝", "13911110002"), "tl_ln_fix": ("孙悟能", "13911110003"),
    "mj_ln": ("周密云", "13911110004"), "mj_ts": ("吴天明", "13911110005"), "mj_ts_fix": ("郑板桥", "13911110006"),
    "mj_ln_new": ("冯远征", "13911110007"),
}  # fmt: skip
ADJUSTER_DETAILS: dict[str, Any] = {
    "education": "college", "mandarin": "2B", "licence_class": "C1", "licence_expiry": "2035-05-01",
    "knows_both_regions": True, "vehicle_plate": "甘K0A001", "vehicle_marked": True,
    "equipment": ["uniform", "work_card", "vest", "survey_tools"],
}  # fmt: skip


def id_number(serial: int) -> str:
    """A valid resident ID number (GB 11643 check character) of someone born 1980-01-01 in Beijing."""
    body = f"11010519800101{serial:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


# Accounts the demo has no one at: (username, insurer, what scopes them).
EXTRA_STAFF = {
    "tianlong_wudu": ("tianlong", "branch:621202"),  # 天陇's 武都 sub-branch (B's claims unit is under it)
    "tianlong_branch_ts": ("tianlong", "branch:620500"),  # 天陇's Tianshui city branch
    "tianlong_unit_ln2": ("tianlong", "unit:621221"),  # 天陇's other Longnan claims unit (成县)
    "maiji_branch_ts": ("maiji", "branch:620500"),  # 麦积's Tianshui city branch (A's claims unit after the hand-off)
}


# --- who acts in it (the matrices' actors: demo accounts, the accounts above, the phones) -------------------------
TIANLONG_STAFF = {"tianlong_hq", "tianlong_branch", "tianlong_wudu", "tianlong_unit1", "tianlong_unit_ln2",
                  "tianlong_branch_ts", "tianlong_unit2"}  # fmt: skip
MAIJI_STAFF = {"maiji_hq", "maiji_branch", "maiji_unit1", "maiji_branch_ts", "maiji_unit2"}
OTHER_STAFF = {"fuxi_hq", "fuxi_unit1", "bailong_hq"}  # insurers in no case of the world
TIANLONG = TIANLONG_STAFF | {"tianlong_adj1", "tianlong_adj2"}  # adj1 holds a credential, adj2 none
MAIJI = MAIJI_STAFF | {"maiji_adj1", "maiji_adj2"}  # both hold one
OTHERS = OTHER_STAFF | {"fuxi_adj1", "bailong_adj1"}  # no credential
INSURER_STAFF = TIANLONG_STAFF | MAIJI_STAFF | OTHER_STAFF
ADJUSTERS = {"tianlong_adj1", "tianlong_adj2", "maiji_adj1", "maiji_adj2", "fuxi_adj1", "bailong_adj1"}
PHONES = {"phone_a", "phone_b", "phone_stranger"}  # A and B of the agreed and confirming cases; B of the draft
POLICE = {"police_ln", "police_ts"}  # the Longnan and Tianshui traffic police detachments (R20)
PEOPLE = {"driver_ln", "ln_assoc", "ts_assoc", "antifraud", "regulator", "admin"} | POLICE
ACTORS = sorted({"anonymous"} | PHONES | TIANLONG | MAIJI | OTHERS | PEOPLE)
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"} - PHONES

# Who handles each party (立案 to closure, hand-offs): staff of the party's insurer whose scope covers its claims unit.
AGREED_A = {"maiji_hq", "maiji_branch_ts", "maiji_unit2"}  # 麦积's Tianshui unit, since A asked to be served there
AGREED_B = {"tianlong_hq", "tianlong_branch", "tianlong_wudu", "tianlong_unit1"}  # 天陇's 武都 unit
CONFIRMING_A = {"maiji_hq", "maiji_branch", "maiji_unit1"}  # 麦积's 武都 unit
CONFIRMING_B = AGREED_B
DRAFT_A = CONFIRMING_A
# The register: insurer staff whose scope covers a city (the company covers both; bailong has no Tianshui branch but
# its company level still covers every city: the association decides).
COVERS_LONGNAN = {"tianlong_hq", "tianlong_branch", "tianlong_wudu", "tianlong_unit1", "tianlong_unit_ln2",
                  "maiji_hq", "maiji_branch", "maiji_unit1", "fuxi_hq", "bailong_hq"}  # fmt: skip
COVERS_TIANSHUI = {"tianlong_hq", "tianlong_branch_ts", "tianlong_unit2", "maiji_hq", "maiji_branch_ts", "maiji_unit2",
                   "fuxi_hq", "fuxi_unit1"}  # fmt: skip  # 白龙 works in Longnan only: it submits nobody to Tianshui
CREDENTIALED = {"tianlong_adj1", "maiji_adj1", "maiji_adj2"}
# Who may see each object at all (cases_q, evidence_files_q, the register's selectors): to anyone else a write route
# answers as if it did not exist, 404 (or 403 where the page's door refuses the role first).
SEES_AGREED = frozenset(TIANLONG | MAIJI | {"antifraud", "admin"})  # both insurers' people, the committee, the admin
SEES_CONFIRMING = SEES_AGREED
SEES_DRAFT = frozenset(MAIJI | {"tianlong_adj1", "antifraud", "admin"})  # 麦积's party; 天陇's adjuster reported it
SEES_FUXI_FILE = frozenset({"fuxi_hq", "fuxi_unit1", "fuxi_adj1", "antifraud", "admin"})
SEES_TIANLONG_LONGNAN = frozenset(TIANLONG_STAFF | {"ln_assoc", "admin"})  # a company its own; the city's association
SEES_TIANLONG_TIANSHUI = frozenset(TIANLONG_STAFF | {"ts_assoc", "admin"})
SEES_MAIJI_LONGNAN = frozenset(MAIJI_STAFF | {"ln_assoc", "admin"})
SEES_MAIJI_TIANSHUI = frozenset(MAIJI_STAFF | {"ts_assoc", "admin"})


@dataclass
class World:
    users: dict[str, Any]
    agreed: Any
    confirming: Any
    draft: Any
    evidence: Any  # the agreed case's file
    confirming_evidence: Any
    fuxi_file: Any  # 伏羲's adjuster's own file, one photo of which is also in the agreed case's file
    items: dict[str, Any]  # "a" (A's photo in the agreed case), "b" (B's), "fuxi" (the reused one)
    loads: dict[str, Any]  # insurer code → one of its policy loads
    units: dict[str, Any]  # name → claims unit
    adjusters: dict[str, Any]  # key of ADJUSTER_PEOPLE → register entry
    stops: dict[str, Any]  # "tianlong", "maiji" → a stop of that company's adjuster, unrated
    reports: dict[tuple[str, str], Any]  # (association city, insurer) → monthly report of last month
    join_code: str  # the draft's live code
    sessions: dict[str, str] = field(default_factory=dict)  # actor → session key ("anonymous": none)
    # R20: unit → its load of records ("police_ln": the agreed case's accident, the police finding B not liable, so
    # the agreement's liability differs; "police_ts": an accident of vehicles no case has); then the matching's run
    police_loads: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, Any] = field(default_factory=dict)  # owner → a complete resumable upload (decision 0025)
    # Personal data requests (decision 0030): "ln" — A's phone asks to delete its data in the agreed case (held by
    # Longnan's association); "ts" — 天陇's adjuster tianlong_adj2 asks to correct their Tianshui register entry
    # (held by Tianshui's association)
    subject_requests: dict[str, Any] = field(default_factory=dict)

    def client(self, actor: str) -> Client:
        """A browser (or phone) of this actor: a fresh client carrying the actor's session, so that what one request
        does to its cookies (logging out, a new session key) never reaches the next."""
        client = Client()
        key = self.sessions.get(actor)
        if key:
            client.cookies[settings.SESSION_COOKIE_NAME] = key
        return client

    def case_of(self, name: str) -> Any:
        return {"agreed": self.agreed, "confirming": self.confirming, "draft": self.draft}[name]

    def party(self, case: str, label: str) -> Any:
        return self.case_of(case).parties.get(label=label)

    def claim(self, label: str) -> Any:
        from claimbridge.cases.models import Claim

        return Claim.objects.get(party__case=self.agreed, party__label=label)


@contextmanager
def world_patches() -> Iterator[None]:
    """What the world's build and its tests need of the machinery: files in memory (tests/settings.py), work that
    waits for a commit done at once (the world's transaction never commits: photos are hashed, policy files loaded),
    webhook deliveries not attempted (their messages stay in the outbox, where the matrix sees them), an empty
    photo-reuse index."""
    from django.db import transaction

    from claimbridge.evidence import reuse_index

    reuse_index.reset()
    with (
        mock.patch.object(transaction, "on_commit", lambda callback, using=None, robust=False: callback()),
        mock.patch("claimbridge.cases.services.webhooks.deliver_due", return_value=0),
    ):
        yield
    reuse_index.reset()


def _staff(username: str, insurer_code: str, where: str) -> Any:
    from claimbridge.accounts.models import Role, User
    from claimbridge.organisations.models import Branch, ClaimsUnit, Insurer

    kind, code = where.split(":")
    user = User(username=username, role=Role.INSURER_STAFF, full_name=f"测试{username[-3:]}",
                phone=f"1390000{len(username):02d}{sum(map(ord, username)) % 100:02d}")  # fmt: skip
    user.insurer = insurer = Insurer.objects.get(code=insurer_code)
    if kind == "branch" and code.endswith("00"):
        user.branch = Branch.objects.get(insurer=insurer, level="city", city__code=code)
    elif kind == "branch":
        user.branch = Branch.objects.get(insurer=insurer, level="county", county__code=code)
    else:
        user.claims_unit = ClaimsUnit.objects.get(branch__insurer=insurer, branch__county__code=code)
    user.approval_limit = 50_000
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _users() -> dict[str, Any]:
    from claimbridge.accounts.models import User

    for username, (insurer, where) in EXTRA_STAFF.items():
        _staff(username, insurer, where)
    return {user.username: user for user in User.objects.select_related("insurer", "association")}


def unit_of(insurer: str, host_county: str) -> Any:
    """The claims unit of an insurer whose sub-branch sits in a county (the demo's UNIT_PLAN)."""
    from claimbridge.organisations.models import ClaimsUnit

    return ClaimsUnit.objects.select_related("branch").get(
        branch__insurer__code=insurer, branch__county__code=host_county
    )


def sms_code_for(phone: str) -> str:
    """Send a one-time code to a mobile and read it from the test SMS outbox."""
    from claimbridge.core.phone_verification import challenge_send
    from claimbridge.core.sms import MemorySmsBackend

    challenge_send(phone)
    sent = [text for to, text in MemorySmsBackend.outbox if to == phone]
    found = re.search(r"\d{6}", sent[-1])
    assert found is not None
    return found.group()


def confirmed(case: Any) -> Any:
    """Both parties of a two-party case confirm on their phones: agreed, with its 协议书."""
    from claimbridge.cases.services.quick_claim import party_confirm

    a, b = case.parties.order_by("label")
    party_confirm(party=a, typed_name=A_DETAILS["driver_name"], consent=True, device="A's phone")
    party_confirm(party=b, typed_name=B_DETAILS["driver_name"], consent=True, device="B's phone")
    case.refresh_from_db()
    return case


def _cases(users: dict[str, Any]) -> tuple[Any, Any, Any]:
    from claimbridge.cases.services import claims, handoffs, join
    from claimbridge.cases.services.intake import PartyInput
    from tests.factories import two_party_case, wudu_case

    agreed = confirmed(two_party_case(photos=(0, 1, 2)))
    a = agreed.parties.get(label="A")
    handoffs.handoff(party=a, to_unit=unit_of("maiji", "620502"), reason="customer_asked", user=users["maiji_unit1"],
                     note="客户要求在承保地天水理赔")  # fmt: skip
    a.refresh_from_db()
    claim_a = claims.claim_register(party=a, user=users["maiji_unit2"])
    claims.claim_assess(claim=claim_a, user=users["maiji_unit2"], losses={"A": "2600.00", "B": "1500.00"})
    claims.claim_register(party=agreed.parties.get(label="B"), user=users["tianlong_unit1"])

    confirming = two_party_case(photos=(3, 4, 5))
    # A plate the register does not know, so the typed insurer stands: 麦积's customer, reported by 天陇's adjuster.
    draft = wudu_case(users["tianlong_adj1"], parties=[PartyInput("A", plate="甘E1A234", insurer_code="maiji")])
    code = join.case_join_code_issue(case=draft, user=users["tianlong_adj1"])
    from claimbridge.privacy.notice import NOTICE_VERSION

    join.case_join(
        join_code=code,
        phone=PHONE_STRANGER,
        sms_code=sms_code_for(PHONE_STRANGER),
        client="198.51.100.7",
        consent_version=NOTICE_VERSION,
    )
    draft.refresh_from_db()
    return agreed, confirming, draft


def _evidence(users: dict[str, Any], agreed: Any) -> tuple[Any, dict[str, Any]]:
    from claimbridge.evidence import services

    fuxi_file = services.evidence_file_create(
        user=users["fuxi_adj1"], title="伏羲 现场", accident_at=agreed.accident_at
    )
    reused = services.evidence_item_upload(user=users["fuxi_adj1"], evidence_file=fuxi_file, slot_code="front_panorama",
                                           party="", upload=photo(0))  # fmt: skip
    items = {
        "a": agreed.evidence.items.get(uploaded_by_party="A", slot="front_panorama"),
        "b": agreed.evidence.items.get(uploaded_by_party="B"),
        "fuxi": reused,
    }
    return fuxi_file, items


def _register(users: dict[str, Any], agreed: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Entries of both companies in both cities; the approved ones approved 45 days ago, so that their credentials
    were in force at last month's stops."""
    from claimbridge.credentials import services

    plan = {  # key → (company, city, linked adjuster login, state)
        "tl_ln": ("tianlong", "621200", "tianlong_adj1", "approved"),
        "tl_ts": ("tianlong", "620500", "tianlong_adj2", "submitted"),  # tianlong_adj2 holds no credential
        "tl_ln_fix": ("tianlong", "621200", "", "needs_correction"),
        "mj_ln": ("maiji", "621200", "maiji_adj1", "approved"),
        "mj_ts": ("maiji", "620500", "maiji_adj2", "approved"),
        "mj_ts_fix": ("maiji", "620500", "", "needs_correction"),
        "mj_ln_new": ("maiji", "621200", "", "submitted"),
    }
    entries = {}
    approved_at = timezone.now() - timedelta(days=45)
    for serial, (key, (company, city, account, state)) in enumerate(plan.items(), start=1):
        name, phone = ADJUSTER_PEOPLE[key]
        entry = services.adjuster_submit(user=users[f"{company}_hq"], full_name=name, id_number=id_number(serial),
                                         phone=phone, city_code=city, details=dict(ADJUSTER_DETAILS), account=account)  # fmt: skip
        association = users["ln_assoc" if city == "621200" else "ts_assoc"]
        if state == "approved":
            with mock.patch("django.utils.timezone.now", return_value=approved_at):
                services.adjuster_review(user=association, adjuster=entry, decision="approve")
        elif state == "needs_correction":
            services.adjuster_review(user=association, adjuster=entry, decision="correct", note="照片不清晰")
        entry.refresh_from_db()
        entries[key] = entry
    last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    at = timezone.make_aware(datetime.combine(last_month_end, time(10, 0)))
    stops = {
        "tianlong": services.stop_record(user=users["tianlong_adj1"], kind="accident", at=at, services=["scene_help"],
                                         credential_shown=True, customer_consented=True, county_code="621202",
                                         customer_insurer_code="maiji", case_number=agreed.number),
        "maiji": services.stop_record(user=users["maiji_adj2"], kind="breakdown", at=at + timedelta(hours=2),
                                      services=["called_police"], credential_shown=True, customer_consented=True,
                                      county_code="620502", customer_insurer_code="tianlong"),
    }  # fmt: skip
    return entries, stops


def _reports(month: date) -> dict[tuple[str, str], Any]:
    from claimbridge.credentials.reports import month_compute

    return {(r.association.city.code, r.insurer.code): r for r in month_compute(month=month)}


def _sessions(world: World) -> dict[str, str]:
    import time
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    sessions = {}
    for username, user in world.users.items():
        client = Client()
        client.force_login(user)
        sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    phones = {
        "phone_a": {"case_parties": {world.agreed.number: "A", world.confirming.number: "A"}, "verified_phone": PHONE_A,
                    "subjects_grant": {"phone": PHONE_A, "until": time.time() + 86400}},  # 我的个人信息 (0030)
        "phone_b": {"case_parties": {world.agreed.number: "B", world.confirming.number: "B"}},
        "phone_stranger": {"case_parties": {world.draft.number: "B"}, "verified_phone": PHONE_STRANGER},
    }  # fmt: skip
    for name, data in phones.items():
        store = engine.SessionStore()
        store.update(data)
        store.create()
        sessions[name] = store.session_key
    return sessions


def build_world() -> World:
    """The world above; call inside a transaction (with `world_patches`) that is rolled back afterwards."""
    from claimbridge.cases.models import WebhookEndpoint
    from claimbridge.organisations.models import Insurer
    from claimbridge.policies.models import PolicyLoad

    users = _users()
    for code in ("tianlong", "maiji"):  # so that every change of a case leaves its message in the outbox
        WebhookEndpoint.objects.create(insurer=Insurer.objects.get(code=code), url=f"https://{code}.example/hooks",
                                       secret=f"{code}-webhook-secret")  # fmt: skip
    agreed, confirming, draft = _cases(users)
    fuxi_file, items = _evidence(users, agreed)
    adjusters, stops = _register(users, agreed)
    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    world = World(
        users=users, agreed=agreed, confirming=confirming, draft=draft, evidence=agreed.evidence,
        confirming_evidence=confirming.evidence, fuxi_file=fuxi_file, items=items,
        loads={code: PolicyLoad.objects.filter(insurer__code=code).order_by("pk").first() for code in ("tianlong", "maiji")},
        units={"tl_wudu": unit_of("tianlong", "621202"), "tl_ln2": unit_of("tianlong", "621221"),
               "tl_ts": unit_of("tianlong", "620502"), "mj_wudu": unit_of("maiji", "621202"),
               "mj_ts": unit_of("maiji", "620502")},
        adjusters=adjusters, stops=stops, reports=_reports(month.replace(day=1)), join_code=draft.join_code,
    )  # fmt: skip
    world.police_loads = _police(users, agreed)
    world.uploads = {"tianlong_adj1": resumable_upload(users["tianlong_adj1"], CAR_PHOTOS[2].read_bytes())}
    world.subject_requests = _subject_requests(world)
    world.sessions = _sessions(world)
    return world


def _subject_requests(world: World) -> dict[str, Any]:
    from claimbridge.subjects import services
    from claimbridge.subjects.selectors import Subject

    entry = world.adjusters["tl_ts"]
    return {
        "ln": services.subject_request_create(subject=Subject(phone=PHONE_A), kind="deletion",
                                              record=f"case:{world.agreed.number}"),
        "ts": services.subject_request_create(subject=Subject(user=world.users["tianlong_adj2"]), kind="correction",
                                              record=f"register:{entry.pk}", field="phone", correction="13911110099"),
    }  # fmt: skip


POLICE_DRIVER = "交警记录驾驶人"  # personal data of a police record: shown nowhere


def _police(users: dict[str, Any], agreed: Any) -> dict[str, Any]:
    """R20: one load of records per police unit, and the matching run over them (a match and signals on `agreed`)."""
    from claimbridge.police import matching, services

    at = timezone.localtime(agreed.accident_at).isoformat()
    plates = dict(agreed.parties.values_list("label", "plate"))
    rows = {
        "police_ln": {"record_number": "LN-2025-0001", "accident_at": at, "accident_type": "property",
                      "plate_1": plates["A"], "liability_1": "none", "plate_2": plates["B"], "liability_2": "full",
                      "driver_2": POLICE_DRIVER, "driver_id_2": id_number(77)},
        "police_ts": {"record_number": "TS-2025-0001", "accident_at": at, "accident_type": "property",
                      "plate_1": "甘E0P001", "liability_1": "full"},
    }  # fmt: skip
    loads = {}
    for username, row in rows.items():
        user = users[username]
        load = services.police_load_start(unit=user.police_unit, user=user, source="web", file_name="world.csv")[0]
        loads[username] = services.police_rows_load(load=load, rows=[row])
    matching.police_match_run()
    return loads


# --- what changed ---------------------------------------------------------------------------------------------------
# Every table of the platform's own apps is in the fingerprint, except those that reads and refusals legitimately
# write (each with why), and the columns a sign-in touches.
FINGERPRINT_APPS = (
    "organisations",
    "accounts",
    "evidence",
    "policies",
    "cases",
    "credentials",
    "auth",
    "fraud",
    "police",
    "reports",
    "consultations",
    "subjects",
)
NOT_FINGERPRINTED = {
    "core.idempotentrequest": "a retried request's stored answer: written for refusals too",
    "core.phonechallenge": "one-time codes sent to mobiles: anyone may ask for one",
    "core.attemptcounter": "attempt counters: a refused attempt is counted by design (join codes)",
    "policies.policylookup": "the record of cover lookups: a read writes it by design (issue 12, finding 10)",
    "cases.casenumbersequence": "the day's case-number counter, drawn before a report is written (gaps allowed)",
    "auth.permission": "Django's permission catalogue",
}
NOT_FINGERPRINTED_COLUMNS = {"accounts.user": {"last_login"}}


def fingerprinted_models() -> list[Any]:
    from django.apps import apps

    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in FINGERPRINT_APPS and model._meta.label_lower not in NOT_FINGERPRINTED]  # fmt: skip


def fingerprint() -> dict[str, str]:
    """A digest of the rows of every fingerprinted table, per table (`app.model` → SHA-256), read as stored (raw SQL:
    no model is built and nothing is decrypted, so that the matrix stays fast)."""
    import hashlib

    from django.db import connection

    digests = {}
    with connection.cursor() as cursor:
        for model in fingerprinted_models():
            meta = model._meta
            skipped = NOT_FINGERPRINTED_COLUMNS.get(meta.label_lower, set())
            columns = ", ".join(
                connection.ops.quote_name(f.column) for f in meta.concrete_fields if f.attname not in skipped
            )
            table, key = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {key}")  # noqa: S608 - our own tables
            digests[meta.label_lower] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests
