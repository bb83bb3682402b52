"""The demo's cases (`claimbridge demo`): one in each state a handler or a driver meets, made through the services as
the phones and the claims desk would, so that every page has something real to show (issue 13).

- a draft reported at the scene by 天陇's adjuster, waiting for the other driver (a live join code);
- a quick claim with both drivers' details, photos and what happened, A has confirmed, B not yet;
- a quick claim both drivers confirmed (agreed, with its 协议书);
- an agreed one whose claims are registered at both insurers, B's assessed;
- an agreed one whose claim is paid (assessed, settled, approved, paid and closed) at 天陇;
- one the drivers sent to the traffic police (someone was hurt).

Idempotent: each case is made once, under a key of its own (core.idempotency), and later runs list it again. The
photos are drawn here (no file is needed) and checked by the task worker like any upload.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from claimbridge.accounts.models import User
from claimbridge.core.idempotency import earlier_answer, run_once
from claimbridge.rules.identifiers import id_check_character

SCOPE = "demo"


@dataclass(frozen=True)
class DemoCase:
    key: str
    number: str
    state: str
    note: str
    phones: tuple[str, ...]


@dataclass(frozen=True)
class Driver:
    name: str
    phone: str
    plate: str
    born: str  # YYYYMMDD, for a valid-looking licence (ID) number


# The demo vehicles of the policy register (policies/demo.py): 甘E6789A is 麦积's in Tianshui, 甘K12345 天陇's in
# Longnan; both qualify for quick claims. Drivers and phones are fictional.
A = Driver("王建国", "13700001001", "甘E6789A", "19800312")
B = Driver("李海燕", "13700001002", "甘K12345", "19850721")
FACTS: dict[str, Any] = {
    "place": "武都区江南大道 12 号", "weather": "sunny", "collision_form": "rear_end", "casualties": False,
    "other_property_damaged": False, "facility_damage": False, "non_motor_involved": False, "vehicles_drivable": True,
    "dangerous_goods": False, "facts_disputed": False, "intentional_suspected": False, "party_left_scene": False,
    "scene_difficult": False, "damage": "minor_exterior", "estimated_loss": "3000.00",
}  # fmt: skip


def _licence(driver: Driver, serial: int) -> str:
    first17 = f"621202{driver.born}{serial:03d}"
    return first17 + id_check_character(first17)


def _details(driver: Driver, serial: int, part: str) -> dict[str, Any]:
    return {"driver_name": driver.name, "driver_licence": _licence(driver, serial), "plate": driver.plate, "vin": "",
            "vehicle_type": "small_car", "collision_part": part, "driver_licensed": True, "inspection_valid": True,
            "impairment_free": True}  # fmt: skip


def demo_photo(seed: str) -> SimpleUploadedFile:
    """A scene photo drawn for the demo: a car-like shape on a road, different for every seed (so that the reuse
    check finds nothing)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - a picture, not a secret
    image = Image.new("RGB", (960, 720), (rng.randint(90, 140),) * 3)
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # texture: no two photos alike
        x, y = rng.randint(0, 959), rng.randint(0, 719)
        shade = rng.randint(60, 200)
        draw.rectangle((x, y, x + rng.randint(2, 30), y + rng.randint(2, 30)), fill=(shade, shade, shade))
    body = tuple(rng.randint(0, 255) for _ in range(3))
    left, top = rng.randint(80, 240), rng.randint(220, 320)
    draw.rounded_rectangle((left, top, left + 560, top + 220), radius=40, fill=body)
    for wheel in (left + 110, left + 450):
        draw.ellipse((wheel - 55, top + 170, wheel + 55, top + 280), fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(f"{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def _accident_at(days_ago: int) -> datetime:
    now = timezone.localtime()
    if days_ago == 0:
        return now - timedelta(hours=1) if now.hour < 10 else timezone.make_aware(datetime.combine(now.date(), time(9)))
    return timezone.make_aware(datetime.combine(now.date() - timedelta(days=days_ago), time(14, 20)))


def _quick_claim(key: str, *, days_ago: int) -> Any:
    """Two drivers on their phones: details, three photos, what happened and the circumstances (A ran into B)."""
    from claimbridge.cases.services.evidence import party_photo_upload
    from claimbridge.cases.services.intake import PartyInput, case_create
    from claimbridge.cases.services.parties import party_details_save
    from claimbridge.cases.services.quick_claim import case_circumstances_save, case_facts_save
    from claimbridge.organisations.models import County

    case = case_create(user=None, channel="driver", county=County.objects.get(code="621202"),
                       accident_at=_accident_at(days_ago),
                       parties=[PartyInput("A", phone=A.phone), PartyInput("B", phone=B.phone)])  # fmt: skip
    a, b = case.parties.order_by("label")
    serial = sum(map(ord, key)) % 900
    party_details_save(party=a, **_details(A, serial, "front"))
    party_details_save(party=b, **_details(B, serial + 1, "rear"))
    for party, slot in ((a, "front_panorama"), (a, "rear_panorama"), (b, "collision_point")):
        party_photo_upload(party=party, slot_code=slot, upload=demo_photo(f"{key}-{party.label}-{slot}"))
    case_facts_save(case=case, facts=FACTS, party_label="A")
    case_circumstances_save(case=case, circumstances={"A": [1], "B": []}, party_label="A")
    case.refresh_from_db()
    return case


def _confirm(case: Any, *labels: str) -> Any:
    from claimbridge.cases.services.quick_claim import party_confirm

    for party in case.parties.filter(label__in=labels).order_by("label"):
        party_confirm(party=party, typed_name=party.driver_name, consent=True, device=f"demo phone of {party.label}")
    case.refresh_from_db()
    return case


def _staff(username: str) -> User:
    return User.objects.get(username=username)


def _draft() -> Any:
    from claimbridge.cases.services.intake import PartyInput, case_create
    from claimbridge.cases.services.join import case_join_code_issue
    from claimbridge.organisations.models import County

    adjuster = _staff("tianlong_adj1")
    case = case_create(user=adjuster, channel="adjuster", county=County.objects.get(code="621202"),
                       accident_at=_accident_at(0), parties=[PartyInput("A", plate=B.plate, insurer_code="tianlong")],
                       consent={"credential_shown": True, "customer_consented": True})  # fmt: skip
    case_join_code_issue(case=case, user=adjuster)
    return case


def _registered() -> Any:
    from claimbridge.cases.services import claims

    case = _confirm(_quick_claim("registered", days_ago=3), "A", "B")
    b_claim = claims.claim_register(party=case.parties.get(label="B"), user=_staff("tianlong_unit1"))
    claims.claim_assess(claim=b_claim, user=_staff("tianlong_unit1"), losses={"A": "2600.00", "B": "1500.00"})
    a = case.parties.get(label="A")
    if a.claims_unit is not None:
        handler = User.objects.filter(claims_unit=a.claims_unit, role="insurer_staff").first()
        if handler is not None:
            claims.claim_register(party=a, user=handler)
    return case


def _paid_and_closed(party: Any, handler: User) -> None:
    from claimbridge.cases.services import claims

    claim = claims.claim_register(party=party, user=handler)
    claims.claim_contact(claim=claim, user=handler)
    claims.claim_assess(claim=claim, user=handler, losses={"A": "2600.00", "B": "1500.00"})
    claims.claim_settle(claim=claim, user=handler)
    claim.refresh_from_db()
    within = (claim.payable or Decimal(0)) <= handler.approval_limit
    approver = handler if within else User.objects.get(username=f"{handler.insurer.code}_hq")  # type: ignore[union-attr]
    claims.claim_approve(claim=claim, user=approver)
    claim.refresh_from_db()
    if claim.payable:
        claims.claim_pay(claim=claim, user=handler, amount=claim.payable, reference=f"DEMO-BANK-{party.label}")
        claims.claim_close(claim=claim, user=handler, reason="paid_in_full")
    else:
        claims.claim_close(claim=claim, user=handler, reason="no_loss")


def _paid() -> Any:
    """Both insurers' claims settled, paid and closed: the case is 已结案."""
    case = _confirm(_quick_claim("paid", days_ago=6), "A", "B")
    for party in case.parties.order_by("label"):
        handler = User.objects.filter(claims_unit=party.claims_unit, role="insurer_staff").first()
        if party.claims_unit is not None and handler is not None:
            _paid_and_closed(party, handler)
    case.refresh_from_db()
    return case


def _police() -> Any:
    from claimbridge.cases.services.quick_claim import case_facts_save, case_to_police

    case = _quick_claim("police", days_ago=1)
    case_facts_save(case=case, facts={**FACTS, "casualties": True}, party_label="B")
    return case_to_police(case=case, reason="not_eligible")


PLAN = (
    ("draft", _draft, "reported at the scene by tianlong_adj1; waits for the other driver (join code)"),
    ("confirming", lambda: _confirm(_quick_claim("confirming", days_ago=0), "A"), "A confirmed, B not yet"),
    ("agreed", lambda: _confirm(_quick_claim("agreed", days_ago=2), "A", "B"), "both confirmed: 协议书 made"),
    ("registered", _registered, "claims registered at both insurers; B's assessed"),
    ("paid", _paid, "both insurers' claims assessed, settled, approved, paid and closed: 已结案"),
    ("police", _police, "someone was hurt: sent to the traffic police"),
)


def load_demo_cases() -> list[DemoCase]:
    """Every demo case, made once; returns them all (made now or before) for the listing."""
    from claimbridge.cases.models import Case

    shown = []
    for key, make, note in PLAN:
        earlier = earlier_answer(scope=SCOPE, key=f"case-{key}")
        if earlier is None:

            def work(make: Any = make) -> tuple[int, dict[str, Any]]:
                return 201, {"number": make().number}

            with transaction.atomic():
                _status, body, _replayed = run_once(scope=SCOPE, key=f"case-{key}", work=work)
        else:
            body = earlier[1]
        case = Case.objects.filter(number=body["number"]).first()
        if case is None:  # removed by hand since: the key stays, the case is not made again
            continue
        phones = (A.phone, B.phone) if case.channel == "driver" else ()  # stored as blind indexes only
        shown.append(DemoCase(key, case.number, case.state, note, phones))
    return shown


def load_demo_stops() -> list[str]:
    """A stop of each demo adjuster holding a credential, this month, for another company's customer (R7, R15)."""
    from claimbridge.credentials.models import Adjuster
    from claimbridge.credentials.services import stop_record

    made = []
    customer_of = {"tianlong": "maiji", "maiji": "fuxi", "fuxi": "tianlong", "bailong": "tianlong"}
    at = max(
        timezone.now() - timedelta(minutes=30), timezone.make_aware(datetime.combine(timezone.localdate(), time(0, 5)))
    )
    for entry in Adjuster.objects.filter(account__isnull=False).select_related("account__insurer", "account__claims_unit__branch__county").order_by("pk"):  # fmt: skip
        login = entry.account
        if login is None or login.insurer is None or login.claims_unit is None:
            continue
        key = f"stop-{login.username}"
        if earlier_answer(scope=SCOPE, key=key) is not None:
            continue
        county = login.claims_unit.branch.county
        if not entry.credentials.exists():
            continue

        def work(login: Any = login, county: Any = county) -> tuple[int, dict[str, Any]]:
            stop = stop_record(user=login, kind="accident", at=at, services=["scene_help"], credential_shown=True,
                               customer_consented=True, county_code=county.code if county else "",
                               customer_insurer_code=customer_of.get(login.insurer.code, "tianlong"))  # fmt: skip
            return 201, {"stop": stop.pk}

        with transaction.atomic():
            run_once(scope=SCOPE, key=key, work=work)
        made.append(login.username)
    return made


def load_demo_reports() -> list[str]:
    """This month's reports of every association and company (recomputed each run: unpublished ones are replaced)."""
    from claimbridge.credentials.reports import month_compute

    reports = month_compute(month=timezone.localdate().replace(day=1))
    return [f"{report.association.city.name} · {report.insurer.short_name} {report.month:%Y-%m}" for report in reports]
