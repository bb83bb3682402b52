"""The demo's adjusters in the register (`claimbridge demo`): each demo adjuster login submitted by its company,
approved by its city's association and holding a credential, so that the demo adjusters can log their stops (R6–R8).
Idempotent; not part of the test world (tests build the register they need)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from claimbridge.accounts.models import Role, User
from claimbridge.core.crypto import id_number_blind_index
from claimbridge.credentials.models import Adjuster
from claimbridge.credentials.services import adjuster_review, adjuster_submit
from claimbridge.rules.identifiers import id_check_character

# What a company states of each person, as the submission form asks it (R4, R5): the reviewer sees all of it.
DETAILS: dict[str, Any] = {
    "education": "college", "mandarin": "二级乙等", "licence_class": "C1", "knows_both_regions": True,
    "training": ["快处易赔现场查勘培训（2026 年 3 月）", "交通事故现场安全防护培训"], "vehicle_marked": True,
    "equipment": ["uniform", "work_card", "vest", "survey_tools"],
}  # fmt: skip
SURVEY_PLATES = {"621200": "甘K", "620500": "甘E"}
PORTRAIT_COLOURS = ((0x0B, 0x6E, 0x4F), (0x1D, 0x4E, 0x89), (0x8A, 0x4B, 0x08), (0x5B, 0x33, 0x8A))


def demo_portrait(n: int) -> Any:
    """A drawn, obviously fictional portrait (head and shoulders on a pale ground) for demo person `n`: the review
    and the work card show a photo, as they do for real people. 600 × 800 JPEG, as the card wants it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    colour = PORTRAIT_COLOURS[n % len(PORTRAIT_COLOURS)]
    image = Image.new("RGB", (600, 800), (236, 241, 245))
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 470, 510, 1000), fill=colour)  # shoulders
    draw.rectangle((255, 400, 345, 520), fill=(228, 190, 160))  # neck
    draw.ellipse((180, 170, 420, 450), fill=(240, 204, 172))  # face
    draw.chord((170, 140, 430, 360), 180, 360, fill=(40, 36, 34))  # hair
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(f"demo-{n}.jpg", out.getvalue(), content_type="image/jpeg")


def demo_id_number(city_code: str, n: int) -> str:
    """A valid-looking resident ID number of a county of the city (demo people are fictional)."""
    first17 = f"{city_code[:4]}02198{n % 10}0{1 + n % 9}1{n % 10}{n:03d}"[:17]
    return first17 + id_check_character(first17)


def load_demo_register() -> list[str]:
    """Every demo adjuster with a credential in force; returns the credential numbers made now."""
    issued = []
    adjusters = User.objects.filter(role=Role.ADJUSTER).select_related("insurer", "claims_unit__branch__city")
    for n, login in enumerate(adjusters.order_by("username"), start=1):
        if login.claims_unit is None or Adjuster.objects.filter(account=login).exists():
            continue
        city = login.claims_unit.branch.city.code
        company = User.objects.filter(role=Role.INSURER_STAFF, insurer=login.insurer, username__endswith="_hq").first()
        association = User.objects.filter(role=Role.ASSOCIATION_STAFF, association__city__code=city).first()
        if company is None or association is None:
            continue
        details = DETAILS | {"licence_expiry": date(date.today().year + 3 + n % 4, 1 + n % 12, 15).isoformat(),
                             "vehicle_plate": f"{SURVEY_PLATES.get(city, '甘A')}{n:02d}8C6"}  # fmt: skip
        entry = adjuster_submit(user=company, full_name=login.full_name or login.username,
                                id_number=demo_id_number(city, n), phone=login.phone or "13800000000", city_code=city,
                                details=details, account=login.username, photo=demo_portrait(n))  # fmt: skip
        credential = adjuster_review(user=association, adjuster=entry, decision="approve")
        if credential is not None:
            issued.append(credential.number)
    return issued


# One person per city waiting for the association's review, so the review can be tried (`ln_assoc`, `ts_assoc`).
PENDING = (("621200", "tianlong_hq", "赵晓敏", "13900001201"), ("620500", "maiji_hq", "钱国栋", "13900001202"))


def load_demo_pending() -> list[Adjuster]:
    """The demo's submissions waiting for review, made once (a second load adds none)."""
    made = []
    for n, (city, company_login, name, phone) in enumerate(PENDING, start=90):
        company = User.objects.filter(username=company_login).first()
        id_number = demo_id_number(city, n)
        if company is None or Adjuster.objects.filter(id_index=id_number_blind_index(id_number)).exists():
            continue
        details = DETAILS | {"licence_expiry": date(date.today().year + 2, 6, 30).isoformat(),
                             "vehicle_plate": f"{SURVEY_PLATES[city]}{n}8D7"}  # fmt: skip
        made.append(adjuster_submit(user=company, full_name=name, id_number=id_number, phone=phone,
                                    city_code=city, details=details, photo=demo_portrait(n)))  # fmt: skip
    return made
