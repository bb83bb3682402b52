"""R11: a reward ratio in force is history in the back office — read, never changed or removed; a revision is a new
row from today or later, and a ratio still to come may be corrected (issue 15)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from claimbridge.fraud.models import RewardRatio
from claimbridge.organisations.models import Insurer

pytestmark = pytest.mark.django_db
URL = "/admin/fraud/rewardratio/"


def _admin(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def test_r11_a_ratio_in_force_is_not_changed_or_removed(users, ratios):
    client = _admin(users)
    ratio = RewardRatio.objects.get(insurer__code="maiji")
    answer = client.post(f"{URL}{ratio.pk}/change/", {"insurer": ratio.insurer_id, "ratio": "0.9000",
                                                      "effective_from": "2023-08-15"}, secure=True)  # fmt: skip
    assert answer.status_code == 403
    assert client.post(f"{URL}{ratio.pk}/delete/", {"post": "yes"}, secure=True).status_code == 403
    ratio.refresh_from_db()
    assert ratio.ratio == Decimal("0.0500")
    assert "0.0500" in client.get(f"{URL}{ratio.pk}/change/", secure=True).content.decode()  # still read


def test_r11_a_revision_starts_today_or_later_and_a_future_one_may_be_corrected(users, ratios):
    client = _admin(users)
    maiji = Insurer.objects.get(code="maiji")
    yesterday, later = timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=30)
    refused = client.post(f"{URL}add/", {"insurer": maiji.pk, "ratio": "0.0800", "effective_from": f"{yesterday}"},
                          secure=True)  # fmt: skip
    assert refused.status_code == 200
    assert "过去的日期保留当时的比例" in refused.content.decode() or "the past keeps" in refused.content.decode()
    assert RewardRatio.objects.filter(insurer=maiji).count() == 1
    client.post(f"{URL}add/", {"insurer": maiji.pk, "ratio": "0.0800", "effective_from": f"{later}"}, secure=True)
    future = RewardRatio.objects.get(insurer=maiji, effective_from=later)
    client.post(f"{URL}{future.pk}/change/", {"insurer": maiji.pk, "ratio": "0.0700", "effective_from": f"{later}"},
                secure=True)  # fmt: skip
    future.refresh_from_db()
    assert future.ratio == Decimal("0.0700")
    assert client.post(f"{URL}{future.pk}/delete/", {"post": "yes"}, secure=True).status_code == 302
    assert not RewardRatio.objects.filter(pk=future.pk).exists()
