"""Which roles may use which part of the platform: every role set, once (B8).

Pages and API routes ask these sets whether a role may come in at all; what the user then sees and may change is
the scope's question (`accounts/scope.py`), never answered here.
"""

from __future__ import annotations

from claimbridge.accounts.models import INSURER_ROLES, Role

__all__ = [
    "ACCESS_LOG_ROLES",
    "BACK_OFFICE_REPORTER_ROLES",
    "CASE_READER_ROLES",
    "CASE_REPORTER_CHANNELS",
    "CLAIM_HANDLER_ROLES",
    "CREDENTIAL_ROLES",
    "EVIDENCE_ROLES",
    "EVIDENCE_UPLOADER_ROLES",
    "INBOX_ROLES",
    "INSURER_ROLES",
    "ORGANISATION_ROLES",
    "POLICE_LOADER_ROLES",
    "POLICE_SIGNAL_ROLES",
    "POLICY_LOADER_ROLES",
    "POLICY_LOOKUP_ROLES",
    "REPORT_ROLES",
    "RETENTION_READER_ROLES",
    "REUSE_ROLES",
    "STAFF_DIRECTORY_ROLES",
    "SUBJECT_REQUEST_DESK_ROLES",
]

ORGANISATION_ROLES = frozenset(
    {Role.INSURER_STAFF, Role.ADJUSTER, Role.ASSOCIATION_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN}
)
STAFF_DIRECTORY_ROLES = frozenset(
    {Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN}
)
# Evidence: who may open evidence pages at all, and who may start a file or upload into one.
EVIDENCE_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.DRIVER, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})
EVIDENCE_UPLOADER_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.DRIVER, Role.PLATFORM_ADMIN})
REUSE_ROLES = frozenset({Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})
# The policy register: who loads policies, and who may look a vehicle's cover up (decided per plate by the scope).
# Drivers, associations and the regulator may not look up at all (issue 12: a lookup told them others' cover).
POLICY_LOADER_ROLES = frozenset({Role.INSURER_STAFF, Role.PLATFORM_ADMIN})
POLICY_LOOKUP_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.ANTIFRAUD_MEMBER, Role.PLATFORM_ADMIN})
# Cases: the back-office inbox, who may open a case page, who works claim lines, and how each role reports a case.
INBOX_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER, Role.PLATFORM_ADMIN})
CASE_READER_ROLES = frozenset(
    {Role.INSURER_STAFF, Role.ADJUSTER, Role.ANTIFRAUD_MEMBER, Role.DRIVER, Role.PLATFORM_ADMIN}
)
CLAIM_HANDLER_ROLES = frozenset({Role.INSURER_STAFF})
BACK_OFFICE_REPORTER_ROLES = frozenset({Role.INSURER_STAFF, Role.ADJUSTER})  # report from the hotline or the scene
CASE_REPORTER_CHANNELS: dict[str, str] = {
    Role.INSURER_STAFF: "hotline",
    Role.ADJUSTER: "adjuster",
    Role.DRIVER: "driver",
    Role.PLATFORM_ADMIN: "hotline",
}
# The adjusters' register: companies submit, associations review, both (and the platform) read.
CREDENTIAL_ROLES = frozenset({Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN})
# Traffic-police records (R20): the units load and read their own; signals go to the committee and, for their own
# parties, to insurers.
POLICE_LOADER_ROLES = frozenset({Role.TRAFFIC_POLICE, Role.PLATFORM_ADMIN})
POLICE_SIGNAL_ROLES = frozenset({Role.ANTIFRAUD_MEMBER, Role.INSURER_STAFF, Role.PLATFORM_ADMIN})
# The integration's statistics (issue 17): who may open the dashboards at all; the scope decides whose figures.
REPORT_ROLES = frozenset({Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.REGULATOR, Role.PLATFORM_ADMIN})
# The access log (issue 20): who may list who looked at personal data; the scope decides which records.
ACCESS_LOG_ROLES = frozenset({Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN})
# Issue 20: who works people's requests about their data (decision 0030: the holder's staff), and who reads the
# retention schedule and the sweep's reports (decision 0028): read only, for the holders of records under it — the
# insurers hold the claim records and the policy register, so their staff (head office, branches, units) read it too.
SUBJECT_REQUEST_DESK_ROLES = frozenset({Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN})
RETENTION_READER_ROLES = frozenset({Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN})
