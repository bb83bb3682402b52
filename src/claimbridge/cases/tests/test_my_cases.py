"""我的案件 (issue 13, item 2): a driver who proves the same mobile again is back at their case(s) and follows their
claim; text messages at the moments that matter, in the driver's language, rate-limited, sent after the commit, a
failed send recorded (B1, R12, B8)."""

from __future__ import annotations

import re
from datetime import UTC
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from tests.factories import A_DETAILS, B_DETAILS, agreed_case, two_party_case

from claimbridge.cases.models import DriverNotice
from claimbridge.cases.services import claims, parties
from claimbridge.core.sms import MemorySmsBackend

PHONE_A, PHONE_B, STRANGER = "13700005555", "13700006666", "13700009999"  # as tests/factories.two_party_case


@pytest.fixture(autouse=True)
def _empty_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


def fresh_texts() -> None:
    """Forget the texts and the rate counters of the setup (the factories' parties changed their details)."""
    DriverNotice.objects.all().delete()
    connection.cursor().execute("DELETE FROM core_attemptcounter")
    MemorySmsBackend.outbox.clear()


def prove(client: Client, phone: str, path: str = "/me/") -> object:
    client.post(path, {"phone": phone, "send_code": "1"}, secure=True)
    code = re.search(r"\d{6}", [text for to, text in MemorySmsBackend.outbox if to == phone][-1])
    assert code is not None
    return client.post(path, {"phone": phone, "sms_code": code.group(), "verify": "1"}, secure=True)


def pay_in_full(case, users):
    a = case.parties.get(label="A")
    maiji = users["maiji_unit1"]
    claim = claims.claim_register(party=a, user=maiji)
    claims.claim_assess(claim=claim, user=maiji, losses={"A": Decimal("1500"), "B": Decimal("3000")})
    claims.claim_settle(claim=claim, user=maiji)
    claims.claim_approve(claim=claim, user=maiji)
    claims.claim_pay(claim=claim, user=maiji, amount=claim.payable, reference="BANK-001")
    return claim


@pytest.mark.django_db
def test_proving_the_same_phone_again_goes_back_to_the_open_case_not_a_new_report():
    """Issue 13 (B1): closing the browser lost the case; the same mobile proved again (a new browser) is back at its
    open case — from 我的案件 and from the report page alike — and may act there as its party."""
    case = two_party_case()
    for path in ("/me/", "/cases/start/"):
        client = Client()
        answer = prove(client, PHONE_B, path)
        assert answer.status_code == 302
        assert answer["Location"] == f"/cases/{case.number}/me/"
        page = client.get(answer["Location"], secure=True)
        assert page.status_code == 200
        assert case.number in page.content.decode()


@pytest.mark.django_db
def test_several_cases_are_listed_and_a_single_closed_case_opens_directly(users):
    """Issue 13: with no case open and one case, straight to it; with several, the list 我的案件."""
    first = agreed_case()
    client = Client()
    assert prove(client, PHONE_A)["Location"] == f"/me/{first.number}/"
    second = agreed_case(photos=(3, 4, 5))
    client = Client()
    assert prove(client, PHONE_A)["Location"] == "/me/"
    listing = client.get("/me/", secure=True).content.decode()
    assert first.number in listing
    assert second.number in listing
    assert "137****5555" in listing
    assert PHONE_A not in listing


@pytest.mark.django_db
def test_b8_another_phone_never_sees_the_case():
    """Issue 13 (B8): a phone sees only the cases it is a party of: the cases find their parties by the phone's blind
    index, never by the number typed by anyone. A stranger proving their own mobile sees no case, cannot open the
    case's pages or its API answer."""
    case = agreed_case()
    client = Client()
    answer = prove(client, STRANGER)
    assert answer["Location"] == "/me/"
    listing = client.get("/me/", secure=True).content.decode()
    assert case.number not in listing
    assert client.get(f"/me/{case.number}/", secure=True).status_code == 404
    assert client.get(f"/cases/{case.number}/me/", secure=True).status_code == 404
    assert client.get(f"/api/v1/me/cases/{case.number}", secure=True).status_code == 404
    assert client.get("/api/v1/me/cases", secure=True).json()["cases"] == []
    assert Client().get("/api/v1/me/cases", secure=True).status_code == 401  # no phone proved at all


@pytest.mark.django_db
def test_b8_a_recycled_number_does_not_reach_the_last_owners_old_cases(settings):
    """Issue 13 (B8): carriers give a cancelled mobile to someone else after a few months; proving it again reaches
    the cases reported in the last settings.MY_CASES_PHONE_DAYS only, so a new owner never reads an old agreement."""
    case = agreed_case()
    settings.MY_CASES_PHONE_DAYS = 180
    client = Client()
    assert prove(client, PHONE_A)["Location"] == f"/me/{case.number}/"
    assert "180" in client.get("/me/", secure=True).content.decode()  # the page says how far back it looks
    settings.MY_CASES_PHONE_DAYS = 0  # the case is now older than the window
    client = Client()
    assert prove(client, PHONE_A)["Location"] == "/me/"
    assert case.number not in client.get("/me/", secure=True).content.decode()
    assert client.get(f"/me/{case.number}/", secure=True).status_code == 404
    assert client.get(f"/api/v1/me/cases/{case.number}", secure=True).status_code == 404
    assert client.get(f"/cases/{case.number}/me/agreement.pdf", secure=True).status_code == 404


@pytest.mark.django_db
def test_the_driver_follows_the_claim_with_amounts_and_the_unit_to_call_personal_data_masked(users):
    """Issue 13 (R12, B8): after the agreement the driver sees 已立案 … 已支付 with the settlement and the amount paid
    and the claims unit's name and phone; their own name and phone masked, the other party only by label and insurer."""
    case = agreed_case()
    claim = pay_in_full(case, users)
    client = Client()
    prove(client, PHONE_A)
    page = client.get(f"/me/{case.number}/", secure=True).content.decode()
    unit = case.parties.get(label="A").claims_unit
    for shown in ("已立案", "已理算", "已核赔", "已支付", "3,100.00", unit.name, unit.phone, "张*", "137****5555"):
        assert shown in page, shown
    for hidden in (A_DETAILS["driver_name"], A_DETAILS["driver_licence"], PHONE_A, B_DETAILS["driver_name"],
                   B_DETAILS["plate"], PHONE_B):  # fmt: skip
        assert hidden not in page, hidden
    body = client.get(f"/api/v1/me/cases/{case.number}", secure=True).json()
    assert body["claim_state"] == "paid"
    assert {s["step"]: s["amount"] for s in body["steps"]}["paid"] == f"{claim.paid_amount:.2f}"
    assert body["claims_unit"]["phone"] == unit.phone
    assert body["driver_name"] == "张*"
    assert body["driver_phone"] == "137****5555"
    assert A_DETAILS["driver_name"] not in str(body)
    assert PHONE_A not in str(body)


@pytest.fixture
def real_commits(monkeypatch, django_capture_on_commit_callbacks):
    """On-commit work after the commit, as in production (the cases tests otherwise run it at once): each step
    passed to the returned function is committed, then its callbacks run."""
    monkeypatch.setattr(transaction, "on_commit",
                        lambda func, using=None, robust=False: connection.on_commit(func, robust))  # fmt: skip

    def committed(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return committed


@pytest.mark.django_db
def test_the_moments_that_matter_are_texted_to_the_other_driver_and_listed_on_the_case(users, real_commits):
    """Issue 13 (B1): B's confirmation is texted to A as the agreement (one text, not two), A's to B, the agreement
    to both, 立案 and the payment to the party whose claim it is; each text is listed on that driver's case page
    (通知记录); no text carries personal data."""
    from claimbridge.cases.services.quick_claim import party_confirm

    case = two_party_case()
    fresh_texts()
    a, b = case.parties.order_by("label")
    real_commits(lambda: party_confirm(party=a, typed_name="张三", consent=True, device="A"))
    real_commits(lambda: party_confirm(party=b, typed_name="李四", consent=True, device="B"))
    real_commits(lambda: pay_in_full(case, users))
    kinds = {label: sorted(DriverNotice.objects.filter(party__label=label).values_list("kind", flat=True))
             for label in "AB"}  # fmt: skip
    assert kinds == {"A": ["agreed", "paid", "registered"], "B": ["agreed", "confirmed"]}
    assert set(DriverNotice.objects.values_list("status", flat=True)) == {"sent"}
    assert any(to == PHONE_A and "3,100.00" in text for to, text in MemorySmsBackend.outbox)
    for _to, text in MemorySmsBackend.outbox:
        assert A_DETAILS["driver_name"] not in text
        assert B_DETAILS["driver_name"] not in text
        assert PHONE_A not in text
        assert PHONE_B not in text
    client = Client()
    prove(client, PHONE_A)
    page = client.get(f"/me/{case.number}/", secure=True).content.decode()
    assert "通知记录" in page
    assert page.count('data-testid="notice-') == 3


@pytest.mark.django_db
def test_texts_are_in_the_language_the_driver_used(users):
    """Issue 13: a driver who read English gets English texts; the other, Chinese."""
    case = two_party_case()
    english = Client()
    english.post("/i18n/setlang/", {"language": "en", "next": "/me/"}, secure=True)
    prove(english, PHONE_B)
    assert case.parties.get(label="B").language == "en"
    fresh_texts()
    a = case.parties.get(label="A")
    parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": "rear"}))
    assert MemorySmsBackend.outbox[-1][0] == PHONE_B
    assert MemorySmsBackend.outbox[-1][1].startswith("[ClaimBridge]")
    assert "was changed" in MemorySmsBackend.outbox[-1][1]
    case.parties.filter(label="B").update(language="zh-hans")
    fresh_texts()
    parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": "left"}))
    assert MemorySmsBackend.outbox[-1][0] == PHONE_B
    assert MemorySmsBackend.outbox[-1][1].startswith("【理赔桥】")


@pytest.mark.django_db
def test_texts_are_rate_limited_and_what_was_not_sent_is_recorded():
    """Issue 13: the other driver changing things again and again texts once per window; the rest are recorded as
    not sent (too many), and nothing more reaches the phone."""
    case = two_party_case()
    fresh_texts()
    a = case.parties.get(label="A")
    for part in ("rear", "left", "right", "front"):
        parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": part}))
    to_b = DriverNotice.objects.filter(party__label="B", party__case=case, kind="changed")
    assert list(to_b.order_by("pk").values_list("status", flat=True)) == ["sent", "limited", "limited", "limited"]
    assert [to for to, _text in MemorySmsBackend.outbox].count(PHONE_B) == 1


@pytest.mark.django_db
def test_texts_to_one_phone_are_capped_per_hour(monkeypatch):
    from claimbridge.cases.services import notifications

    monkeypatch.setattr(notifications, "PER_PHONE_PER_HOUR", 2)
    monkeypatch.setattr(notifications, "CHANGED_EVERY_SECONDS", 0)  # no change coalesced: the phone's cap bites
    case = two_party_case()
    fresh_texts()
    a = case.parties.get(label="A")
    sent_before = len(MemorySmsBackend.outbox)
    for part in ("rear", "left", "right", "front"):
        parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": part}))
    statuses = list(
        DriverNotice.objects.filter(party__label="B", kind="changed").order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["sent", "sent", "limited", "limited"]
    assert len(MemorySmsBackend.outbox) - sent_before == 2


@pytest.mark.django_db
def test_a_failed_send_is_recorded_not_raised(monkeypatch, users):
    """Issue 13: the SMS gateway failing never undoes the change nor shows the handler an error: the notice is
    recorded as not delivered with the reason, the number masked."""
    from claimbridge.core import sms

    class Broken:
        def send(self, phone: str, text: str) -> None:
            raise ConnectionError(f"gateway refused {phone}")

    monkeypatch.setattr(sms, "_backend", lambda path: Broken())
    case = agreed_case()
    claim = claims.claim_register(party=case.parties.get(label="A"), user=users["maiji_unit1"])
    assert claim.pk
    notice = DriverNotice.objects.get(party__label="A", kind="registered")
    assert notice.status == "failed"
    assert "ConnectionError" in notice.error
    assert "137****5555" in notice.error
    assert PHONE_A not in notice.error


@pytest.mark.django_db
def test_texts_are_sent_after_the_commit_never_inside_the_transaction(
    monkeypatch, users, django_capture_on_commit_callbacks
):
    """Issue 13: the text is written with the change and sent by a task once the change is committed: inside the
    transaction nothing has gone; a change rolled back sends nothing."""
    monkeypatch.setattr(transaction, "on_commit",
                        lambda func, using=None, robust=False: connection.on_commit(func, robust))  # fmt: skip
    case = agreed_case()
    MemorySmsBackend.outbox.clear()
    a = case.parties.get(label="A")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        claims.claim_register(party=a, user=users["maiji_unit1"])
        assert DriverNotice.objects.get(party=a, kind="registered").status == "queued"
    assert MemorySmsBackend.outbox == []
    for callback in callbacks:
        callback()
    assert DriverNotice.objects.get(party=a, kind="registered").status == "sent"
    assert [to for to, _text in MemorySmsBackend.outbox] == [PHONE_A]


@pytest.mark.django_db
def test_steps_not_reached_are_named_as_what_they_will_be(users):
    """Issue 13 (phone walk): /me/<number>/ named every step 已立案 已定损 … before any was reached: a step not
    reached is what it will be (定损), a reached one is done (已立案), in both languages."""
    case = agreed_case()
    claims.claim_register(party=case.parties.get(label="A"), user=users["maiji_unit1"])
    client = Client()
    prove(client, PHONE_A)
    progress = client.get(f"/me/{case.number}/", secure=True).content.decode().split('data-testid="claim-progress"')[1]
    progress = progress.split("</ol>", 1)[0]
    assert "已立案" in progress
    for ahead in ("定损", "理算", "核赔", "支付", "结案"):
        assert f"<strong>{ahead}</strong>" in progress, ahead
        assert f"已{ahead}" not in progress, ahead
    steps = client.get(f"/api/v1/me/cases/{case.number}", secure=True).json()["steps"]
    assert [s["name"] for s in steps][:2] == ["已立案", "定损"]


@pytest.mark.django_db
def test_the_other_drivers_changes_are_texted_at_most_once_in_the_window_whatever_the_clock(monkeypatch):
    """Issue 13 (phone walk): drivers side by side got "case changed" twice in 20 seconds (a fixed window turned
    over at :00 between the two edits). A change is coalesced into any
    text the driver had about the case in the last CHANGED_EVERY_SECONDS; the confirmation and voiding texts still go."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from claimbridge.cases.services.quick_claim import party_confirm

    case = two_party_case()
    fresh_texts()
    a = case.parties.get(label="A")
    now = [datetime(2026, 12, 1, 15, 59, 47, tzinfo=UTC)]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": "rear"}))
    now[0] += timedelta(seconds=20)  # 16:00:07: another quarter of an hour on the clock
    parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": "left"}))
    now[0] += timedelta(minutes=5)
    parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": "right"}))
    to_b = DriverNotice.objects.filter(party__label="B", kind="changed").order_by("pk")
    assert list(to_b.values_list("status", flat=True)) == ["sent", "limited", "limited"]
    b = case.parties.get(label="B")
    party_confirm(party=b, typed_name="李四", consent=True, device="B")  # texted to A as it is
    now[0] += timedelta(seconds=30)
    parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": "front"}))  # voids B's: texted as it is
    kinds = list(DriverNotice.objects.exclude(status="limited").order_by("pk").values_list("party__label", "kind"))
    assert kinds == [("B", "changed"), ("A", "confirmed"), ("B", "voided")]
    now[0] += timedelta(minutes=16)  # the window has passed since B's last text
    parties.party_details_save(party=a, **(A_DETAILS | {"collision_part": "rear"}))
    assert DriverNotice.objects.filter(party__label="B", kind="changed").order_by("-pk")[0].status == "sent"
    assert [to for to, _text in MemorySmsBackend.outbox].count(PHONE_B) == 3
