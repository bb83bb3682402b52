"""Builders of the objects tests need, shared by every test module (never imported from another test module).

Dates are relative to today, so that no test starts failing when a fixed date grows older than what the platform
accepts (settings.ACCIDENT_MAX_AGE_DAYS).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

CAR_PHOTOS = sorted((Path(__file__).resolve().parent / "data" / "car_photos").glob("*.jpg"))

# What both drivers say happened in the standard quick claim: every question the kernel asks, answered.
FACTS: dict[str, Any] = {
    "place": "江南大道 12 号", "weather": "sunny", "collision_form": "rear_end", "casualties": False,
    "other_property_damaged": False, "facility_damage": False, "non_motor_involved": False, "vehicles_drivable": True,
    "dangerous_goods": False, "facts_disputed": False, "intentional_suspected": False, "party_left_scene": False,
    "scene_difficult": False, "damage": "minor_exterior", "estimated_loss": "3000.00",
}  # fmt: skip
A_DETAILS: dict[str, Any] = {
    "driver_name": "张三", "driver_licence": "11010519491231002X", "plate": "甘E6789A", "vin": "",
    "vehicle_type": "small_car", "collision_part": "front", "driver_licensed": True, "inspection_valid": True,
    "impairment_free": True,
}  # fmt: skip
B_DETAILS: dict[str, Any] = A_DETAILS | {"driver_name": "李四", "driver_licence": "34052419800101001X",
                                         "plate": "甘K12345", "collision_part": "rear"}  # fmt: skip


def recent_day(days_ago: int = 10) -> Any:
    return timezone.localdate() - timedelta(days=days_ago)


def at_local(day: Any, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def photo(index: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"p{index}.jpg", CAR_PHOTOS[index].read_bytes(), content_type="image/jpeg")


def wudu_case(user: Any, **extra: Any) -> Any:
    """An adjuster's report of A (insured in Tianshui by 麦积) and B (insured in Longnan by 天陇) colliding in 武都区
    (or the county of `county_code`), ten days ago at 14:20: a draft."""
    from claimbridge.cases.services.intake import PartyInput, case_create
    from claimbridge.organisations.models import County

    parties = extra.pop("parties", [
        PartyInput("A", plate="甘E6789A", insurer_code="maiji", underwriting_city_code="620500"),
        PartyInput("B", plate="甘K12345", insurer_code="tianlong", underwriting_city_code="621200"),
    ])  # fmt: skip
    extra.setdefault("accident_at", at_local(recent_day(), 14, 20))
    county = County.objects.get(code=extra.pop("county_code", "621202"))
    return case_create(user=user, channel="adjuster", county=county, parties=parties,
                       consent={"credential_shown": True, "customer_consented": True}, **extra)  # fmt: skip


def cases_in_counties(user: Any, counts: dict[str, int]) -> list[Any]:
    """`wudu_case`'s two-party report, `n` times in each county of `counts` (county code → n), reported now; then
    the statistics' roll-ups rebuilt, as the refresh task would have kept them (issue 17)."""
    from django.db import transaction

    from claimbridge.cases.services.record import case_advance, case_lock
    from claimbridge.reports.rollups import rebuild

    made = [wudu_case(user, county_code=code) for code, n in counts.items() for _ in range(n)]
    for case in made:  # the details are all in: reported (no longer a draft), as the back office does
        with transaction.atomic():
            case_advance(case=case_lock(pk=case.pk), action="report", reason="complete")
    rebuild()
    return made


def two_party_case(*, facts: dict[str, Any] | None = None, photos: tuple[int, int, int] = (0, 1, 2)) -> Any:
    """A (insured in Tianshui) runs into the back of B (insured in Longnan) in 武都区 this morning; both drivers have
    entered their details, sent three photos (of tests/data/car_photos, by index) and said what happened: ready for
    both to confirm."""
    from claimbridge.cases.services.evidence import party_photo_upload
    from claimbridge.cases.services.intake import PartyInput, case_create
    from claimbridge.cases.services.parties import party_details_save
    from claimbridge.cases.services.quick_claim import case_circumstances_save, case_facts_save
    from claimbridge.organisations.models import County
    from claimbridge.policies.demo import load_demo_policies

    load_demo_policies()
    now = timezone.localtime()
    accident_at = at_local(now.date(), 9) if now.hour >= 10 else now - timedelta(hours=1)
    case = case_create(
        user=None, channel="driver", county=County.objects.get(code="621202"), accident_at=accident_at,
        parties=[PartyInput("A", phone="13700005555"), PartyInput("B", phone="13700006666")],
    )  # fmt: skip
    a, b = case.parties.order_by("label")
    party_details_save(party=a, **A_DETAILS)
    party_details_save(party=b, **B_DETAILS)
    for index, (party, slot) in zip(
        photos, ((a, "front_panorama"), (a, "rear_panorama"), (b, "collision_point")), strict=True
    ):
        party_photo_upload(party=party, slot_code=slot, upload=photo(index))
    case_facts_save(case=case, facts=FACTS if facts is None else facts, party_label="A")
    case_circumstances_save(case=case, circumstances={"A": [1], "B": []}, party_label="A")
    case.refresh_from_db()
    return case


def agreed_case(*, photos: tuple[int, int, int] = (0, 1, 2)) -> Any:
    """The two-party case after both drivers confirmed: agreed, with its 协议书."""
    from claimbridge.cases.services.quick_claim import party_confirm

    case = two_party_case(photos=photos)
    a, b = case.parties.order_by("label")
    party_confirm(party=a, typed_name="张三", consent=True, device="A")
    party_confirm(party=b, typed_name="李四", consent=True, device="B")
    case.refresh_from_db()
    return case


def linked_case(number: str, parties: list[dict[str, Any]], *, latitude: float | None = None,
              longitude: float | None = None) -> Any:  # fmt: skip
    """A case with parties written straight to the tables (no events), then indexed as the event listener would:
    for the fraud link index's tests (issue 16)."""
    from claimbridge.cases.models import Case, CaseParty
    from claimbridge.fraud import linking

    case = Case.objects.create(number=number, channel="driver", latitude=latitude, longitude=longitude,
                               accident_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    for index, details in enumerate(parties):
        CaseParty.objects.create(case=case, label="AB"[index], **details)
    linking.case_index(case)
    return case
