"""The claims desk (issue 13, item 3): the inbox found by case number, plate, mobile and name through the blind
indexes and never across companies (B8); the claim panel offering the machine's next step first and refusing empty or
malformed amounts next to their field with the input kept; the case concluding with its claim lines; the audited
showing of a driver's name and mobile; the timeline in words (R10, R12, B8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.factories import agreed_case

from claimbridge.cases import selectors
from claimbridge.cases.models import CaseEvent
from claimbridge.cases.services import claims
from claimbridge.core.errors import AppError
from claimbridge.core.inputs import checked_money


@pytest.fixture
def agreed(db):
    return agreed_case()


def _signed_in(client, user):
    client.force_login(user)
    return client


def _paid(case, user):
    """A's claim registered, contacted, assessed, settled, approved and paid (3,100.00: B's 3,000 and, 无责代赔, A's
    own 100 on B's behalf)."""
    a = case.parties.get(label="A")
    claim = claims.claim_register(party=a, user=user)
    claims.claim_contact(claim=claim, user=user)
    claims.claim_assess(claim=claim, user=user, losses={"A": Decimal("1500"), "B": Decimal("3000")})
    claims.claim_settle(claim=claim, user=user)
    claims.claim_approve(claim=claim, user=user)
    claims.claim_pay(claim=claim, user=user, amount=claim.payable, reference="BANK-001")
    return claim


# --- amounts ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("12,000", "12000.00"), ("12000元", "12000.00"), ("１２０００", "12000.00"), ("１２，０００元", "12000.00"),
     ("¥1,500.50", "1500.50"), (" 3000 ", "3000.00"), ("0", "0.00"), ("1,234,567.8", "1234567.80")],
)  # fmt: skip
def test_amounts_are_read_as_people_type_them(typed, amount):
    """Issue 13 (R12): thousands commas, 元, ¥ and full-width digits are folded, never refused."""
    assert checked_money(typed, field="amount") == Decimal(amount)


@pytest.mark.parametrize("typed", ["12,00", "1e3", "十二", "abc", "-5", "1.234", "12.000,00", "Infinity", "1 2 a"])
def test_junk_amounts_are_refused_naming_the_field(typed):
    """Issue 13 (R12): what is not an amount is refused with the field named, never guessed."""
    with pytest.raises(AppError) as refused:
        checked_money(typed, field="losses.A", label=("A 车损失", "vehicle loss of A"))
    assert refused.value.code == "bad_amount"
    assert refused.value.field == "losses.A"
    assert refused.value.zh.startswith("A 车损失：")


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_amount_is_not_zero(typed):
    """Issue 13: an assessment with both amounts empty was accepted as 0.00."""
    with pytest.raises(AppError) as refused:
        checked_money(typed, field="amount")
    assert refused.value.code == "no_amount"


def test_an_empty_assessment_is_refused_next_to_its_field_with_the_input_kept(agreed, users, client):
    """Issue 13: the page draws itself again (422) with what was typed and the error under the empty field; nothing
    is assessed. A well-typed "12,000元" is then accepted as 12,000.00."""
    handler = users["maiji_unit1"]
    a = agreed.parties.get(label="A")
    claim = claims.claim_register(party=a, user=handler)
    page = _signed_in(client, handler)
    url = f"/cases/{agreed.number}/claims/A/assess/"
    answer = page.post(url, {"loss_A": "", "loss_B": "12,000元"}, secure=True)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'data-testid="error-loss_A"' in html
    assert "A 方车损：请填写金额" in html
    assert 'value="12,000元"' in html  # the input kept
    assert html.index('name="loss_A"') < html.index('data-testid="error-loss_A"') < html.index('name="loss_B"')
    claim.refresh_from_db()
    assert (claim.state, claim.losses) == ("registered", {})
    answer = page.post(url, {"loss_A": "0", "loss_B": "12,000元"}, secure=True)
    assert answer.status_code == 302
    claim.refresh_from_db()
    assert claim.losses == {"A": "0.00", "B": "12000.00"}


def test_an_assessment_without_losses_is_refused_by_the_service(agreed, users):
    handler = users["maiji_unit1"]
    claim = claims.claim_register(party=agreed.parties.get(label="A"), user=handler)
    with pytest.raises(AppError) as refused:
        claims.claim_assess(claim=claim, user=handler, losses={})
    assert (refused.value.code, refused.value.field) == ("no_losses", "losses")


# --- the claim panel -------------------------------------------------------------------------------------------------


def test_the_panel_offers_the_machines_next_step_first_and_never_close_at_the_start(agreed, users):
    """Issue 13: every step button looked alike and 结案 was offered from the start. Now the claim's machine says:
    closing (结案) only once paid; closing without payment is another, secondary step."""
    handler = users["maiji_unit1"]
    a = agreed.parties.get(label="A")
    (panel,) = selectors.claim_panels(user=handler, case=agreed)
    assert panel["claim"] is None
    assert panel["actions"] == []
    claim = claims.claim_register(party=a, user=handler)
    (panel,) = selectors.claim_panels(user=handler, case=agreed)
    assert panel["primary"] == "contact"
    assert "close" not in panel["actions"]
    assert "close_unpaid" in panel["others"]
    claims.claim_contact(claim=claim, user=handler)
    (panel,) = selectors.claim_panels(user=handler, case=agreed)
    assert panel["primary"] == "assess"
    assert "contact" not in panel["actions"]
    claims.claim_assess(claim=claim, user=handler, losses={"A": "1500", "B": "3000"})
    claims.claim_settle(claim=claim, user=handler)
    claims.claim_approve(claim=claim, user=handler)
    claims.claim_pay(claim=claim, user=handler, amount=claim.payable, reference="BANK-001")
    (panel,) = selectors.claim_panels(user=handler, case=agreed)
    assert (panel["primary"], panel["others"]) == ("close", [])


def test_a_claim_closes_without_payment_only_with_a_reason_and_not_as_paid(agreed, users):
    handler = users["maiji_unit1"]
    claim = claims.claim_register(party=agreed.parties.get(label="A"), user=handler)
    with pytest.raises(AppError) as refused:
        claims.claim_close(claim=claim, user=handler, reason="paid_in_full")
    assert refused.value.code == "not_paid"
    claims.claim_close(claim=claim, user=handler, reason="withdrawn")
    assert claim.state == "closed"


# --- the case follows its claim lines --------------------------------------------------------------------------------


def test_the_case_concludes_when_its_claims_are_closed_and_reopens_with_them(agreed, users):
    """Issue 13: the case stayed 已达成协议 after its claim closed, and the 已结案 filter showed nothing. The case's own
    machine moves (derived, recorded), never a second copy of the claim's state."""
    maiji, tianlong = users["maiji_unit1"], users["tianlong_unit1"]
    claim = _paid(agreed, maiji)
    b_claim = claims.claim_register(party=agreed.parties.get(label="B"), user=tianlong)
    claims.claim_close(claim=claim, user=maiji, reason="paid_in_full")
    agreed.refresh_from_db()
    assert agreed.state == "agreed"  # B's claim is still open
    claims.claim_close(claim=b_claim, user=tianlong, reason="no_loss")
    agreed.refresh_from_db()
    assert agreed.state == "concluded"
    moved = agreed.events.filter(kind="state_changed").latest("sequence")
    assert moved.data | {} == {"from": "agreed", "to": "concluded", "action": "claims_closed", "reason": ""}
    assert moved.actor == tianlong
    found = selectors.inbox_for_user(user=maiji, state="concluded")
    assert [case.number for case, _clock in found.rows] == [agreed.number]
    assert found.counts.get("concluded") == 1
    claims.claim_reopen(claim=claim, user=maiji, reason="complaint")
    agreed.refresh_from_db()
    assert agreed.state == "agreed"


def _both_closed(case, users):
    maiji, tianlong = users["maiji_unit1"], users["tianlong_unit1"]
    claims.claim_close(claim=_paid(case, maiji), user=maiji, reason="paid_in_full")
    b_claim = claims.claim_register(party=case.parties.get(label="B"), user=tianlong)
    claims.claim_close(claim=b_claim, user=tianlong, reason="no_loss")


def test_one_company_closing_its_claim_never_concludes_a_case_another_has_not_registered(agreed, users):
    """Issue 13 (R1, R12): 天陇 closing A's claim closed the whole case (已结案：本案理赔全部结案) while 麦积's claim for
    B was never registered, and the case left 麦积's deadline order. Every party a claims unit serves needs its claim
    closed."""
    maiji = users["maiji_unit1"]
    claims.claim_close(claim=_paid(agreed, maiji), user=maiji, reason="paid_in_full")
    agreed.refresh_from_db()
    assert agreed.state == "agreed"
    assert not agreed.events.filter(kind="state_changed", data__to="concluded").exists()
    rows = selectors.inbox_for_user(user=users["tianlong_unit1"]).rows
    assert [clock["name"] for case, clock in rows if case.pk == agreed.pk] == ["first_contact"]  # B's clock runs


def test_the_clocks_read_with_the_readers_colon(agreed, users, client):
    """Walk finding 18: "首次联系: 时限" — a Chinese label takes the full-width colon."""
    maiji = users["maiji_unit1"]
    claims.claim_register(party=agreed.parties.get(label="A"), user=maiji)
    html = _signed_in(client, maiji).get(f"/cases/{agreed.number}/", secure=True).content.decode()
    sla = html.split('data-testid="sla"')[1].split("</ul>")[0]
    assert "首次联系：" in sla
    assert "首次联系:" not in sla
    stages = html.split('data-testid="claim-stages"')[1].split("</ol>")[0]
    assert "已立案" in stages
    assert "已定损" not in stages  # a stage not reached is named as it will be: 定损
    assert "定损" in stages


def test_a_claim_closed_unpaid_shows_what_happened_and_why_and_runs_no_clock(agreed, users, client):
    """Re-walk finding: a claim closed without payment showed 已定损 已理算 已核赔 已支付 in green, its first-contact
    clock still running, the hand-off still offered, and no reason — on the desk and on the driver's page."""
    tianlong = users["tianlong_unit1"]
    b = agreed.parties.get(label="B")
    claims.claim_close(claim=claims.claim_register(party=b, user=tianlong), user=tianlong, reason="no_fault_proxy_paid")
    (panel,) = selectors.claim_panels(user=tianlong, case=agreed)
    done = {code for code, _text, happened, _current in panel["stages"] if happened}
    assert done == {"registered", "closed"}
    assert [clock["name"] for clock in panel["sla"]] == ["closure"]  # only what was met: a closed claim runs no clock
    assert panel["units"] == []
    html = _signed_in(client, tianlong).get(f"/cases/{agreed.number}/", secure=True).content.decode()
    card = html.split('data-testid="claim-B"')[1]
    assert "结案原因：由责任方保险公司代为赔付" in card
    assert 'data-testid="handoff"' not in card.split("</section>")[0]
    assert selectors.claim_progress(b)["close_reason"].zh.startswith("由责任方保险公司")


def test_the_case_page_says_concluded(agreed, users, client):
    maiji = users["maiji_unit1"]
    _both_closed(agreed, users)
    html = _signed_in(client, maiji).get(f"/cases/{agreed.number}/", secure=True).content.decode()
    assert "已结案" in html.split('data-testid="case-state"')[1][:200]


# --- search ----------------------------------------------------------------------------------------------------------


def _found(user, q):
    return [case.number for case, _clock in selectors.inbox_for_user(user=user, q=q).rows]


@pytest.mark.parametrize(
    "q",
    [
        "{number}",
        "{tail}",
        "甘E6789A",
        "甘e 6789a",
        "E6789A",
        "e 6789a",
        "13700005555",
        "137 0000 5555",
        "+8613700005555",
        "张三",
        "张 三",
    ],
)
def test_the_inbox_finds_a_case_by_each_key(agreed, users, q):
    """Issue 13: by case number (or part of it), plate, mobile and the driver's whole name — the last two through
    their blind indexes (the stored name and mobile stay encrypted)."""
    typed = q.format(number=agreed.number, tail=agreed.number.split("-", 1)[1])
    assert _found(users["maiji_unit1"], typed) == [agreed.number]
    assert _found(users["maiji_hq"], typed) == [agreed.number]


def test_search_finds_nothing_for_what_is_not_there(agreed, users):
    for q in ("甘A00000", "13900000000", "王五", "999999-20000101-00001"):
        assert _found(users["maiji_unit1"], q) == []


def test_b8_staff_cannot_find_another_insurers_cases_by_search(agreed, users):
    """Issue 13 (B8): A is 麦积's, B is 天陇's. 天陇's staff find the case by B's plate, mobile and name — but never by
    A's, which are not theirs to know; staff of a company with no party on the case find it by nothing."""
    tianlong = users["tianlong_unit1"]
    assert _found(tianlong, "甘K12345") == [agreed.number]
    assert _found(tianlong, "13700006666") == [agreed.number]
    assert _found(tianlong, "李四") == [agreed.number]
    for q in ("甘E6789A", "13700005555", "张三"):
        assert _found(tianlong, q) == [], q
    assert selectors.inbox_for_user(user=tianlong).plates == {agreed.pk: ["甘K12345"]}  # the inbox lists B's plate only
    stranger = next(user for name, user in users.items() if name.endswith("_unit1")
                    and user.insurer.code not in ("maiji", "tianlong"))  # fmt: skip
    for q in ("甘E6789A", "甘K12345", "13700005555", "张三", agreed.number):
        assert _found(stranger, q) == [], q


@pytest.mark.tampers_audit  # saves a party's name directly, as no service may after the agreement
def test_the_name_index_follows_the_name_and_is_no_clear_text(agreed):
    from claimbridge.cases.models import CaseParty
    from claimbridge.core.crypto import name_blind_index

    a = agreed.parties.get(label="A")
    assert a.name_index == name_blind_index("张三")
    assert "张" not in a.name_index
    a.driver_name = "张三丰"
    a.save(update_fields=["driver_name"])
    assert CaseParty.objects.get(pk=a.pk).name_index == name_blind_index("张三丰")


def test_the_inbox_sorts_by_deadline_and_counts_per_state(agreed, users, client):
    """Issue 13: counts per state for the search typed, whatever the state chosen; the page shows them."""
    maiji = users["maiji_unit1"]
    found = selectors.inbox_for_user(user=maiji, q="甘E6789A", state="police")
    assert found.rows == []
    assert found.counts == {"agreed": 1}
    assert found.total == 1
    html = _signed_in(client, maiji).get("/cases/", {"q": "甘E6789A", "sort": "deadline"}, secure=True)
    assert agreed.number in html.content.decode()
    assert 'data-state="agreed"' in html.content.decode()


def test_the_deadline_sort_looks_at_every_case_found_not_only_the_newest(agreed, users):
    """Issue 13 (R12): the inbox sorted the newest 200 cases by deadline, so an older case whose clock runs out first
    was missing from a full inbox. The oldest case here waits for first contact (30 min); the two newer ones were
    contacted and wait for the survey (24 h): with room for one row, the oldest is it."""
    maiji = users["maiji_unit1"]
    newer = [agreed_case(), agreed_case()]
    for case in newer:
        claims.claim_contact(claim=claims.claim_register(party=case.parties.get(label="A"), user=maiji), user=maiji)
    first = selectors.inbox_for_user(user=maiji, limit=1)
    assert [case.number for case, _ in first.rows] == [agreed.number]
    assert first.total == 3
    rows = selectors.inbox_for_user(user=maiji).rows
    assert [clock["name"] for _, clock in rows] == ["first_contact", "survey", "survey"]
    dues = [clock["due"] for _, clock in rows]
    assert dues == sorted(dues)  # the database's order is the clocks' order
    assert [case.number for case, _ in selectors.inbox_for_user(user=maiji, sort="newest", limit=1).rows] == [
        newer[-1].number
    ]


def test_the_api_inbox_has_the_same_search_sort_and_counts(agreed, users, client):
    maiji = users["maiji_unit1"]
    body = _signed_in(client, maiji).get("/api/v1/cases", {"q": "张三", "sort": "newest"}, secure=True).json()
    assert body["total"] == 1
    assert body["counts"] == {"agreed": 1}
    assert body["cases"][0]["number"] == agreed.number
    assert body["cases"][0]["next_deadline"]["name"] == "first_contact"
    assert body["cases"][0]["plates"] == ["甘E6789A"]  # A's, 麦积's own; never B's (天陇's)
    refused = client.get("/api/v1/cases", {"state": "teleported"}, secure=True)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "state"


# --- showing the driver's name and mobile ----------------------------------------------------------------------------


def test_the_case_page_masks_the_driver_and_shows_the_estimated_loss(agreed, users, client):
    html = _signed_in(client, users["maiji_unit1"]).get(f"/cases/{agreed.number}/", secure=True).content.decode()
    card = html.split('data-testid="party-A"')[1].split("</li>")[0]
    assert "张*" in card
    assert "137****5555" in card
    assert "张三" not in card
    assert "13700005555" not in card
    assert "3,000.00" in html.split('data-testid="estimated-loss"')[1][:120]
    assert 'data-testid="reveal-A"' in html
    assert 'data-testid="reveal-B"' not in html


def test_showing_the_name_and_mobile_is_recorded_each_time(agreed, users, client):
    """Issue 13 (decision 0004): a handler of the party sees them in full on asking; each showing is an event."""
    handler = users["maiji_unit1"]
    page = _signed_in(client, handler)
    url = f"/cases/{agreed.number}/parties/A/reveal/"
    for times in (1, 2):
        answer = page.post(url, {"purpose": "customer_contact"}, secure=True, headers={"HX-Request": "true"})
        assert answer.status_code == 200
        assert "张三" in answer.content.decode()
        assert "13700005555" in answer.content.decode()
        shown = CaseEvent.objects.filter(case=agreed, kind="party_contact_shown")
        assert shown.count() == times
        assert (shown.latest("sequence").actor, shown.latest("sequence").data) == (handler, {"party": "A"})


@pytest.mark.parametrize("who", ["tianlong_unit1", "maiji_unit2", "maiji_adj1"])
def test_only_a_handler_of_the_party_may_see_them(agreed, users, client, who):
    """B8: the other party's insurer, a unit of the same company that does not serve the party, an adjuster — none
    sees the name or mobile, and nothing is recorded as shown."""
    if who not in users:
        pytest.skip(f"no {who} in the demo")
    answer = _signed_in(client, users[who]).post(f"/cases/{agreed.number}/parties/A/reveal/",
                                                 {"purpose": "customer_contact"}, secure=True)  # fmt: skip
    assert answer.status_code in (302, 403, 404)
    assert "13700005555" not in answer.content.decode()
    assert not CaseEvent.objects.filter(case=agreed, kind="party_contact_shown").exists()


# --- the timeline in words --------------------------------------------------------------------------------------------


def test_the_timeline_says_what_happened_in_words(agreed, users, client):
    """Issue 13: the timeline said only 状态变更. Now: "B 方确认协议", "A 方理算 3,000.00 元", "A 方已立案" …"""
    maiji = users["maiji_unit1"]
    _both_closed(agreed, users)
    words = [event["words"] for event in selectors.timeline(case=agreed, user=maiji)]
    for said in ("驾驶人自助报案", "B 方确认协议", "已达成协议", "A 方已立案", "A 方定损：A 车 1,500.00 元、B 车 3,000.00 元",
                 "A 方理算 3,100.00 元", "A 方核赔通过 3,100.00 元", "A 方支付 3,100.00 元（流水号 BANK-001）",
                 "A 方结案：已足额赔付", "已结案：本案理赔全部结案"):  # fmt: skip
        assert said in words, said
    assert "状态变更" not in words
    actors = {event["actor"] for event in selectors.timeline(case=agreed, user=maiji) if event["kind"] == "claim_pay"}
    assert actors == {maiji.get_full_name()}  # a colleague by name, not by login (walk finding 18)
    assert maiji.get_full_name()
    assert maiji.username not in actors
    html = _signed_in(client, maiji).get(f"/cases/{agreed.number}/", secure=True).content.decode()
    assert "A 方理算 3,100.00 元" in html


def test_b8_the_timeline_keeps_another_companys_claim_to_itself(agreed, users):
    """B8: the registry's cut, as for webhooks — 天陇 (B's insurer) reads the agreement's events, not 麦积's claim
    steps or amounts."""
    claim = _paid(agreed, users["maiji_unit1"])
    claims.claim_close(claim=claim, user=users["maiji_unit1"], reason="paid_in_full")
    words = " ".join(event["words"] for event in selectors.timeline(case=agreed, user=users["tianlong_unit1"]))
    assert "B 方确认协议" in words
    assert "3,000.00" not in words
    assert "3,100.00" not in words
    assert "理算" not in words
    assert "BANK-001" not in words
