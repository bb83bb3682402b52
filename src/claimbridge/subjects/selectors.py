"""Every read of a person's own data (PIPL arts. 44–45, decision 0030) and of the requests about it.

A person is a `Subject`: a mobile proved with a text-message code (read by its blind index, through the same rule
as 我的案件: `cases.selectors.PhoneProof`) or a signed-in account. What the platform holds about them: the parties of
cases whose proved mobile is theirs — their own party only, never the other party's — the questions asked from the
mobile, the consent records (the privacy app's hook), their requests; for an account, the account itself and the
adjusters' register entries linked to it with their credentials. Staff read the requests their organisation holds
through the scope (`Scope.subject_requests_q`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from claimbridge.accounts.scope import scope_for, subject_requests_of_phone_q
from claimbridge.core.crypto import blind_index
from claimbridge.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from claimbridge.subjects import hooks
from claimbridge.subjects.models import SubjectRequest

SCHEMA = "claimbridge.subject-data"
SCHEMA_VERSION = 1
LIST_LIMIT = 200
_RELATED = ("holder_association__city", "holder_insurer", "worked_by", "user")


@dataclass(frozen=True)
class Subject:
    """Whom a copy or a request is about: a proved mobile (normalised) or an account; never both."""

    phone: str = ""
    user: Any = None

    @property
    def phone_index(self) -> str:
        return blind_index(self.phone, purpose="phone") if self.phone else ""

    @property
    def key(self) -> str:
        """A pseudonymous name of the person for logs and idempotency scopes: never the number itself."""
        return f"phone:{self.phone_index[:24]}" if self.phone else f"user:{getattr(self.user, 'pk', '')}"

    @property
    def empty(self) -> bool:
        return not self.phone and not getattr(self.user, "is_authenticated", False)


# --- what is held about the person ---------------------------------------------------------------------------------


def subject_parties(*, subject: Subject) -> list[Any]:
    """The parties this mobile is (its own party of each case, never the others)."""
    from claimbridge.cases.selectors import PhoneProof, driver_parties

    if not subject.phone:
        return []
    return driver_parties(proof=PhoneProof.of(phone=subject.phone))


def subject_consultations(*, subject: Subject) -> list[Any]:
    from claimbridge.consultations.selectors import consultations_for_phone

    return consultations_for_phone(phone=subject.phone) if subject.phone else []


def subject_register_entries(*, subject: Subject) -> list[Any]:
    from claimbridge.credentials.models import Adjuster

    if subject.user is None or not getattr(subject.user, "is_authenticated", False):
        return []
    return list(Adjuster.objects.filter(account=subject.user).select_related("insurer", "association__city")
                .prefetch_related("credentials").order_by("-submitted_at"))  # fmt: skip


def requests_for_subject(*, subject: Subject) -> list[SubjectRequest]:
    """The person's own requests, the newest first."""
    if subject.phone:
        query = SubjectRequest.objects.filter(subject_requests_of_phone_q(subject.phone_index))
    elif subject.user is not None and getattr(subject.user, "is_authenticated", False):
        query = SubjectRequest.objects.filter(user=subject.user)
    else:
        return []
    return list(query.select_related(*_RELATED).order_by("-received_at", "-pk")[:LIST_LIMIT])


def request_get_for_subject(*, subject: Subject, number: str) -> SubjectRequest | None:
    return next((r for r in requests_for_subject(subject=subject) if r.number == str(number)[:24]), None)


def _when(moment: Any) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _hidden(value: str, mask: Any, masked: bool) -> str:
    return (mask(value) if masked else value) if value else ""


def _party(party: Any, *, masked: bool) -> dict[str, Any]:
    from claimbridge.cases.models import Claim

    case = party.case
    claim = Claim.objects.filter(party=party).first()
    return {
        "case": case.number, "state": case.state, "accident_at": _when(case.accident_at),
        "county": case.county.name if case.county else None, "party": party.label, "plate": party.plate,
        "vin": party.vin, "driver_name": _hidden(party.driver_name, mask_name, False),
        "driver_phone": _hidden(party.driver_phone, mask_phone, masked),
        "driver_licence": _hidden(party.driver_licence, mask_id_number, masked),
        "insurer": party.insurer.display_name if party.insurer else None,
        "ctpl_policy_number": party.ctpl_policy_number, "vehicle_type": party.vehicle_type,
        "collision_part": party.collision_part, "circumstances": list(case.circumstances.get(party.label, [])),
        "confirmed_at": _when(party.confirmed_at),
        "claim": None if claim is None else {
            "state": claim.state, "registered_at": _when(claim.registered_at),
            "payable": str(claim.payable) if claim.payable is not None else None,
            "paid_amount": str(claim.paid_amount) if claim.paid_amount is not None else None,
            "paid_at": _when(claim.paid_at), "payee_account": _hidden(claim.payee_account, mask_bank_account, masked),
        },
    }  # fmt: skip


def _consultation(consultation: Any) -> dict[str, Any]:
    return {"number": consultation.number, "state": consultation.state, "topic": consultation.topic,
            "addressed_to": consultation.addressee_name, "case": consultation.case.number if consultation.case else None,
            "question": consultation.question, "answer": consultation.answer,
            "asked_at": _when(consultation.created_at), "answered_at": _when(consultation.answered_at)}  # fmt: skip


def request_out(request: SubjectRequest) -> dict[str, Any]:
    return {"number": request.number, "kind": request.kind, "state": request.state,
            "record": request.record_label, "field": request.field, "holder": request.holder_name,
            "received_at": _when(request.received_at), "deadline": _when(request.deadline),
            "overdue": request.overdue, "worked_at": _when(request.worked_at),
            "refusal": {"code": request.refusal_code, "zh": request.refusal_zh, "en": request.refusal_en}
            if request.state == "refused" else None,
            "retained_until": request.retained_until.isoformat() if request.retained_until else None}  # fmt: skip


def _account(user: Any, *, masked: bool) -> dict[str, Any]:
    organisation = (
        user.insurer or user.association or getattr(user, "committee", None) or getattr(user, "police_unit", None)
    )
    return {"username": user.username, "full_name": user.full_name, "phone": _hidden(user.phone, mask_phone, masked),
            "role": user.role, "organisation": getattr(organisation, "display_name", str(organisation or "")) or None,
            "joined_at": _when(user.date_joined), "last_login": _when(user.last_login)}  # fmt: skip


def _entry(entry: Any, *, masked: bool) -> dict[str, Any]:
    return {"id": entry.pk, "insurer": entry.insurer.display_name, "association": entry.association.display_name,
            "full_name": entry.full_name, "id_number": _hidden(entry.id_number, mask_id_number, masked),
            "phone": _hidden(entry.phone, mask_phone, masked), "status": entry.status,
            "submitted_at": _when(entry.submitted_at), "decided_at": _when(entry.decided_at),
            "credentials": [{"number": c.number, "valid_from": c.valid_from.isoformat(),
                             "valid_until": c.valid_until.isoformat(), "revoked_at": _when(c.revoked_at)}
                            for c in entry.credentials.all()]}  # fmt: skip


def holdings(*, subject: Subject, masked: bool = True) -> dict[str, Any]:
    """Everything the platform holds about the person, in the documented shape of the copy (decision 0030, schema
    version 1). `masked` for the page (numbers masked); the downloaded copy is the person's own, in full."""
    data: dict[str, Any] = {
        "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "generated_at": _when(timezone.now()),
        "subject": {"kind": "phone" if subject.phone else "account",
                    "phone": _hidden(subject.phone, mask_phone, masked) if subject.phone else None},
        "cases": [_party(p, masked=masked) for p in subject_parties(subject=subject)],
        "consultations": [_consultation(c) for c in subject_consultations(subject=subject)],
        "consents": hooks.consents_for(phone_index=subject.phone_index, user=subject.user),
        "requests": [request_out(r) for r in requests_for_subject(subject=subject)],
        "account": None, "register": [],
    }  # fmt: skip
    if not subject.phone and subject.user is not None:
        data["account"] = _account(subject.user, masked=masked)
        data["register"] = [_entry(e, masked=masked) for e in subject_register_entries(subject=subject)]
    return data


def record_choices(*, subject: Subject) -> list[tuple[str, str]]:
    """What a request may be about, as (value, what to show): each case and question of the mobile; an account itself
    and its register entries."""
    choices = [(f"case:{p.case.number}", f"事故案件 {p.case.number}{' · ' + p.plate if p.plate else ''}")
               for p in subject_parties(subject=subject)]  # fmt: skip
    choices += [(f"consultation:{c.number}", f"咨询 {c.number}") for c in subject_consultations(subject=subject)]
    if not subject.phone and subject.user is not None:
        choices += [("account", "平台账号")]
        choices += [(f"register:{e.pk}", f"查勘员登记 {e.association.display_name}")
                    for e in subject_register_entries(subject=subject)]  # fmt: skip
    return choices


# --- the holders' queue --------------------------------------------------------------------------------------------


def queue_for_user(*, user: Any, state: str = "") -> QuerySet[SubjectRequest]:
    """The requests the user's organisation holds (not their own), open ones first, the nearest deadline first."""
    scope = scope_for(user)
    query = SubjectRequest.objects.filter(scope.subject_requests_q()).exclude(user_id=getattr(user, "pk", 0))
    if state:
        query = query.filter(state=state)
    return query.select_related(*_RELATED).order_by("worked_at", "deadline", "pk")


def request_get_for_user(*, user: Any, number: str) -> SubjectRequest | None:
    """The one access path to a request for a signed-in user: None when they may not read it."""
    return (SubjectRequest.objects.filter(scope_for(user).subject_requests_q(), number=str(number)[:24])
            .select_related(*_RELATED).first())  # fmt: skip


def subject_request_chains_verify() -> list[str]:
    """Every data-subject request whose event chain is broken, as `data request N: what is wrong` — for `audit
    verify`."""
    from claimbridge.core.chains import chain_verify
    from claimbridge.subjects.models import SubjectRequest, SubjectRequestEvent

    return chain_verify(heads=SubjectRequest.objects.only("pk", "number", "events_count", "last_event_hash"),
                        events=SubjectRequestEvent.objects.all(), head_field="request",
                        name=lambda request: f"data request {request.number}",
                        payload=lambda request, event: event.payload(request.number))  # fmt: skip
