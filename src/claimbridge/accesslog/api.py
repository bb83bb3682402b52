"""`GET /api/v1/cases/{number}/access-log`: who looked at a case's personal data (issue 20 item 4; B8, R17, R19),
for the holders of the case's data — an insurer of one of its parties, the association of its city, the platform.
Anyone else gets 404, as for a case that does not exist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from claimbridge.accesslog import errors, selectors
from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.schemas import responses

router = Router(tags=["access log"])


class AccessEntryOut(Schema):
    at: datetime
    who: str  # the username for the reader's own organisation; otherwise "a member of staff"
    organisation: str
    role: str
    action: str  # shown_unmasked, exported, original_downloaded, data_copy_downloaded
    action_text: str
    what: str  # the fields' names, never their values
    party_label: str
    object_ref: str
    purpose: str
    purpose_text: str
    note: str  # the reason given, redacted
    rows: int | None
    route: str
    request_id: str


class CaseAccessLogOut(Schema):
    number: str
    records: list[AccessEntryOut]


@router.get("/{number}/access-log", auth=API_AUTH, response=responses({200: CaseAccessLogOut}),
            summary="Who looked at the case's personal data, exported or downloaded it, when and why")  # fmt: skip
def case_access_log(request: HttpRequest, number: str) -> dict[str, Any]:
    found = selectors.case_access_log_for_user(user=request.user, number=number)
    if found is None:
        raise errors.log_refused()
    case, entries = found
    return {"number": case.number, "records": [vars(entry) for entry in entries]}
