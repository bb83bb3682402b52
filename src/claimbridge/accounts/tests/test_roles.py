"""Each role is scoped by exactly one kind of organisation; the model refuses anything else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from claimbridge.accounts.models import Role, User
from claimbridge.organisations.models import Association, Branch, ClaimsUnit, Insurer

pytestmark = pytest.mark.django_db


def build(**fields):
    return User(username="someone", **fields)


def test_insurer_staff_need_an_insurer():
    with pytest.raises(ValidationError) as refused:
        build(role=Role.INSURER_STAFF).full_clean(exclude=["password"])
    assert "insurer" in refused.value.message_dict


def test_a_claims_unit_of_another_insurer_is_refused():
    tianlong = Insurer.objects.get(code="tianlong")
    maiji_unit = ClaimsUnit.objects.filter(branch__insurer__code="maiji").first()
    with pytest.raises(ValidationError) as refused:
        build(role=Role.INSURER_STAFF, insurer=tianlong, claims_unit=maiji_unit).full_clean(exclude=["password"])
    assert "claims_unit" in refused.value.message_dict


def test_a_branch_and_a_unit_together_are_refused():
    tianlong = Insurer.objects.get(code="tianlong")
    branch = Branch.objects.filter(insurer=tianlong, level="city").first()
    unit = ClaimsUnit.objects.filter(branch__insurer=tianlong).first()
    with pytest.raises(ValidationError):
        build(role=Role.INSURER_STAFF, insurer=tianlong, branch=branch, claims_unit=unit).full_clean(
            exclude=["password"]
        )


def test_a_driver_belongs_to_no_insurer():
    with pytest.raises(ValidationError):
        build(role=Role.DRIVER, insurer=Insurer.objects.first()).full_clean(exclude=["password"])


def test_association_staff_need_their_association():
    with pytest.raises(ValidationError):
        build(role=Role.ASSOCIATION_STAFF).full_clean(exclude=["password"])
    build(role=Role.ASSOCIATION_STAFF, association=Association.objects.first()).full_clean(exclude=["password"])


def test_every_demo_account_is_consistent_with_its_role():
    for user in User.objects.all():
        user.full_clean(exclude=["password"])
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
