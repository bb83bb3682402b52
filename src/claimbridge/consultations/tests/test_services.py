"""R13 (consultation): asking, answering, escalating with a deadline, rating once, the FAQ — and the walls between
tenants: an insurer never reads another insurer's questions, and every write is refused to the wrong tenant."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from claimbridge.consultations import selectors, services
from claimbridge.consultations.deadlines import CHINA, due_after_working_days
from claimbridge.consultations.models import Consultation, ConsultationEvent
from claimbridge.consultations.tests.conftest import PHONE_A, PHONE_STRANGER
from claimbridge.core.errors import AppError

pytestmark = pytest.mark.django_db

QUESTION = "我是张三，电话 13912345678，定损后多久能赔付？"


def _ask_on_case(case: Any, **extra: Any) -> Consultation:
    return services.consultation_ask(phone=PHONE_A, question=QUESTION, topic="settlement", case_number=case.number,
                                     **extra)  # fmt: skip


def test_r13_a_question_on_a_case_goes_to_the_askers_insurer_of_record(case):
    """R13: on a case, the question is addressed to the asking party's insurer (A: 麦积), never the other party's."""
    asked = _ask_on_case(case)
    assert asked.insurer.code == "maiji"
    assert asked.association is None
    assert asked.party_label == "A"
    assert asked.state == "asked"
    assert asked.phone_proved
    assert list(asked.events.values_list("kind", flat=True)) == ["asked"]


def test_r13_a_phone_asks_only_on_its_own_cases(case):
    with pytest.raises(AppError) as refused:
        services.consultation_ask(phone=PHONE_STRANGER, question="赔多少？", case_number=case.number)
    assert refused.value.code == "no_such_case"
    assert refused.value.field == "case"
    with pytest.raises(AppError) as unproved:
        services.consultation_ask(phone="", question="赔多少？", insurer_code="maiji")
    assert unproved.value.code == "phone_not_proved"


def test_r13_a_question_on_its_own_goes_to_the_chosen_association_or_insurer(users):
    to_city = services.consultation_ask(phone=PHONE_STRANGER, question="异地出险去哪里理赔？", topic="cross_region",
                                        city_code="620500")  # fmt: skip
    assert to_city.association.city.code == "620500"
    assert to_city.insurer is None
    to_insurer = services.consultation_ask(phone=PHONE_STRANGER, question="需要什么材料？", insurer_code="tianlong")
    assert to_insurer.insurer.code == "tianlong"
    with pytest.raises(AppError) as nobody:
        services.consultation_ask(phone=PHONE_STRANGER, question="？")
    assert nobody.value.code == "addressee_needed"


def test_r13_personal_data_is_encrypted_at_rest_and_masked_in_lists(case):
    asked = _ask_on_case(case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT question, asker_phone FROM consultations_consultation WHERE id = %s", [asked.pk])
        raw = " ".join(cursor.fetchone())
    assert "张三" not in raw
    assert "13912345678" not in raw
    assert PHONE_A not in raw
    assert "13912345678" not in asked.preview
    assert "139****5678" in asked.preview
    assert asked.masked_phone == "137****5555"
    assert "13912345678" not in str(ConsultationEvent.objects.filter(consultation=asked).values_list("data"))


def test_r13_tenant_isolation_an_insurer_never_reads_another_insurers_questions(case, users):
    """B8: 麦积's question is read by 麦积's staff at every level, by nobody at 天陇, 伏羲 or either association."""
    asked = _ask_on_case(case)
    to_ts = services.consultation_ask(phone=PHONE_STRANGER, question="？", city_code="620500")
    for username in ("maiji_hq", "maiji_branch", "maiji_unit1"):
        assert selectors.consultation_get_for_user(user=users[username], number=asked.number) is not None
    for username in ("tianlong_hq", "tianlong_unit1", "fuxi_hq", "ln_assoc", "ts_assoc", "maiji_adj1", "driver_ln",
                     "antifraud", "regulator"):  # fmt: skip
        assert selectors.consultation_get_for_user(user=users[username], number=asked.number) is None, username
        assert asked not in selectors.consultation_list_for_user(user=users[username]), username
    assert selectors.consultation_get_for_user(user=users["ts_assoc"], number=to_ts.number) is not None
    assert selectors.consultation_get_for_user(user=users["ln_assoc"], number=to_ts.number) is None
    assert selectors.consultation_get_for_user(user=users["maiji_hq"], number=to_ts.number) is None
    assert [q.number for q in selectors.consultations_for_phone(phone=PHONE_A)] == [asked.number]
    assert selectors.consultation_get_for_phone(phone=PHONE_STRANGER, number=asked.number) is None


def test_r13_every_write_is_refused_to_the_wrong_tenant(case, users, specialists):
    """B8: answer, escalate, close and the FAQ of 麦积's question, by 天陇's staff, an association, 天陇's specialist
    and 麦积's adjuster: each refused, nothing changed."""
    asked = _ask_on_case(case)
    attempts = {
        "answer": lambda user: services.consultation_answer(user=user, consultation=asked, answer="三天内"),
        "escalate": lambda user: services.consultation_escalate(
            user=user, consultation=asked, specialist_id=specialists["tianlong"].pk
        ),
        "close": lambda user: services.consultation_close(user=user, consultation=asked),
    }
    for username in ("tianlong_hq", "tianlong_unit1", "ln_assoc", "ln_expert", "maiji_adj1", "admin", "fuxi_hq"):
        for action, attempt in attempts.items():
            with pytest.raises(AppError) as refused:
                attempt(users[username])
            assert refused.value.status == 403, (username, action)
    asked.refresh_from_db()
    assert asked.state == "asked"
    assert asked.events_count == 1
    services.consultation_answer(user=users["maiji_hq"], consultation=asked, answer="一般 3 个工作日内赔付")
    with pytest.raises(AppError) as faq_refused:
        services.faq_entry_create(user=users["tianlong_hq"], consultation=asked, question_zh="多久赔付？",
                                  answer_zh="3 个工作日")  # fmt: skip
    assert faq_refused.value.status == 403
    with pytest.raises(AppError) as rate_refused:
        services.consultation_rate(phone=PHONE_STRANGER, consultation=asked, rating=5)
    assert rate_refused.value.status == 403


def test_r13_escalation_goes_only_to_a_specialist_of_the_addressed_organisation(case, users, specialists):
    asked = _ask_on_case(case)
    for other in ("tianlong", "ln"):
        with pytest.raises(AppError) as refused:
            services.consultation_escalate(
                user=users["maiji_hq"], consultation=asked, specialist_id=specialists[other].pk
            )
        assert refused.value.code == "not_a_specialist"
    specialists["maiji"].active = False
    specialists["maiji"].save()
    with pytest.raises(AppError):
        services.consultation_escalate(
            user=users["maiji_hq"], consultation=asked, specialist_id=specialists["maiji"].pk
        )
    assert [s.pk for s in selectors.specialists_for(consultation=asked)] == []


def test_r13_escalate_with_a_deadline_then_the_specialist_answers_and_the_customer_rates_once(case, users, specialists):
    asked = _ask_on_case(case)
    escalated = services.consultation_escalate(user=users["maiji_hq"], consultation=asked,
                                               specialist_id=specialists["maiji"].pk, note="涉及互碰自赔")  # fmt: skip
    assert escalated.state == "escalated"
    assert escalated.due_at == due_after_working_days(escalated.escalated_at, 2)
    assert escalated.due_at.utcoffset() == timedelta(0)
    # the specialist sees it; another insurer's specialist neither sees nor answers it
    assert [q.number for q in selectors.specialist_queue(user=users["maiji_unit1"])] == [asked.number]
    assert selectors.specialist_queue(user=users["tianlong_unit1"]) == []
    with pytest.raises(AppError):
        services.consultation_answer(user=users["tianlong_unit1"], consultation=escalated, answer="不知道")
    with pytest.raises(AppError) as twice:
        services.consultation_escalate(user=users["maiji_hq"], consultation=escalated,
                                       specialist_id=specialists["maiji"].pk)  # fmt: skip
    assert twice.value.code == "illegal_transition"
    assert twice.value.status == 409
    from claimbridge.core.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    answered = services.consultation_answer(user=users["maiji_unit1"], consultation=escalated, answer="按定损金额赔付")
    assert answered.state == "answered"
    assert [(phone, asked.number in text) for phone, text in MemorySmsBackend.outbox] == [(PHONE_A, True)]  # told
    assert answered.answered_by == users["maiji_unit1"]
    assert selectors.specialist_queue(user=users["maiji_unit1"]) == []
    rated = services.consultation_rate(phone=PHONE_A, consultation=answered, rating=4, comment="清楚")
    assert rated.state == "rated"
    assert rated.rating == 4
    with pytest.raises(AppError) as again:
        services.consultation_rate(phone=PHONE_A, consultation=rated, rating=1)
    assert again.value.code == "already_rated"
    assert list(rated.events.values_list("kind", flat=True)) == ["asked", "escalated", "answered", "rated"]
    closed = services.consultation_close(user=users["maiji_hq"], consultation=rated)
    assert closed.state == "closed"
    assert closed.events.last().kind == "closed"


def test_r13_the_specialists_list_is_oldest_due_first_and_marks_the_overdue(users, specialists):
    made = []
    for days_ago in (0, 9, 3):
        asked = services.consultation_ask(phone=PHONE_STRANGER, question=f"问题 {days_ago}", insurer_code="maiji")
        services.consultation_escalate(
            user=users["maiji_hq"], consultation=asked, specialist_id=specialists["maiji"].pk
        )
        Consultation.objects.filter(pk=asked.pk).update(due_at=timezone.now() + timedelta(days=2 - days_ago))
        made.append(asked.number)
    queue = selectors.specialist_queue(user=users["maiji_unit1"])
    assert [q.number for q in queue] == [made[1], made[2], made[0]]
    assert [q.overdue for q in queue] == [True, True, False]


def test_r13_the_hotline_records_a_callers_question_for_its_own_company(case, users):
    recorded = services.consultation_record(user=users["tianlong_hq"], caller_phone="13700006666", caller_name="李四",
                                            question="B 方车辆在哪里定损？", channel="phone", case_number=case.number)  # fmt: skip
    assert recorded.insurer.code == "tianlong"
    assert recorded.party_label == "B"
    assert not recorded.phone_proved
    assert recorded.recorded_by == users["tianlong_hq"]
    assert recorded.channel == "phone"
    with pytest.raises(AppError) as not_staff:
        services.consultation_record(user=users["ln_assoc"], caller_phone="13700006666", question="？")
    assert not_staff.value.status == 403
    with pytest.raises(AppError) as not_theirs:  # 伏羲 covers no party of the case
        services.consultation_record(user=users["fuxi_hq"], caller_phone="13700006666", question="？",
                                     case_number=case.number)  # fmt: skip
    assert not_theirs.value.code == "no_such_case"


def test_r13_an_answered_question_becomes_a_public_faq_entry_without_personal_data(case, users):
    asked = _ask_on_case(case)
    with pytest.raises(AppError) as early:
        services.faq_entry_create(
            user=users["maiji_hq"], consultation=asked, question_zh="多久赔付？", answer_zh="三天"
        )
    assert early.value.code == "not_answered"
    services.consultation_answer(user=users["maiji_hq"], consultation=asked, answer="资料齐全后 3 个工作日内")
    with pytest.raises(AppError) as leaked:
        services.faq_entry_create(user=users["maiji_hq"], consultation=asked, question_zh="13912345678 多久赔付？",
                                  answer_zh="三天")  # fmt: skip
    assert leaked.value.code == "personal_data"
    assert leaked.value.field == "question_zh"
    entry = services.faq_entry_create(user=users["maiji_hq"], consultation=asked, question_zh="定损后多久能赔付？",
                                      answer_zh="资料齐全后 3 个工作日内。", question_en="How soon is a claim paid?")  # fmt: skip
    groups = selectors.faq_published()
    assert [g["code"] for g in groups] == ["settlement"]
    assert groups[0]["entries"] == [entry]
    assert asked.events.last().kind == "faq_published"


def test_r13_association_staff_designate_their_own_specialists_only(users):
    from claimbridge.accounts.models import Role, User
    from claimbridge.organisations.models import Association

    colleague = User.objects.create_user(username="ln_colleague", password="x-pass-2026", role=Role.ASSOCIATION_STAFF,
                                         association=Association.objects.get(city__code="621200"))  # fmt: skip
    made = services.specialist_designate(user=users["ln_assoc"], username="ln_colleague", topics=["liability"])
    assert made.association.city.code == "621200"
    assert made.active
    assert made.user == colleague
    for username in ("ts_assoc", "maiji_hq", "admin"):
        with pytest.raises(AppError):
            services.specialist_designate(user=users[username], username="ln_colleague")
    with pytest.raises(AppError):
        services.specialist_designate(user=users["ln_assoc"], username="ts_assoc")  # not a colleague
    with pytest.raises(AppError):
        services.specialist_stand_down(user=users["ts_assoc"], specialist=made)
    assert services.specialist_stand_down(user=users["ln_assoc"], specialist=made).active is False


@pytest.mark.parametrize(("start", "days", "due"), [
    ("2026-03-06 10:00", 2, "2026-03-10 10:00"),  # Friday → Tuesday
    ("2026-03-07 15:00", 2, "2026-03-11 09:00"),  # Saturday: from Monday at nine
    ("2026-03-02 23:30", 1, "2026-03-03 23:30"),  # Monday late → Tuesday
    ("2026-03-08 08:00", 1, "2026-03-10 09:00"),  # Sunday → Tuesday at nine
])  # fmt: skip
def test_r13_deadlines_count_working_days_in_china_time(start, days, due):
    moment = datetime.fromisoformat(start).replace(tzinfo=CHINA)
    found = due_after_working_days(moment, days)
    assert found.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") == due
    assert found.utcoffset() == timedelta(0)
