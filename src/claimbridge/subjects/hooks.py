"""The two seams to apps built in parallel (decision 0030), each one small function so that the merger wires it in
one line:

- `access_record` — every download of a person's copy is recorded in the access log
  (`claimbridge.accesslog.services.access_record`, branch `accesslog`). Until it lands, the record is a log line.
- `retained_until`, `case_erase`, `consultation_erase` — a deletion is refused while a retention duty applies
  (`claimbridge.retention.erasure`, branch `retention`). Until it lands, PROVISIONAL stand-ins: a case's data is
  kept while a claim may still be reported on it (`ACCIDENT_MAX_AGE_DAYS` after the accident) and is then erased by
  nobody (the stand-in refuses); a question is erased by blanking its personal fields.
- `consents_for` — the consent records of the `privacy` app (built in parallel). Until it lands: none.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from claimbridge.core.errors import AppError

logger = logging.getLogger("claimbridge.subjects")


def access_record(*, actor: Any, subject: str, what: str, purpose: str) -> None:
    """MERGE: replace the body with `claimbridge.accesslog.services.access_record(...)`. `subject` is the person's
    pseudonymous key (`phone:<blind index prefix>` or `user:<id>`), never a phone number."""
    logger.info("personal data copy downloaded", extra={"subject": subject, "what": what, "purpose": purpose,
                                                        "actor": getattr(actor, "pk", None)})  # fmt: skip


def retained_until(case: Any, *, at: datetime) -> date | None:
    """MERGE: `from claimbridge.retention.erasure import retained_until; return retained_until(case, at=at)`.
    The date until which the law requires the case's data to be kept, or None when it may be erased now."""
    accident = case.accident_at or case.created_at
    until = timezone.localdate(accident) + timedelta(days=settings.ACCIDENT_MAX_AGE_DAYS)
    return until if until > timezone.localdate(at) else None


def case_erase(*, case: Any, actor: Any, reason: str) -> None:
    """MERGE: `claimbridge.retention.erasure.case_erase(...)`. The stand-in erases nothing: it refuses."""
    raise AppError("erasure_unavailable", "该案件的个人信息暂不能在平台上删除，请联系平台管理员",
                   "This case's personal data cannot be erased on the platform yet: ask the platform administrator",
                   status=409)  # fmt: skip


def consultation_erase(*, consultation: Any, actor: Any, reason: str) -> None:
    """MERGE: `claimbridge.retention.erasure.consultation_erase(...)`. PROVISIONAL stand-in: the question's
    personal fields blanked and the erasure recorded in its own event chain."""
    from claimbridge.consultations.models import Consultation
    from claimbridge.consultations.services import consultation_event

    Consultation.objects.filter(pk=consultation.pk).update(
        asker_phone="",
        asker_phone_index="",
        asker_name="",
        question="",
        answer="",
        rating_comment="",
        escalation_note="",
    )
    consultation_event(consultation=consultation, kind="erased", actor=actor, data={"reason": reason})


def consents_for(*, phone_index: str = "", user: Any = None) -> list[dict[str, Any]]:
    """MERGE: the `privacy` app's consent records of this person (what was agreed to, when, withdrawn when), as
    plain dicts for the copy. Until it lands: none."""
    return []
