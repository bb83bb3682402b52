"""The demo's consultations (`claimbridge demo`; R13): a specialist at 麦积 (maiji_expert, company staff) and one at
Longnan's association (ln_expert); a question from A's phone on the demo's agreed case, escalated to 麦积's specialist
and due in two working days; one from a stranger's phone to Longnan's association, answered and turned into a FAQ
entry; one recorded by 天陇's hotline, waiting. Not part of `core.demo.load_demo`, the world every test starts from.

Idempotent: the specialists are updated in place and each question is made once (a run_once key per question).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from claimbridge.accounts.models import Role
from claimbridge.core.demo import DemoLogin, _user


@dataclass(frozen=True)
class DemoConsultation:
    number: str
    state: str
    note: str


def load_demo_specialists() -> list[DemoLogin]:
    from claimbridge.consultations.models import Specialist
    from claimbridge.organisations.models import Association, Insurer

    logins: list[DemoLogin] = []
    maiji = Insurer.objects.get(code="maiji")
    expert = _user("maiji_expert", role=Role.INSURER_STAFF, full_name="严定损", phone="13800009905", logins=logins,
                   description="insurer staff, 麦积's specialist for escalated questions (/consult/specialist/)",
                   insurer=maiji)  # fmt: skip
    Specialist.objects.update_or_create(user=expert, insurer=maiji, association=None,
                                        defaults={"topics": ["settlement", "repairs", "liability"], "active": True})  # fmt: skip
    longnan = Association.objects.get(city__code="621200")
    ln_expert = _user("ln_expert", role=Role.ASSOCIATION_STAFF, full_name="任政策", phone="13800009906", logins=logins,
                      description="association staff, Longnan association's specialist", association=longnan)  # fmt: skip
    Specialist.objects.update_or_create(user=ln_expert, insurer=None, association=longnan,
                                        defaults={"topics": [], "active": True})  # fmt: skip
    return logins


def _plan() -> list[tuple[str, Any, str]]:
    from claimbridge.accounts.models import User
    from claimbridge.cases.models import Case
    from claimbridge.consultations import services
    from claimbridge.consultations.models import Specialist

    def on_the_case() -> Any:
        case = Case.objects.filter(state="agreed", parties__phone_index__gt="").order_by("pk").first()
        party = case.parties.exclude(phone_index="").filter(insurer__code="maiji").first() if case else None
        if case is None or party is None:
            return services.consultation_ask(phone="13700001001", question="定损后多久能拿到赔款？",
                                             topic="settlement", insurer_code="maiji")  # fmt: skip
        asked = services.consultation_ask(phone=party.driver_phone, question="对方全责，维修费需要我先垫付吗？",
                                          topic="settlement", case_number=case.number)  # fmt: skip
        specialist = Specialist.objects.get(user__username="maiji_expert")
        return services.consultation_escalate(user=User.objects.get(username="maiji_hq"), consultation=asked,
                                              specialist_id=specialist.pk, note="涉及无责代赔，请专家答复")  # fmt: skip

    def to_the_association() -> Any:
        asked = services.consultation_ask(phone="13700001002", question="我在天水投保，在陇南出险，可以在陇南理赔吗？",
                                          topic="cross_region", city_code="621200")  # fmt: skip
        staff = User.objects.get(username="ln_assoc")
        services.consultation_answer(user=staff, consultation=asked,
                                     answer="可以。保险公司在陇南的分支机构会受理，您也可以在天水的承保机构办理。")  # fmt: skip
        services.faq_entry_create(user=staff, consultation=asked, question_zh="在天水投保、在陇南出险，可以在陇南理赔吗？",
                                  answer_zh="可以。同一保险公司在出险地或承保地的任一网点都可以受理。",
                                  question_en="Insured in Tianshui, accident in Longnan: can I claim in Longnan?",
                                  answer_en="Yes. Any office of your insurer in either city handles the claim.")  # fmt: skip
        return asked

    def by_the_hotline() -> Any:
        return services.consultation_record(user=User.objects.get(username="tianlong_hq"), caller_phone="13700001003",
                                            question="快处易赔需要哪些照片？", topic="quick_claim", channel="hotline")  # fmt: skip

    return [
        ("consult-on-case", on_the_case, "from A's phone on the agreed case: maiji_expert answers (escalated)"),
        ("consult-association", to_the_association, "to Longnan's association: answered, in the FAQ (ln_assoc)"),
        ("consult-hotline", by_the_hotline, "recorded by 天陇's hotline: tianlong_hq answers"),
    ]


def load_demo_consultations() -> list[DemoConsultation]:
    from claimbridge.consultations.models import Consultation
    from claimbridge.core.idempotency import earlier_answer, run_once

    shown = []
    for key, make, note in _plan():
        earlier = earlier_answer(scope="demo", key=key)
        if earlier is None:

            def work(make: Any = make) -> tuple[int, dict[str, Any]]:
                return 201, {"number": make().number}

            with transaction.atomic():
                body = run_once(scope="demo", key=key, work=work)[1]
        else:
            body = earlier[1]
        found = Consultation.objects.filter(number=body["number"]).first()
        if found is not None:
            shown.append(DemoConsultation(found.number, found.state, note))
    return shown
