"""/api/v1/… for the drivers' phones (B1): a one-time code to a mobile, joining a case with the other driver's code,
and every step of the party's own page — bound to the session in which the mobile was proved, CSRF-protected."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status
from ninja.security import APIKeyCookie

from claimbridge.cases import selectors
from claimbridge.cases.api.schemas import (
    ConfirmIn,
    DetailsIn,
    JoinedOut,
    JoinIn,
    MyCaseOut,
    PhoneFactsIn,
    PhoneIn,
    SentOut,
)
from claimbridge.cases.services import handoffs, join, parties, quick_claim
from claimbridge.cases.services.notifications import party_language_remember
from claimbridge.core.errors import AppError, not_found
from claimbridge.core.schemas import responses
from claimbridge.core.throttle import client_address

phone_router = Router(tags=["cases: driver's phone"])
join_router = Router(tags=["cases: driver's phone"])


@phone_router.post("/code", response=responses({202: SentOut}), summary="Send a one-time code to a mobile number")
def phone_code(request: HttpRequest, payload: PhoneIn) -> Status[dict[str, Any]]:
    from claimbridge.core.phone_verification import challenge_send

    challenge_send(payload.phone)
    return Status(202, {"sent": True})


@join_router.post("/join", response=responses({200: JoinedOut}),
                  summary="The other driver joins a case with its join code and a code sent to their own mobile")  # fmt: skip
def case_join(request: HttpRequest, payload: JoinIn) -> dict[str, Any]:
    answer = join.case_join_once(join_code=payload.join_code, phone=payload.phone, sms_code=payload.sms_code,
                                 consent_version=payload.consent_version, client=client_address(request),
                                 key=request.headers.get("Idempotency-Key", ""),
                                 device=request.headers.get("User-Agent", ""))  # fmt: skip
    joined = request.session.get("case_parties", {})
    joined[answer["case"]] = answer["party"]
    request.session["case_parties"] = joined
    party_language_remember(number=answer["case"], label=answer["party"], language=request.LANGUAGE_CODE)  # issue 13
    return answer


class PartySession(APIKeyCookie):
    """A driver's phone: the browser session in which the driver proved their mobile and joined the case (B1).
    Cookie-borne, so every POST needs the CSRF token, as on the web pages."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.session.get("case_parties") or None


party_router = Router(tags=["cases: driver's phone"], auth=PartySession())


def _my_party(request: HttpRequest, number: str) -> Any:
    party = selectors.party_for_phone(joined=dict(request.session.get("case_parties", {})), number=number)
    if party is None:
        raise not_found()
    return party


def _answer(party: Any) -> dict[str, Any]:
    from claimbridge.cases.quick_claim import assessment
    from claimbridge.core.masking import mask_id_number, mask_name

    case = party.case
    case.refresh_from_db()
    party.refresh_from_db()
    return {
        "case": case.number, "state": case.state, "party": party.label,
        "details": {"driver_name": mask_name(party.driver_name) if party.driver_name else "",
                    "driver_licence": mask_id_number(party.driver_licence) if party.driver_licence else "",
                    "plate": party.plate, "vin": party.vin, "vehicle_type": party.vehicle_type, "collision_part": party.collision_part,
                    "insurer": party.insurer.code if party.insurer else None, "cover_verified": party.cover_verified},
        "parties": [{"label": p.label, "confirmed": p.confirmed_at is not None, "disagrees": p.disagreed_at is not None}
                    for p in selectors.case_parties(case)],
        "facts": case.facts, "circumstances": case.circumstances, "assessment": assessment(case),
        "agreement": {"code": case.agreement_code, "pdf": f"/cases/{case.number}/me/agreement.pdf"} if case.agreement_name else None,
    }  # fmt: skip


def _form_refused(form: Any) -> AppError:
    """A form's errors as the one error body: the first field named, every field's messages in `details`."""
    name, errors = next(iter(form.errors.items()))
    first = str(errors[0])
    return AppError("invalid_input", f"{name}：{first}", f"{name}: {first}", field=name,
                    details=[{"loc": [field], "msg": " ".join(str(m) for m in messages)} for field, messages in form.errors.items()])  # fmt: skip


MINE = responses({200: MyCaseOut})
WHOLE_BODY = Body(...)  # the whole request body is the parameter


@party_router.get("/{number}/me", response=MINE,
                  summary="The case as this phone's party sees it, with eligibility, liability and next steps")  # fmt: skip
def me(request: HttpRequest, number: str) -> dict[str, Any]:
    return _answer(_my_party(request, number))


@party_router.post(
    "/{number}/me/details", response=MINE, summary="The driver's own details, checked by the rules kernel"
)
def me_details(request: HttpRequest, number: str, payload: DetailsIn) -> dict[str, Any]:
    from claimbridge.cases.forms import PartyDetailsForm

    party = _my_party(request, number)
    form = PartyDetailsForm({k: v for k, v in payload.model_dump().items() if v not in (False, None)})
    if not form.is_valid():
        raise _form_refused(form)
    parties.party_details_save(party=party, **form.cleaned_data)
    return _answer(party)


@party_router.post("/{number}/me/facts", response=MINE, summary="What happened (shared by the parties)")
def me_facts(request: HttpRequest, number: str, payload: PhoneFactsIn) -> dict[str, Any]:
    from claimbridge.cases.forms import FactsForm

    party = _my_party(request, number)
    data = {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in payload.model_dump().items()}
    form = FactsForm(data)
    if not form.is_valid():
        raise _form_refused(form)
    quick_claim.case_facts_save(case=party.case, facts=form.facts(), party_label=party.label)
    return _answer(party)


@party_router.post("/{number}/me/circumstances", response=MINE,
                   summary='The listed circumstance of each party: {"A": [1], "B": []}')  # fmt: skip
def me_circumstances(request: HttpRequest, number: str, payload: dict[str, list[int]] = WHOLE_BODY) -> dict[str, Any]:
    party = _my_party(request, number)
    if len(payload) > 4 or any(len(numbers) > 21 for numbers in payload.values()):
        raise AppError("bad_circumstance", "事故情形过多", "too many circumstances")
    quick_claim.case_circumstances_save(case=party.case, circumstances=payload, party_label=party.label)
    return _answer(party)


@party_router.post(
    "/{number}/me/confirm", response=MINE, summary="Confirm the facts and the liability (name typed, consent)"
)
def me_confirm(request: HttpRequest, number: str, payload: ConfirmIn) -> dict[str, Any]:
    party = _my_party(request, number)
    quick_claim.party_confirm(party=party, typed_name=payload.typed_name, consent=payload.consent,
                              device=request.headers.get("User-Agent", "")[:200])  # fmt: skip
    return _answer(party)


@party_router.post("/{number}/me/{step}", response=MINE, summary="disagree, police or underwriting-city")
def me_step(request: HttpRequest, number: str, step: str) -> dict[str, Any]:
    party = _my_party(request, number)
    steps = {
        "disagree": lambda: quick_claim.party_disagree(party=party),
        "police": lambda: quick_claim.case_to_police(case=party.case, reason="not_eligible"),
        "underwriting-city": lambda: handoffs.party_serve_in_underwriting_city(party=party),
    }
    if step not in steps:
        raise not_found()
    steps[step]()
    return _answer(party)
