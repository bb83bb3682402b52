"""Where the vehicle is repaired and whose account is paid (issue 16: both link cases into rings): recorded by the
claims handler at 定损 and at payment through the service, the API and the case page; the shop's unified social
credit code checked (GB 32100), the payee's account kept encrypted and never leaving raw — not in an event, a
webhook, an answer, a page or a log line."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from tests.factories import agreed_case

from claimbridge.cases.models import CaseEvent, Claim, OutboxMessage, WebhookEndpoint
from claimbridge.cases.services import claims
from claimbridge.core.errors import AppError
from claimbridge.organisations.models import Insurer

SHOP, CODE = "武都区顺达汽车修理有限公司", "91621202MA74ABCD12"  # the code's check character computed by hand
ACCOUNT, DIGITS, MASKED = "6222 0212 3456 7890 123", "6222021234567890123", "****0123"


@pytest.fixture
def agreed(db):
    return agreed_case()


@pytest.fixture
def handler(users):
    return users["maiji_unit1"]  # A is insured by 麦积, served by its 武都 unit


@pytest.fixture
def registered(agreed, handler):
    return claims.claim_register(party=agreed.parties.get(label="A"), user=handler)


def _approved(claim: Claim, user, *, repair_shop: str = "", repair_shop_code: str = "") -> Claim:
    claims.claim_assess(claim=claim, user=user, losses={"A": Decimal("1500"), "B": Decimal("3000")},
                        repair_shop=repair_shop, repair_shop_code=repair_shop_code)  # fmt: skip
    claims.claim_settle(claim=claim, user=user)
    claims.claim_approve(claim=claim, user=user)
    return claim


def _kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True))


# --- the service ---------------------------------------------------------------------------------------------------


def test_the_assessment_records_the_repair_shop_with_its_code_as_printed(registered, handler):
    claims.claim_assess(claim=registered, user=handler, losses={"B": "3000"}, repair_shop="  武都区顺达汽车修理\n有限公司 ",
                        repair_shop_code=" 91621202ma74 abcd12 ")  # fmt: skip
    stored = Claim.objects.get(pk=registered.pk)
    assert (stored.repair_shop_name, stored.repair_shop_code) == ("武都区顺达汽车修理 有限公司", CODE)
    event = CaseEvent.objects.filter(kind="claim_assess").get()
    assert event.data["repair_shop"] == {"name": "武都区顺达汽车修理 有限公司", "code": CODE}


def test_the_repair_shop_is_optional_and_an_assessment_again_replaces_it(registered, handler):
    claims.claim_assess(claim=registered, user=handler, losses={"B": "3000"}, repair_shop=SHOP)
    assert (registered.repair_shop_name, registered.repair_shop_code) == (SHOP, "")
    claims.claim_assess(claim=registered, user=handler, losses={"B": "3200"})
    stored = Claim.objects.get(pk=registered.pk)
    assert (stored.repair_shop_name, stored.repair_shop_code) == ("", "")
    first, second = CaseEvent.objects.filter(kind="claim_assess").order_by("sequence")
    assert first.data["repair_shop"] == {"name": SHOP, "code": ""}
    assert "repair_shop" not in second.data


@pytest.mark.parametrize(
    ("code", "field", "zh"),
    [
        ("91621202MA74ABCD13", "repair_shop_code", "维修厂统一社会信用代码不正确"),  # the check character is wrong
        ("91621202MA74ABCD1", "repair_shop_code", "维修厂统一社会信用代码不正确"),  # 17 characters
        ("91621202MA74ABCDI2", "repair_shop_code", "维修厂统一社会信用代码不正确"),  # I is never used
        ("9162A202MA74ABCD12", "repair_shop_code", "维修厂统一社会信用代码不正确"),
    ],
)
def test_a_bad_code_is_refused_naming_its_field_and_nothing_changes(registered, handler, code, field, zh):
    before = _kinds(registered.party.case)
    with pytest.raises(AppError) as refused:
        claims.claim_assess(claim=registered, user=handler, losses={"B": "3000"}, repair_shop=SHOP,
                            repair_shop_code=code)  # fmt: skip
    assert (refused.value.code, refused.value.field, refused.value.status) == ("bad_repair_shop_code", field, 422)
    assert refused.value.zh.startswith(zh)
    assert "unified social credit code" in refused.value.en
    stored = Claim.objects.get(pk=registered.pk)
    assert (stored.state, stored.losses, stored.repair_shop_name, stored.repair_shop_code) == ("registered", {}, "", "")
    assert _kinds(registered.party.case) == before


def test_a_repair_shop_name_is_at_most_100_characters(registered, handler):
    claims.claim_assess(claim=registered, user=handler, losses={"B": "3000"}, repair_shop=" " + "修" * 100 + " ")
    assert len(registered.repair_shop_name) == 100
    with pytest.raises(AppError) as refused:
        claims.claim_assess(claim=registered, user=handler, losses={"B": "3000"}, repair_shop="修" * 101)
    assert (refused.value.code, refused.value.field) == ("bad_repair_shop", "repair_shop")
    assert refused.value.zh == "维修厂名称最多 100 个字"
    with pytest.raises(AppError) as refused:
        claims.claim_assess(claim=registered, user=handler, losses={"B": "3000"}, repair_shop="修\x00理厂")
    assert refused.value.field == "repair_shop"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [(ACCOUNT, DIGITS), ("12345678", "12345678"), ("1" * 30, "1" * 30), ("６２２２０２１２３４", "6222021234")],
)
def test_the_payment_records_the_payees_account_and_its_event_only_the_last_four(
    registered, handler, typed, kept, caplog
):
    _approved(registered, handler)
    caplog.set_level(logging.DEBUG)
    claims.claim_pay(claim=registered, user=handler, amount=registered.payable, reference="BANK-001",
                     payee_account=typed)  # fmt: skip
    assert Claim.objects.get(pk=registered.pk).payee_account == kept
    event = CaseEvent.objects.filter(kind="claim_pay").get()
    assert event.data["payee_account_masked"] == "****" + kept[-4:]
    recorded = json.dumps([e.data for e in CaseEvent.objects.filter(case=registered.party.case)], ensure_ascii=False)
    assert kept not in recorded
    assert kept[:8] not in recorded
    assert kept not in caplog.text
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT payee_account FROM cases_claim WHERE id = %s", [registered.pk])
        (stored,) = cursor.fetchone()
    assert kept not in stored


@pytest.mark.parametrize(
    "typed", ["1234567", "1" * 31, "6222-0212-3456-7890", "6222021234567890x", "账号6222021234567890", "١٢٣٤٥٦٧٨٩"]
)
def test_a_bad_account_is_refused_naming_its_field_and_nothing_is_paid(registered, handler, typed):
    _approved(registered, handler)
    before = _kinds(registered.party.case)
    with pytest.raises(AppError) as refused:
        claims.claim_pay(claim=registered, user=handler, amount=registered.payable, reference="BANK-001",
                         payee_account=typed)  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("bad_payee_account", "payee_account")
    assert (refused.value.zh, refused.value.en) == (
        "收款账号应为 8 至 30 位数字",
        "the payee's account is 8 to 30 digits",
    )
    assert typed not in refused.value.zh + refused.value.en
    stored = Claim.objects.get(pk=registered.pk)
    assert (stored.state, stored.paid_amount, stored.payee_account) == ("approved", None, "")
    assert _kinds(registered.party.case) == before


def test_a_payment_without_an_account_keeps_the_one_recorded_and_says_nothing_of_it(registered, handler):
    _approved(registered, handler)
    claims.claim_pay(claim=registered, user=handler, amount=registered.payable, reference="BANK-001",
                     payee_account=ACCOUNT)  # fmt: skip
    claims.claim_close(claim=registered, user=handler, reason="paid_in_full")
    claims.claim_reopen(claim=registered, user=handler, reason="additional_loss")
    claims.claim_assess(claim=registered, user=handler, losses={"A": "1500", "B": "3400"})
    claims.claim_settle(claim=registered, user=handler)
    claims.claim_approve(claim=registered, user=handler)
    claims.claim_pay(claim=registered, user=handler, amount=Decimal("400"), reference="BANK-002")
    assert Claim.objects.get(pk=registered.pk).payee_account == DIGITS
    first, second = CaseEvent.objects.filter(kind="claim_pay").order_by("sequence")
    assert first.data["payee_account_masked"] == MASKED
    assert "payee_account_masked" not in second.data


def test_webhooks_carry_the_shop_and_the_masked_account_to_the_partys_insurer_only(registered, handler, monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: None)
    for code in ("maiji", "tianlong"):
        WebhookEndpoint.objects.create(insurer=Insurer.objects.get(code=code), url=f"http://127.0.0.1:9/{code}",
                                       secret="s3cret-for-" + code)  # fmt: skip
    _approved(registered, handler, repair_shop=SHOP, repair_shop_code=CODE)
    claims.claim_pay(claim=registered, user=handler, amount=registered.payable, reference="BANK-001",
                     payee_account=ACCOUNT)  # fmt: skip
    sent = {(m.endpoint.insurer.code, m.event_type): m.payload["data"] for m in OutboxMessage.objects.all()}
    assert sent["maiji", "case.claim_assess"]["repair_shop"] == {"name": SHOP, "code": CODE}
    assert sent["maiji", "case.claim_pay"]["payee_account_masked"] == MASKED
    assert ("tianlong", "case.claim_pay") not in sent
    assert ("tianlong", "case.claim_assess") not in sent
    everything = json.dumps([m.payload for m in OutboxMessage.objects.all()], ensure_ascii=False)
    assert DIGITS not in everything
    assert DIGITS[:12] not in everything


# --- the API ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def api(handler):
    client = Client()
    client.force_login(handler)
    return client


def _post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json", secure=True)


def test_the_api_takes_the_shop_and_the_account_and_answers_the_account_masked(agreed, registered, handler, api):
    base = f"/api/v1/cases/{agreed.number}/claims/A"
    assessed = _post(api, f"{base}/assess", {"losses": {"B": "3000"}, "repair_shop": SHOP,
                                             "repair_shop_code": "9162 1202 MA74 ABCD 12"})  # fmt: skip
    assert assessed.status_code == 200
    body = assessed.json()
    assert (body["repair_shop"], body["repair_shop_code"], body["payee_account_masked"]) == (SHOP, CODE, "")
    payable = _post(api, f"{base}/settle", {}).json()["payable"]
    assert _post(api, f"{base}/approve", {}).status_code == 200
    paid = _post(api, f"{base}/pay", {"amount": payable, "reference": "BANK-001", "payee_account": ACCOUNT})
    assert paid.status_code == 200
    assert paid.json()["payee_account_masked"] == MASKED
    assert (paid.json()["repair_shop"], paid.json()["repair_shop_code"]) == (SHOP, CODE)
    assert DIGITS not in paid.content.decode()
    assert Claim.objects.get(pk=registered.pk).payee_account == DIGITS


def test_the_api_refuses_a_bad_code_or_account_in_both_languages_changing_nothing(agreed, registered, handler, api):
    base = f"/api/v1/cases/{agreed.number}/claims/A"
    refused = _post(api, f"{base}/assess", {"losses": {"B": "3000"}, "repair_shop": SHOP,
                                            "repair_shop_code": "91621202MA74ABCD13"})  # fmt: skip
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("bad_repair_shop_code", "repair_shop_code")
    assert error["zh"].startswith("维修厂统一社会信用代码不正确")
    assert error["en"].startswith("the repair shop's unified social credit code is not valid")
    stored = Claim.objects.get(pk=registered.pk)
    assert (stored.state, stored.repair_shop_name, stored.repair_shop_code) == ("registered", "", "")
    assert not CaseEvent.objects.filter(case=agreed, kind="claim_assess").exists()

    _approved(registered, handler)
    events = CaseEvent.objects.filter(case=agreed).count()
    refused = _post(api, f"{base}/pay", {"amount": "3100", "reference": "BANK-001", "payee_account": "6222-0212-3456"})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["field"], error["zh"], error["en"]) == (
        "bad_payee_account", "payee_account", "收款账号应为 8 至 30 位数字", "the payee's account is 8 to 30 digits")  # fmt: skip
    assert "6222" not in refused.content.decode()
    stored = Claim.objects.get(pk=registered.pk)
    assert (stored.state, stored.paid_amount, stored.payee_account) == ("approved", None, "")
    assert CaseEvent.objects.filter(case=agreed).count() == events


def test_the_api_bounds_the_fields_without_quoting_them_back(agreed, registered, api):
    refused = _post(api, f"/api/v1/cases/{agreed.number}/claims/A/pay",
                    {"amount": "1", "reference": "X", "payee_account": "9" * 41})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "payee_account"
    assert "9" * 41 not in refused.content.decode()


# --- the case page ---------------------------------------------------------------------------------------------------


@pytest.fixture
def page(handler):
    client = Client()
    client.force_login(handler)
    return client


def test_a_bad_code_is_refused_on_the_page_next_to_its_field_with_what_was_typed_kept(agreed, registered, page):
    url = f"/cases/{agreed.number}/claims/A/assess/"
    typed = {"loss_A": "1500", "loss_B": "3000", "repair_shop": SHOP, "repair_shop_code": "91621202ma74abcd13"}
    answer = page.post(url, typed, secure=True)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'data-testid="error-repair_shop_code"' in html
    assert "维修厂统一社会信用代码不正确" in html
    assert html.index('name="repair_shop_code"') < html.index('data-testid="error-repair_shop_code"')
    assert f'value="{SHOP}"' in html
    assert 'value="91621202ma74abcd13"' in html
    assert 'value="3000"' in html
    assert "维修厂（选填）" in html
    assert "维修厂统一社会信用代码（选填）" in html
    stored = Claim.objects.get(pk=registered.pk)
    assert (stored.state, stored.repair_shop_code) == ("registered", "")
    answer = page.post(url, typed | {"repair_shop_code": CODE}, secure=True)
    assert answer.status_code == 302
    shown = page.get(f"/cases/{agreed.number}/", secure=True).content.decode()
    assert 'data-testid="repair-shop"' in shown
    assert SHOP in shown
    assert CODE in shown


def test_a_bad_account_is_refused_on_the_page_and_a_good_one_is_shown_masked(agreed, registered, handler, page):
    _approved(registered, handler)
    url = f"/cases/{agreed.number}/claims/A/pay/"
    answer = page.post(url, {"amount": "3100", "reference": "BANK-001", "payee_account": "6222 021"}, secure=True)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "收款账号（选填）" in html
    assert html.index('name="payee_account"') < html.index('data-testid="error-payee_account"')
    assert "收款账号应为 8 至 30 位数字" in html
    assert 'value="6222 021"' in html  # what was typed, drawn again for the one who typed it
    assert Claim.objects.get(pk=registered.pk).state == "approved"
    answer = page.post(url, {"amount": "3100", "reference": "BANK-001", "payee_account": ACCOUNT}, secure=True)
    assert answer.status_code == 302
    shown = page.get(f"/cases/{agreed.number}/", secure=True).content.decode()
    assert 'data-testid="payee-account"' in shown
    assert MASKED in shown
    assert DIGITS not in shown
    assert ACCOUNT not in shown  # nor in the pay form, which never draws the account on record
