"""Fixtures of the anti-fraud tests: a committee per city beside the demo's joint one, with a member each, and a
reward ratio of 麦积 (issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest


@pytest.fixture
def committees(users: dict[str, Any]) -> dict[str, Any]:
    """'ln' and 'ts': each city's own committee (the most specific for its city, so clues route to it); their
    members 'af_ln' and 'af_ts' (with a second Longnan member 'af_ln2'), added to `users`."""
    from claimbridge.accounts.models import Role, User
    from claimbridge.organisations.models import AntiFraudCommittee, Association

    made = {}
    for key, city, members in (("ln", "621200", ("af_ln", "af_ln2")), ("ts", "620500", ("af_ts",))):
        committee = AntiFraudCommittee.objects.create(name=f"{key} 反欺诈委员会", name_en=f"{key} committee")
        committee.associations.set([Association.objects.get(city__code=city)])
        made[key] = committee
        for username in members:
            users[username] = User.objects.create_user(username=username, password="x-pass-2026",
                                                       role=Role.ANTIFRAUD_MEMBER, committee=committee)  # fmt: skip
    return made


@pytest.fixture
def ratios() -> None:
    from claimbridge.fraud.models import RewardRatio
    from claimbridge.organisations.models import Insurer

    for code in ("maiji", "tianlong"):
        RewardRatio.objects.create(insurer=Insurer.objects.get(code=code), ratio=Decimal("0.0500"),
                                   effective_from=date(2023, 8, 15))  # fmt: skip
