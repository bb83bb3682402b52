"""The back office (Django's admin): an association's staff change only their own city's organisation data — the
claims units, branches, service areas and police units that decide routing there (B8, R16; issue 12)."""

from __future__ import annotations

import pytest

from claimbridge.organisations.models import ClaimsUnit

pytestmark = pytest.mark.django_db


def test_an_association_lists_and_changes_only_its_own_citys_claims_units(client, users):
    longnan = ClaimsUnit.objects.filter(branch__city__code="621200").first()
    tianshui = ClaimsUnit.objects.filter(branch__city__code="620500").first()
    client.force_login(users["ln_assoc"])
    listed = client.get("/admin/organisations/claimsunit/", secure=True).content.decode()
    assert longnan.name in listed
    assert tianshui.name not in listed
    assert client.get(f"/admin/organisations/claimsunit/{tianshui.pk}/change/", secure=True).status_code == 302
    answer = client.post(f"/admin/organisations/claimsunit/{tianshui.pk}/change/",
                         {"name": "改名", "branch": tianshui.branch_id}, secure=True)  # fmt: skip
    assert answer.status_code in (302, 404)
    tianshui.refresh_from_db()
    assert tianshui.name != "改名"
    client.force_login(users["admin"])
    assert tianshui.name in client.get("/admin/organisations/claimsunit/", secure=True).content.decode()
