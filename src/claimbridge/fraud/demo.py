"""The demo's anti-fraud casework (`claimbridge demo`; issue 15, R11, R20): each city's own committee beside the joint
one, a member of each, and a reward ratio for every demo insurer.

A city's own committee is the most specific one for it (fraud/routing.py), so the demo's clues go to 陇南市 or 天水市
保险反欺诈委员会 and are shared with the other city's when it is involved; the joint committee (the `antifraud`
account's) keeps reading every case and signal and gets the clues of no known city. Not part of `core.demo.load_demo`,
the world every test starts from: the anti-fraud tests make their own committees and ratios.

Two demo clues show the casework (`load_demo_clues`, after the demo's cases): one filed by 天陇's adjuster from the
agreed quick claim in 武都, at the Longnan committee and shared with Tianshui's (A's policy was written there), with a
request for files waiting at 麦积; one filed by 麦积's adjuster on its own in 秦州区, being screened in Tianshui.

Idempotent: a second run updates the same rows and creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

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


@dataclass(frozen=True)
class DemoClue:
    number: str
    state: str
    note: str


def _demo_clue_plan() -> list[tuple[str, Any, str]]:
    from claimbridge.accounts.models import User
    from claimbridge.cases.models import Case
    from claimbridge.fraud import services

    def from_case() -> Any:
        case = Case.objects.filter(clues__isnull=True, county__code="621202", state="agreed").order_by("pk").first()
        clue = services.clue_create(
            user=User.objects.get(username="tianlong_adj1"),
            case_number=case.number if case else "",
            county_code="621202",
            observations=["damage_inconsistent", "parties_know_each_other"],
            urgency="urgent",
            description="两车损伤高度不一致，双方当事人互存电话，现场有修理厂人员等候",
            people=[
                {"role": "witness", "name": "王五", "phone": "13912345678"},
                {"role": "repairer", "name": "李师傅"},
            ],
            places=[{"kind": "repair_shop", "name": "武都区某汽车修理厂"}],
            submit=True,
        )
        services.file_request_create(
            user=User.objects.get(username="antifraud_ln"),
            clue=clue,
            insurer_code="maiji",
            question="请提供 A 方车辆近一年的出险记录和本案定损照片",
        )
        return clue

    def on_its_own() -> Any:
        clue = services.clue_create(
            user=User.objects.get(username="maiji_adj1"),
            county_code="620502",
            observations=["old_damage"],
            description="车辆左后门凹陷处有锈迹，疑为旧损",
            vehicles=[{"plate": "甘E6789A"}],
            submit=True,
        )
        return services.clue_move(user=User.objects.get(username="antifraud_ts"), clue=clue, action="screen")

    return [
        ("clue-from-case", from_case,
         "from the agreed case in 武都: antifraud_ln works it, antifraud_ts reads it (shared), maiji_hq answers "
         "the request for files, tianlong_adj1 reported it"),
        ("clue-on-its-own", on_its_own, "on its own in 秦州区: antifraud_ts screens it, maiji_adj1 reported it"),
    ]  # fmt: skip


def load_demo_clues() -> list[DemoClue]:
    """The demo's clues, each made once (a run_once key per clue, as the demo's cases)."""
    from claimbridge.core.idempotency import earlier_answer, run_once
    from claimbridge.fraud.models import Clue

    shown = []
    for key, make, note in _demo_clue_plan():
        earlier = earlier_answer(scope="demo", key=key)
        if earlier is None:

            def work(make: Any = make) -> tuple[int, dict[str, Any]]:
                return 201, {"number": make().number}

            with transaction.atomic():
                body = run_once(scope="demo", key=key, work=work)[1]
        else:
            body = earlier[1]
        clue = Clue.objects.filter(number=body["number"]).first()
        if clue is not None:
            shown.append(DemoClue(clue.number, clue.state, note))
    return shown


def load_demo_analysis() -> tuple[int, int]:
    """The demo's rings and scores, rebuilt now rather than left to the worker (issue 16): the demo's cases are all
    between the same two drivers, so they make one ring and the "same two parties before" rule fires. Answers (rings
    of three or more, cases scored)."""
    from claimbridge.cases.models import Case
    from claimbridge.fraud import linking, rings, scoring
    from claimbridge.fraud.analysis_models import Ring

    linking.rings_rescan()
    scored = scoring.cases_rescore(Case.objects.values_list("pk", flat=True))
    return Ring.objects.filter(size__gte=rings.MIN_SIZE).count(), scored
