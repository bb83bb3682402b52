"""The associations' register (R4–R6): a company submits, the association reviews, a credential is issued whose QR
token the public page checks; revocation shows at once; another company cannot see the adjuster's personal data."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from claimbridge.core.errors import AppError
from claimbridge.credentials import services
from claimbridge.credentials.models import Adjuster
from claimbridge.credentials.tests.conftest import DETAILS, OTHER_ID_NUMBER


@pytest.fixture
def submitted(users):
    return services.adjuster_submit(user=users["tianlong_unit1"], full_name="王小明", id_number="11010519491231002X",
                                    phone="13800001111", city_code="621200", details=DETAILS)  # fmt: skip


@pytest.fixture
def on_duty(users, credentialed):
    """Tianlong's Longnan adjuster, holding a credential since a month ago."""
    from datetime import timedelta

    from django.utils import timezone

    credentialed("tianlong_adj1", since=timezone.localdate() - timedelta(days=30))
    return users["tianlong_adj1"]


def test_r6_approval_issues_a_credential_whose_token_the_public_page_calls_genuine(users, submitted):
    credential = services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="approve")
    assert credential.number.startswith("LN-")
    result = services.credential_verify(credential.token)
    assert result.status == "genuine_current"
    assert (result.claims.holder, result.claims.company) == ("王**", "tianlong")
    page = Client().get("/credentials/verify/", {"t": credential.token}, secure=True).content.decode()
    assert 'data-status="genuine_current"' in page
    assert "王小明" not in page


def test_r6_a_revoked_credential_says_revoked_and_an_altered_one_not_genuine(users, submitted):
    credential = services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="approve")
    altered = credential.token[:-3] + ("xyz" if not credential.token.endswith("xyz") else "abc")
    assert services.credential_verify(altered).status == "not_genuine"
    services.credential_revoke(credential=credential, user=users["ln_assoc"], reason="left the company")
    assert services.credential_verify(credential.token).status == "revoked"
    api = Client().get("/api/v1/credentials/verify", {"token": credential.token}, secure=True).json()
    assert api["status"] == "revoked"


def test_an_expired_credential_says_expired(users, submitted):
    credential = services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="approve")
    assert (
        services.credential_verify(credential.token, today=date(credential.valid_until.year + 1, 1, 1)).status
        == "expired"
    )


def test_r5_only_the_citys_association_reviews_and_corrections_need_a_note(users, submitted):
    with pytest.raises(AppError):
        services.adjuster_review(user=users["ts_assoc"], adjuster=submitted, decision="approve")
    with pytest.raises(AppError):
        services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="correct")
    assert (
        services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="correct", note="照片不清晰")
        is None
    )
    submitted.refresh_from_db()
    assert submitted.status == Adjuster.Status.NEEDS_CORRECTION


def test_r4_a_bad_id_number_is_refused_and_nothing_is_stored(users):
    with pytest.raises(AppError):
        services.adjuster_submit(user=users["tianlong_unit1"], full_name="王小明", id_number="110105194912310021",
                                 phone="13800001111", city_code="621200", details=DETAILS)  # fmt: skip
    assert Adjuster.objects.count() == 0


def test_personal_data_is_encrypted_at_rest(users, submitted):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, id_number, phone FROM credentials_adjuster WHERE id = %s", [submitted.pk])
        stored = " ".join(cursor.fetchone())
    assert "王小明" not in stored
    assert "11010519491231002X" not in stored
    assert "13800001111" not in stored


def test_r7_r13_an_adjuster_records_a_stop_only_with_consent_and_the_customer_rates_it_once(users, on_duty):
    from django.utils import timezone

    from claimbridge.credentials.models import ServiceStop

    adjuster = users["tianlong_adj1"]
    with pytest.raises(AppError):
        services.stop_record(user=adjuster, kind="accident", at=timezone.now(), services=["scene_photos"],
                             credential_shown=True, customer_consented=False)  # fmt: skip
    assert ServiceStop.objects.count() == 0
    stop = services.stop_record(user=adjuster, kind="accident", at=timezone.now(), services=["scene_photos", "called_police"],
                                credential_shown=True, customer_consented=True, county_code="621202",
                                customer_insurer_code="maiji")  # fmt: skip
    assert stop.other_company_customer
    services.stop_rate(token=stop.rating_token, rating=5, comment="很及时")
    services.stop_rate(token=stop.rating_token, rating=1)  # a second rating changes nothing
    stop.refresh_from_db()
    assert (stop.rating, stop.rating_comment) == (5, "很及时")
    page = Client().get(f"/credentials/rate/{stop.rating_token}/", secure=True).content.decode()
    assert 'data-testid="rated"' in page


def test_only_adjusters_record_stops(users):
    from django.utils import timezone

    with pytest.raises(AppError):
        services.stop_record(user=users["tianlong_unit1"], kind="accident", at=timezone.now(), services=[],
                             credential_shown=False, customer_consented=False)  # fmt: skip


def test_b8_another_company_cannot_see_the_adjusters_personal_data(users, submitted):
    own, other = Client(), Client()
    own.force_login(users["tianlong_hq"])
    other.force_login(users["maiji_hq"])
    assert "王**" in own.get(f"/credentials/{submitted.pk}/", secure=True).content.decode()
    assert other.get(f"/credentials/{submitted.pk}/", secure=True).status_code == 404
    listing = other.get("/credentials/", secure=True).content.decode()
    assert f"#{submitted.pk}<" not in listing
    assert users["ts_assoc"]
    assert Client().get(f"/credentials/{submitted.pk}/", secure=True).status_code == 302


def test_r5_the_company_corrects_a_returned_submission_and_the_association_then_approves(users, submitted):
    services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="correct", note="驾驶证有效期填错")
    with pytest.raises(AppError):
        services.adjuster_resubmit(user=users["maiji_hq"], adjuster=submitted, full_name="王小明",
                                   id_number="11010519491231002X", phone="13800001111", details=DETAILS)  # fmt: skip
    company = Client()
    company.force_login(users["tianlong_hq"])
    page = company.get(f"/credentials/{submitted.pk}/edit/", secure=True)
    assert page.status_code == 200
    form = {"full_name": "王小明", "id_number": "11010519491231002X", "phone": "13800001111", "city": "621200",
            "education": "college", "mandarin": "2B", "licence_class": "C1", "licence_expiry": "2031-05-01",
            "vehicle_plate": "甘K12345"}  # fmt: skip
    assert company.post(f"/credentials/{submitted.pk}/edit/", form, secure=True).status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.details["licence_expiry"]) == (Adjuster.Status.SUBMITTED, "2031-05-01")
    assert services.adjuster_review(user=users["ln_assoc"], adjuster=submitted, decision="approve") is not None


@pytest.mark.parametrize("rating", ["abc", "0", "6", ""])
def test_a_rating_that_is_not_one_to_five_stars_is_refused_in_chinese_and_nothing_is_stored(users, on_duty, rating):
    from django.utils import timezone

    stop = services.stop_record(user=users["tianlong_adj1"], kind="breakdown", at=timezone.now(), services=[],
                                credential_shown=False, customer_consented=False)  # fmt: skip
    answer = Client().post(f"/credentials/rate/{stop.rating_token}/", {"rating": rating}, secure=True)
    assert answer.status_code == 422
    assert "1 到 5 星" in answer.content.decode()
    stop.refresh_from_db()
    assert stop.rating is None


def test_issue_12_r8_the_stops_page_says_when_the_adjuster_holds_no_credential(users, on_duty, client_for):
    """Issue 12 finding 1 (R6, R8): an adjuster without a credential in force is told why a stop cannot be saved."""
    assert (
        'data-testid="no-credential"'
        in client_for("tianlong_adj2").get("/credentials/stops/", secure=True).content.decode()
    )
    assert (
        'data-testid="no-credential"'
        not in client_for("tianlong_adj1").get("/credentials/stops/", secure=True).content.decode()
    )


def test_r8_a_login_that_already_holds_a_credential_cannot_be_linked_to_another_person(users, credentialed):
    """Walk finding 19: the company linked a new applicant to tianlong_adj1, which already held a credential; once
    approved, that login's work card showed the new person while the old credential still verified. One login, one
    live entry: the picker leaves it out, the service refuses it, the database holds the line."""
    from django.db import IntegrityError, transaction

    from claimbridge.credentials.selectors import adjuster_accounts_for_user

    holder = credentialed("tianlong_adj1")
    company = users["tianlong_hq"]
    assert "tianlong_adj1" not in set(adjuster_accounts_for_user(user=company).values_list("username", flat=True))
    with pytest.raises(AppError) as refused:
        services.adjuster_submit(user=company, full_name="王建国", id_number=OTHER_ID_NUMBER, phone="13800003333",
                                 city_code="621200", details=dict(DETAILS), account="tianlong_adj1")  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("account_taken", "account")
    assert Adjuster.objects.filter(account=holder.account).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Adjuster.objects.filter(pk=services.adjuster_submit(
            user=company, full_name="王建国", id_number=OTHER_ID_NUMBER, phone="13800003333", city_code="621200",
            details=dict(DETAILS)).pk).update(account=holder.account)  # fmt: skip
