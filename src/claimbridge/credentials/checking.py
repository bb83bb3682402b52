"""Checking a card (R6, R8): what its QR code's token or its typed number says, with the holder's company by name
and photo for a current card; and the signed-in adjuster's own work card (issue 13)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from claimbridge.accounts.models import Role
from claimbridge.core.errors import AppError
from claimbridge.core.inputs import unsafe_text
from claimbridge.credentials import keys
from claimbridge.credentials.models import Adjuster, Credential
from claimbridge.credentials.portraits import stored_portrait
from claimbridge.credentials.tokens import CredentialClaims, NotGenuine, verify
from claimbridge.organisations.models import Insurer


@dataclass(frozen=True)
class Verification:
    status: str  # genuine_current | revoked | expired | not_yet_valid | not_genuine | unknown
    claims: CredentialClaims | None = None
    credential: Credential | None = None  # the register's credential, when the card is genuine and current

    @property
    def company_name(self) -> str:
        """The holder's company by its name, never its code (the card carries the code)."""
        if self.claims is None:
            return ""
        insurer = Insurer.objects.filter(code=self.claims.company[:20]).first()
        return insurer.display_short_name if insurer is not None else self.claims.company


def credential_verify(token: str, *, today: date | None = None) -> Verification:
    """What the public verification page says of a scanned token."""
    try:
        claims = verify(token, keys.public_key())
    except NotGenuine:
        return Verification("not_genuine")
    credential = Credential.objects.select_related("adjuster").filter(number=claims.number[:20]).first()
    if credential is None or credential.token != token.strip():
        return Verification("unknown", claims)  # signed by us, yet not a credential we hold: treat as not current
    if credential.revoked_at is not None:
        return Verification("revoked", claims)
    dated = claims.status_on(today or timezone.localdate())
    if dated != "current":
        return Verification(dated, claims)
    return Verification("genuine_current", claims, credential)


CARD_NUMBER = re.compile(r"([A-Z]{2})-?(\d{4})-?(\d{6})")
CARD_NUMBER_MAX = 40


def card_number_normalise(typed: Any) -> str:
    """A card number as people type it from the card: any case, spaces, full-width characters, other dashes or
    none (ln 2026 000001, LN—2026—000001) → LN-2026-000001; AppError naming the field when it cannot be one."""
    import unicodedata

    bad = AppError("bad_card_number", "请按证件上的格式填写编号，例如 LN-2026-000001",
                   "type the number as printed on the card, e.g. LN-2026-000001", field="number")  # fmt: skip
    if not isinstance(typed, str) or len(typed) > CARD_NUMBER_MAX or unsafe_text(typed):
        raise bad
    text = unicodedata.normalize("NFKC", typed).upper()
    text = re.sub(r"[\s_·.]", "", re.sub(r"[\u2010-\u2015\u2212\uFE58\uFE63]", "-", text))
    match = CARD_NUMBER.fullmatch(text)
    if match is None:
        raise bad
    return "-".join(match.groups())


def credential_verify_number(typed: Any, *, today: date | None = None) -> Verification:
    """What the verification page says of a card number typed from the card: the same answer as its QR code's."""
    number = card_number_normalise(typed)
    credential = Credential.objects.filter(number=number).first()
    if credential is None:
        return Verification("unknown")
    return credential_verify(credential.token, today=today)


def verification_portrait(credential: Credential) -> bytes | None:
    """The holder's photo, shown to whoever checks a genuine, current card (that is what the photo is on it for)."""
    if credential.revoked_at is not None or not credential.valid_from <= timezone.localdate() <= credential.valid_until:
        return None
    return stored_portrait(credential.adjuster.photo_name)


@dataclass(frozen=True)
class WorkCard:
    credential: Credential
    adjuster: Adjuster


def work_card_for(*, user: Any, today: date | None = None) -> WorkCard | None:
    """The signed-in adjuster's own work card: the credential in force today of an entry linked to their login
    (R8: they show it on arrival), or None."""
    if getattr(user, "role", None) != Role.ADJUSTER or not getattr(user, "pk", None):
        return None
    day = today or timezone.localdate()
    credential = (
        Credential.objects.select_related("adjuster__insurer", "adjuster__association__city")
        .filter(
            adjuster__account_id=user.pk,
            adjuster__insurer_id=user.insurer_id,
            revoked_at__isnull=True,
            valid_from__lte=day,
            valid_until__gte=day,
        )
        .order_by("-issued_at")
        .first()
    )
    return WorkCard(credential, credential.adjuster) if credential is not None else None


def work_card_portrait(*, user: Any) -> bytes | None:
    card = work_card_for(user=user)
    return stored_portrait(card.adjuster.photo_name) if card is not None else None
