"""The demo's anti-fraud casework (`claimbridge demo`; issue 15, R11, R20): each city's own committee beside the joint
one, a member of each, and a reward ratio for every demo insurer.

A city's own committee is the most specific one for it (fraud/routing.py), so the demo's clues go to 陇南市 or 天水市
保险反欺诈委员会 and are shared with the other city's when it is involved; the joint committee (the `antifraud`
account's) keeps reading every case and signal and gets the clues of no known city. Not part of `core.demo.load_demo`,
the world every test starts from: the anti-fraud tests make their own committees and ratios.

Idempotent: a second run updates the same rows and creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from claimbridge.accounts.models import Role
from claimbridge.core.demo import INSURERS, DemoLogin, _user
from claimbridge.fraud.models import RewardRatio
from claimbridge.organisations.models import AntiFraudCommittee, Association, Insurer

# (city, committee, committee in English, member's login, member's name and phone: fixed, like the police's)
CITY_COMMITTEES = (
    ("621200", "陇南市保险反欺诈委员会", "Longnan Insurance Anti-Fraud Committee", "antifraud_ln", "袁立平", "13800009903"),
    ("620500", "天水市保险反欺诈委员会", "Tianshui Insurance Anti-Fraud Committee", "antifraud_ts", "蒲晓琴", "13800009904"),
)  # fmt: skip
RATIOS_FROM = date(2023, 8, 15)
# A fraction of the amount saved (R11): 5 %, and 伏羲 3 % so that the reward visibly follows the underwriter.
RATIOS = {"tianlong": Decimal("0.0500"), "maiji": Decimal("0.0500"), "fuxi": Decimal("0.0300"),
          "bailong": Decimal("0.0500")}  # fmt: skip


@dataclass(frozen=True)
class DemoFraud:
    logins: list[DemoLogin]
    ratios: list[tuple[str, Decimal]]  # (insurer's short name, ratio) in the demo's insurer order


@transaction.atomic
def load_demo_fraud() -> DemoFraud:
    logins: list[DemoLogin] = []
    for city_code, name, name_en, username, full_name, phone in CITY_COMMITTEES:
        association = Association.objects.get(city__code=city_code)
        committee, _made = AntiFraudCommittee.objects.update_or_create(name=name, defaults={"name_en": name_en})
        committee.associations.set([association])
        _user(username, role=Role.ANTIFRAUD_MEMBER, full_name=full_name, phone=phone, logins=logins,
              description=f"anti-fraud committee member, {association.city.name_en}'s own committee",
              committee=committee)  # fmt: skip
    ratios = []
    for spec in INSURERS:
        ratio = RATIOS[spec.code]
        RewardRatio.objects.update_or_create(insurer=Insurer.objects.get(code=spec.code), effective_from=RATIOS_FROM,
                                             defaults={"ratio": ratio, "effective_until": None})  # fmt: skip
        ratios.append((spec.short_name, ratio))
    return DemoFraud(logins=logins, ratios=ratios)
