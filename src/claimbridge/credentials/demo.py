"""The demo's adjusters in the register (`claimbridge demo`): each demo adjuster login submitted by its company,
approved by its city's association and holding a credential, so that the demo adjusters can log their stops (R6–R8).
Idempotent; not part of the test world (tests build the register they need)."""

from __future__ import annotations

from claimbridge.accounts.models import Role, User
from claimbridge.credentials.models import Adjuster
from claimbridge.credentials.services import adjuster_review, adjuster_submit
from claimbridge.rules.identifiers import id_check_character

DETAILS = {"education": "college", "mandarin": "level_2_b", "licence_class": "C1", "knows_both_cities": True}


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
        entry = adjuster_submit(user=company, full_name=login.full_name or login.username,
                                id_number=demo_id_number(city, n), phone=login.phone or "13800000000", city_code=city,
                                details=DETAILS, account=login.username)  # fmt: skip
        credential = adjuster_review(user=association, adjuster=entry, decision="approve")
        if credential is not None:
            issued.append(credential.number)
    return issued
