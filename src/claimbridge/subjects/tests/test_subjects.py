"""Issue 20 item 3 (PIPL arts. 44–47; B8, R17, R19): a person sees what the platform holds about them — their own
party only, never the other party's — downloads a copy, asks for a correction or a deletion; the holding organisation
works it within the deadline; a deletion is refused with the date while a retention duty applies; every change is
an audit event; the other city's association and the other insurer neither see nor work the request."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claimbridge.core.errors import AppError
from claimbridge.subjects import hooks, selectors, services
from claimbridge.subjects.models import SubjectRequest
from claimbridge.subjects.selectors import Subject
from claimbridge.subjects.tests.helpers import granted

pytestmark = pytest.mark.django_db

PHONE_A, PHONE_B = "13700005555", "13700006666"


@pytest.fixture
def case(db: Any, isolated_storage: Any) -> Any:
    from tests.factories import two_party_case

    return two_party_case()


@pytest.fixture
def question(case: Any) -> Any:
    """A's question on its own, put to Longnan's association."""
    from claimbridge.consultations.services import consultation_ask

    return consultation_ask(phone=PHONE_A, question="我的数据怎么删除？", city_code="621200")


def _ask(kind: str, record: str, **extra: Any) -> SubjectRequest:
    return services.subject_request_create(subject=Subject(phone=PHONE_A), kind=kind, record=record, **extra)


def test_b8_the_holdings_are_the_persons_own_party_never_the_other(case, question):
    """B8, PIPL art. 45: A's copy holds A's party (name, licence, plate) and A's question, and nothing of B."""
    data = selectors.holdings(subject=Subject(phone=PHONE_A), masked=False)
    text = json.dumps(data, ensure_ascii=False)
    assert [c["party"] for c in data["cases"]] == ["A"]
    assert data["cases"][0]["driver_name"] == "张三"
    assert data["cases"][0]["driver_licence"] == "11010519491231002X"
    assert [q["number"] for q in data["consultations"]] == [question.number]
    assert "李四" not in text
    assert "34052419800101001X" not in text
    assert PHONE_B not in text
    assert "甘K12345" not in text
    assert data["schema"] == "claimbridge.subject-data"
    assert data["schema_version"] == 1
    masked = selectors.holdings(subject=Subject(phone=PHONE_A), masked=True)
    assert masked["cases"][0]["driver_licence"] != "11010519491231002X"
    b = selectors.holdings(subject=Subject(phone=PHONE_B), masked=False)
    assert [c["party"] for c in b["cases"]] == ["B"]
    assert b["consultations"] == []
    assert "张三" not in json.dumps(b, ensure_ascii=False)
    assert selectors.holdings(subject=Subject(phone="13700001234"))["cases"] == []


def test_pipl_a_deletion_goes_to_the_citys_association_with_the_deadline(case, settings):
    """PIPL art. 47, R17: the association of the city where the case sits works it; deadline received + setting."""
    settings.SUBJECT_REQUEST_DEADLINE_DAYS = 15
    made = _ask("deletion", f"case:{case.number}", note="不再使用")
    assert made.holder_association.city.code == "621200"
    assert made.holder_insurer is None
    assert made.deadline - made.received_at == timedelta(days=15)
    assert made.state == "received"
    assert made.phone_index
    assert made.phone == PHONE_A
    assert list(made.events.values_list("kind", flat=True)) == ["received"]
    settings.SUBJECT_REQUEST_DEADLINE_DAYS = 3
    other = services.subject_request_create(
        subject=Subject(phone=PHONE_B), kind="deletion", record=f"case:{case.number}"
    )
    assert other.deadline - timezone.now() < timedelta(days=3, minutes=1)


def test_pipl_a_claim_correction_goes_to_the_partys_insurer(case):
    made = _ask("correction", f"case:{case.number}", field="claim", correction="赔款账户应为尾号 1234")
    assert made.holder_insurer.code == "maiji"
    assert made.holder_association is None
    assert made.correction == "赔款账户应为尾号 1234"
    name = _ask("correction", f"case:{case.number}", field="driver_name", correction="张叁")
    assert name.holder_association.city.code == "621200"


def test_b8_a_person_asks_only_about_their_own_records(case, question):
    for subject, record in ((Subject(phone="13700001234"), f"case:{case.number}"),
                            (Subject(phone=PHONE_B), f"consultation:{question.number}"),
                            (Subject(phone=PHONE_A), "account")):  # fmt: skip
        with pytest.raises(AppError) as refused:
            services.subject_request_create(subject=subject, kind="deletion", record=record)
        assert refused.value.code == "not_your_record"
        assert refused.value.zh
        assert refused.value.en
    with pytest.raises(AppError) as unproved:
        services.subject_request_create(subject=Subject(), kind="deletion", record=f"case:{case.number}")
    assert unproved.value.status == 401
    with pytest.raises(AppError) as no_field:
        _ask("correction", f"case:{case.number}", field="nonsense", correction="x")
    assert no_field.value.field == "field"


def _held_until(day: date | None, *, held: bool = True) -> Any:
    """The retention app's answer (`retention.erasure.Hold`) for a claim record kept until `day`."""
    from datetime import datetime, time

    from claimbridge.retention.erasure import Hold

    until = timezone.make_aware(datetime.combine(day, time(12))) if day else None
    if not held:
        return Hold(False, until, "unclaimed_report", "无保存义务", "no retention duty holds")
    return Hold(True, until, "claim_record", f"须保存至 {day}（保险法 第八十七条）" if day else "理赔尚未结案：结案后起算保存期限",
                f"must be kept until {day} (保险法 第八十七条)" if day else "the claim is still open")  # fmt: skip


def test_pipl_a_retained_deletion_is_shown_before_the_decision_and_refused_explaining_the_duty(
    case, users, monkeypatch
):
    """Issue 20 walker, HIGH: the desk sees the duty (which, until when) before deciding; approving cannot erase a
    retained record — 409, nothing changed, nothing erased — and the refusal, prefilled with the duty, records the date."""
    made = _ask("deletion", f"case:{case.number}")
    erased: list[Any] = []
    monkeypatch.setattr(hooks, "retention_hold", lambda case, *, at: _held_until(date(2029, 6, 30)))
    monkeypatch.setattr(hooks, "case_erase", lambda **kw: erased.append(kw))
    plan = selectors.request_plan(made)
    assert plan.way == "keep"
    assert plan.refuse_only
    assert plan.retained_until == date(2029, 6, 30)
    assert [(d.case, d.held, d.until) for d in plan.retention] == [(case.number, True, date(2029, 6, 30))]
    assert "保险法》第八十七条" in plan.retention[0].duty_zh
    assert "2029年06月30日" in plan.reason_zh
    assert "2029-06-30" in plan.reason_en
    with pytest.raises(AppError) as refused:
        services.subject_request_complete(user=users["ln_assoc"], request=made)
    assert (refused.value.code, refused.value.status) == ("retention_applies", 409)
    assert refused.value.zh
    assert refused.value.en
    made.refresh_from_db()
    assert made.state == "received"
    assert erased == []
    assert list(made.events.values_list("kind", flat=True)) == ["received"]
    done = services.subject_request_refuse(user=users["ln_assoc"], request=made, reason_zh=plan.reason_zh,
                                           reason_en=plan.reason_en)  # fmt: skip
    assert done.state == "refused"
    assert done.refusal_code == "retention"
    assert done.retained_until == date(2029, 6, 30)
    assert list(done.events.values_list("kind", flat=True)) == ["received", "refused"]
    assert done.events.last().data["retained_until"] == "2029-06-30"
    monkeypatch.setattr(hooks, "retention_hold", lambda case, *, at: _held_until(None, held=False))
    again = _ask("deletion", f"case:{case.number}")
    assert selectors.request_plan(again).way == "delete"
    services.subject_request_complete(user=users["ln_assoc"], request=again)
    assert again.state == "done"
    assert [kw["case"].pk for kw in erased] == [case.pk]


def test_pipl_the_desk_shows_the_retention_apps_own_answer(case, users):
    """No stand-in: the plan carries exactly what `retention.erasure.retained_until` says of the case."""
    from claimbridge.retention.erasure import retained_until

    made = _ask("deletion", f"case:{case.number}")
    hold = retained_until(case)
    duty = selectors.request_plan(made).retention[0]
    assert (duty.held, duty.why_zh, duty.why_en) == (hold.held, hold.zh, hold.en)
    page = Client()
    page.force_login(users["ln_assoc"])
    shown = page.get(f"/data-requests/{made.number}/", secure=True, headers={"accept-language": "zh-hans"})
    duty_html = shown.content.decode().split('data-testid="retention-duty"')[1].split("</div>")[0]
    assert hold.zh in re.sub(r"<[^>]+>", "", duty_html)
    if hold.until is not None:  # the date said once (issue 20 walker: "须保存至 … · 保存至 …")
        assert re.sub(r"<[^>]+>", "", duty_html).count(f"{timezone.localdate(hold.until):%Y-%m-%d}") == 1


def test_pipl_a_refusal_needs_its_reason_and_changes_nothing_without(case, users):
    made = _ask("deletion", f"case:{case.number}")
    with pytest.raises(AppError) as refused:
        services.subject_request_refuse(user=users["ln_assoc"], request=made, reason_zh="  ")
    assert (refused.value.status, refused.value.field, refused.value.code) == (422, "reason_zh", "reason_required")
    assert refused.value.zh != refused.value.en
    made.refresh_from_db()
    assert made.state == "received"
    assert made.events.count() == 1
    page = Client()
    page.force_login(users["ln_assoc"])
    answer = page.post(f"/data-requests/{made.number}/", {"op": "refuse", "reason_zh": ""}, secure=True,
                       headers={"accept-language": "zh-hans"})  # fmt: skip
    assert answer.status_code == 422
    html = answer.content.decode()
    label = html.index('<label for="id_reason_zh">')
    assert html.index("请写明不予办理的理由", label) < html.index('<label for="id_reason_en">')  # next to its field
    made.refresh_from_db()
    assert made.state == "received"


def test_pipl_the_person_is_texted_when_the_request_is_received_and_worked(case, users, caplog):
    """Through the platform's one text path (core.sms): the request's number and the outcome; the number unlogged."""
    from claimbridge.core.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    made = _ask("deletion", f"case:{case.number}")
    assert [(phone, made.number in text, "已受理" in text) for phone, text in MemorySmsBackend.outbox] == [
        (PHONE_A, True, True)
    ]  # fmt: skip
    services.subject_request_start(user=users["ln_assoc"], request=made)
    assert len(MemorySmsBackend.outbox) == 1  # started is not an outcome
    services.subject_request_refuse(user=users["ln_assoc"], request=made, reason_zh="案件理赔中，暂不能删除")
    phone, text = MemorySmsBackend.outbox[-1]
    assert phone == PHONE_A
    assert made.number in text
    assert "不予办理" in text
    assert "案件理赔中" not in text  # the holder's words stay on the page
    fixed = _ask("correction", f"case:{case.number}", field="driver_name", correction="张叁")
    services.subject_request_complete(user=users["ln_assoc"], request=fixed)
    assert fixed.number in MemorySmsBackend.outbox[-1][1]
    assert "已办结" in MemorySmsBackend.outbox[-1][1]
    assert "张叁" not in MemorySmsBackend.outbox[-1][1]
    assert PHONE_A not in caplog.text


def test_pipl_a_text_that_fails_is_logged_masked_and_changes_nothing(case, monkeypatch, caplog):
    from claimbridge.subjects import tasks

    def broken(phone: str, text: str) -> None:
        raise RuntimeError(f"gateway refused {phone}")

    monkeypatch.setattr(tasks, "send_sms", broken)
    made = _ask("deletion", f"case:{case.number}")
    assert SubjectRequest.objects.filter(pk=made.pk).exists()
    assert made.number in caplog.text
    assert PHONE_A not in caplog.text


def test_pipl_a_question_is_erased_and_the_request_done(question, users):
    made = _ask("deletion", f"consultation:{question.number}")
    assert made.holder_association.city.code == "621200"
    services.subject_request_start(user=users["ln_assoc"], request=made)
    done = services.subject_request_complete(user=users["ln_assoc"], request=made)
    assert done.state == "done"
    assert done.worked_by == users["ln_assoc"]
    assert done.worked_at is not None
    question.refresh_from_db()
    assert question.question != "我的数据怎么删除？"
    assert question.asker_phone_index == ""
    assert selectors.holdings(subject=Subject(phone=PHONE_A))["consultations"] == []
    assert [r.number for r in selectors.requests_for_subject(subject=Subject(phone=PHONE_A))] == [made.number]
    assert list(done.events.values_list("kind", flat=True)) == ["received", "started", "done"]
    with pytest.raises(AppError) as again:
        services.subject_request_refuse(user=users["ln_assoc"], request=done, reason_zh="重复")
    assert again.value.status == 409


def test_b8_only_the_holder_works_and_sees_the_request(case, users):
    """B8, R17: Tianshui's association, the insurers and the person themself neither see nor work Longnan's request."""
    from claimbridge.core.crypto import audit_chain_keys
    from claimbridge.core.hashchain import GENESIS, link

    made = _ask("deletion", f"case:{case.number}")
    for name in ("ts_assoc", "maiji_hq", "tianlong_hq", "admin", "driver_ln"):
        with pytest.raises(AppError) as refused:
            services.subject_request_refuse(user=users[name], request=made, reason_zh="不予删除")
        assert refused.value.status == 403, name
    assert [r.number for r in selectors.queue_for_user(user=users["ln_assoc"])] == [made.number]
    for name in ("ts_assoc", "maiji_hq", "tianlong_unit1", "tianlong_adj1", "driver_ln"):
        assert list(selectors.queue_for_user(user=users[name])) == [], name
    assert selectors.request_get_for_user(user=users["ts_assoc"], number=made.number) is None
    refused_request = services.subject_request_refuse(user=users["ln_assoc"], request=made, reason_zh="案件仍在理赔中",
                                                      reason_en="The claim is still open")  # fmt: skip
    assert refused_request.state == "refused"
    assert refused_request.refusal_en == "The claim is still open"
    previous, keys = GENESIS, audit_chain_keys()
    for event in made.events.order_by("sequence"):
        assert event.hash == link(previous, event.payload(made.number), keys[event.key_id])
        previous = event.hash
    assert made.events.count() == 2


def test_r17_an_adjusters_request_goes_to_the_association_that_issued_the_credential(users):
    from tests.world import ADJUSTER_DETAILS, id_number

    from claimbridge.credentials import services as register

    entry = register.adjuster_submit(user=users["tianlong_hq"], full_name="赵铁柱", id_number=id_number(1),
                                     phone="13911110001", city_code="620500", details=dict(ADJUSTER_DETAILS),
                                     account="tianlong_adj1")  # fmt: skip
    subject = Subject(user=users["tianlong_adj1"])
    data = selectors.holdings(subject=subject, masked=False)
    assert data["account"]["username"] == "tianlong_adj1"
    assert [e["id"] for e in data["register"]] == [entry.pk]
    made = services.subject_request_create(subject=subject, kind="correction", record=f"register:{entry.pk}",
                                           field="phone", correction="13911110009")  # fmt: skip
    assert made.holder_association.city.code == "620500"
    assert made.user == users["tianlong_adj1"]
    account = services.subject_request_create(subject=subject, kind="correction", record="account",
                                              field="full_name", correction="赵铁柱")  # fmt: skip
    assert account.holder_association.city.code == "620500"
    with pytest.raises(AppError):
        services.subject_request_complete(user=users["ln_assoc"], request=made, resolution="已更正")
    services.subject_request_complete(user=users["ts_assoc"], request=made, resolution="已更正手机号")
    assert made.state == "done"
    assert made.resolution == "已更正手机号"


def test_pipl_overdue_requests_are_marked(case, users):
    made = _ask("deletion", f"case:{case.number}")
    SubjectRequest.objects.filter(pk=made.pk).update(deadline=timezone.now() - timedelta(hours=1))
    made.refresh_from_db()
    assert made.overdue
    page = Client()
    page.force_login(users["ln_assoc"])
    answer = page.get("/data-requests/", secure=True)
    assert answer.status_code == 200
    assert "overdue" in answer.content.decode()


def test_pipl_the_api_copy_request_and_work(case, users, monkeypatch):
    """PIPL arts. 45–47 over the API: the grant, the copy (JSON and PDF, each download recorded), a request once per
    Idempotency-Key, the holder's work; bad input 4xx with both languages."""
    from claimbridge.accesslog.models import AccessRecord

    phone = granted(PHONE_A)
    copy = phone.get("/api/v1/subjects/me/copy.json", secure=True)
    assert copy.status_code == 200
    assert copy.json()["cases"][0]["driver_name"] == "张三"
    assert "李四" not in copy.content.decode()
    pdf = phone.get("/api/v1/subjects/me/copy.pdf", secure=True)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    recorded = AccessRecord.objects.filter(action="data_copy_downloaded").order_by("pk")
    assert [(r.what, r.purpose) for r in recorded] == [
        ("subject-copy.json", "data_subject_request"), ("subject-copy.pdf", "data_subject_request")
    ]  # fmt: skip
    assert all(
        r.actor_label.startswith("subject:phone:") and PHONE_A not in r.actor_label + r.object_ref for r in recorded
    )
    body = json.dumps({"kind": "deletion", "record": f"case:{case.number}"})
    first = phone.post("/api/v1/subjects/requests", body, content_type="application/json", secure=True,
                       headers={"Idempotency-Key": "k1"})  # fmt: skip
    again = phone.post("/api/v1/subjects/requests", body, content_type="application/json", secure=True,
                       headers={"Idempotency-Key": "k1"})  # fmt: skip
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert SubjectRequest.objects.count() == 1
    for body, status in (({"kind": "deletion", "record": "case:nothing"}, 404), ({"kind": "erase", "record": "x"}, 422),
                         ({"kind": "correction", "record": f"case:{case.number}", "field": "plate"}, 422)):  # fmt: skip
        bad = phone.post("/api/v1/subjects/requests", json.dumps(body), content_type="application/json", secure=True)
        assert bad.status_code == status, body
        assert bad.json()["error"]["zh"]
        assert bad.json()["error"]["en"]
    assert Client().get("/api/v1/subjects/me", secure=True).status_code == 401
    staff = Client()
    staff.force_login(users["ts_assoc"])
    number = first.json()["number"]
    assert staff.get(f"/api/v1/subjects/queue/{number}", secure=True).status_code == 404
    staff.force_login(users["ln_assoc"])
    queue = staff.get("/api/v1/subjects/queue", secure=True).json()["requests"]
    assert [r["number"] for r in queue] == [number]
    assert queue[0]["phone"] != PHONE_A
    assert queue[0]["plan"]["way"] in ("delete", "keep")
    assert queue[0]["plan"]["retention"][0]["case"] == case.number
    assert queue[0]["record_name"] == f"事故案件 {case.number}"
    assert queue[0]["days_left"] in (14, 15)
    empty = staff.post(f"/api/v1/subjects/queue/{number}/work", json.dumps({"action": "refuse", "reason_zh": ""}),
                       content_type="application/json", secure=True)  # fmt: skip
    assert empty.status_code == 422
    assert (empty.json()["error"]["field"], bool(empty.json()["error"]["zh"]), bool(empty.json()["error"]["en"])) == (
        "reason_zh", True, True)  # fmt: skip
    monkeypatch.setattr(hooks, "retention_hold", lambda case, *, at: _held_until(date(2030, 1, 31)))
    kept = staff.get(f"/api/v1/subjects/queue/{number}", secure=True).json()["plan"]
    assert (kept["way"], kept["retained_until"], kept["retention"][0]["until"]) == ("keep", "2030-01-31", "2030-01-31")
    approve = staff.post(f"/api/v1/subjects/queue/{number}/work", json.dumps({"action": "complete"}),
                         content_type="application/json", secure=True)  # fmt: skip
    assert approve.status_code == 409
    assert approve.json()["error"]["code"] == "retention_applies"
    assert SubjectRequest.objects.get(number=number).state == "received"
    refused = staff.post(f"/api/v1/subjects/queue/{number}/work",
                         json.dumps({"action": "refuse", "reason_zh": "案件理赔中", "for_retention": True}),
                         content_type="application/json", secure=True)  # fmt: skip
    assert refused.status_code == 200
    assert refused.json()["state"] == "refused"
    assert refused.json()["retained_until"] == "2030-01-31"
    mine = phone.get("/api/v1/subjects/requests", secure=True).json()["requests"]
    assert mine[0]["refusal"]["zh"] == "案件理赔中"
    assert mine[0]["retained_until"] == "2030-01-31"


def test_pipl_the_grant_is_short_lived(case, monkeypatch):
    import time

    phone = granted(PHONE_A)
    held = phone.get("/api/v1/subjects/me", secure=True)
    assert held.status_code == 200
    assert (held.json()["schema_version"], "schema" in held.json(), "schema_name" in held.json()) == (1, True, False)
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert phone.get("/api/v1/subjects/me", secure=True).status_code == 401


# --- corrections: asked clearly, applied when approved -------------------------------------------------------------


def _phone_page(phone: str) -> Client:
    """A browser session granted "my data" for the mobile (the page's own code step)."""
    from tests.world import sms_code_for

    page = Client(headers={"accept-language": "zh-hans"})
    answer = page.post("/my-data/", {"phone": phone, "sms_code": sms_code_for(phone), "verify": "1"}, secure=True)
    assert answer.status_code == 302, answer.content.decode()[:500]
    return page


def test_pipl_the_correction_form_offers_each_records_own_fields_and_puts_errors_next_to_them(case, question):
    page = _phone_page(PHONE_A)
    html = page.get("/my-data/", secure=True).content.decode()
    group = html[html.index(f'<optgroup label="事故案件 {case.number}') :]
    group = group[: group.index("</optgroup>")]
    assert group.count(">姓名<") == 1
    assert f'value="case:{case.number}|driver_name"' in group
    assert "full_name" not in html  # an account's field is never offered for a driver's case
    key = page.get("/my-data/", secure=True).content.decode().split('name="form_key" value="')[1].split('"')[0]
    nothing = page.post("/my-data/", {"op": "correction", "form_key": key, "correction": "张叁"}, secure=True)
    assert nothing.status_code == 422
    text = nothing.content.decode()
    assert "请选择要更正的内容" in text[text.index('<label for="id_item">') : text.index('<label for="id_correction">')]
    bad = page.post("/my-data/", {"op": "correction", "form_key": key, "item": f"case:{case.number}|plate",
                                  "correction": "不是号牌"}, secure=True)  # fmt: skip
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "号牌号码无效" in text[text.index('<label for="id_correction">') : text.index('<label for="id_note">')]
    assert "请选择要更正的内容" not in text
    assert SubjectRequest.objects.count() == 0
    sent = page.post("/my-data/", {"op": "correction", "form_key": key, "item": f"case:{case.number}|driver_name",
                                   "correction": "张叁", "note": "身份证上是叁"}, secure=True)  # fmt: skip
    assert sent.status_code == 302
    made = SubjectRequest.objects.get()
    assert (made.kind, made.record_ref, made.field, made.correction, made.note) == (
        "correction", case.number, "driver_name", "张叁", "身份证上是叁")  # fmt: skip
    mine = page.get("/my-data/", secure=True).content.decode()
    listed = mine[mine.index('data-testid="my-requests"') : mine.index('data-testid="my-holdings"')]
    assert made.number in listed
    assert f"事故案件 {case.number}" in listed  # the request names its record …
    assert "姓名" in listed  # … and the field


def test_pipl_an_approved_correction_is_written_to_the_record_on_its_chain(case, users):
    """While the case may change: through the drivers' own service (party_updated on the case's chain)."""
    from claimbridge.cases.models import CaseEvent, CaseParty

    made = _ask("correction", f"case:{case.number}", field="driver_name", correction="张叁")
    plan = selectors.request_plan(made)
    assert plan.way == "apply"
    assert plan.current
    assert plan.current != "张三"  # masked
    assert plan.warning_zh == ""  # no agreement signed yet: nothing to warn about
    done = services.subject_request_complete(user=users["ln_assoc"], request=made)
    assert done.state == "done"
    assert "已按申请更正姓名" in done.resolution
    party = CaseParty.objects.get(case=case, label="A")
    assert party.driver_name == "张叁"
    from claimbridge.core import crypto

    assert party.name_index == crypto.name_blind_index("张叁")
    event = CaseEvent.objects.filter(case=case).order_by("-sequence").values_list("kind", "data")
    assert ("party_updated", {"party": "A", "fields": ["driver_name"], "request": made.number}) in list(event)
    corrected = CaseEvent.objects.filter(case=case, kind="party_updated").order_by("-sequence").first()
    assert corrected.actor_id == users["ln_assoc"].pk  # the clerk, not the driver
    assert done.events.last().data["applied"] == "driver_name"
    mine = selectors.requests_for_subject(subject=Subject(phone=PHONE_A))[0]
    assert selectors.request_out(mine)["field_name"] == "姓名"


def test_pipl_after_the_agreement_a_correction_is_written_under_the_cases_lock_and_a_plate_is_refused(
    db, isolated_storage, users
):
    from tests.factories import agreed_case

    from claimbridge.cases.models import CaseEvent, CaseParty
    from claimbridge.cases.services.audit import audit_verify

    case = agreed_case()
    assert case.state == "agreed"
    vin = _ask("correction", f"case:{case.number}", field="vin", correction="LSVAM4187C2184847")
    warned = selectors.request_plan(vin)  # issue 20 walker: the signed agreement keeps the old value — said first
    assert warned.way == "apply"
    assert "协议书不会改变" in warned.warning_zh
    assert "not changed" in warned.warning_en
    desk = Client(headers={"accept-language": "zh-hans"})
    desk.force_login(users["ln_assoc"])
    shown = desk.get(f"/data-requests/{vin.number}/", secure=True).content.decode()
    form = shown[shown.index('data-testid="complete-form"') :]
    assert "协议书不会改变" in form[: form.index('data-testid="complete"')]  # above the approve button
    services.subject_request_complete(user=users["ln_assoc"], request=vin, resolution="核对行驶证后更正")
    party = CaseParty.objects.get(case=case, label="A")
    assert party.vin == "LSVAM4187C2184847"
    assert party.confirmed_at is not None  # the agreement stands
    last = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert (last.kind, last.actor_id, last.data) == ("party_updated", users["ln_assoc"].pk,
                                                     {"party": "A", "fields": ["vin"], "request": vin.number})  # fmt: skip
    assert vin.resolution == "已按申请更正车架号。核对行驶证后更正"
    from django.utils import translation

    from claimbridge.cases.timeline_words import event_words

    with translation.override("zh-hans"):
        words = event_words("party_updated", last.data, insurer_names={}, fallback="")
    assert vin.number in words
    assert "个人信息申请" in words
    assert "更新了信息" not in words  # not the driver's own change
    assert audit_verify() == []
    plate = _ask("correction", f"case:{case.number}", field="plate", correction="甘K99999")
    plan = selectors.request_plan(plate)
    assert plan.way == "cannot"
    with pytest.raises(AppError) as refused:
        services.subject_request_complete(user=users["ln_assoc"], request=plate)
    assert (refused.value.code, refused.value.status) == ("cannot_correct_in_place", 409)
    party.refresh_from_db()
    assert party.plate != "甘K99999"
    plate.refresh_from_db()
    assert plate.state == "received"


def test_r17_an_id_number_used_as_a_blind_index_is_not_corrected_in_place(users):
    from tests.world import ADJUSTER_DETAILS, id_number

    from claimbridge.credentials import services as register

    entry = register.adjuster_submit(user=users["tianlong_hq"], full_name="赵铁柱", id_number=id_number(1),
                                     phone="13911110001", city_code="620500", details=dict(ADJUSTER_DETAILS),
                                     account="tianlong_adj1")  # fmt: skip
    subject = Subject(user=users["tianlong_adj1"])
    made = services.subject_request_create(subject=subject, kind="correction", record=f"register:{entry.pk}",
                                           field="id_number", correction=id_number(2))  # fmt: skip
    plan = selectors.request_plan(made)
    assert plan.way == "cannot"
    assert "盲索引" in plan.reason_zh
    with pytest.raises(AppError) as refused:
        services.subject_request_complete(user=users["ts_assoc"], request=made, resolution="已改")
    assert refused.value.status == 409
    entry.refresh_from_db()
    assert entry.id_number == id_number(1)
    services.subject_request_refuse(user=users["ts_assoc"], request=made, reason_zh=plan.reason_zh)
    assert made.state == "refused"
    name = services.subject_request_create(subject=subject, kind="correction", record="account", field="full_name",
                                           correction="赵铁桩")  # fmt: skip
    assert selectors.request_plan(name).way == "apply"
    services.subject_request_complete(user=users["ts_assoc"], request=name)
    users["tianlong_adj1"].refresh_from_db()
    assert users["tianlong_adj1"].full_name == "赵铁桩"
    by_hand = services.subject_request_create(subject=subject, kind="correction", record=f"register:{entry.pk}",
                                              field="phone", correction="13911110009")  # fmt: skip
    assert selectors.request_plan(by_hand).way == "by_hand"
    with pytest.raises(AppError) as needs_note:
        services.subject_request_complete(user=users["ts_assoc"], request=by_hand)
    assert needs_note.value.field == "resolution"


# --- the pages -----------------------------------------------------------------------------------------------------


def test_pipl_the_phone_form_sent_empty_says_what_is_missing(db):
    page = Client(headers={"accept-language": "zh-hans"})
    for button in ("send_code", "verify"):
        answer = page.post("/my-data/", {button: "1", "phone": ""}, secure=True)
        assert answer.status_code == 422
        html = answer.content.decode()
        after = html[html.index('<label for="id_phone">') :]
        assert 'class="error" role="alert"' in after[: after.index('<label for="id_sms_code">')]
        assert "novalidate" in html  # the page's own message, not a bubble the phone may not show


def test_pipl_the_desk_links_the_case_and_counts_down_to_the_deadline(case, users):
    made = _ask("deletion", f"case:{case.number}")
    late = services.subject_request_create(
        subject=Subject(phone=PHONE_B), kind="deletion", record=f"case:{case.number}"
    )
    SubjectRequest.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(days=2))
    page = Client(headers={"accept-language": "zh-hans"})
    page.force_login(users["ln_assoc"])
    html = page.get("/data-requests/", secure=True).content.decode()
    rows = {number: html[html.index(number) :][:1500] for number in (made.number, late.number)}
    assert "剩余 15 天" in rows[made.number] or "剩余 14 天" in rows[made.number]
    assert "已逾期 2 天" in rows[late.number]
    assert "badge-bad" in rows[late.number]
    late.refresh_from_db()
    assert selectors.days_left(late) == -2
    from claimbridge.cases.selectors import case_get_for_user

    seen = case_get_for_user(user=users["ln_assoc"], number=case.number) is not None
    assert (f'href="/cases/{case.number}/"' in rows[made.number]) is seen
    assert selectors.record_links(user=users["driver_ln"], requests=[made]) == {}  # a link only where it may be read
    assert not seen  # an association's staff do not read the case itself: no link for them
    claim = _ask("correction", f"case:{case.number}", field="claim", correction="赔款账户应为尾号 1234")
    insurer = Client(headers={"accept-language": "zh-hans"})
    insurer.force_login(users["maiji_hq"])
    assert case_get_for_user(user=users["maiji_hq"], number=case.number) is not None
    held = insurer.get(f"/data-requests/{claim.number}/", secure=True).content.decode()
    assert f'<a href="/cases/{case.number}/" data-testid="held-record-link">' in held
    assert selectors.record_links(user=users["maiji_hq"], requests=[claim]) == {claim.number: f"/cases/{case.number}/"}


def test_pipl_an_account_deletion_waits_for_its_retention_then_erases_on_request(users):
    """PIPL art. 47, decision 0028: a platform account is never erased while in use; once deactivated and past its
    period the holder's approval anonymises it (the row stays, so the audit still names its actor id)."""
    from django.utils import timezone as tz

    from claimbridge.accounts.models import User

    adjuster = users["tianlong_adj1"]
    subject = Subject(user=adjuster)
    active = services.subject_request_create(subject=subject, kind="deletion", record="account")
    plan = selectors.request_plan(active)
    assert plan.way == "keep"
    assert "停用" in plan.reason_zh
    with pytest.raises(AppError) as kept:
        services.subject_request_complete(user=users["tianlong_hq"], request=active)
    assert kept.value.code == "retention_applies"
    assert User.objects.get(pk=adjuster.pk).username == "tianlong_adj1"
    services.subject_request_refuse(user=users["tianlong_hq"], request=active, reason_zh=plan.reason_zh)

    User.objects.filter(pk=adjuster.pk).update(is_active=False, deactivated_at=tz.now() - timedelta(days=4 * 366))
    adjuster.refresh_from_db()
    late = services.subject_request_create(subject=Subject(user=adjuster), kind="deletion", record="account")
    assert selectors.request_plan(late).way == "delete"
    services.subject_request_complete(user=users["tianlong_hq"], request=late)
    erased = User.objects.get(pk=adjuster.pk)
    assert erased.username == f"erased-{adjuster.pk}"
    assert not erased.has_usable_password()
    assert late.state == "done"


def test_pipl_a_standing_register_entry_is_kept_and_says_why(users):
    from tests.world import ADJUSTER_DETAILS, id_number

    from claimbridge.credentials import services as register

    entry = register.adjuster_submit(user=users["tianlong_hq"], full_name="赵铁柱", id_number=id_number(1),
                                     phone="13911110001", city_code="620500", details=dict(ADJUSTER_DETAILS),
                                     account="tianlong_adj1")  # fmt: skip
    made = services.subject_request_create(subject=Subject(user=users["tianlong_adj1"]), kind="deletion",
                                           record=f"register:{entry.pk}")  # fmt: skip
    plan = selectors.request_plan(made)
    assert plan.way == "keep"
    assert plan.retention[0].record_zh == "查勘员登记"
    with pytest.raises(AppError) as kept:
        services.subject_request_complete(user=users["ts_assoc"], request=made)
    assert kept.value.code == "retention_applies"
    entry.refresh_from_db()
    assert entry.full_name == "赵铁柱"


# --- issue 20 walker, second round ---------------------------------------------------------------------------------


def _desk(user: Any) -> Client:
    page = Client(headers={"accept-language": "zh-hans"})
    page.force_login(user)
    return page


def test_pipl_a_refusal_for_the_clerks_own_reason_never_claims_the_retention_duty(case, users, monkeypatch):
    """Issue 20 walker, worst: a retained record refused for a duplicate was texted "依法须保存至 …". The duty is
    recorded — and texted — only when the clerk refused explaining it (or kept the prefilled explanation)."""
    from claimbridge.core.sms import MemorySmsBackend

    monkeypatch.setattr(hooks, "retention_hold", lambda case, *, at: _held_until(date(2032, 1, 1)))
    MemorySmsBackend.outbox.clear()
    own = _ask("deletion", f"case:{case.number}")
    done = services.subject_request_refuse(user=users["ln_assoc"], request=own, reason_zh="重复申请，请查看先前的申请")
    assert (done.refusal_code, done.retained_until) == ("refused", None)
    assert "retained_until" not in done.events.last().data
    text = MemorySmsBackend.outbox[-1][1]
    assert own.number in text
    assert "不予办理" in text
    assert "我的个人信息" in text
    assert "保存" not in text  # no duty the clerk did not give …
    assert "2032" not in text
    assert "重复申请" not in text  # … and never the clerk's words
    plan = selectors.request_plan(_ask("deletion", f"case:{case.number}"))
    prefilled = SubjectRequest.objects.filter(state="received").get()
    kept = services.subject_request_refuse(user=users["ln_assoc"], request=prefilled, reason_zh=plan.reason_zh)
    assert (kept.refusal_code, kept.retained_until) == ("retention", date(2032, 1, 1))
    assert "2032年01月01日" in MemorySmsBackend.outbox[-1][1]
    # on the desk: the duty's button records it, the other button the clerk's own reason
    explained, other = _ask("deletion", f"case:{case.number}"), None
    desk = _desk(users["ln_assoc"])
    answer = desk.post(f"/data-requests/{explained.number}/", {"op": "refuse", "reason_zh": "依法须保存，届时删除",
                                                               "for_retention": "1"}, secure=True)  # fmt: skip
    assert answer.status_code == 302
    explained.refresh_from_db()
    assert (explained.refusal_code, explained.retained_until) == ("retention", date(2032, 1, 1))
    other = _ask("deletion", f"case:{case.number}")
    page = desk.get(f"/data-requests/{other.number}/", secure=True).content.decode()
    assert 'data-testid="refuse-other"' in page
    answer = desk.post(f"/data-requests/{other.number}/", {"op": "refuse", "reason_zh": "重复申请"}, secure=True)
    assert answer.status_code == 302
    other.refresh_from_db()
    assert (other.refusal_code, other.retained_until) == ("refused", None)
    assert "保存" not in MemorySmsBackend.outbox[-1][1]


def test_pipl_a_cleared_explanation_comes_back_with_the_error(case, users, monkeypatch):
    monkeypatch.setattr(hooks, "retention_hold", lambda case, *, at: _held_until(date(2032, 1, 1)))
    made = _ask("deletion", f"case:{case.number}")
    plan = selectors.request_plan(made)
    answer = _desk(users["ln_assoc"]).post(f"/data-requests/{made.number}/", {"op": "refuse", "reason_zh": "",
                                                                               "for_retention": "1"}, secure=True)  # fmt: skip
    assert answer.status_code == 422
    html = answer.content.decode()
    box = html[html.index('id="id_reason_zh"') :]
    assert plan.reason_zh in box[: box.index("</textarea>")]  # the prefilled explanation is back …
    assert "请写明不予办理的理由" in box  # … with the error next to it
    made.refresh_from_db()
    assert made.state == "received"


def test_pipl_starting_says_only_what_happened_and_texts_nobody(case, users):
    from claimbridge.core.sms import MemorySmsBackend

    made = _ask("deletion", f"case:{case.number}")
    MemorySmsBackend.outbox.clear()
    page = _desk(users["ln_assoc"]).post(f"/data-requests/{made.number}/", {"op": "start"}, secure=True, follow=True)
    html = page.content.decode()
    assert "已保存：申请已开始办理" in html
    assert "短信" not in html.split('data-testid="work-request"')[0].split("</header>")[-1]  # no text claimed
    assert MemorySmsBackend.outbox == []
    made.refresh_from_db()
    assert made.state == "in_progress"


def test_pipl_a_correction_to_the_value_held_and_a_second_identical_request_are_refused(case, users):
    """Issue 20 walker: 王建国 → 王建国 was accepted, and the same open request twice."""
    from claimbridge.cases.models import CaseParty

    held = CaseParty.objects.get(case=case, label="A").driver_name
    with pytest.raises(AppError) as same:
        _ask("correction", f"case:{case.number}", field="driver_name", correction=f" {held} ")
    assert (same.value.code, same.value.status, same.value.field) == ("same_value", 422, "correction")
    assert same.value.zh != same.value.en
    page = _phone_page(PHONE_A)
    key = page.get("/my-data/", secure=True).content.decode().split('name="form_key" value="')[1].split('"')[0]
    shown = page.post("/my-data/", {"op": "correction", "form_key": key, "item": f"case:{case.number}|driver_name",
                                    "correction": held}, secure=True)  # fmt: skip
    assert shown.status_code == 422
    text = shown.content.decode()
    assert "无需更正" in text[text.index('<label for="id_correction">') : text.index('<label for="id_note">')]
    assert SubjectRequest.objects.count() == 0
    first = _ask("correction", f"case:{case.number}", field="driver_name", correction="张叁")
    with pytest.raises(AppError) as twice:
        _ask("correction", f"case:{case.number}", field="driver_name", correction="张叁")
    assert (twice.value.code, twice.value.status) == ("duplicate_request", 409)
    assert first.number in twice.value.zh
    assert first.number in twice.value.en
    other = _ask("correction", f"case:{case.number}", field="driver_name", correction="张参")  # another value
    assert other.number != first.number
    services.subject_request_refuse(user=users["ln_assoc"], request=first, reason_zh="核对后无误")
    again = _ask("correction", f"case:{case.number}", field="driver_name", correction="张叁")  # the first is closed
    assert again.number != first.number


def test_pipl_the_api_refuses_a_duplicate_but_replays_its_own_key(case):
    phone = granted(PHONE_A)
    body = json.dumps({"kind": "deletion", "record": f"case:{case.number}"})

    def send(key: str) -> Any:
        return phone.post("/api/v1/subjects/requests", body, content_type="application/json", secure=True,
                          headers={"Idempotency-Key": key})  # fmt: skip

    first = send("k1")
    assert first.status_code == 201
    replay = send("k1")
    assert (replay.status_code, replay.json()["number"]) == (200, first.json()["number"])
    twice = send("k2")
    assert twice.status_code == 409
    error = twice.json()["error"]
    assert error["code"] == "duplicate_request"
    assert first.json()["number"] in error["zh"]
    assert first.json()["number"] in error["en"]
    assert SubjectRequest.objects.count() == 1


def test_pipl_continue_before_a_code_says_to_ask_for_one_and_a_new_code_clears_the_old(db):
    page = Client(headers={"accept-language": "zh-hans"})
    early = page.post("/my-data/", {"phone": PHONE_A, "sms_code": "123456", "verify": "1"}, secure=True)
    assert early.status_code == 422
    html = early.content.decode()
    assert "请先点击“发送验证码”" in html
    assert "已过期" not in html
    sent = page.post("/my-data/", {"phone": PHONE_A, "sms_code": "123456", "send_code": "1"}, secure=True)
    assert sent.status_code == 200
    field = sent.content.decode().split('name="sms_code"')[1].split(">")[0]
    assert "123456" not in field  # the old code is cleared
    assert 'data-testid="code-sent"' in sent.content.decode()


def test_pipl_the_desk_says_what_the_record_holds_in_chinese_brackets_and_the_refusal_stands_apart(case, users):
    made = _ask("correction", f"case:{case.number}", field="driver_name", correction="张叁")
    html = _desk(users["ln_assoc"]).get(f"/data-requests/{made.number}/", secure=True).content.decode()
    current = html.split('data-testid="held-current">')[1].split("</span>")[0]
    assert current.startswith("（现为：")  # full-width, no space before it
    assert current.endswith("）")
    refusing = html[html.index('data-testid="refuse-form"') :]
    assert "<h3>不予办理</h3>" in refusing[: refusing.index('<label for="id_reason_zh">')]  # its own heading
    assert 'data-testid="refuse-form"' not in html[: html.index('data-testid="complete-form"')]
