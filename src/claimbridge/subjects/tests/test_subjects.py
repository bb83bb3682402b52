"""Issue 20 item 3 (PIPL arts. 44–47; B8, R17, R19): a person sees what the platform holds about them — their own
party only, never the other party's — downloads a copy, asks for a correction or a deletion; the holding organisation
works it within the deadline; a deletion is refused with the date while a retention duty applies; every change is
an audit event; the other city's association and the other insurer neither see nor work the request."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claimbridge.core.errors import AppError
from claimbridge.subjects import hooks, selectors, services
from claimbridge.subjects.models import SubjectRequest
from claimbridge.subjects.selectors import Subject

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
    assert _ask("deletion", f"case:{case.number}").deadline - timezone.now() < timedelta(days=3, minutes=1)


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


def test_pipl_a_deletion_is_refused_with_the_date_while_retention_applies(case, users, monkeypatch):
    """PIPL art. 47(1) with a retention duty: completing is a refusal with the date, and nothing is erased."""
    made = _ask("deletion", f"case:{case.number}")
    erased: list[Any] = []
    monkeypatch.setattr(hooks, "retained_until", lambda case, *, at: date(2029, 6, 30))
    monkeypatch.setattr(hooks, "case_erase", lambda **kw: erased.append(kw))
    done = services.subject_request_complete(user=users["ln_assoc"], request=made)
    assert done.state == "refused"
    assert done.refusal_code == "retention"
    assert done.retained_until == date(2029, 6, 30)
    assert "2029年06月30日" in done.refusal_zh
    assert "2029-06-30" in done.refusal_en
    assert erased == []
    assert list(done.events.values_list("kind", flat=True)) == ["received", "refused"]
    monkeypatch.setattr(hooks, "retained_until", lambda case, *, at: None)
    again = _ask("deletion", f"case:{case.number}")
    services.subject_request_complete(user=users["ln_assoc"], request=again)
    assert again.state == "done"
    assert [kw["case"].pk for kw in erased] == [case.pk]


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


def _granted(phone: str) -> Client:
    from tests.world import sms_code_for

    client = Client()
    answer = client.post("/api/v1/subjects/proof", {"phone": phone, "sms_code": sms_code_for(phone)},
                         content_type="application/json", secure=True)  # fmt: skip
    assert answer.status_code == 200, answer.content
    return client


def test_pipl_the_api_copy_request_and_work(case, users, monkeypatch):
    """PIPL arts. 45–47 over the API: the grant, the copy (JSON and PDF, each download recorded), a request once per
    Idempotency-Key, the holder's work; bad input 4xx with both languages."""
    from claimbridge.accesslog.models import AccessRecord

    phone = _granted(PHONE_A)
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
    refused = staff.post(f"/api/v1/subjects/queue/{number}/work", json.dumps({"action": "refuse", "reason_zh": "案件理赔中"}),
                         content_type="application/json", secure=True)  # fmt: skip
    assert refused.status_code == 200
    assert refused.json()["state"] == "refused"
    mine = phone.get("/api/v1/subjects/requests", secure=True).json()["requests"]
    assert mine[0]["refusal"]["zh"] == "案件理赔中"


def test_pipl_the_grant_is_short_lived(case, monkeypatch):
    import time

    phone = _granted(PHONE_A)
    held = phone.get("/api/v1/subjects/me", secure=True)
    assert held.status_code == 200
    assert (held.json()["schema_version"], "schema" in held.json(), "schema_name" in held.json()) == (1, True, False)
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert phone.get("/api/v1/subjects/me", secure=True).status_code == 401
