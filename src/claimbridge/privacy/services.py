"""Every write of the privacy app: a driver's consent, recorded in the transaction of the step it belongs to (PIPL
art. 14: the consent must be provable, with the notice it was given under)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.core.crypto import blind_index
from claimbridge.privacy.errors import consent_required, consent_version_stale
from claimbridge.privacy.models import ConsentChannel, ConsentRecord
from claimbridge.privacy.notice import NOTICE_VERSION, PURPOSES


def consent_check(*, version: str | None, field: str = "consent") -> str:
    """The notice version a consent is given under: the current one, or the bilingual refusal (nothing is saved).
    None (no box ticked, no field sent) is a refusal to consent; any other version is a stale or wrong notice."""
    if version is None or version == "":
        raise consent_required(field=field)
    if version != NOTICE_VERSION:
        raise consent_version_stale(version)
    return version


def consent_record(*, phone: str, purposes: tuple[str, ...], version: str, channel: str, device: str = "",
                   case: Any = None, party: Any = None) -> list[ConsentRecord]:  # fmt: skip
    """One record per purpose, for the proved mobile (kept as its blind index). When the step has a case chain the
    consent is also an event of it (`consent_given`); the caller holds the case with `case_lock`."""
    consent_check(version=version)
    if channel not in ConsentChannel.values:
        raise ValueError(f"unknown consent channel: {channel!r}")
    unknown = set(purposes) - set(PURPOSES)
    if unknown or not purposes:
        raise ValueError(f"unknown consent purposes: {sorted(unknown)}")
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        records = ConsentRecord.objects.bulk_create([
            ConsentRecord(phone_index=blind_index(phone, purpose="phone"), case=case, party=party, purpose=purpose,
                          notice_version=version, given_at=now, channel=channel, device=device[:200])
            for purpose in purposes
        ])  # fmt: skip
        if case is not None:
            from claimbridge.cases.services.record import event_append

            data = {"party": party.label, "purposes": list(purposes), "notice_version": version}
            event_append(case=case, kind="consent_given", actor=None, data=data)
    return records
