"""Every read of the consultation service (R13), through the scope: a staff member's inbox and the one access path to
a question (`consultation_get_for_user`), a phone's own questions (`consultations_for_phone`, by the proved mobile's
blind index), a specialist's escalated questions with their deadlines, and the public FAQ."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import consultations_of_phone_q, scope_for
from claimbridge.consultations.flow import STATES
from claimbridge.consultations.models import Consultation, FaqEntry, Specialist
from claimbridge.consultations.vocabulary import TOPICS
from claimbridge.core.crypto import blind_index

LIST_LIMIT = 200
_RELATED = ("insurer", "association__city", "case", "escalated_to__user", "answered_by")

STAFF_ROLES = frozenset({Role.INSURER_STAFF, Role.ASSOCIATION_STAFF, Role.PLATFORM_ADMIN})


def consultation_list_for_user(*, user: Any, state: str = "") -> QuerySet[Consultation]:
    """The questions the user may read, open ones first, oldest first among them (the inbox)."""
    query = Consultation.objects.filter(scope_for(user).consultations_q()).select_related(*_RELATED)
    if state in STATES:
        query = query.filter(state=state)
    return query.order_by("closed_at", "answered_at", "created_at", "pk")


def inbox_for_user(*, user: Any, state: str = "") -> list[Consultation]:
    """What a staff member works: their organisation's questions (not those merely escalated to them)."""
    scope = scope_for(user)
    query = consultation_list_for_user(user=user, state=state)
    if scope.role == Role.INSURER_STAFF:
        query = query.filter(insurer_id=scope.insurer_id or 0)
    elif scope.role == Role.ASSOCIATION_STAFF:
        query = query.filter(association__city_id=scope.city_id or 0)
    return list(query[:LIST_LIMIT])


def consultation_get_for_user(*, user: Any, number: str) -> Consultation | None:
    """The one access path to a question for a signed-in user: None when the user may not read it."""
    return (Consultation.objects.filter(scope_for(user).consultations_q(), number=str(number)[:24])
            .select_related(*_RELATED).first())  # fmt: skip


def _phone_q(phone: str) -> Any:
    return consultations_of_phone_q(blind_index(phone, purpose="phone") if phone else "")


def consultations_for_phone(*, phone: str) -> list[Consultation]:
    """A phone's own questions, the latest first."""
    if not phone:
        return []
    return list(Consultation.objects.filter(_phone_q(phone)).select_related(*_RELATED)
                .order_by("-created_at", "-pk")[:LIST_LIMIT])  # fmt: skip


def consultation_get_for_phone(*, phone: str, number: str) -> Consultation | None:
    if not phone:
        return None
    return Consultation.objects.filter(_phone_q(phone), number=str(number)[:24]).select_related(*_RELATED).first()


def specialist_queue(*, user: Any) -> list[Consultation]:
    """The questions escalated to the user as an active specialist and not yet answered: the oldest due first."""
    if not getattr(user, "is_authenticated", False):
        return []
    query = Consultation.objects.filter(scope_for(user).consultations_q(), escalated_to__user_id=user.pk,
                                        escalated_to__active=True, state="escalated")  # fmt: skip
    return list(query.select_related(*_RELATED).order_by("due_at", "pk")[:LIST_LIMIT])


def specialist_answered(*, user: Any, limit: int = 20) -> list[Consultation]:
    if not getattr(user, "is_authenticated", False):
        return []
    query = Consultation.objects.filter(scope_for(user).consultations_q(), escalated_to__user_id=user.pk,
                                        answered_by_id=user.pk)  # fmt: skip
    return list(query.select_related(*_RELATED).order_by("-answered_at")[:limit])


def is_specialist(*, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Specialist.objects.filter(user=user, active=True).exists()


def specialists_for(*, consultation: Consultation) -> list[Specialist]:
    """Whom the question may be escalated to: the active specialists of the organisation it is addressed to, those of
    its topic first."""
    query = Specialist.objects.filter(active=True).select_related("user")
    if consultation.insurer_id is not None:
        query = query.filter(insurer_id=consultation.insurer_id)
    else:
        query = query.filter(association_id=consultation.association_id or 0)
    found = list(query.order_by("pk"))
    return sorted(found, key=lambda s: (bool(s.topics) and consultation.topic not in s.topics, s.pk))


def association_specialists(*, user: Any) -> list[Specialist]:
    association = getattr(user, "association", None)
    if association is None or not scope_for(user).may_manage_specialists(association):
        return []
    return list(Specialist.objects.filter(association=association).select_related("user").order_by("-active", "pk"))


def specialist_get_for_manager(*, user: Any, pk: int) -> Specialist | None:
    association = getattr(user, "association", None)
    if association is None or not scope_for(user).may_manage_specialists(association):
        return None
    return Specialist.objects.filter(pk=pk, association=association).select_related("user", "association").first()


def faq_published() -> list[dict[str, Any]]:
    """The public FAQ by topic, in the vocabulary's order; each topic with its published entries."""
    entries = list(FaqEntry.objects.filter(published=True).order_by("-created_at", "pk"))
    return [{"code": code, "text": text, "entries": [e for e in entries if e.topic == code]}
            for code, text in TOPICS.items() if any(e.topic == code for e in entries)]  # fmt: skip


def addressee_choices() -> list[tuple[str, str]]:
    """Whom a question on its own may be put to: each insurer, each city's association."""
    from claimbridge.organisations import selectors as organisation_selectors
    from claimbridge.organisations.models import Association

    insurers = [(f"insurer:{i.code}", i.display_short_name) for i in organisation_selectors.insurer_list_public()]
    associations = [(f"city:{a.city.code}", a.display_name) for a in Association.objects.select_related("city")]
    return insurers + associations


def phone_cases(*, phone: str) -> list[tuple[str, str]]:
    """The cases this phone is a party of, as (number, what to show), for the ask form."""
    from claimbridge.cases.selectors import PhoneProof, driver_parties

    parties = driver_parties(proof=PhoneProof.of(phone=phone)) if phone else []
    return [(p.case.number, f"{p.case.number}{' · ' + p.plate if p.plate else ''}") for p in parties]


def consultation_chains_verify() -> list[str]:
    """Every question whose event chain is broken, as `consultation N: what is wrong` — for `audit verify`."""
    from claimbridge.consultations.models import Consultation, ConsultationEvent
    from claimbridge.core.chains import chain_verify

    return chain_verify(heads=Consultation.objects.only("pk", "number", "events_count", "last_event_hash"),
                        events=ConsultationEvent.objects.all(), head_field="consultation",
                        name=lambda question: f"consultation {question.number}",
                        payload=lambda question, event: event.payload(question.number))  # fmt: skip
