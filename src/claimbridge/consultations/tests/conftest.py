"""Fixtures of the consultation tests (R13): a two-party case in 武都 (A insured by 麦积, B by 天陇), a phone that
proved A's mobile, and specialists of both insurers and of Longnan's association."""

from __future__ import annotations

from typing import Any

import pytest

PHONE_A, PHONE_B, PHONE_STRANGER = "13700005555", "13700006666", "13700009999"


@pytest.fixture
def case(db: Any, isolated_storage: Any) -> Any:
    from tests.factories import two_party_case

    return two_party_case()


@pytest.fixture
def specialists(users: dict[str, Any]) -> dict[str, Any]:
    """'maiji' (maiji_unit1), 'tianlong' (tianlong_unit1) and 'ln' (a second Longnan association account, ln_expert)."""
    from claimbridge.accounts.models import Role, User
    from claimbridge.consultations.models import Specialist
    from claimbridge.organisations.models import Association

    association = Association.objects.get(city__code="621200")
    users["ln_expert"] = User.objects.create_user(username="ln_expert", password="x-pass-2026",
                                                  role=Role.ASSOCIATION_STAFF, association=association)  # fmt: skip
    return {
        "maiji": Specialist.objects.create(user=users["maiji_unit1"], insurer=users["maiji_unit1"].insurer,
                                           topics=["settlement"]),
        "tianlong": Specialist.objects.create(user=users["tianlong_unit1"], insurer=users["tianlong_unit1"].insurer),
        "ln": Specialist.objects.create(user=users["ln_expert"], association=association),
    }  # fmt: skip
