"""Builders of the objects tests need, shared by every test module (never imported from another test module).

Dates are relative to today, so that no test starts failing when a fixed date grows older than what the platform
accepts (settings.ACCIDENT_MAX_AGE_DAYS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def built_once(django_db_blocker: Any, build: Callable[[], Any]) -> Iterator[Any]:
    """What `build` makes, built once (for a module's fixture) inside a transaction rolled back at the end; each test
    runs in a savepoint of it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def recent_day(days_ago: int = 10) -> Any:
    return timezone.localdate() - timedelta(days=days_ago)


def at_local(day: Any, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def photo(index: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"p{index}.jpg", CAR_PHOTOS[index].read_bytes(), content_type="image/jpeg")


def resumable_upload(user: Any, data: bytes, *, complete: bool = True, name: str = "IMG_0001.jpg") -> Any:
    """A resumable upload of `data` owned by `user` (decision 0025): sent whole in one part, or only started."""
    import io

    from claimbridge.evidence import uploads

    upload = uploads.upload_create(user=user, length=len(data), content_type="image/jpeg", filename=name)
    if complete:
        upload = uploads.upload_append(user=user, upload_id=upload.pk, offset=0, stream=io.BytesIO(data),
                                       size=len(data))  # fmt: skip
    return upload


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


def statistics_world(users: dict[str, Any]) -> dict[str, Any]:
    """Cases of all four companies in both cities over this month and the two before, for the dashboards (issue 17),
    and the roll-ups rebuilt from them:

    - `agreed`: the quick claim in 武都区 (A insured by 麦积 in Tianshui, so cross-region; B by 天陇 in Longnan), A's
      claim run by 麦积's 武都 unit from the first call to the payment; two months ago.
    - `agreed_again`: the same two vehicles again this month, agreed, no claim yet.
    - `qinzhou`: an accident in 秦州区 (Tianshui) reported at the scene by 天陇's adjuster, 天陇's customer and
      伏羲's (insured in Longnan, so cross-region), sent to the police; last month.
    - `chengxian`: an accident in 成县 reported on 麦积's hotline, 麦积's and 白龙江's customers, sent to the police.
    - stops: two by 麦积's adjuster in 武都区 this month, one for 天陇's customer (R15); fraud clues are written
      to their roll-up directly (a clue needs a whole evidence file): 天陇's two, one confirmed, 8,800.00 saved.

    Claims' moments are set back to plausible waits (first call 25 minutes after the report, survey 3 hours, settled
    a day, paid two days), written to the rows as a clock would have."""
    import secrets

    from claimbridge.cases.models import Case, Claim
    from claimbridge.cases.services import claims
    from claimbridge.cases.services.intake import PartyInput, case_create
    from claimbridge.cases.services.quick_claim import case_to_police, party_confirm
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.organisations.models import County, Insurer
    from claimbridge.reports import rollups
    from claimbridge.reports.models import ClueRollup

    now = timezone.now()
    agreed = agreed_case()
    unit = users["maiji_unit1"]
    claim = claims.claim_register(party=agreed.parties.get(label="A"), user=unit)
    claims.claim_contact(claim=claim, user=unit)
    claims.claim_assess(claim=claim, user=unit, losses={"A": "2600.00", "B": "1500.00"})
    claims.claim_settle(claim=claim, user=unit)
    claims.claim_approve(claim=claim, user=unit)
    claims.claim_pay(claim=claim, user=unit, amount=claim.payable, reference="PAY-STATS-1")

    again = two_party_case(photos=(3, 4, 5))
    a, b = again.parties.order_by("label")
    party_confirm(party=a, typed_name="张三", consent=True, device="A")
    party_confirm(party=b, typed_name="李四", consent=True, device="B")

    qinzhou = case_create(user=users["tianlong_adj1"], channel="adjuster", county=County.objects.get(code="620502"),
                          accident_at=at_local(recent_day(3), 9, 40),
                          parties=[PartyInput("A", plate="甘E2B345", insurer_code="tianlong", underwriting_city_code="620500"),
                                   PartyInput("B", plate="甘K3C456", insurer_code="fuxi", underwriting_city_code="621200")],
                          consent={"credential_shown": True, "customer_consented": True})  # fmt: skip
    case_to_police(case=qinzhou, reason="facts_disputed")
    chengxian = case_create(user=users["maiji_hq"], channel="hotline", county=County.objects.get(code="621221"),
                            accident_at=at_local(recent_day(2), 16, 5),
                            parties=[PartyInput("A", plate="甘K4D567", insurer_code="maiji", underwriting_city_code="621200"),
                                     PartyInput("B", plate="甘K5E678", insurer_code="bailong", underwriting_city_code="621200")])  # fmt: skip
    case_to_police(case=chengxian, reason="facts_disputed")

    reported = {agreed.pk: _months_back(now, 2), qinzhou.pk: _months_back(now, 1)}
    for pk, moment in reported.items():
        Case.objects.filter(pk=pk).update(created_at=moment)
    start = reported[agreed.pk]
    Claim.objects.filter(pk=claim.pk).update(first_contact_at=start + timedelta(minutes=25),
                                             assessed_at=start + timedelta(hours=3),
                                             settled_at=start + timedelta(days=1),
                                             approved_at=start + timedelta(days=1, hours=1),
                                             paid_at=start + timedelta(days=2))  # fmt: skip
    maiji, tianlong = Insurer.objects.get(code="maiji"), Insurer.objects.get(code="tianlong")
    wudu = County.objects.get(code="621202")
    for customer in (tianlong, maiji):
        ServiceStop.objects.create(adjuster=users["maiji_adj1"], insurer=maiji, at=now - timedelta(hours=5),
                                   kind="accident", county=wudu, credential_shown=True, customer_consented=True,
                                   services=["scene_help"], customer_insurer=customer,
                                   rating_token=secrets.token_hex(16))  # fmt: skip
    rollups.rebuild()
    month = timezone.localdate().replace(day=1)
    ClueRollup.objects.create(month=month, city_id=wudu.city_id, county_id=wudu.pk, insurer_id=tianlong.pk, clues=2,
                              confirmed=1, amount_saved_fen=880_000)  # fmt: skip
    return {"agreed": agreed, "agreed_again": again, "qinzhou": qinzhou, "chengxian": chengxian, "claim": claim}


def _months_back(moment: datetime, months: int) -> datetime:
    """The same day and time `months` months earlier (the 28th at the latest), in China's calendar."""
    local = timezone.localtime(moment)
    index = local.year * 12 + local.month - 1 - months
    return local.replace(year=index // 12, month=index % 12 + 1, day=min(local.day, 28))
