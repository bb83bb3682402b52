"""The committees' casework keeps its rules whatever is sent (issue 15; R11, R20, B8): an answer is final, questions
are encrypted, the underwriter is a company the clue involves, one fraud earns one reward, linking moves what
follows with events, a reporter's time must be plausible, a clue's evidence goes in only through the clue, the
reporter's counts are whole counts, and a double tap on a page adds one thing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from tests.factories import photo, wudu_case

from claimbridge.core.errors import AppError
from claimbridge.fraud import selectors, services
from claimbridge.fraud.models import Clue, ClueNote, FileRequest, Reward

pytestmark = pytest.mark.django_db


def _file(users, **extra):
    return services.clue_create(user=users["tianlong_adj1"], county_code="621202", observations=["old_damage"],
                                submit=True, **extra)  # fmt: skip


def _confirm(users, clue, **extra):
    for action in ("screen", "investigate"):
        services.clue_move(user=users["af_ln"], clue=clue, action=action)
    return services.clue_move(user=users["af_ln"], clue=clue, action="confirm_fraud", reasons=["admitted"],
                              **{"amount_saved": Decimal("1000.00"), "underwriter_code": "maiji"} | extra)  # fmt: skip


def test_r20_an_answer_to_a_request_is_final_and_the_question_is_encrypted(users, committees):
    clue = _file(users)
    asked = services.file_request_create(user=users["af_ln"], clue=clue, insurer_code="maiji",
                                         question="请提供赵六的定损单")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT question FROM {FileRequest._meta.db_table} WHERE id = %s", [asked.pk])  # noqa: S608
        stored = cursor.fetchone()[0]
    assert "赵六" not in stored
    services.file_request_answer(user=users["maiji_hq"], request=asked, answer="已上传")
    with pytest.raises(AppError) as again:
        services.file_request_answer(user=users["maiji_hq"], request=FileRequest.objects.get(pk=asked.pk),
                                     answer="改口")  # fmt: skip
    assert (again.value.code, again.value.status) == ("already_answered", 409)
    assert FileRequest.objects.get(pk=asked.pk).answer == "已上传"


def test_r11_the_underwriter_is_a_company_the_clue_involves(users, committees, ratios):
    case = wudu_case(users["tianlong_adj1"])  # 麦积 and 天陇
    clue = _file(users, case_number=case.number)
    with pytest.raises(AppError) as stranger:
        _confirm(users, clue, underwriter_code="fuxi")
    assert stranger.value.code == "underwriter_not_concerned"
    assert Clue.objects.get(pk=clue.pk).state == "investigating"  # nothing changed
    assert not Reward.objects.filter(clue=clue).exists()
    services.clue_move(user=users["af_ln"], clue=clue, action="confirm_fraud", reasons=["admitted"],
                       amount_saved=Decimal("1000.00"), underwriter_code="maiji")  # fmt: skip
    assert Reward.objects.get(clue=clue).insurer.code == "maiji"


def test_r11_one_fraud_one_reward_across_linked_clues(users, committees, ratios):
    lead, linked = _file(users), _file(users)
    services.clue_link(user=users["af_ln"], clue=linked, into=lead)
    _confirm(users, lead)
    _confirm(users, Clue.objects.get(pk=linked.pk))
    assert Reward.objects.filter(clue__in=[lead, linked]).count() == 1
    assert linked.events.filter(kind="reward_in_investigation", data__clue=lead.number).exists()


def test_r20_linking_a_lead_moves_its_clues_with_an_event_each(users, committees):
    first, second, third = _file(users), _file(users), _file(users)
    services.clue_link(user=users["af_ln"], clue=second, into=first)
    services.clue_link(user=users["af_ln"], clue=first, into=third)  # first's investigation joins third's
    assert set(Clue.objects.filter(investigation=third).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert second.events.filter(kind="relinked", data__into=third.number).exists()
    assert third.events.filter(kind="linked_in").count() == 2


@pytest.mark.parametrize("days", [-2, 5000])
def test_r11_an_implausible_time_is_refused_on_its_field_and_files_nothing(users, committees, days):
    before = Clue.objects.count()
    with pytest.raises(AppError) as refused:
        _file(users, occurred_at=timezone.now() - timedelta(days=days))
    assert refused.value.field == "occurred_at"
    assert Clue.objects.count() == before


def test_r11_a_clues_evidence_goes_in_only_through_the_clue(users, committees):
    from claimbridge.evidence.services import evidence_item_upload

    clue = _file(users)
    with pytest.raises(AppError) as past_the_clue:
        evidence_item_upload(user=users["tianlong_adj1"], evidence_file=clue.evidence, slot_code="scene", party="",
                             upload=photo(3))  # fmt: skip
    assert past_the_clue.value.code == "clue_evidence"
    item = services.clue_photo_add(user=users["tianlong_adj1"], clue=clue, upload=photo(3))
    assert item.slot == "scene"
    assert clue.events.filter(kind="photo_added", data__item=item.pk).exists()
    services.clue_photo_add(user=users["tianlong_adj1"], clue=clue, upload=photo(4))  # the slot takes many
    assert clue.evidence.items.count() == 2


def test_r11_the_reporter_sees_the_whole_count_the_committee_the_newest_cases(users, committees, monkeypatch):
    monkeypatch.setattr(selectors, "RECENT_SHOWN", 2)
    for _ in range(3):
        wudu_case(users["tianlong_adj1"])
    clue = _file(users, vehicles=[{"plate": "甘E6789A"}])
    reporter = selectors.clue_view(user=users["tianlong_adj1"], clue=clue).vehicles[0]
    committee = selectors.clue_view(user=users["af_ln"], clue=clue).vehicles[0]
    assert (reporter["recent_count"], reporter["recent"]) == (3, [])
    assert (committee["recent_count"], len(committee["recent"])) == (3, 2)


def test_r11_a_person_known_by_name_only_says_it_may_be_a_namesake(users, committees):
    clue = _file(users, people=[{"role": "witness", "name": "王五"}, {"role": "driver", "phone": "13912345678"}])
    rows = {row["person"].role: row for row in selectors.clue_view(user=users["af_ln"], clue=clue).people}
    assert rows["witness"]["by_name_only"]
    assert not rows["driver"]["by_name_only"]


def test_a_double_tap_on_the_clue_page_adds_one_note(users, committees):
    clue = _file(users)
    client = Client()
    client.force_login(users["af_ln"])
    page = client.get(f"/fraud/{clue.number}/", secure=True).content.decode()
    key = page.split('name="form_key" value="')[1].split('"')[0]
    for _ in range(2):
        client.post(f"/fraud/{clue.number}/", {"op": "note", "text": "复核", "form_key": key}, secure=True)
    assert ClueNote.objects.filter(clue=clue).count() == 1
    client.post(f"/fraud/{clue.number}/", {"op": "note", "text": "复核", "form_key": "another"}, secure=True)
    assert ClueNote.objects.filter(clue=clue).count() == 2


def test_r20_an_answer_brings_photographed_documents_read_by_the_committee_and_the_company_only(users, committees):
    from claimbridge.evidence.services import evidence_item_upload

    clue = _file(users)
    asked = services.file_request_create(user=users["af_ln"], clue=clue, insurer_code="maiji", question="定损单")
    with pytest.raises(AppError):
        services.file_request_attach(user=users["fuxi_hq"], request=asked, upload=photo(1))
    item = services.file_request_attach(user=users["maiji_hq"], request=asked, upload=photo(1))
    answered = services.file_request_answer(user=users["maiji_hq"], request=FileRequest.objects.get(pk=asked.pk),
                                            answer="定损单已附", files=[photo(2)])  # fmt: skip
    assert answered.evidence.items.count() == 2
    assert clue.events.filter(kind="files_attached").count() == 2
    with pytest.raises(AppError) as closed:
        services.file_request_attach(user=users["maiji_hq"], request=answered, upload=photo(3))
    assert closed.value.code == "already_answered"
    with pytest.raises(AppError) as past:  # never past the casework from the evidence pages
        evidence_item_upload(user=users["maiji_hq"], evidence_file=answered.evidence, slot_code="other_documents",
                             party="", upload=photo(3))  # fmt: skip
    assert past.value.code == "clue_evidence"
    view = selectors.clue_view(user=users["af_ln"], clue=clue)
    assert view.attachments[asked.pk][0].pk == item.pk
    for name, status in (("af_ln", 200), ("maiji_hq", 200), ("tianlong_adj1", 404), ("fuxi_hq", 404)):
        client = Client()
        client.force_login(users[name])
        assert client.get(f"/evidence/items/{item.pk}/original/", secure=True).status_code == status, name
    assert selectors.clue_view(user=users["tianlong_adj1"], clue=clue).attachments == {}
