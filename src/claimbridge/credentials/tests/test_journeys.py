"""Issue 13, the register as its users meet it (R4–R6, R8, B8): every field checked with the kernel and every
refusal at once, one live entry per person, the photo kept on a refused form, the reviewer's view in full (recorded),
the verification page by a typed number with the company's name and the holder's photo, the adjuster's work card,
the rating link as a QR code and an absolute link."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claimbridge.core.errors import AppError
from claimbridge.credentials import services
from claimbridge.credentials.models import Adjuster, RegisterEvent
from claimbridge.credentials.tests.conftest import ADJUSTER_FORM, DETAILS, ID_NUMBER, OTHER_ID_NUMBER

BAD = {"phone": "138", "vehicle_plate": "ABC", "licence_expiry": "2020-05-01"}


def _photo(seed: int = 11) -> SimpleUploadedFile:
    from claimbridge.photos.tests.samples import jpeg_with_exif

    data = jpeg_with_exif(datetime(2026, 10, 1, 9, 0), 33.39, 104.92, size=(900, 1200), seed=seed)
    return SimpleUploadedFile("portrait.jpg", data, content_type="image/jpeg")


def _submit(users, *, user: str = "tianlong_hq", id_number: str = ID_NUMBER, photo=None, account: str = "") -> Adjuster:
    return services.adjuster_submit(user=users[user], full_name="王小明", id_number=id_number, phone="13800001111",
                                    city_code="621200", details=dict(DETAILS), photo=photo, account=account)  # fmt: skip


def _events(adjuster: Adjuster, kind: str) -> int:
    return RegisterEvent.objects.filter(adjuster=adjuster, kind=kind).count()


# --- every field checked, every refusal at once ---------------------------------------------------------------------


def test_issue_13_r4_the_service_names_every_refusal_at_once(users):
    """R4, R5: phone "138", plate "ABC", a licence expired in 2020 and a duplicate ID number, refused together."""
    _submit(users)
    with pytest.raises(AppError) as refused:
        services.adjuster_submit(user=users["maiji_hq"], full_name="王小明", id_number=ID_NUMBER, phone="138",
                                 city_code="621200", details={**DETAILS, "vehicle_plate": "ABC",
                                                              "licence_expiry": "2020-05-01"})  # fmt: skip
    errors = {e["field"]: e["code"] for e in refused.value.details["errors"]}
    assert errors == {"id_number": "duplicate_id_number", "phone": "bad_phone",
                      "details.vehicle_plate": "bad_plate", "details.licence_expiry": "licence_expired"}  # fmt: skip
    assert Adjuster.objects.count() == 1


def test_issue_13_the_api_answers_every_refusal_with_its_field(users, client_for):
    """The API's one error body carries all of them in `details.errors`, each with its field and both languages."""
    body = {"full_name": "王小明", "id_number": ID_NUMBER, "phone": "138", "city": "621200",
            "details": {**DETAILS, "vehicle_plate": "ABC", "licence_expiry": "2020-05-01"}}  # fmt: skip
    answer = client_for("tianlong_hq").post("/api/v1/credentials/adjusters", body, content_type="application/json",
                                            secure=True)  # fmt: skip
    assert answer.status_code == 422
    listed = answer.json()["error"]["details"]["errors"]
    assert {e["field"] for e in listed} == {"phone", "details.vehicle_plate", "details.licence_expiry"}
    assert all(e["zh"] and e["en"] for e in listed)


def test_issue_13_r6_one_live_entry_per_person_found_through_the_blind_index(users):
    """R6: another company (or the same one) cannot submit a person already in the register, however the number
    is typed; after the person left, a new submission is accepted; correcting one's own entry is not a duplicate."""
    entry = _submit(users)
    for typed in (ID_NUMBER, ID_NUMBER.lower(), f" {ID_NUMBER[:6]} {ID_NUMBER[6:]} "):
        with pytest.raises(AppError) as refused:
            _submit(users, user="maiji_hq", id_number=typed)
        assert (refused.value.code, refused.value.field) == ("duplicate_id_number", "id_number")
    services.adjuster_review(user=users["ln_assoc"], adjuster=entry, decision="correct", note="照片不清")
    services.adjuster_resubmit(user=users["tianlong_hq"], adjuster=entry, full_name="王小明", id_number=ID_NUMBER,
                               phone="13800001111", details=dict(DETAILS))  # fmt: skip
    services.adjuster_review(user=users["ln_assoc"], adjuster=entry, decision="approve")
    services.staff_change(user=users["tianlong_hq"], adjuster=entry, kind="left")
    assert _submit(users, user="maiji_hq").insurer.code == "maiji"


def test_issue_13_the_form_marks_every_field_at_once_and_keeps_the_photo(users, client_for):
    """The page: four refusals, each on its field; the photo that passed is held under a token for this user, its
    thumbnail shown; sent again corrected without choosing the photo, the entry has it."""
    _submit(users)
    company = client_for("tianlong_hq")
    answer = company.post("/credentials/new/", {**ADJUSTER_FORM, **BAD, "photo": _photo()}, secure=True)
    assert answer.status_code == 422
    errors = answer.context["form"].errors
    assert set(errors) == {"id_number", "phone", "vehicle_plate", "licence_expiry"}
    token = answer.context["photo_token"]
    assert token
    assert f'value="{token}"' in answer.content.decode()
    thumbnail = company.get(f"/credentials/photo/pending/{token}/", secure=True)
    assert (thumbnail.status_code, thumbnail["Content-Type"]) == (200, "image/jpeg")
    assert client_for("maiji_hq").get(f"/credentials/photo/pending/{token}/", secure=True).status_code == 404
    fixed = {**ADJUSTER_FORM, "id_number": OTHER_ID_NUMBER, "photo_token": token,
             "form_key": re.search(r'name="form_key" value="([^"]+)"', answer.content.decode()).group(1)}  # fmt: skip
    assert company.post("/credentials/new/", fixed, secure=True).status_code == 302
    assert Adjuster.objects.get(id_index=Adjuster.objects.order_by("-pk").first().id_index).photo_name


def test_issue_13_a_photo_token_is_its_users_only(users):
    """B8: a held photo's token signed for one user names nothing for another (nor when altered)."""
    token = services.portrait_hold(user=users["tianlong_hq"], data=services.portrait_check(_photo()))
    assert services.pending_portrait(user=users["tianlong_hq"], token=token)
    for user, bad in ((users["maiji_hq"], token), (users["tianlong_hq"], token[:-2] + "xx")):
        with pytest.raises(AppError) as refused:
            services.pending_portrait(user=user, token=bad)
        assert refused.value.field == "photo"
    with pytest.raises(AppError):
        services.adjuster_submit(user=users["maiji_hq"], full_name="王小明", id_number=OTHER_ID_NUMBER,
                                 phone="13800001111", city_code="621200", details=dict(DETAILS), photo_token=token)  # fmt: skip


# --- the reviewer's view --------------------------------------------------------------------------------------------


def test_issue_13_b8_the_reviewer_sees_the_entry_in_full_and_each_showing_is_recorded(users, client_for):
    """R6, B8: the city's association reads the name, ID number and phone in full, the photo, licence, training
    and equipment, and each showing is recorded; the company reads them masked; the other city sees nothing."""
    entry = _submit(users, photo=_photo())
    page = client_for("ln_assoc").get(f"/credentials/{entry.pk}/", secure=True).content.decode()
    assert "王小明" in page
    assert ID_NUMBER in page
    assert "13800001111" in page
    assert f"/credentials/{entry.pk}/photo.jpg" in page
    assert "2030-05-01" in page
    assert "反光背心" in page
    assert _events(entry, "personal_data_shown") == 1
    assert client_for("ln_assoc").get(f"/credentials/{entry.pk}/photo.jpg", secure=True).status_code == 200
    assert _events(entry, "portrait_shown") == 1
    company = client_for("tianlong_hq").get(f"/credentials/{entry.pk}/", secure=True).content.decode()
    assert "王**" in company
    assert ID_NUMBER not in company
    assert "13800001111" not in company
    assert _events(entry, "personal_data_shown") == 1
    assert client_for("tianlong_hq").get(f"/credentials/{entry.pk}/photo.jpg", secure=True).status_code == 200
    for outsider in ("ts_assoc", "maiji_hq"):
        assert client_for(outsider).get(f"/credentials/{entry.pk}/photo.jpg", secure=True).status_code == 404
    assert client_for("admin").get(f"/credentials/{entry.pk}/photo.jpg", secure=True).status_code == 404
    assert _events(entry, "portrait_shown") == 2


def test_issue_13_lists_name_people_masked_never_by_number(users, client_for):
    entry = _submit(users)
    page = client_for("ln_assoc").get("/credentials/", secure=True).content.decode()
    assert "王**" in page
    assert f">#{entry.pk}<" not in page
    assert "王小明" not in page


def test_issue_13_the_api_gives_the_reviewer_the_entry_in_full_and_the_company_masked(users, client_for):
    entry = _submit(users, photo=_photo())
    reviewer = client_for("ln_assoc").get(f"/api/v1/credentials/adjusters/{entry.pk}", secure=True).json()
    assert reviewer["personal"] == {"full_name": "王小明", "id_number": ID_NUMBER, "phone": "13800001111"}
    assert reviewer["qualifications"]["licence_valid"] is True
    assert reviewer["qualifications"]["equipment"]["vest"] is True
    photo = client_for("ln_assoc").get(reviewer["photo_url"], secure=True)
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/jpeg")
    company = client_for("tianlong_hq").get(f"/api/v1/credentials/adjusters/{entry.pk}", secure=True).json()
    assert company["personal"] is None
    assert company["name"] == "王**"
    assert company["company_name"] == "天陇财险"
    assert client_for("maiji_hq").get(f"/api/v1/credentials/adjusters/{entry.pk}", secure=True).status_code == 404


# --- checking a card ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["LN-2026-000001", "ln2026000001", " LN 2026 000001 ", "ＬＮ－２０２６－０００００１", "LN—2026—000001"]
)
def test_issue_13_a_card_number_is_read_however_it_is_typed(typed):
    assert services.card_number_normalise(typed) == "LN-2026-000001"


@pytest.mark.parametrize("typed", ["", "LN-26-1", "LN-2026-0000001", "<script>", "LN-2026-00000\x00"])
def test_issue_13_what_cannot_be_a_card_number_is_refused_on_the_field(typed):
    with pytest.raises(AppError) as refused:
        services.card_number_normalise(typed)
    assert refused.value.field == "number"


def test_issue_13_r8_the_verify_page_by_typed_number_shows_the_company_by_name_and_the_holders_photo(users):
    """R8: a customer types the number from the card: genuine, 天陇财险 (never "tianlong"), the holder's photo by a
    signed link; once revoked, the answer says so and the photo is gone."""
    entry = _submit(users, photo=_photo())
    credential = services.adjuster_review(user=users["ln_assoc"], adjuster=entry, decision="approve")
    page = Client().get("/credentials/verify/", {"number": credential.number.lower()}, secure=True)
    text = page.content.decode()
    assert 'data-status="genuine_current"' in text
    assert "天陇财险" in text
    assert ">tianlong<" not in text
    photo_url = re.search(r'src="(/credentials/verify/photo/[^"]+)"', text).group(1)
    assert Client().get(photo_url, secure=True)["Content-Type"] == "image/jpeg"
    api = Client().get("/api/v1/credentials/verify", {"number": credential.number}, secure=True).json()
    assert (api["status"], api["credential"]["company_name"]) == ("genuine_current", "天陇财险")
    assert api["photo_url"]
    services.credential_revoke(credential=credential, user=users["ln_assoc"], reason="test")
    assert 'data-status="revoked"' in Client().get("/credentials/verify/", {"number": credential.number},
                                                   secure=True).content.decode()  # fmt: skip
    assert Client().get(photo_url, secure=True).status_code == 404
    unknown = Client().get("/credentials/verify/", {"number": "LN-2026-999999"}, secure=True).content.decode()
    assert 'data-status="unknown"' in unknown
    bad = Client().get("/credentials/verify/", {"number": "abc"}, secure=True)
    assert bad.status_code == 422
    assert "errorlist" in bad.content.decode()


def test_issue_13_typed_numbers_are_counted_per_address(users, monkeypatch):
    """Numbers can be guessed: a client address gets a few dozen typed checks per ten minutes, page and API."""
    from claimbridge.credentials import presenting

    monkeypatch.setattr(presenting, "TYPED_CHECKS_PER_WINDOW", 2)
    client = Client()
    statuses = [client.get("/credentials/verify/", {"number": "LN-2026-000009"}, secure=True).status_code
                for _ in range(3)]  # fmt: skip
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/credentials/verify", {"number": "LN-2026-000009"}, secure=True).status_code == 429


# --- the adjuster's phone -------------------------------------------------------------------------------------------


def test_issue_13_r8_the_adjuster_shows_their_work_card_with_its_qr_code(users, client_for):
    entry = _submit(users, photo=_photo(), account="tianlong_adj1")
    phone = client_for("tianlong_adj1")
    assert 'data-testid="no-credential"' in phone.get("/credentials/card/", secure=True).content.decode()
    assert phone.get("/credentials/card/photo.jpg", secure=True).status_code == 404
    credential = services.adjuster_review(user=users["ln_assoc"], adjuster=entry, decision="approve")
    page = phone.get("/credentials/card/", secure=True).content.decode()
    assert credential.number in page
    assert "王小明" in page
    assert "天陇财险" in page
    assert 'data-testid="card-qr" src="data:image/svg+xml' in page
    assert phone.get("/credentials/card/photo.jpg", secure=True)["Content-Type"] == "image/jpeg"
    api = phone.get("/api/v1/credentials/me/card", secure=True).json()
    assert api["number"] == credential.number
    assert api["verify_url"].startswith("https://")
    assert client_for("tianlong_adj2").get("/api/v1/credentials/me/card", secure=True).status_code == 404


def test_issue_13_the_rating_link_is_absolute_and_a_qr_code(users, credentialed, client_for):
    from django.utils import timezone

    credentialed("tianlong_adj1")
    services.stop_record(user=users["tianlong_adj1"], kind="accident", at=timezone.now(), services=["scene_help"],
                         credential_shown=True, customer_consented=True)  # fmt: skip
    page = client_for("tianlong_adj1").get("/credentials/stops/", secure=True).content.decode()
    assert re.search(r'data-testid="rating-link">https://testserver/credentials/rate/[\w-]+/<', page)
    assert 'data-testid="rating-qr" src="data:image/svg+xml' in page
    assert 'href="/credentials/card/"' in page


def test_issue_13_held_photos_older_than_their_tokens_are_swept(users, monkeypatch):
    """B8: a portrait held for an abandoned form does not stay in storage beyond its token's day."""
    from datetime import timedelta

    from django.utils import timezone

    from claimbridge.credentials import portraits

    token = services.portrait_hold(user=users["tianlong_hq"], data=services.portrait_check(_photo(seed=21)))
    assert portraits.pending_sweep() == 0
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert portraits.pending_sweep() >= 1
    with pytest.raises(AppError):
        services.pending_portrait(user=users["tianlong_hq"], token=token)


def test_the_reviewer_filters_what_waits_and_is_told_what_the_decision_did(users, submitted, client):
    """Walk finding 20: no 待审核 filter, and approving said only 已保存."""
    client.force_login(users["ln_assoc"])
    listing = client.get("/credentials/", {"status": "submitted"}, secure=True).content.decode()
    assert "待审核（1）" in listing
    assert listing.count('data-testid="adjuster-row"') == 1
    answer = client.post(f"/credentials/{submitted.pk}/review/", {"decision": "approve"}, secure=True, follow=True)
    assert "已批准：资格证已签发" in answer.content.decode()
    assert "待审核（0）" in client.get("/credentials/", secure=True).content.decode()
