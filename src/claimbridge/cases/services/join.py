"""The other driver joins a case from their own phone with a short code and their proved mobile (B1), safely:
attempts are counted per client and per code, a wrong code and an expired one get the same answer, and a live code
is locked after a few wrong phone codes (issue 12: join codes could be guessed)."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import segno
from django.db import IntegrityError, transaction
from django.utils import timezone

from claimbridge.cases.models import Case, CaseParty
from claimbridge.cases.services.record import case_lock, event_append
from claimbridge.core.crypto import blind_index
from claimbridge.core.errors import AppError
from claimbridge.core.throttle import hit
from claimbridge.rules.case_flow import EDITABLE_STATES
from claimbridge.rules.identifiers import READABLE_ALPHABET, code_as_typed

JOIN_CODE_ALPHABET = READABLE_ALPHABET  # no 0/O, 1/I, 2/Z, 5/S, 8/B: easy to read out at the roadside
JOIN_CODE_LENGTH = 6
JOIN_CODE_LIFETIME_MINUTES = 60
JOIN_FAILURES_BEFORE_LOCK = 5  # wrong phone codes against one live join code
JOIN_WINDOW_SECONDS = 600
JOIN_ATTEMPTS_PER_CLIENT = 20  # per window, whatever the code
JOIN_ATTEMPTS_PER_CODE = 10  # per window, whoever tries


def join_refused() -> AppError:
    """The one answer for a code that does not exist, has expired, was locked, or came with a wrong phone code: a
    guesser learns nothing about which codes are live."""
    return AppError("join_refused", "加入码或短信验证码不正确，或已过期。请核对对方手机上显示的加入码，必要时重新获取验证码。",
                    "The join code or the text-message code is not right, or has expired. Check the code on the other "
                    "driver's phone, and ask for a new text-message code if needed.", field="join_code")  # fmt: skip


def too_many_attempts() -> AppError:
    return AppError("too_many_attempts", "尝试次数过多，请 10 分钟后再试", "Too many attempts: try again in 10 minutes.",
                    status=429)  # fmt: skip


def case_join_code_issue(*, case: Case, user: Any = None) -> str:
    """A new short code (and its QR) with which the other driver joins the case from their own phone (B1). Only ever
    from a POST: issuing changes the case."""
    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        while True:
            code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
            if not Case.objects.filter(join_code=code, join_code_expires_at__gt=timezone.now()).exists():
                break
        expires = timezone.now() + timedelta(minutes=JOIN_CODE_LIFETIME_MINUTES)
        Case.objects.filter(pk=locked.pk).update(join_code=code, join_code_expires_at=expires, join_code_failures=0)
        event_append(case=locked, kind="join_code_issued", actor=user, data={})
    case.join_code, case.join_code_expires_at, case.join_code_failures = code, expires, 0
    return code


def live_join_code(case: Case) -> str:
    """The case's join code while it still works, else ""."""
    if case.join_code and case.join_code_expires_at and case.join_code_expires_at > timezone.now():
        return case.join_code
    return ""


def case_join(
    *, join_code: str, phone: str, sms_code: str, consent_version: str, client: str = "", channel: str = "web",
    device: str = "", on_joined: Callable[[Case, CaseParty], None] | None = None,
) -> tuple[Case, CaseParty]:  # fmt: skip
    """The second driver joins with the code from the first driver's phone and a code sent to their own mobile,
    consenting to the notice of `consent_version` (the current one; recorded with the join, issue 20). `on_joined`
    runs in the join's own transaction (the one that spends the phone code)."""
    from claimbridge.core.phone_verification import challenge_verify, normalise_mobile
    from claimbridge.privacy.notice import QUICK_CLAIM_PURPOSES
    from claimbridge.privacy.services import consent_check, consent_record

    consent_check(version=consent_version, field="consent_version")  # before anything is counted or spent

    code = code_as_typed(join_code)[:16]  # as read from the other phone: any case, spaces, full-width
    phone = normalise_mobile(phone)  # a malformed number is the driver's typing, not a guess: said as such
    if not hit(f"join:client:{client}", limit=JOIN_ATTEMPTS_PER_CLIENT, window_seconds=JOIN_WINDOW_SECONDS):
        raise too_many_attempts()
    if not hit(f"join:code:{code}", limit=JOIN_ATTEMPTS_PER_CODE, window_seconds=JOIN_WINDOW_SECONDS):
        raise too_many_attempts()
    # Only a case the parties may still change takes a new party: a code issued before the agreement (or before the
    # case went to the police) stops working then, with the one answer for codes that do not work (issue 12).
    live = Case.objects.filter(join_code=code, join_code_expires_at__gt=timezone.now(), state__in=EDITABLE_STATES)
    case = live.first() if code else None
    if case is None:
        raise join_refused()
    index = blind_index(phone, purpose="phone")

    def join_now() -> tuple[Case, CaseParty]:
        """In the phone code's transaction: a join that fails (or a database lost before the commit) spends no code."""
        locked = case_lock(pk=case.pk)
        if locked.state not in EDITABLE_STATES:  # agreed meanwhile
            raise join_refused()
        party = CaseParty.objects.filter(case=locked, phone_index=index).first()
        if party is None:
            taken = set(CaseParty.objects.filter(case=locked).values_list("label", flat=True))
            label = next((candidate for candidate in "ABCD" if candidate not in taken), None)
            if label is None:
                raise AppError("case_full", "本案当事方已满", "this case already has all its parties", status=409)
            party = CaseParty.objects.create(case=locked, label=label, driver_phone=phone, phone_index=index)
            event_append(case=locked, kind="party_joined", actor=None, data={"party": label})
        consent_record(phone=phone, purposes=QUICK_CLAIM_PURPOSES, version=consent_version, channel=channel,
                       device=device, case=locked, party=party)  # fmt: skip
        if on_joined is not None:
            on_joined(locked, party)
        return locked, party

    verifying = True

    def then() -> tuple[Case, CaseParty]:
        nonlocal verifying
        verifying = False
        return join_now()

    try:
        joined = challenge_verify(phone, sms_code, then=then)
    except AppError:
        if not verifying:  # the code was right; the join itself was refused
            raise
        _count_failure(case)
        raise join_refused() from None
    assert joined is not None
    return joined


def case_join_once(*, join_code: str, phone: str, sms_code: str, consent_version: str, client: str = "", key: str = "",
                   device: str = "") -> dict[str, str]:  # fmt: skip
    """`case_join` under an Idempotency-Key: the phone code is spent by the first try, so a retry whose answer was
    lost on the way (a server killed, a connection dropped) is answered from the record of the first, within the
    code's lifetime and only for the same number and body; a retry without a key is a new attempt (B8, R2)."""
    from claimbridge.core.idempotency import answer_keep, clean_key, earlier_answer, fingerprint_of
    from claimbridge.core.phone_verification import CODE_LIFETIME, normalise_mobile

    body = {
        "join_code": code_as_typed(join_code)[:16],
        "phone": phone,
        "sms_code": sms_code,
        "consent_version": consent_version,
    }
    fingerprint = fingerprint_of(body)
    scope = f"phone:{blind_index(normalise_mobile(phone), purpose='phone')}:cases.join"
    earlier = earlier_answer(scope=scope, key=key, fingerprint=fingerprint, since=timezone.now() - CODE_LIFETIME)
    if earlier is not None:
        return earlier[1]
    if not clean_key(key):
        case, party = case_join(join_code=join_code, phone=phone, sms_code=sms_code, consent_version=consent_version,
                                client=client, channel="api", device=device)  # fmt: skip
        return {"case": case.number, "party": party.label}

    def keep(case: Case, party: CaseParty) -> None:
        # In the commit that spends the code: a database lost between the two would leave a joined phone whose
        # retry is refused, its code spent and no answer kept (the rehearsal's PostgreSQL restart, issue 19).
        answer_keep(scope=scope, key=key, status=200, body={"case": case.number, "party": party.label},
                    fingerprint=fingerprint)  # fmt: skip

    try:
        case, party = case_join(join_code=join_code, phone=phone, sms_code=sms_code, consent_version=consent_version,
                                client=client, channel="api", device=device, on_joined=keep)  # fmt: skip
    except IntegrityError:  # the same key's first try committed meanwhile
        earlier = earlier_answer(scope=scope, key=key, fingerprint=fingerprint, since=timezone.now() - CODE_LIFETIME)
        if earlier is None:
            raise
        return earlier[1]
    return {"case": case.number, "party": party.label}


def _count_failure(case: Case) -> None:
    """One more wrong phone code against the live code; at the limit the code stops working (committed: a refusal
    must not undo the count)."""
    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        failures = locked.join_code_failures + 1
        if failures >= JOIN_FAILURES_BEFORE_LOCK:
            Case.objects.filter(pk=locked.pk).update(join_code_failures=failures, join_code_expires_at=timezone.now())
            event_append(case=locked, kind="join_code_locked", actor=None, data={})
        else:
            Case.objects.filter(pk=locked.pk).update(join_code_failures=failures)


def join_qr_svg(*, join_url: str) -> str:
    """The join link as an SVG QR code, for the other driver's camera."""
    buffer = io.BytesIO()
    segno.make(join_url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return buffer.getvalue().decode()
