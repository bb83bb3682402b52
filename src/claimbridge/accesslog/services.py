"""Writing the access log (issue 20 item 4; B8, R17, R19).

`access_record(...)` is the one way in, for every app: call it inside the transaction of the thing it records (the
showing, the export, the download), so that nothing is shown without its record. Its keyword signature is stable —
the `subjects` app logs people's data-copy downloads through it (`action=Action.DATA_COPY_DOWNLOADED`,
`purpose=Purpose.DATA_SUBJECT_REQUEST`).

    access_record(actor=request.user, action=Action.SHOWN_UNMASKED,
                  what=("cases.CaseParty.driver_name", "cases.CaseParty.driver_phone"),
                  purpose=Purpose.CUSTOMER_CONTACT, note="", case=case, party_label="A")

- `actor`: the user (None for a driver's phone or the system; then say who in `actor_label`: "phone:A" for party A's phone).
  Their role and organisation are copied as they are now, so the record stays true after a move.
- `action`: one of `Action`; `what`: model and field names ("app.Model.field") or an export's name — never values.
- `purpose`: one of `Purpose` (`purpose_clean` checks what a form or a body sent); `note`: the reason in words,
  required for `Purpose.OTHER`, redacted (phones, ID numbers, accounts masked) and cut to 200 characters.
- `case` (with `party_label`) when it is about a case; otherwise `object_ref` ("evidence.item:12").
- `rows`: for an export, how many rows it held. `route`: web, api, admin or task.
- The request's id (`X-Request-ID`, core/middleware.py) is taken from the request being served.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from claimbridge.accesslog import errors
from claimbridge.accesslog.models import AccessRecord, Action, Purpose, Route
from claimbridge.core.errors import AppError
from claimbridge.core.logging import REQUEST_ID
from claimbridge.core.masking import redact_text

__all__ = [
    "AccessRecord",
    "Action",
    "Purpose",
    "Route",
    "access_record",
    "default_purpose",
    "download_purpose",
    "purpose_clean",
]


def purpose_clean(purpose: Any, note: Any = "") -> tuple[str, str]:
    """A purpose and its note as a form or an API body sent them: (purpose, note) or a bilingual refusal."""
    purpose = str(purpose or "").strip()
    note = " ".join(str(note or "").split())[:200]
    if not purpose:
        raise errors.purpose_missing()
    if purpose not in Purpose.values:
        raise errors.purpose_unknown()
    if purpose == Purpose.OTHER and len(note) < 2:
        raise errors.note_missing()
    return purpose, note


def default_purpose(user: Any) -> str:
    """The purpose of a download no form asks about (an original, an agreement, a report), by the role that asks."""
    from claimbridge.accounts.models import Role

    role = str(getattr(user, "role", "") or "")
    choices: dict[str, str] = {
        Role.ANTIFRAUD_MEMBER: Purpose.FRAUD_INVESTIGATION,
        Role.PLATFORM_ADMIN: Purpose.ADMINISTRATION,
        Role.ASSOCIATION_STAFF: Purpose.REGISTER_REVIEW,
        Role.REGULATOR: Purpose.REPORTING,
        Role.DRIVER: Purpose.OWN_CASE,
        Role.TRAFFIC_POLICE: Purpose.LEGAL_REQUEST,
    }
    return choices.get(role, Purpose.CLAIM_HANDLING)


def download_purpose(user: Any, query: Any) -> tuple[str, str]:
    """(purpose, note) of a download: `?purpose=` and `?note=` when they make a valid purpose, otherwise the
    purpose of the user's role (a link never fails for want of a reason)."""
    try:
        return purpose_clean(query.get("purpose", ""), query.get("note", ""))
    except AppError:
        return default_purpose(user), ""


def _organisation(user: Any) -> tuple[int | None, int | None, str]:
    """(insurer id, association id, the organisation's name) of the user as they are now."""
    for attribute in ("claims_unit", "branch", "insurer", "association", "committee", "police_unit"):
        if getattr(user, f"{attribute}_id", None):
            org = getattr(user, attribute)
            name = str(getattr(org, "name", "") or org)
            break
    else:
        name = ""
    return getattr(user, "insurer_id", None), getattr(user, "association_id", None), name[:120]


def access_record(*, actor: Any, action: str, what: str | Iterable[str], purpose: str, note: str = "",
                  case: Any = None, party_label: str = "", object_ref: str = "", rows: int | None = None,
                  route: str = Route.WEB, actor_label: str = "") -> AccessRecord:  # fmt: skip
    """Record one showing, export or download (see the module's docstring). Runs in the caller's transaction."""
    if action not in Action.values:
        raise ValueError(f"unknown access action {action!r}")
    purpose, note = purpose_clean(purpose, note)
    what_text = what if isinstance(what, str) else ",".join(what)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    insurer_id, association_id, organisation = _organisation(user) if user is not None else (None, None, "")
    with transaction.atomic():
        return AccessRecord.objects.create(
            actor=user, actor_label=actor_label[:40], actor_role=getattr(user, "role", "") or "",
            actor_insurer_id=insurer_id, actor_association_id=association_id, actor_organisation=organisation,
            action=action, what=what_text[:200], case=case, case_number=getattr(case, "number", "") or "",
            party_label=party_label[:4], object_ref=object_ref[:80], purpose=purpose,
            purpose_note=redact_text(note)[:200], request_id=(REQUEST_ID.get() or "")[:64], rows=rows,
            route=route,
        )  # fmt: skip


def access_records_expire(*, before: Any) -> int:
    """The retention sweep's one way to end access records (issue 20, decision 0028: `access_log`, kept as the rule
    in force says, at least the six months of 网络安全法 第二十一条): those recorded before `before` are deleted, in
    the caller's transaction. Nothing else may delete one (the model and its queryset refuse)."""
    expired = AccessRecord.objects.filter(at__lt=before)
    return int(expired._raw_delete(expired.db))
