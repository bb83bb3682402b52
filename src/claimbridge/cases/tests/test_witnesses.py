"""Issue 16: "were there witnesses?" asked wherever the accident's facts are — the drivers' questions on the phone, the
phone's API, the back office's report — optional, stored with who gave it, on the 协议书, and passed to the fraud
score's `night_no_witness`. It is no 快处易赔 condition: the eligibility is the same whatever the answer."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from tests.factories import FACTS, two_party_case

from claimbridge.cases.forms import SAFETY_QUESTIONS, BackOfficeCaseForm, FactsForm
from claimbridge.cases.models import Case
from claimbridge.cases.quick_claim import assessment, conditions_seen, eligibility_document, facts_complete
from claimbridge.cases.services import quick_claim
from claimbridge.fraud.scoring import case_signals

pytestmark = pytest.mark.django_db
ANSWERS = {"yes": True, "no": False}


def phone_of(case: Case, label: str) -> Client:
    client = Client()
    session = client.session
    session["case_parties"] = {case.number: label}
    session.save()
    return client


def questions(**extra: str) -> dict[str, str]:
    """The questions screen as a driver sends it: every condition answered the safe way."""
    answered = {name: "yes" if name == "vehicles_drivable" else "no" for name in SAFETY_QUESTIONS}
    return {"step": "check", **answered, **extra}


def api_facts(client: Client, case: Case, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/cases/{case.number}/me/facts", json.dumps(body, ensure_ascii=False),
                       content_type="application/json", secure=True)  # fmt: skip


def pdf_text(case: Case) -> str:
    reader = PdfReader(io.BytesIO(default_storage.open(case.agreement_name).read()))
    return "".join(page.extract_text() for page in reader.pages)


def agree(case: Case) -> Case:
    for party, name in zip(case.parties.order_by("label"), ("张三", "李四"), strict=True):
        quick_claim.party_confirm(party=party, typed_name=name, consent=True, device="phone")
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("answer", ["yes", "no", None])
def test_the_shared_form_takes_yes_or_no_and_leaves_a_skipped_answer_out(answer):
    data = {name: ("yes" if value else "no") if isinstance(value, bool) else value for name, value in FACTS.items()}
    form = FactsForm(data | ({"witnesses": answer} if answer else {}))
    assert form.is_valid(), form.errors
    facts = form.facts()
    if answer is None:
        assert "witnesses" not in facts  # not known: never stored, least of all as False
    else:
        assert facts["witnesses"] is ANSWERS[answer]


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_a_drivers_answer_on_the_phone_is_stored_with_who_gave_it_and_recorded(users, answer):
    case = two_party_case()
    response = phone_of(case, "B").post(f"/cases/{case.number}/me/facts/", questions(witnesses=answer), secure=True)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.facts["witnesses"] is ANSWERS[answer]
    assert case.fact_sources["witnesses"]["by"] == "party:B"
    event = case.events.filter(kind="facts_updated").latest("sequence")
    assert event.data["fields"] == ["witnesses"]
    assert event.data["changes"] == {"witnesses": [None, ANSWERS[answer]]}
    assert case_signals(case).witnesses is ANSWERS[answer]


def test_a_skipped_question_is_not_stored_and_the_questions_step_is_still_done(users):
    from claimbridge.cases import selectors
    from claimbridge.cases.views.phone_context import progress

    case = two_party_case()
    phone = phone_of(case, "A")
    page = phone.get(f"/cases/{case.number}/me/?step=check", secure=True).content.decode()
    assert "事故发生时是否有目击者（两车以外看到经过的人）？" in page
    assert "选填，不清楚可不选" in page
    assert page.count('data-field="witnesses"') == 1
    assert phone.post(f"/cases/{case.number}/me/facts/", questions(), secure=True).status_code == 302
    case.refresh_from_db()
    assert "witnesses" not in case.facts
    assert "witnesses" not in case.fact_sources
    assert case_signals(case).witnesses is None
    listed = selectors.case_parties(case)
    assert "check" in progress(listed[0], listed)
    # the questions screen says "all answered" though the optional one was left
    assert "已全部回答" in phone.get(f"/cases/{case.number}/me/?step=check", secure=True).content.decode()


def test_skipping_it_later_keeps_the_answer_another_driver_gave(users):
    case = two_party_case(facts=FACTS | {"witnesses": True})
    assert phone_of(case, "B").post(f"/cases/{case.number}/me/facts/", questions(), secure=True).status_code == 302
    case.refresh_from_db()
    assert (case.facts["witnesses"], case.fact_sources["witnesses"]["by"]) == (True, "party:A")


def test_a_bad_answer_on_the_phone_is_shown_next_to_the_question_and_nothing_changes(users):
    case = two_party_case()
    before = (dict(case.facts), case.events.count())
    response = phone_of(case, "A").post(f"/cases/{case.number}/me/facts/",
                                        questions(witnesses="maybe", casualties="yes"), secure=True)  # fmt: skip
    assert response.status_code == 422
    body = response.content.decode()
    question = body.index('data-field="witnesses"')
    error = body.index('class="error" role="alert"', question)
    assert error < body.index("<fieldset", question + 1)  # under this question, before the next one
    case.refresh_from_db()
    assert (case.facts, case.events.count()) == before


@pytest.mark.parametrize(("sent", "stored"), [(True, True), (False, False), (None, None), ("left out", None)])
def test_the_phone_api_takes_a_boolean_or_null(users, sent, stored):
    case = two_party_case(facts={})
    body = FACTS if sent == "left out" else FACTS | {"witnesses": sent}
    response = api_facts(phone_of(case, "B"), case, body)
    assert response.status_code == 200, response.json()
    assert response.json()["facts"].get("witnesses", "absent") == ("absent" if stored is None else stored)
    case.refresh_from_db()
    assert ("witnesses" in case.facts) is (stored is not None)
    if stored is not None:
        assert case.fact_sources["witnesses"]["by"] == "party:B"
    assert case_signals(case).witnesses is stored


@pytest.mark.parametrize("bad", ["maybe", 2, [], {"seen": True}])
def test_a_bad_value_over_the_api_is_refused_in_both_languages_naming_the_field(users, bad):
    case = two_party_case()
    before = (dict(case.facts), case.events.count())
    response = api_facts(phone_of(case, "A"), case, FACTS | {"witnesses": bad, "weather": "rain"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_input", "witnesses")
    assert "请求内容不正确" in error["zh"]
    assert "witnesses" in error["en"]
    case.refresh_from_db()
    assert (case.facts, case.events.count()) == before


def test_the_reporter_may_answer_it_over_the_api_or_leave_it(users, client):
    adjuster = users["tianlong_adj1"]
    client.force_login(adjuster)

    def report(facts: dict[str, Any]) -> Any:
        body = {"county": "621202", "accident_at": (timezone.localtime() - timedelta(hours=1)).isoformat(),
                "parties": [{"label": "A", "plate": "甘K99999", "insurer": "tianlong"}],
                "consent": {"credential_shown": True, "customer_consented": True}, "facts": facts}  # fmt: skip
        return client.post("/api/v1/cases", json.dumps(body, ensure_ascii=False), content_type="application/json",
                           secure=True)  # fmt: skip

    answered = Case.objects.get(number=report({"witnesses": False}).json()["number"])
    assert answered.facts == {"witnesses": False}
    assert answered.fact_sources["witnesses"]["by"] == f"user:{adjuster.pk}"
    assert answered.events.get(kind="created").data["facts"] == {"witnesses": False}
    assert case_signals(answered).witnesses is False
    left = Case.objects.get(number=report({"witnesses": None, "scene_difficult": True}).json()["number"])
    assert left.facts == {"scene_difficult": True}
    assert case_signals(left).witnesses is None
    refused = report({"witnesses": "perhaps"})
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "facts.witnesses")


@pytest.mark.parametrize(("answer", "stored"), [("yes", True), ("no", False), ("", None)])
def test_the_back_office_report_asks_it_with_not_known_as_the_default(users, client, answer, stored):
    client.force_login(users["tianlong_adj1"])
    page = client.get("/cases/new/", secure=True).content.decode()
    assert "事故发生时是否有目击者（两车以外看到经过的人）？" in page
    at = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"county": "621202", "crs": "wgs84", "accident_at": at, "plate_a": "甘K99999", "insurer_a": "tianlong",
            "credential_shown": "on", "customer_consented": "on", "witnesses": answer}  # fmt: skip
    response = client.post("/cases/new/", form, secure=True)
    assert response.status_code == 302
    case = Case.objects.get(number=response["Location"].strip("/").split("/")[-1])
    assert case.facts.get("witnesses") is stored
    assert ("witnesses" in case.fact_sources) is (stored is not None)


def test_the_back_office_form_refuses_a_bad_answer_next_to_the_question():
    form = BackOfficeCaseForm({"witnesses": "maybe"}, counties=[], insurers=[], adjuster=False)
    assert not form.is_valid()
    assert "witnesses" in form.errors


@pytest.mark.parametrize("witnesses", [True, False, None])
def test_the_answer_changes_nothing_in_the_eligibility(users, witnesses):
    """It feeds only the fraud score: the kernel's eligibility document never carries it (the kernel refuses a key
    it does not know), and the verdict, the liability, the triage and the conditions are the same."""
    baseline = two_party_case()
    case = two_party_case(facts=FACTS if witnesses is None else FACTS | {"witnesses": witnesses})
    assert ("witnesses" in case.facts) is (witnesses is not None)
    assert "witnesses" not in json.dumps(eligibility_document(case))
    judged, expected = assessment(case), assessment(baseline)
    assert judged["eligibility"]["eligible"]
    assert judged == expected
    assert conditions_seen(case)["verdict"] == conditions_seen(baseline)["verdict"] == "eligible"
    assert facts_complete(case)
    assert case_signals(case).witnesses is witnesses


@pytest.mark.parametrize(("witnesses", "printed"), [(True, "有"), (False, "无"), (None, "未回答")])
def test_the_agreement_and_the_confirm_summary_say_whether_there_were_witnesses(users, witnesses, printed):
    case = two_party_case(facts=FACTS if witnesses is None else FACTS | {"witnesses": witnesses})
    summary = phone_of(case, "A").get(f"/cases/{case.number}/me/?step=confirm", secure=True).content.decode()
    row = summary[summary.index('data-field="witnesses"') :]
    assert "目击者" in row[: row.index("</div>")]
    assert printed in row[: row.index("</div>")]
    text = pdf_text(agree(case))
    assert f"目击者{printed}" in text.replace(" ", "").replace("\n", ""), text
