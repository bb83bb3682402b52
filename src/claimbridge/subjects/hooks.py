"""The two seams to apps built in parallel (decision 0030), each one small function so that the merger wires it in
one line:

- `access_record` — every download of a person's copy is recorded in the access log
  (`claimbridge.accesslog.services.access_record`).
- `retained_until`, `case_erase`, `consultation_erase` — a deletion is refused while a retention duty applies, and
  otherwise erased, by `claimbridge.retention.erasure` (merged from branch `retention`), under the category
  `subject_request`.
- `consents_for` — the consent records of the `privacy` app (built in parallel). Until it lands: none.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone


def access_record(*, actor: Any, subject: str, what: str, purpose: str = "") -> None:
    """A person's copy of their data downloaded: one access record (`claimbridge.accesslog`, decision 0029), by the
    signed-in user or, for a proved phone with no account, by the person's pseudonymous key (`phone:<blind index
    prefix>` or `user:<id>`, never a phone number) — so the holder's "who looked" list shows the person's own copy."""
    from claimbridge.accesslog.models import Action, Purpose
    from claimbridge.accesslog.services import access_record as record

    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    record(actor=actor if signed_in else None, actor_label="" if signed_in else f"subject:{subject}", object_ref=subject,
           action=Action.DATA_COPY_DOWNLOADED, what=what, purpose=Purpose.DATA_SUBJECT_REQUEST)  # fmt: skip


def retained_until(case: Any, *, at: datetime) -> date | None:
    """The date until which the law keeps the case's data (`retention.erasure.retained_until`), or None when it may
    be erased now. A duty whose clock has not started (an open claim) is held until a date not yet known: the request
    is refused with today's date as the earliest, the holder's reason saying why."""
    from claimbridge.retention.erasure import retained_until as hold_of

    hold = hold_of(case, at=at)
    if not hold.held:
        return None
    return timezone.localdate(hold.until) if hold.until is not None else timezone.localdate(at)


def retention_hold(case: Any, *, at: datetime) -> Any:
    """The retention app's whole answer for the case (`retention.erasure.retained_until`, a `Hold`): whether a duty
    holds it, which (its category, the provision in its words) and until when — what the holder's desk shows before
    the clerk decides a deletion."""
    from claimbridge.retention.erasure import retained_until as hold_of

    return hold_of(case, at=at)


def case_erase(*, case: Any, actor: Any, reason: str) -> None:
    from claimbridge.retention.erasure import case_erase as erase

    erase(case=case, actor=actor, reason=reason, category="subject_request")


def consultation_erase(*, consultation: Any, actor: Any, reason: str) -> None:
    from claimbridge.retention.erasure import consultation_erase as erase

    erase(consultation=consultation, actor=actor, reason=reason, category="subject_request")


def consents_for(*, phone_index: str = "", user: Any = None) -> list[dict[str, Any]]:
    """MERGE: the `privacy` app's consent records of this person (what was agreed to, when, withdrawn when), as
    plain dicts for the copy. Until it lands: none."""
    return []


def account_hold(user: Any, *, at: datetime) -> Any:
    """The retention app's answer for a platform account (`retention.erasure.account_retained_until`)."""
    from claimbridge.retention.erasure import account_retained_until

    return account_retained_until(user, at=at)


def register_hold(adjuster: Any, *, at: datetime) -> Any:
    """The retention app's answer for an adjusters' register entry (`retention.erasure.register_entry_retained_until`)."""
    from claimbridge.retention.erasure import register_entry_retained_until

    return register_entry_retained_until(adjuster, at=at)


def register_entry(pk: str) -> Any:
    """The adjusters' register entry a request names (its primary key), or None."""
    from claimbridge.credentials.models import Adjuster

    return Adjuster.objects.filter(pk=int(pk)).first() if str(pk).isdigit() else None


def account_erase(*, user: Any, actor: Any, reason: str) -> None:
    from claimbridge.retention.erasure import account_erase as erase

    erase(user=user, actor=actor, reason=reason, category="subject_request")


def register_entry_erase(*, adjuster: Any, actor: Any, reason: str) -> None:
    from claimbridge.retention.erasure import register_entry_erase as erase

    erase(adjuster=adjuster, actor=actor, reason=reason, category="subject_request")
