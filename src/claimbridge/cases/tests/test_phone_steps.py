"""The driver's quick claim as steps (issue 13; B1, R2, R3): conditions met, to answer or failed; a voided confirmation
said with who changed what; each step saved on its own, input kept; several photos at once."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.factories import photo, two_party_case

from claimbridge.cases.quick_claim import conditions_seen
from claimbridge.cases.selectors import confirmations_voided
from claimbridge.cases.services.intake import PartyInput, case_create
from claimbridge.cases.services.quick_claim import case_facts_save, party_confirm
from claimbridge.organisations.models import County

pytestmark = pytest.mark.django_db


def phone_of(case, label: str) -> Client:
    client = Client()
    session = client.session
    session["case_parties"] = {case.number: label}
    session.save()
    return client


def fresh_case():
    """A has just started the case on their phone (the plate is in the register); B has not joined."""
    from django.utils import timezone

    from claimbridge.policies.demo import load_demo_policies

    load_demo_policies()
    return case_create(user=None, channel="driver", county=County.objects.get(code="621202"),
                       accident_at=timezone.now(), parties=[PartyInput("A", plate="甘E6789A", phone="13700005555")])  # fmt: skip


def test_a_fresh_case_has_nothing_failed_only_things_to_answer(users):
    """Issue 13 (R2): unticked statements and unanswered questions are "to answer", never failed conditions."""
    seen = conditions_seen(fresh_case())
    assert seen["verdict"] == "open"
    assert seen["failed"] == []
    assert {"drivers_fit", "vehicles_inspected", "no_casualties", "scene_evidence_both"} <= set(seen["open"])
    assert all(item["message"]["zh"] and "报警" not in item["message"]["zh"] for item in seen["conditions"])


def test_a_known_failure_gives_its_reason_and_the_rest_stays_open(users):
    """Issue 13 (R2, R14): an answer that fails a condition shows the kernel's reason; unanswered ones stay open."""
    case = fresh_case()
    case_facts_save(case=case, facts={"casualties": True}, party_label="A")
    seen = conditions_seen(case)
    assert seen["verdict"] == "not_eligible"
    assert seen["failed"] == ["no_casualties"]
    failed = next(item for item in seen["conditions"] if item["code"] == "no_casualties")
    assert "报警" in failed["message"]["zh"]
    assert "drivers_fit" in seen["open"]


def test_a_complete_case_meets_every_condition(users):
    seen = conditions_seen(two_party_case())
    assert seen["verdict"] == "eligible"
    assert {item["state"] for item in seen["conditions"]} == {"met"}


def test_a_voided_confirmation_is_said_with_who_changed_what(users):
    """Issue 13 (B1): B confirmed, A changed the loss: B's page says its confirmation went, A changed 估计损失."""
    case = two_party_case()
    b = case.parties.get(label="B")
    party_confirm(party=b, typed_name="李四", consent=True, device="B")
    assert confirmations_voided(case=case, parties=list(case.parties.all())) is None
    case_facts_save(case=case, facts={"estimated_loss": "3500.00"}, party_label="A")
    voided = confirmations_voided(case=case, parties=list(case.parties.all()))
    assert voided is not None
    assert (voided["parties"], voided["by"], voided["fields"]) == (["B"], "A", ["estimated_loss"])

    page = phone_of(case, "B").get(f"/cases/{case.number}/me/live/", secure=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "您的确认已失效" in text
    assert "对方（A方）" in text
    assert "估计损失" in text
    phone_a = phone_of(case, "A")
    told_a = phone_a.get(f"/cases/{case.number}/me/live/", secure=True).content.decode()
    assert "对方（B方）的确认因此失效" in told_a
    again = told_a.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert phone_a.get(again, secure=True).status_code == 204  # nothing new: nothing swapped, nothing re-announced

    party_confirm(party=b, typed_name="李四", consent=True, device="B")
    assert confirmations_voided(case=case, parties=list(case.parties.all())) is None


def test_the_what_happened_step_saves_its_part_with_the_circumstances_and_keeps_input_on_error(users):
    """Issue 13 (B1, R2): the account and the circumstances are one form; other answers stay as they were; an
    error is shown next to its field with what was typed kept."""
    case = two_party_case()
    phone = phone_of(case, "B")
    form = {"step": "what", "place": "东江路口", "weather": "rain", "collision_form": "rear_end",
            "damage": "minor_exterior", "estimated_loss": "一万二", "party_A": "1", "party_B": ""}  # fmt: skip
    refused = phone.post(f"/cases/{case.number}/me/facts/", form, secure=True)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'value="东江路口"' in body
    assert 'value="一万二"' in body
    assert 'role="alert"' in body
    saved = phone.post(f"/cases/{case.number}/me/facts/", form | {"estimated_loss": "2800"}, secure=True)
    assert saved.status_code == 302
    assert saved["Location"].endswith("?step=check")
    case.refresh_from_db()
    assert (case.facts["weather"], case.facts["estimated_loss"], case.facts["casualties"]) == ("rain", "2800.00", False)
    assert case.fact_sources["weather"]["by"] == "party:B"
    assert case.circumstances == {"A": [1], "B": []}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("12,00元", None),
        ("1e3", None),
        ("12,000元", "12000.00"),
        ("１２，０００", "12000.00"),
        ("¥2,800.50", "2800.50"),
    ],
)
def test_the_phone_reads_the_estimated_loss_as_the_desk_reads_money(users, typed, kept):
    """Issue 13 (R3, B9): the phone's estimated loss took "12,00元" as 1200 (every comma dropped) while the claims
    desk refused it: one reading of typed money now, thousands commas and full width read, a misplaced comma refused."""
    case = two_party_case()
    phone = phone_of(case, "A")
    form = {"step": "what", "place": "东江路口", "weather": "rain", "collision_form": "rear_end",
            "damage": "minor_exterior", "estimated_loss": typed, "party_A": "1", "party_B": ""}  # fmt: skip
    before = case.facts.get("estimated_loss")
    answer = phone.post(f"/cases/{case.number}/me/facts/", form, secure=True)
    case.refresh_from_db()
    if kept is None:
        assert answer.status_code == 422
        assert case.facts.get("estimated_loss") == before
        assert f'value="{typed}"' in answer.content.decode()
    else:
        assert answer.status_code == 302
        assert case.facts["estimated_loss"] == kept


def test_unanswered_statements_stay_unanswered(users):
    """Issue 13 (R2): a statement the driver has not answered is stored as not answered, not as "no"."""
    case = fresh_case()
    phone = phone_of(case, "A")
    answer = phone.post(f"/cases/{case.number}/me/", {"step": "who", "driver_name": "张三", "driver_licence":
                        "11010519491231002X", "plate": "甘E6789A", "vehicle_type": "small_car", "collision_part": "front",
                        "driver_licensed": "yes"}, secure=True)  # fmt: skip
    assert answer.status_code == 302
    party = case.parties.get()
    assert (party.driver_licensed, party.inspection_valid, party.impairment_free) == (True, None, None)


def test_several_photos_go_into_one_slot_at_once(users):
    """Issue 13 (B1): the camera slot takes several photos; the checklist and thumbnails come back in place."""
    case = two_party_case()
    phone = phone_of(case, "B")
    answer = phone.post(f"/cases/{case.number}/me/photos/", {"step": "photos", "slot": "collision_point",
                        "upload_key": "k1", "file": [photo(3), photo(4)]}, HTTP_HX_REQUEST="true", secure=True)  # fmt: skip
    assert answer.status_code == 200
    body = answer.content.decode()
    assert body.count('data-testid="thumb"') == 5  # three before, two now
    assert "已收到 2 张照片" in body
    thumbnail = body.split('data-testid="thumb"')[0].rsplit('src="', 1)[1].split('"')[0]
    assert phone.get(thumbnail, secure=True)["Content-Type"] == "image/jpeg"
    assert Client().get(thumbnail, secure=True).status_code == 404


# --- what a new driver found walking the quick claim on two phones (issue 13, the phone walk) ------------------------
WHAT_FORM = {"step": "what", "place": "东江路口", "weather": "sunny", "collision_form": "rear_end",
             "damage": "minor_exterior", "estimated_loss": "3000"}  # fmt: skip


def a_alone_chose_none():
    """A has done all of their part, answered every question and chose "none of these"; B has not joined."""
    from tests.factories import A_DETAILS, FACTS

    from claimbridge.cases.services.evidence import party_photo_upload
    from claimbridge.cases.services.parties import party_details_save

    case = fresh_case()
    a = case.parties.get()
    party_details_save(party=a, **A_DETAILS)
    for index, slot in enumerate(("front_panorama", "rear_panorama", "collision_point")):
        party_photo_upload(party=a, slot_code=slot, upload=photo(index))
    case_facts_save(case=case, facts=FACTS, party_label="A")
    phone = phone_of(case, "A")
    assert phone.post(f"/cases/{case.number}/me/facts/", WHAT_FORM | {"party_A": ""}, secure=True).status_code == 302
    case.refresh_from_db()
    return case, phone


def b_joins(case):
    from tests.factories import B_DETAILS
    from tests.world import sms_code_for

    from claimbridge.cases.services.evidence import party_photo_upload
    from claimbridge.cases.services.join import case_join, case_join_code_issue
    from claimbridge.cases.services.parties import party_details_save

    code = case_join_code_issue(case=case)
    from claimbridge.privacy.notice import NOTICE_VERSION

    _case, b = case_join(
        join_code=code,
        phone="13700006666",
        sms_code=sms_code_for("13700006666"),
        client="192.0.2.7",
        consent_version=NOTICE_VERSION,
    )
    party_details_save(party=b, **B_DETAILS)
    party_photo_upload(party=b, slot_code="collision_point", upload=photo(3))
    case.refresh_from_db()
    return b, phone_of(case, "B")


def _between(page: str, start: str, end: str = "</section>") -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_none_of_these_is_an_answer_and_the_other_drivers_silence_is_waited_for_not_failed(users):
    """Issue 13 (phone walk, R2): A chose "none of these" and B has not joined: step 4 said 不能在线处理, offered the
    police first and asked A to choose in step 3. Unanswered is "waiting for the other driver", never failed; the
    police stay available, secondary; A's choice is an answer. Once B too chose none, it fails, police first."""
    case, phone = a_alone_chose_none()
    assert case.circumstances == {"A": []}
    seen = conditions_seen(case)
    assert (seen["verdict"], seen["failed"]) == ("open", [])
    listed = next(item for item in seen["conditions"] if item["code"] == "listed_circumstance")
    assert (listed["state"], listed["waits_on"]) == ("open", ["B"])
    page = phone.get(f"/cases/{case.number}/me/?step=check", secure=True).content.decode()
    verdict = _between(page, 'data-testid="verdict"', "</p>")
    assert "等待对方" in verdict
    assert "不能" not in verdict
    assert "尚未确定：请在第 3 步选择事故情形" not in page
    assert "等待对方选择事故情形" in _between(page, 'data-testid="liability"')
    assert 'class="button" data-testid="to-police"' not in page  # not the prominent action…
    assert 'data-testid="to-police" data-secondary="true"' in page  # …but still there
    assert 'badge-open">等待对方<' in page

    _b, phone_b = b_joins(case)
    assert (
        "尚未确定：请在第 3 步选择事故情形"
        in phone_b.get(f"/cases/{case.number}/me/?step=check", secure=True).content.decode()
    )
    assert phone_b.post(f"/cases/{case.number}/me/facts/", WHAT_FORM | {"party_A": "", "party_B": ""},
                        secure=True).status_code == 302  # fmt: skip
    case.refresh_from_db()
    seen = conditions_seen(case)
    assert (seen["verdict"], seen["failed"]) == ("not_eligible", ["listed_circumstance"])
    page = phone.get(f"/cases/{case.number}/me/?step=check", secure=True).content.decode()
    assert 'class="button" data-testid="to-police"' in page


def test_a_party_is_ticked_for_a_step_only_once_their_own_part_is_done(users):
    """Issue 13 (phone walk): B's step bar ticked 事故经过 and 责任与条件 on arrival, though B had still to choose his
    circumstance; and A saving the account again with B's row untouched must not answer "none" for B."""
    from claimbridge.cases.views.phone_context import progress

    case, phone_a = a_alone_chose_none()
    b, phone_b = b_joins(case)
    listed = list(case.parties.order_by("label"))
    assert {"what", "check"} <= progress(listed[0], listed)
    assert {"what", "check"}.isdisjoint(progress(b, listed))
    bar = _between(phone_b.get(f"/cases/{case.number}/me/?step=done", secure=True).content.decode(),
                   'data-testid="steps"', "</ol>")  # fmt: skip
    assert bar.count('class="done"') == 2  # who and photos only
    assert phone_a.post(f"/cases/{case.number}/me/facts/", WHAT_FORM | {"party_A": "1"}, secure=True).status_code == 302
    case.refresh_from_db()
    assert case.circumstances == {"A": [1]}  # B still to answer, not "none"
    listed = list(case.parties.order_by("label"))
    assert "what" not in progress(listed[1], listed)
    assert (
        'data-testid="not-ready"' in phone_b.get(f"/cases/{case.number}/me/?step=confirm", secure=True).content.decode()
    )
    assert phone_b.post(f"/cases/{case.number}/me/facts/", WHAT_FORM | {"party_A": "1", "party_B": ""},
                        secure=True).status_code == 302  # fmt: skip
    case.refresh_from_db()
    assert case.circumstances == {"A": [1], "B": []}
    listed = list(case.parties.order_by("label"))
    assert {"what", "check"} <= progress(listed[1], listed)


def test_the_join_page_address_is_said_next_to_the_code(users):
    """Issue 13 (phone walk): "open the join page and type the code" gave no address: it is shown, absolute, from the
    request, on the page and in the live fragment."""
    from claimbridge.cases.services.join import case_join_code_issue

    case = fresh_case()
    case_join_code_issue(case=case)
    phone = phone_of(case, "A")
    page = phone.get(f"/cases/{case.number}/me/", secure=True).content.decode()
    address = _between(page, 'data-testid="join-page"', "</p>")
    assert 'href="https://testserver/cases/join/"' in address
    assert ">https://testserver/cases/join/</a>" in address
    live = phone.get(f"/cases/{case.number}/me/live/?step=photos", secure=True).content.decode()
    assert "https://testserver/cases/join/" in _between(live, 'data-testid="join-page"', "</p>")


def test_a_filter_chip_puts_only_the_readers_words_in_the_search(users):
    """Issue 13 (phone walk): tapping 追尾 put "追尾 rear-end" in the search box: only the reader's language now."""
    case = two_party_case()
    phone = phone_of(case, "A")
    page = phone.get(f"/cases/{case.number}/me/?step=what", secure=True).content.decode()
    assert 'data-q="追尾"' in page
    assert "rear-end" not in _between(page, 'class="chips"', "</div>")
    phone.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    page = phone.get(f"/cases/{case.number}/me/?step=what", secure=True).content.decode()
    assert 'data-q="rear-end"' in page
    assert "追尾" not in _between(page, 'class="chips"', "</div>")


def test_the_other_drivers_changed_details_are_named_in_the_third_person(users):
    """Issue 13 (phone walk): A's banner listed B's changes with B's own questions (您的车被撞部位、您是否持有…):
    the other party's fields are named so that they fit the reader, in both languages."""
    from tests.factories import B_DETAILS

    from claimbridge.cases.selectors import last_event_sequence
    from claimbridge.cases.services.parties import party_details_save

    case = two_party_case()
    since = last_event_sequence(case)
    party_details_save(party=case.parties.get(label="B"), **(B_DETAILS | {"collision_part": "left",
                                                                          "driver_licensed": False}))  # fmt: skip
    phone = phone_of(case, "A")
    changes = _between(phone.get(f"/cases/{case.number}/me/live/?since={since}&step=who", secure=True).content.decode(),
                       'data-testid="changes"', "</ul>")  # fmt: skip
    assert "对方（B方） 修改了自己的信息" in changes
    assert "车辆被撞部位" in changes
    assert "是否持有准驾此车的驾驶证" in changes
    assert "您" not in changes.split("<ul>", 1)[1]
    phone.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    changes = _between(phone.get(f"/cases/{case.number}/me/live/?since={since}&step=who", secure=True).content.decode(),
                       'data-testid="changes"', "</ul>")  # fmt: skip
    assert "where the vehicle was hit" in changes
    assert "your" not in changes.lower()


def test_a_change_after_b_confirmed_redraws_b_confirm_panel_in_place_with_old_and_new(users):
    """Issue 13 (phone walk): B, looking at 您已确认，等待对方确认 with the old amount, was not told where he looked
    when A's change voided his confirmation. The poll now redraws the summary and the confirm panel in place, the
    notice in the panel says what changed from what (2,000.00 → 2,500.00); A is warned before saving."""
    from claimbridge.cases.selectors import last_event_sequence

    case = two_party_case(facts=None)
    b = case.parties.get(label="B")
    phone_a, phone_b = phone_of(case, "A"), phone_of(case, "B")
    assert (
        'data-testid="voids-warning"'
        not in phone_a.get(f"/cases/{case.number}/me/?step=what", secure=True).content.decode()
    )
    party_confirm(party=b, typed_name="李四", consent=True, device="B")
    page = phone_b.get(f"/cases/{case.number}/me/?step=confirm", secure=True).content.decode()
    assert 'data-testid="i-confirmed"' in page
    seq = last_event_sequence(case)
    poll = f"/cases/{case.number}/me/live/?since={seq}&step=confirm&seq={seq}&d=confirmed"
    quiet = phone_b.get(poll, secure=True).content.decode()
    assert "hx-swap-oob" not in quiet  # nothing moved: the panels stay as they are

    warned = phone_a.get(f"/cases/{case.number}/me/?step=what", secure=True).content.decode()
    assert "对方（B方）已确认：保存修改后，其确认将失效" in _between(warned, 'data-testid="voids-warning"', "</p>")
    case_facts_save(case=case, facts={"estimated_loss": "3500.00"}, party_label="A")
    answer = phone_b.get(poll, secure=True)
    body = answer.content.decode()
    live, panels = body.split("</section>", 1)
    assert 'data-testid="voided"' not in live  # said where B looks, not at the top of the page
    summary = _between(panels, 'id="summary"')
    assert 'hx-swap-oob="true"' in panels.split('id="summary"', 1)[1].split(">", 1)[0]
    assert "3,500.00" in summary
    decide = _between(panels, 'id="decide"')
    assert 'data-testid="i-confirmed"' not in decide
    assert 'data-testid="confirm"' in decide
    notice = _between(decide, 'data-testid="voided"', "</div>")
    assert "您的确认已失效" in notice
    assert "3,000.00 → 3,500.00" in notice
    again = live.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert phone_b.get(again, secure=True).status_code == 204  # drawn once, not again at every poll


def test_after_both_confirm_the_done_step_has_no_stale_flash_and_names_the_agreement_check_code(users):
    """Issue 13 (phone walk): after confirming, 已保存。 stood on the done step; 验证码 there is the SMS code's word:
    it is the 协议书核验码, with the public verify page linked; plates in summaries are chips."""
    case = two_party_case()
    phone_a, phone_b = phone_of(case, "A"), phone_of(case, "B")
    summary = _between(phone_a.get(f"/cases/{case.number}/me/?step=confirm", secure=True).content.decode(),
                       'data-testid="summary"')  # fmt: skip
    assert '<span class="plate">甘E6789A</span>' in summary
    form = {"step": "confirm", "stay": "1", "consent": "on"}
    phone_b.post(f"/cases/{case.number}/me/confirm/", form | {"typed_name": "李四"}, secure=True)
    done = phone_a.post(f"/cases/{case.number}/me/confirm/", form | {"typed_name": "张三"}, secure=True, follow=True)
    page = done.content.decode()
    case.refresh_from_db()
    assert case.state == "agreed"
    assert "已保存。" not in page
    check = _between(page, 'data-testid="agreement-check"', "</p>")
    assert "协议书核验码：" in check
    assert "验证码:" not in page
    link = check.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert link.startswith("/cases/agreement/verify/?")
    assert 'data-testid="verify-result"' in Client().get(link, secure=True).content.decode()
    assert "真" in _between(Client().get(link, secure=True).content.decode(), 'data-testid="verify-result"', "</p>")


def test_back_at_the_case_the_driver_lands_where_something_is_left_to_do(users):
    """Re-walk finding 6: back through 我的案件, a driver who had confirmed landed on 第 1 步 as an editable form. With
    no step asked for, the page opens at this driver's first unfinished step; once everything is done, at confirming
    (where a confirmed driver waits for the other)."""
    from claimbridge.cases.services.quick_claim import party_confirm

    fresh = fresh_case()
    assert phone_of(fresh, "A").get(f"/cases/{fresh.number}/me/", secure=True).context["step"] == "who"
    case = two_party_case()
    party_confirm(party=case.parties.get(label="A"), typed_name="张三", consent=True, device="A")
    page = phone_of(case, "A").get(f"/cases/{case.number}/me/", secure=True)
    assert page.context["step"] == "confirm"
    asked = phone_of(case, "A").get(f"/cases/{case.number}/me/?step=who", secure=True)
    assert asked.context["step"] == "who"  # a step asked for is shown


@pytest.mark.tampers_audit  # B's answer is taken out of the row directly: no service un-answers a circumstance
def test_the_service_refuses_a_confirmation_before_every_driver_chose_a_circumstance(users):
    """The page offered confirming only once both had chosen; the service now asks the same (one rule that a direct
    request cannot skip): B silent is not B "none of these"."""
    from claimbridge.cases.models import Case
    from claimbridge.cases.services.quick_claim import party_confirm
    from claimbridge.core.errors import AppError

    case = two_party_case()
    Case.objects.filter(pk=case.pk).update(circumstances={"A": [1]})
    a = case.parties.get(label="A")
    with pytest.raises(AppError) as refused:
        party_confirm(party=a, typed_name="张三", consent=True, device="A")
    assert refused.value.code == "circumstances_missing"
    a.refresh_from_db()
    assert a.confirmed_at is None
