"""Account routes: who am I, and the scoped staff directory (masked personal data)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from claimbridge.accounts import selectors
from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.accounts.models import User
from claimbridge.accounts.scope import scope_for
from claimbridge.core.schemas import responses

router = Router(tags=["accounts"], auth=API_AUTH)


class OrganisationRef(Schema):
    kind: str
    name: str


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    organisation: OrganisationRef | None
    scope_level: str | None


class StaffOut(Schema):
    username: str
    name_masked: str
    phone_masked: str
    role: str
    organisation: OrganisationRef | None


def organisation_of(user: User) -> OrganisationRef | None:
    if user.claims_unit is not None:
        return OrganisationRef(kind="claims_unit", name=user.claims_unit.display_name)
    if user.branch is not None:
        return OrganisationRef(kind="branch", name=user.branch.display_name)
    if user.insurer is not None:
        return OrganisationRef(kind="insurer", name=user.insurer.display_name)
    if user.association is not None:
        return OrganisationRef(kind="association", name=user.association.display_name)
    if user.committee is not None:
        return OrganisationRef(kind="committee", name=user.committee.display_name)
    return None


@router.get("/me", response=responses({200: MeOut}), summary="The logged-in user")
def me(request: HttpRequest) -> MeOut:
    user: User = request.user  # type: ignore[assignment]
    scope = scope_for(user)
    return MeOut(
        username=user.username,
        name=user.full_name,
        role=user.role,
        role_label=user.get_role_display(),
        organisation=organisation_of(user),
        scope_level=scope.level if scope.acts_for_insurer else None,
    )


@router.get(
    "/staff", response=responses({200: list[StaffOut]}), summary="Staff in your scope (names and phones masked)"
)
def staff(request: HttpRequest) -> list[StaffOut]:
    return [
        StaffOut(
            username=person.username,
            name_masked=person.masked_name,
            phone_masked=person.masked_phone,
            role=person.role,
            organisation=organisation_of(person),
        )
        for person in selectors.staff_list_for_user(user=request.user)
    ]
