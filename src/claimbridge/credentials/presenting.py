"""What the register's pages and API show alike: the qualifications in words, the signed link of a verified
card's photo, and the count of typed card numbers (issue 13)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from claimbridge.credentials.services import Verification

VERIFY_PHOTO_SALT, VERIFY_PHOTO_MAX_AGE = "credentials.verify-photo", 15 * 60
TYPED_CHECKS_PER_WINDOW, TYPED_CHECKS_WINDOW = 30, 600  # typed numbers per client address: no walking the register


def qualifications_of(details: dict[str, Any]) -> dict[str, Any]:
    """What the association checks (R4, R5), in words: the form's choices by their labels, the licence's validity,
    every piece of equipment the plan names as carried or missing."""
    from claimbridge.credentials.forms import EDUCATION, EQUIPMENT

    expiry: date | None = None
    try:
        expiry = date.fromisoformat(str(details.get("licence_expiry", "")))
    except ValueError:
        expiry = None
    carried = set(details.get("equipment") or [])
    return {
        "education": dict(EDUCATION).get(details.get("education", ""), details.get("education", "")),
        "mandarin": details.get("mandarin", ""), "licence_class": details.get("licence_class", ""),
        "licence_expiry": expiry, "licence_valid": expiry is not None and expiry >= timezone.localdate(),
        "training": [str(course) for course in details.get("training") or []],
        "knows_both_regions": bool(details.get("knows_both_regions") or details.get("knows_both_cities")),
        "vehicle_plate": details.get("vehicle_plate", ""), "vehicle_marked": bool(details.get("vehicle_marked")),
        "equipment": [(label, code in carried) for code, label in EQUIPMENT],
        "equipment_codes": [(code, label, code in carried) for code, label in EQUIPMENT],
    }  # fmt: skip


def typed_check_allowed(request: HttpRequest) -> bool:
    """Typed card numbers are counted per client address (page and API together): a number can be guessed, so
    nobody walks the register through the verification page."""
    from claimbridge.core.throttle import client_address, hit

    return hit(f"credentials:verify:{client_address(request)}", limit=TYPED_CHECKS_PER_WINDOW,
               window_seconds=TYPED_CHECKS_WINDOW)  # fmt: skip


def verification_photo_path(result: Verification) -> str:
    """The holder's photo of a genuine, current card, by a link signed now and good for a few minutes (never the
    entry's own address: the photo is shown for this check, not published)."""
    if result.credential is None or not result.credential.adjuster.photo_name:
        return ""
    return reverse("credential-verify-photo", args=[signing.dumps(result.credential.number, salt=VERIFY_PHOTO_SALT)])


def verification_photo_number(signed: str) -> str | None:
    try:
        number = signing.loads(signed[:300], salt=VERIFY_PHOTO_SALT, max_age=VERIFY_PHOTO_MAX_AGE)
    except signing.BadSignature:
        return None
    return str(number)
