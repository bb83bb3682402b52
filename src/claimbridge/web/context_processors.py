"""The navigation a user sees depends on the role: built once here for every page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claimbridge.accounts.models import Role
from claimbridge.accounts.roles import (
    ACCESS_LOG_ROLES,
    EVIDENCE_ROLES,
    INBOX_ROLES,
    ORGANISATION_ROLES,
    POLICE_LOADER_ROLES,
    POLICE_SIGNAL_ROLES,
    POLICY_LOADER_ROLES,
    REPORT_ROLES,
    RETENTION_READER_ROLES,
    REUSE_ROLES,
    STAFF_DIRECTORY_ROLES,
    SUBJECT_REQUEST_DESK_ROLES,
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    name: str


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    items = [NavItem(str(_("Home")), reverse("home"), "home")]
    items.append(NavItem(str(_("Service directory")), reverse("directory"), "directory"))
    if role in (None, Role.DRIVER):
        items.append(NavItem(str(_("Report an accident")), reverse("case-start"), "case-start"))
        items.append(NavItem(str(_("My cases")), reverse("my-cases"), "my-cases"))  # back to a case by phone
    items.append(NavItem(str(_("Quick claims")), reverse("rules-eligibility"), "rules-eligibility"))
    items.append(NavItem(str(_("Liability")), reverse("rules"), "rules"))
    items.append(NavItem(str(_("Settlement")), reverse("rules-settlement"), "rules-settlement"))
    if role in INBOX_ROLES:
        items.append(NavItem(str(_("Cases")), reverse("case-inbox"), "case-inbox"))
    if role in EVIDENCE_ROLES:
        items.append(NavItem(str(_("Evidence")), reverse("evidence-files"), "evidence-files"))
    if role in REUSE_ROLES:
        items.append(NavItem(str(_("Reused photos")), reverse("evidence-reuse"), "evidence-reuse"))
    if role in POLICY_LOADER_ROLES:
        items.append(NavItem(str(_("Policies")), reverse("policy-loads"), "policy-loads"))
    if role in (Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN):
        items.append(NavItem(str(_("Adjusters")), reverse("adjusters"), "adjusters"))
        items.append(NavItem(str(_("Monthly feedback")), reverse("reports"), "reports"))
    if role == Role.ADJUSTER:
        items.append(NavItem(str(_("My work card")), reverse("work-card"), "work-card"))  # shown at the scene (R8)
        items.append(NavItem(str(_("My service stops")), reverse("service-stops"), "service-stops"))
        items.append(NavItem(str(_("Field (offline)")), reverse("field"), "field"))  # issue 18: works with no signal
        items.append(NavItem(str(_("My monthly feedback")), reverse("my-feedback"), "my-feedback"))
    if role in (Role.ADJUSTER, Role.INSURER_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN):  # issue 15
        items.append(NavItem(str(_("Fraud clues")), reverse("fraud-clues"), "fraud-clues"))
    if role in (Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN):  # issue 16: the committees' rings
        items.append(NavItem(str(_("Fraud rings")), reverse("fraud-rings"), "fraud-rings"))
    if role in (Role.INSURER_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN):  # issue 16: scores and reasons
        items.append(NavItem(str(_("Fraud scores")), reverse("fraud-scores"), "fraud-scores"))
    # R20: the traffic police load their records and follow the matches; the committee reads every match and, with
    # the insurers (their own parties'), the signals where records and cases disagree.
    if role in POLICE_LOADER_ROLES:
        items.append(NavItem(str(_("Police records")), reverse("police-loads"), "police-loads"))
    if role in POLICE_LOADER_ROLES | {Role.ANTIFRAUD_MEMBER}:
        items.append(NavItem(str(_("Record matches")), reverse("police-matches"), "police-matches"))
    if role in POLICE_SIGNAL_ROLES:
        items.append(NavItem(str(_("Police discrepancies")), reverse("police-signals"), "police-signals"))
    if role in (Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN):  # R13: customers' questions
        items.append(NavItem(str(_("Consultations")), reverse("consult-inbox"), "consult-inbox"))
    if role in REPORT_ROLES:  # issue 17: the integration's figures (whose: the scope's question)
        items.append(NavItem(str(_("Statistics")), reverse("figures-dashboard"), "figures-dashboard"))
    if role in (Role.ASSOCIATION_STAFF, Role.REGULATOR, Role.PLATFORM_ADMIN):  # issue 17: the progress reports (R19)
        items.append(NavItem(str(_("Progress reports")), reverse("publications"), "publications"))
    if role in ACCESS_LOG_ROLES:  # issue 20: who looked at personal data
        items.append(NavItem(str(_("Access log")), reverse("access-log"), "access-log"))
    if role in SUBJECT_REQUEST_DESK_ROLES:  # issue 20: people's requests about their data, worked by the holder
        items.append(NavItem(str(_("Personal data requests")), reverse("subjects-queue"), "subjects-queue"))
    if role in RETENTION_READER_ROLES:  # issue 20: how long personal data is kept, and what the sweep did
        items.append(NavItem(str(_("Retention")), reverse("retention"), "retention"))
    if role in ORGANISATION_ROLES:
        items.append(NavItem(str(_("Organisation")), reverse("organisation"), "organisation"))
    if role in STAFF_DIRECTORY_ROLES:
        items.append(NavItem(str(_("Staff")), reverse("staff"), "staff"))
    if user is not None and user.is_authenticated and user.is_staff:
        items.append(NavItem(str(_("Administration")), reverse("admin:index"), "admin"))
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    return {"nav_items": items, "nav_current": current, "is_platform_admin": role == Role.PLATFORM_ADMIN}
