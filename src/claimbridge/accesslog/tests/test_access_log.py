"""The access log (issue 20 item 4; B8, R17, R19): every showing of an unmasked personal field, every export and
every download of an original writes exactly one record with the right actor and purpose, in the transaction of
the thing it records; the holders of a case's data list who looked, and nobody else does."""

from __future__ import annotations

import pytest
from django.db import transaction
from tests.factories import agreed_case

from claimbridge.accesslog import selectors
from claimbridge.accesslog.models import AccessRecord, Action, Purpose, RecordIsAppendOnly
from claimbridge.accesslog.services import access_record
from claimbridge.cases.models import CaseEvent
from claimbridge.core.errors import AppError

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(db):
    return agreed_case()


def _reveal(client, user, case, label="A", purpose="customer_contact", note=""):
    client.force_login(user)
    return client.post(f"/cases/{case.number}/parties/{label}/reveal/", {"purpose": purpose, "purpose_note": note},
                       secure=True, headers={"HX-Request": "true", "X-Request-ID": "req-reveal-1"})  # fmt: skip


def test_a_reveal_writes_one_record_with_who_when_and_why(agreed, users, client):
    """B8, R17: the handler says why; the record names the fields (never the values), the party, the purpose, the
    handler's organisation and role at the time, and the request's id."""
    handler = users["maiji_unit1"]
    answer = _reveal(client, handler, agreed, note="回访客户 13700005555")
    assert answer.status_code == 200
    assert "13700005555" in answer.content.decode()
    record = AccessRecord.objects.get()
    assert (record.actor, record.action, record.purpose, record.case_number, record.party_label) == (
        handler,
        Action.SHOWN_UNMASKED,
        Purpose.CUSTOMER_CONTACT,
        agreed.number,
        "A",
    )
    assert record.what == "cases.CaseParty.driver_name,driver_phone"
    assert record.actor_role == "insurer_staff"
    assert record.actor_insurer_id == handler.insurer_id
    assert record.actor_organisation
    assert record.request_id == "req-reveal-1"
    assert record.purpose_note == "回访客户 137****5555"  # no personal data in clear in the log
    stored = " ".join(str(getattr(record, f.attname)) for f in AccessRecord._meta.concrete_fields)
    assert "张三" not in stored
    assert "13700005555" not in stored
    _reveal(client, handler, agreed)
    assert AccessRecord.objects.count() == 2


@pytest.mark.parametrize(("purpose", "note", "code"), [("", "", "purpose_required"), ("curiosity", "", "purpose_unknown"),
                                                       ("other", "", "purpose_note_required")])  # fmt: skip
def test_no_reason_no_showing(agreed, users, client, purpose, note, code):
    """Issue 20: without a listed purpose (and words for "other") nothing is shown and nothing recorded."""
    answer = _reveal(client, users["maiji_unit1"], agreed, purpose=purpose, note=note)
    assert answer.status_code == 422
    assert "13700005555" not in answer.content.decode()
    assert not AccessRecord.objects.exists()
    assert not CaseEvent.objects.filter(case=agreed, kind="party_contact_shown").exists()
    with pytest.raises(AppError) as refused:
        access_record(actor=users["maiji_unit1"], action=Action.SHOWN_UNMASKED, what="x", purpose=purpose, note=note)
    assert refused.value.code == code


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "请简要说明查看的原因"), ("en", "Say in a few words why")])
def test_other_without_words_is_refused_at_the_words_field(agreed, users, client, htmx, language, words):
    """Walk finding: "other" with no words gave no message. With htmx (the card) and without (the whole page): 422,
    the error under the words field in the reader's language, "other" still chosen; nothing shown, nothing logged."""
    client.force_login(users["maiji_unit1"])
    client.cookies["django_language"] = language
    answer = client.post(f"/cases/{agreed.number}/parties/A/reveal/", {"purpose": "other", "purpose_note": " "},
                         secure=True, headers={"HX-Request": "true"} if htmx else {})  # fmt: skip
    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'data-testid="reveal-note-error-A"' in page
    assert words in page
    assert 'aria-describedby="reveal-note-error-A"' in page
    assert '<option value="other" selected>' in page
    assert 'data-testid="reveal-error-A"' not in page  # the reason itself was fine
    assert "13700005555" not in page
    assert not AccessRecord.objects.exists()
    assert not CaseEvent.objects.filter(case=agreed, kind="party_contact_shown").exists()


def test_no_reason_is_refused_at_the_reason_field(agreed, users, client):
    client.force_login(users["maiji_unit1"])
    answer = client.post(f"/cases/{agreed.number}/parties/A/reveal/", {"purpose": "", "purpose_note": "x"}, secure=True)
    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'data-testid="reveal-error-A"' in page
    assert 'value="x"' in page  # the words typed are kept
    assert not AccessRecord.objects.exists()


def test_the_record_is_in_the_transaction_of_the_showing(agreed, users):
    """A showing whose transaction fails leaves no record, and a record is never changed or deleted."""
    from claimbridge.cases.services.disclosure import party_contact_reveal

    party = agreed.parties.get(label="A")

    def failing_page() -> None:
        with transaction.atomic():
            party_contact_reveal(party=party, user=users["maiji_unit1"], purpose="claim_handling")
            raise RuntimeError("the page failed after the showing")

    with pytest.raises(RuntimeError):
        failing_page()
    assert not AccessRecord.objects.exists()
    party_contact_reveal(party=party, user=users["maiji_unit1"], purpose="claim_handling")
    record = AccessRecord.objects.get()
    with pytest.raises(RecordIsAppendOnly):
        record.save()
    with pytest.raises(RecordIsAppendOnly):
        record.delete()
    with pytest.raises(RecordIsAppendOnly):
        AccessRecord.objects.all().update(purpose="other")
    with pytest.raises(RecordIsAppendOnly):
        AccessRecord.objects.all().delete()


def test_downloads_and_exports_are_each_recorded_once(agreed, users, client):
    """R17, R19: the agreement (names, licences, mobiles), an original photo and the dashboard's export."""
    maiji = users["maiji_unit1"]
    client.force_login(maiji)
    assert client.get(f"/cases/{agreed.number}/agreement.pdf", secure=True).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.actor, record.action, record.case_number, record.purpose) == (
        maiji,
        Action.ORIGINAL_DOWNLOADED,
        agreed.number,
        Purpose.CLAIM_HANDLING,
    )
    item = agreed.evidence.items.first()
    answer = client.get(f"/evidence/items/{item.pk}/original/?purpose=dispute&note=复核", secure=True)
    assert answer.status_code == 200
    record = AccessRecord.objects.latest("pk")
    assert (record.action, record.object_ref, record.case_number, record.purpose, record.purpose_note) == (
        Action.ORIGINAL_DOWNLOADED,
        f"evidence.item:{item.pk}",
        agreed.number,
        Purpose.DISPUTE,
        "复核",
    )
    assert client.get(f"/api/v1/evidence/items/{item.pk}/original", secure=True).status_code == 200
    assert AccessRecord.objects.latest("pk").route == "api"
    assert AccessRecord.objects.count() == 3
    client.force_login(users["maiji_hq"])
    assert client.get("/reports/figures.csv", secure=True).status_code == 200
    assert AccessRecord.objects.count() == 4
    record = AccessRecord.objects.latest("pk")
    assert (record.action, record.actor, record.what) == (Action.EXPORTED, users["maiji_hq"], "reports.figures.csv")
    assert record.rows is not None


def test_someone_who_may_not_download_leaves_no_record(agreed, users, client):
    client.force_login(users["fuxi_hq"])
    item = agreed.evidence.items.first()
    assert client.get(f"/evidence/items/{item.pk}/original/", secure=True).status_code == 404
    assert client.get(f"/cases/{agreed.number}/agreement.pdf", secure=True).status_code == 404
    assert not AccessRecord.objects.exists()


def test_holders_of_the_case_list_who_looked_and_nobody_else_does(agreed, users, client):
    """B8: both parties' insurers and the association of the case's city list the records; another company (it holds
    no data of the case), the committee, an adjuster and the other city's association do not — 404 as for no case.
    Another company's people are named by organisation and role only."""
    _reveal(client, users["maiji_unit1"], agreed)
    for reader, named in (("maiji_hq", True), ("maiji_unit1", True), ("tianlong_hq", False), ("ln_assoc", False),
                          ("admin", True)):  # fmt: skip
        client.force_login(users[reader])
        page = client.get(f"/cases/{agreed.number}/access/", secure=True)
        assert page.status_code == 200, reader
        html = page.content.decode()
        assert ("maiji_unit1" in html) is named, reader
        api = client.get(f"/api/v1/cases/{agreed.number}/access-log", secure=True)
        assert api.status_code == 200
        (row,) = api.json()["records"]
        assert row["purpose"] == "customer_contact"
        assert row["party_label"] == "A"
        assert (row["who"] == "maiji_unit1") is named
    for outsider in ("fuxi_hq", "bailong_hq", "ts_assoc", "antifraud", "maiji_adj1", "regulator"):
        if outsider not in users:
            continue
        client.force_login(users[outsider])
        assert client.get(f"/cases/{agreed.number}/access/", secure=True).status_code in (403, 404), outsider
        assert client.get(f"/api/v1/cases/{agreed.number}/access-log", secure=True).status_code in (403, 404)
        assert not [e for e in selectors.access_records_for_user(user=users[outsider], filters=selectors.Filters())
                    if e.case_number == agreed.number], outsider  # fmt: skip


def test_the_organisation_list_filters(agreed, users, client):
    _reveal(client, users["maiji_unit1"], agreed)
    client.force_login(users["maiji_unit1"])
    client.get(f"/cases/{agreed.number}/agreement.pdf", secure=True)
    client.force_login(users["maiji_hq"])
    page = client.get("/access-log/", {"action": "shown_unmasked"}, secure=True).content.decode()
    assert page.count('data-testid="access-row"') == 1
    page = client.get("/access-log/", {"case": agreed.number}, secure=True).content.decode()
    assert page.count('data-testid="access-row"') == 2
    page = client.get(
        "/access-log/", {"who": "maiji_unit1", "purpose": "customer_contact"}, secure=True
    ).content.decode()
    assert page.count('data-testid="access-row"') == 1
    client.force_login(users["fuxi_hq"])
    page = client.get("/access-log/", secure=True).content.decode()
    assert page.count('data-testid="access-row"') == 0


def test_the_case_page_links_to_the_log_for_holders_only(agreed, users, client):
    client.force_login(users["maiji_unit1"])
    assert 'data-testid="access-log-link"' in client.get(f"/cases/{agreed.number}/", secure=True).content.decode()
    client.force_login(users["antifraud"])
    assert 'data-testid="access-log-link"' not in client.get(f"/cases/{agreed.number}/", secure=True).content.decode()


def test_the_log_says_other_not_the_menus_prompt(agreed, users, client):
    """Issue 20 walk: the reason column reads "其他" and the words given, not "其他（请说明原因）"."""
    _reveal(client, users["maiji_unit1"], agreed, purpose="other", note="客户来电核实")
    page = client.get(f"/cases/{agreed.number}/access/", secure=True).content.decode()
    why = page.split('data-testid="access-why">')[1].split("</td>")[0]
    assert why.startswith("其他<br>")
    assert "请说明" not in why
    assert selectors.purpose_label("other") == "其他"
    assert selectors.purpose_label("customer_contact") == str(Purpose.CUSTOMER_CONTACT.label)


def test_a_filter_that_matches_nothing_says_so(agreed, users, client):
    client.force_login(users["maiji_hq"])
    nobody = client.get("/access-log/", secure=True).content.decode()
    assert "目前还没有人查看过这里的个人信息。" in nobody  # none at all
    _reveal(client, users["maiji_unit1"], agreed)
    client.force_login(users["maiji_hq"])
    page = client.get("/access-log/", {"action": "exported"}, secure=True).content.decode()
    assert page.count('data-testid="access-row"') == 0
    assert "没有符合筛选条件的记录。" in page
    assert "目前还没有人查看过" not in page


@pytest.mark.parametrize(("query", "field", "zh", "en"), [
    ({"from": "2026-13-45"}, "from", "请输入存在的日期", "Enter a real day"),
    ({"to": "2026-02-30"}, "to", "请输入存在的日期", "Enter a real day"),
    ({"from": "2026-12-05", "to": "2026-12-01"}, "to", "结束日期早于开始日期", "The last day is before the first"),
    ({"action": "looked_around"}, "action", "请从列表中选择一种操作", "Choose one of the listed actions"),
    ({"purpose": "curiosity"}, "purpose", "请从列出的目的中选择一项", "Choose one of the listed purposes"),
])  # fmt: skip
def test_a_wrong_filter_is_said_next_to_its_field(agreed, users, client, query, field, zh, en):
    """Never silently ignored: the page renders with the error at the field, in the reader's language, and lists
    nothing (a list without the filter is not what was asked for); 400 for htmx."""
    _reveal(client, users["maiji_unit1"], agreed)
    client.force_login(users["maiji_hq"])
    answer = client.get("/access-log/", query, secure=True)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert f'data-testid="filter-error-{field}"' in page
    assert zh in page.split(f'data-testid="filter-error-{field}"')[1].split("</p>")[0]
    assert f'aria-describedby="f-{field}-error"' in page
    assert page.count('data-testid="access-row"') == 0
    assert 'data-testid="access-filter-fix"' in page
    assert client.get("/access-log/", query, secure=True, headers={"HX-Request": "true"}).status_code == 400
    client.cookies["django_language"] = "en"
    assert en in client.get("/access-log/", query, secure=True).content.decode()
    _filters, problems = selectors.read_filters(query)
    assert [(problem.field, problem.status) for problem in problems] == [(field, 400)]
    assert zh in problems[0].zh
    assert en in problems[0].en


def test_good_filters_have_no_errors():
    filters, problems = selectors.read_filters({"from": "2026-12-01", "to": "2026-12-01", "action": "exported"})
    assert problems == []
    assert filters.any
    assert not selectors.Filters().any
