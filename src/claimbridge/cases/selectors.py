"""Every read of cases, through the caller's scope (B8). Another company's party is shown only by label and insurer.

Read and write are two questions: `case_get_for_user` answers "may this user see the case?", and the `*_for_handling`
/ `*_for_write` functions load what a write route changes only when the scope's write rules allow this very change
(404 when the case is not visible at all, 403 when it is visible but not theirs to change).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from claimbridge.accounts.scope import scope_for
from claimbridge.cases import reference
from claimbridge.cases.events import event_name
from claimbridge.cases.models import Case, CaseParty, Claim, ServicePoint
from claimbridge.core.crypto import blind_index
from claimbridge.core.errors import AppError, in_current_language, not_found
from claimbridge.organisations.models import ClaimsUnit, County


def case_list_for_user(*, user: Any) -> QuerySet[Case]:
    scope = scope_for(user)
    return Case.objects.filter(pk__in=Case.objects.filter(scope.cases_q()).values("pk")).select_related(
        "county", "city"
    )


def case_get_for_user(*, user: Any, number: str) -> Case | None:
    return case_list_for_user(user=user).filter(number=number[:24]).first()


def _parties(case: Case) -> list[CaseParty]:
    return list(case.parties.select_related("insurer", "claims_unit__branch__city").order_by("label"))


def not_yours() -> AppError:
    return AppError("not_yours", "只有该方承保公司负责的理赔人员可以办理", "only the handling staff of this party's insurer can do this",
                    status=403)  # fmt: skip


def party_for_handling(*, user: Any, number: str, label: str) -> tuple[Case, CaseParty]:
    """The case and the party whose claim line this user works (立案 to closure, hand-offs); a refusal otherwise."""
    case = case_get_for_user(user=user, number=number)
    party = next((p for p in _parties(case) if p.label == label), None) if case else None
    if case is None or party is None:
        raise not_found()
    if not scope_for(user).may_handle_party(party):
        raise not_yours()
    return case, party


def case_for_write(*, user: Any, number: str, join_code: bool = False) -> tuple[Case, list[CaseParty]]:
    """The case with its parties, for a step of the whole case: sending it to the police (whoever handles a party),
    or a new join code (also whoever reported it)."""
    case = case_get_for_user(user=user, number=number)
    if case is None:
        raise not_found()
    parties = _parties(case)
    scope = scope_for(user)
    allowed = scope.may_issue_join_code(case, parties) if join_code else scope.may_act_on_case(parties)
    if not allowed:
        raise not_yours()
    return case, parties


def claim_of(party: CaseParty) -> Claim | None:
    return Claim.objects.filter(party=party).select_related("party__case").first()


def case_view(*, user: Any, case: Case, parties: list[Any] | None = None) -> dict[str, Any]:
    """The case as this user may know it: their company's parties in full, the others by label and insurer."""
    scope = scope_for(user)
    insurers, units = reference.insurers_by_id(), reference.claims_units()
    shown = []
    for party in parties if parties is not None else case.parties.all():
        own = (
            scope.sees_across_companies
            or (scope.insurer_id is not None and party.insurer_id == scope.insurer_id)
            or case.created_by_id == scope.user_id
        )
        insurer = insurers.get(party.insurer_id) if party.insurer_id else None
        unit = units.get(party.claims_unit_id) if party.claims_unit_id else None
        entry: dict[str, Any] = {"label": party.label, "insurer": insurer.code if insurer else None,
                                 "insurer_name": insurer.display_short_name if insurer else None}  # fmt: skip
        if own:
            entry |= {"plate": party.plate, "vin": party.vin, "claims_unit": unit.display_name if unit else None,
                      "underwriting_city": party.underwriting_city_code}  # fmt: skip
        shown.append(entry)
    return {
        "number": case.number, "state": case.state, "channel": case.channel,
        "county": case.county.code if case.county else None,
        "accident_at": case.accident_at.isoformat() if case.accident_at else None, "parties": shown,
    }  # fmt: skip


INBOX_SORTS = ("deadline", "newest")  # the first is the default: what is due soonest first, overdue at the top
_CASE_NUMBER = re.compile(r"[0-9-]{4,24}")
_PLATE_TAIL = re.compile(
    r"[A-Z][A-Z0-9]{5,6}"
)  # a plate after its province character: the authority letter, the serial


def inbox_search_q(*, q: str) -> tuple[Q, Q] | None:
    """What a typed search means: (a match on the case, a match on one of its parties), or None when nothing was
    typed. A case number (or a part of it: "20261201-00012"), a plate, a mainland mobile or a driver's whole name;
    the mobile and the name through their blind indexes, never by decrypting (decision 0004)."""
    from claimbridge.core.crypto import blind_index, name_blind_index
    from claimbridge.core.phone_verification import normalise_mobile
    from claimbridge.rules.identifiers import check_plate, normalize_plate

    text = "".join(unicodedata.normalize("NFKC", q).split())[:40]
    if not text:
        return None
    on_case = Q(number__contains=text) if _CASE_NUMBER.fullmatch(text) else Q(pk__in=[])
    plate = check_plate(text)
    phone_index = ""
    with contextlib.suppress(AppError):  # not a mobile number
        phone_index = blind_index(normalise_mobile(text), purpose="phone")
    on_party = party_q(prefix="parties__", name_index=name_blind_index(text), phone_index=phone_index,
                       plate=plate.normalized if plate.valid else "", any_of=True)  # fmt: skip
    assert on_party is not None  # a name index is always given
    if not plate.valid and _PLATE_TAIL.fullmatch(tail := normalize_plate(text)):  # typed without the province
        on_party |= Q(parties__plate__endswith=tail)
    return on_case, on_party


def party_q(*, prefix: str = "", phone_index: str = "", name_index: str = "", plate: str = "", vin: str = "",
            any_of: bool = False) -> Q | None:  # fmt: skip
    """The one rule for finding the same person or vehicle among case parties, never by decrypting (decision 0004):
    a person by their mobile's blind index, else by their name's (`any_of`: by either); a vehicle by its plate or
    its VIN. None when nothing identifies anyone."""
    person: Q | None = None
    if phone_index and name_index and any_of:
        person = Q(**{f"{prefix}phone_index": phone_index}) | Q(**{f"{prefix}name_index": name_index})
    elif phone_index:
        person = Q(**{f"{prefix}phone_index": phone_index})
    elif name_index:
        person = Q(**{f"{prefix}name_index": name_index})
    match = person
    for field, value in (("plate", plate), ("vin", vin)):
        if value:
            extra = Q(**{f"{prefix}{field}": value})
            match = extra if match is None else match | extra
    return match


@dataclass
class Inbox:
    rows: list[tuple[Case, dict[str, Any] | None]]
    counts: dict[str, int]  # cases per state, for the search typed (whatever the state chosen)
    total: int
    plates: dict[int, list[str]]  # case id → the plates of its parties this user's units handle


def inbox_for_user(*, user: Any, state: str = "", q: str = "", sort: str = "deadline", limit: int = 200) -> Inbox:
    """A claims unit's inbox: cases with a party its units handle (unit staff: their unit; branch: its units), each
    with the first service-level clock not yet met on this user's company's claim; found by `q` (inbox_search_q) on
    those parties only — another company's driver on the same case is not a key to it (B8); sorted by that clock
    (`deadline`, the default) or newest first. A fixed number of queries, whatever the rows."""
    scope = scope_for(user)
    units = scope.claims_units_q(prefix="parties__claims_unit__")
    units_of_party = scope.claims_units_q(prefix="claims_unit__") & Q(claims_unit__isnull=False)
    # One filter, so that both conditions hold for the same party: a case stays in the inbox while another party
    # (a phone that joined but has not given its details) is not routed yet.
    handled = units & Q(parties__claims_unit__isnull=False)
    cases = Case.objects.filter(pk__in=Case.objects.filter(handled).values("pk"))
    search = inbox_search_q(q=q)
    if search is not None:
        on_case, on_party = search
        cases = cases.filter(on_case | Q(pk__in=Case.objects.filter(handled & on_party).values("pk")))
    counts = dict(cases.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    if state:
        cases = cases.filter(state=state)
    insurer_id = scope.insurer_id
    if sort == "newest":
        ordered = cases.order_by("-created_at", "-pk")
    else:  # by the first clock not met, over all the cases found (not only the newest `limit`); no clock last
        ordered = _with_next_due(cases, insurer_id).order_by(F("due").asc(nulls_last=True), "-created_at", "-pk")
    listed = list(ordered.select_related("county")[:limit])
    own_claims: dict[int, Claim] = {}
    if insurer_id:
        for claim in Claim.objects.filter(party__case__in=listed, party__insurer_id=insurer_id).select_related("party"):
            own_claims.setdefault(claim.party.case_id, claim)
    plates: dict[int, list[str]] = {}
    for case_id, plate in (CaseParty.objects.filter(units_of_party & Q(case__in=listed)).exclude(plate="")
                           .order_by("case_id", "label").values_list("case_id", "plate")):  # fmt: skip
        plates.setdefault(case_id, []).append(plate)
    rows = []
    for case in listed:
        clock = None
        if case.state not in NO_CLOCK_STATES:
            clocks = sla_deadlines(case=case, claim=own_claims.get(case.pk))
            clock = next((c for c in clocks if c["done"] is None), None)
        rows.append((case, clock))
    return Inbox(rows=rows, counts=counts, total=sum(counts.values()), plates=plates)


def own_labels(*, scope: Any, case: Case, parties: list[Any]) -> set[str] | None:
    """The parties this reader knows in full (case_view's rule); None: every party (the platform, the committee,
    whoever reported the case)."""
    if scope.sees_across_companies or (case.created_by_id is not None and case.created_by_id == scope.user_id):
        return None
    return {party.label for party in parties if scope.insurer_id is not None and party.insurer_id == scope.insurer_id}


def timeline(*, case: Case, user: Any = None) -> list[dict[str, Any]]:
    """The case's events in order, each in words (`timeline_words`) from its data as this reader may see it — the
    webhook registry's cut: another company's claim steps are not theirs to follow, its amounts not theirs to read
    (B8). Who acted is named only when the reader may know that person (the scope's directory rule); anyone else is
    shown by what they are, e.g. another insurer's staff."""
    from claimbridge.accounts.models import User
    from claimbridge.cases.events import EVENT_TYPES
    from claimbridge.cases.timeline_words import event_words

    scope = scope_for(user)
    labels = own_labels(scope=scope, case=case, parties=list(case.parties.all()))
    events = list(case.events.select_related("actor", "actor__insurer").order_by("sequence"))
    actor_ids = {event.actor_id for event in events if event.actor_id}
    known = set(scope.filter_users(User.objects.filter(pk__in=actor_ids)).values_list("pk", flat=True))
    names = {insurer.code: insurer.display_short_name for insurer in reference.insurers_by_id().values()}
    shown = []
    for event in events:
        registered = EVENT_TYPES.get(event.kind)
        data = event.data if labels is None or registered is None else registered.for_receiver(event.data, labels)
        if data is None:
            continue
        name = in_current_language(*event_name(event.kind))
        shown.append({"sequence": event.sequence, "kind": event.kind, "at": event.at,
                      "actor": _actor_label(event.actor, known), "data": data, "name": name,
                      "words": event_words(event.kind, data, insurer_names=names, fallback=name)})  # fmt: skip
    return shown


def _actor_label(actor: Any, known: set[int]) -> str:
    if actor is None:
        return ""
    if actor.pk in known:  # a colleague the reader's directory lists: by name, as people say it (not the login)
        return str(actor.get_full_name() or actor.username)
    if actor.insurer_id:
        insurer = reference.insurers_by_id().get(actor.insurer_id)
        name = insurer.display_short_name if insurer else ""
        return in_current_language(f"{name}工作人员", f"staff of {name}")
    return in_current_language("平台用户", "a platform user")


def service_points_for(*, county: Any) -> list[ServicePoint]:
    """Where to go in the accident county when the claim cannot be finished online (R14.2): the quick-claims centre
    first, then the police, the loss assessors and the dealers."""
    order = list(ServicePoint.Kind.values)
    points = ServicePoint.objects.filter(county=county, active=True)
    return sorted(points, key=lambda point: (order.index(point.kind), point.name))


def service_point_list_public() -> list[ServicePoint]:
    """Every active service point with its county and city, county by county in the order of `service_points_for`
    (public: the guide lists them, R18)."""
    order = list(ServicePoint.Kind.values)
    points = ServicePoint.objects.filter(active=True).select_related("county__city")
    return sorted(points, key=lambda point: (point.county.code, order.index(point.kind), point.name))


# What meets each service-level clock (settings.CASE_SLA_MINUTES, in its order): the claim's moment of that step.
SLA_MET_BY = {"first_contact": "first_contact_at", "survey": "assessed_at", "closure": "closed_at"}
NO_CLOCK_STATES = ("draft", "concluded")  # a case not yet reported, or done with: no clock runs


def _with_next_due(cases: QuerySet[Case], insurer_id: int | None) -> QuerySet[Case]:
    """Cases annotated with `due`: the due time of the first clock `sla_deadlines` finds not met on this company's
    first claim on the case (no company: no clock is met), None where no clock runs — for sorting every case found
    in the database rather than a page of them."""
    from django.db.models import Case as Switch
    from django.db.models import DateTimeField, ExpressionWrapper, OuterRef, Subquery, Value, When

    nothing = Value(None, output_field=DateTimeField())
    own = Claim.objects.filter(party__case=OuterRef("pk"), party__insurer_id=insurer_id or 0).order_by("pk")
    met = {
        f"met_{name}": Subquery(own.values(field)[:1]) if insurer_id else nothing for name, field in SLA_MET_BY.items()
    }
    whens = [When(state__in=NO_CLOCK_STATES, then=nothing)]
    for name, minutes in settings.CASE_SLA_MINUTES.items():
        due = ExpressionWrapper(F("created_at") + timedelta(minutes=minutes), output_field=DateTimeField())
        whens.append(When(**{f"met_{name}__isnull": True}, then=due))
    return cases.annotate(**met).annotate(due=Switch(*whens, default=nothing, output_field=DateTimeField()))


def sla_deadlines(*, case: Case, claim: Any) -> list[dict[str, Any]]:
    """The service-level clocks of one claim (first contact, survey, closure), each running from the report:
    due time, whether it is met, and whether it is overdue now (times in settings.CASE_SLA_MINUTES)."""
    now = timezone.now()
    met = {name: getattr(claim, field) if claim else None for name, field in SLA_MET_BY.items()}
    clocks = []
    for name, minutes in settings.CASE_SLA_MINUTES.items():
        due = case.created_at + timedelta(minutes=minutes)
        done = met.get(name)
        clocks.append({"name": name, "due": due, "done": done, "late": (done or now) > due})
    return clocks


CLAIM_STAGES = ("registered", "assessed", "settled", "approved", "paid", "closed")  # the panel's progress line
STAGE_MOMENTS = {"registered": "registered_at", "assessed": "assessed_at", "settled": "settled_at",
                 "approved": "approved_at", "paid": "paid_at", "closed": "closed_at"}  # fmt: skip


def claim_panels(*, user: Any, case: Case) -> list[dict[str, Any]]:
    """For each party whose claim this user handles: the claim, its clocks, the one step it waits for (`primary`,
    from the claim's machine), the other steps the machine allows now (`others`: closing without payment, assessing
    again, reopening), and the units it may be handed to. Parties the user may only see get no panel (seeing is not
    acting)."""
    from claimbridge.cases.models import Handoff
    from claimbridge.core.masking import mask_bank_account
    from claimbridge.rules.claim_flow import (
        CLAIM_ACTION_NAMES,
        CLAIM_STATES,
        CLAIM_STEP_NAMES,
        CLOSE_REASONS,
        PAID_REASON,
        REOPEN_REASONS,
        available_claim_actions,
        next_claim_step,
    )

    scope = scope_for(user)
    parties = _parties(case)
    labels = [party.label for party in parties]
    claims = {claim.party_id: claim for claim in Claim.objects.filter(party__case=case)}
    panels = []
    for party in parties:
        if not scope.may_handle_party(party):
            continue
        claim = claims.get(party.pk)
        primary, others = None, []
        if claim is not None:
            contacted = claim.first_contact_at is not None
            primary = next_claim_step(claim.state, contacted=contacted)
            others = [a for a in available_claim_actions(claim.state)
                      if a != primary and a != "request_approval" and not (a == "contact" and contacted)]  # fmt: skip
        due = (claim.payable or Decimal(0)) - (claim.paid_amount or Decimal(0)) if claim else Decimal(0)
        stage = ("approved" if claim.state == "awaiting_approval" else claim.state) if claim else ""
        closed = claim is not None and claim.state == "closed"
        # A stage is done when it happened (a claim closed unpaid was never assessed or paid), current where it is.
        happened = {code: getattr(claim, STAGE_MOMENTS[code]) is not None if claim else False for code in CLAIM_STAGES}
        clocks = sla_deadlines(case=case, claim=claim)
        panels.append({
            "party": party, "claim": claim, "state": CLAIM_STATES[claim.state] if claim else None,
            "primary": primary, "others": others, "actions": [a for a in (primary, *others) if a],
            "action_names": CLAIM_ACTION_NAMES,
            "stages": [(code, CLAIM_STATES[code] if happened[code] else CLAIM_STEP_NAMES[code], happened[code],
                        code == stage) for code in CLAIM_STAGES],
            "close_reason": CLOSE_REASONS.get(claim.close_reason) if closed and claim else None,
            # a closed claim runs no clock: only those it met are shown
            "sla": [clock for clock in clocks if clock["done"] is not None] if closed else clocks,
            "due": due, "labels": labels,
            "payee_account_masked": mask_bank_account(claim.payee_account or "") if claim else "",
            "close_reasons": {code: text for code, text in CLOSE_REASONS.items() if code != PAID_REASON},
            "reopen_reasons": REOPEN_REASONS,
            "approval_limit": user.approval_limit,
            "units": [] if closed else list(ClaimsUnit.objects.filter(branch__insurer_id=party.insurer_id or 0)
                                            .exclude(pk=party.claims_unit_id or 0).select_related("branch__city")),
            "handoff_reasons": Handoff.Reason.choices,
        })  # fmt: skip
    return panels


def party_cards(*, user: Any, case: Case) -> list[dict[str, Any]]:
    """The parties as the case page shows them: a party of the reader's company (case_view's rule) with its plate,
    unit, and the driver's name and mobile masked — `may_reveal` when the reader handles that party's claim and so
    may see them in full (an audited showing, services.disclosure); any other party by label and insurer only."""
    from claimbridge.core.masking import mask_name, mask_phone

    scope = scope_for(user)
    parties = _parties(case)
    labels = own_labels(scope=scope, case=case, parties=parties)
    insurers, units = reference.insurers_by_id(), reference.claims_units()
    cards = []
    for party in parties:
        insurer = insurers.get(party.insurer_id) if party.insurer_id else None
        card: dict[str, Any] = {"label": party.label, "insurer_name": insurer.display_short_name if insurer else "",
                                "own": labels is None or party.label in labels}  # fmt: skip
        if card["own"]:
            unit = units.get(party.claims_unit_id) if party.claims_unit_id else None
            name, phone = party.driver_name or "", party.driver_phone or ""
            card |= {"plate": party.plate, "claims_unit": unit.display_name if unit else "",
                     "name": mask_name(name) if name else "", "phone": mask_phone(phone) if phone else "",
                     "confirmed": party.confirmed_at is not None,
                     "may_reveal": bool(name or phone) and scope.may_handle_party(party)}  # fmt: skip
        cards.append(card)
    return cards


def _case_items(*, case: Case, user: Any = None, party: CaseParty | None = None) -> Any:
    """The case's evidence items for one reader, or None: a party of this very case (the phone that proved its
    number), or a user the evidence scope lets see the case's evidence file. The one read of a case's photos (B8)."""
    if case.evidence_id is None or (party is None) == (user is None):
        return None
    if party is not None:
        if party.case_id != case.pk:
            return None
        return case.evidence.items.select_related("stored")  # type: ignore[union-attr]
    from claimbridge.evidence import selectors as evidence_selectors

    evidence_file = evidence_selectors.evidence_file_get_for_user(user=user, reference=case.evidence.reference)  # type: ignore[union-attr]
    return None if evidence_file is None else evidence_file.items.select_related("stored")


def case_photos(*, case: Case, user: Any = None, party: CaseParty | None = None, limit: int | None = None) -> list[Any]:
    """The case's photos and videos in the order they came, with their stored object, for one reader (`_case_items`):
    none for anyone else."""
    items = _case_items(case=case, user=user, party=party)
    if items is None:
        return []
    ordered = items.order_by("uploaded_at", "pk")
    return list(ordered[:limit] if limit is not None else ordered)


def case_photo(*, case: Case, item_id: int, user: Any = None, party: CaseParty | None = None) -> Any:
    """One photo of this case's evidence for one reader (`_case_items`), or None."""
    items = _case_items(case=case, user=user, party=party)
    return None if items is None else items.filter(pk=item_id).first()


def photo_cards(items: list[Any]) -> list[dict[str, Any]]:
    """Photos as the case page lists them: slot by name, who sent it, whether a thumbnail and a preview exist."""
    from claimbridge.evidence.slots import SLOTS

    slots = {slot.code: slot.name for slot in SLOTS}
    return [{"id": item.pk, "slot": slots.get(item.slot, item.slot), "party": item.uploaded_by_party or item.party,
             "thumbnail": bool(item.stored.thumbnail_name), "preview": bool(item.stored.preview_name)}
            for item in items]  # fmt: skip


def evidence_visible(*, user: Any, reference: str) -> bool:
    from claimbridge.evidence import selectors as evidence_selectors

    return evidence_selectors.evidence_file_get_for_user(user=user, reference=reference) is not None


def estimated_loss(case: Case) -> Decimal | None:
    """What the drivers estimated both vehicles' loss at (their account of what happened), or None."""
    value = (case.facts or {}).get("estimated_loss")
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def claims_unit_get(*, pk: Any) -> ClaimsUnit | None:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return ClaimsUnit.objects.select_related("branch").filter(pk=key).first()


def county_get(*, code: str) -> County | None:
    return reference.counties().get(code)


def underwriting_city_unit(party: CaseParty) -> ClaimsUnit | None:
    """The insurer's claims unit in the city that wrote the policy (the first, as the city branch's front desk)."""
    if not party.underwriting_city_code or party.insurer_id is None:
        return None
    units = ClaimsUnit.objects.filter(
        branch__insurer_id=party.insurer_id, branch__city__code=party.underwriting_city_code
    )
    return units.select_related("branch").order_by("pk").first()


def cross_region(party: CaseParty) -> bool:
    """The party's policy was written in the other city, and the claim is served where the accident happened."""
    return bool(
        party.underwriting_city_code
        and party.case.city
        and party.underwriting_city_code != party.case.city.code
        and party.claims_unit
        and party.claims_unit.branch.city.code != party.underwriting_city_code
    )


# --- the driver's phone: the party this browser session joined as -------------------------------------------------


def party_for_phone(*, joined: dict[str, str], number: str) -> CaseParty | None:
    """The party this phone joined as (bound to the browser session when the mobile was proved), or None."""
    label = joined.get(number)
    if not label:
        return None
    return (
        CaseParty.objects.select_related(
            "case__county", "case__city", "case__evidence", "insurer", "claims_unit__branch__city"
        )
        .filter(case__number=number[:24], label=label)
        .first()
    )


def case_parties(case: Case) -> list[CaseParty]:
    return list(case.parties.select_related("insurer", "claims_unit").order_by("label"))


def party_labels(case: Case) -> list[str]:
    return list(case.parties.order_by("label").values_list("label", flat=True))


def photo_counts(case: Case) -> dict[str, int]:
    """Photos per party: those a party sent from their phone, or filed under them."""
    if case.evidence_id is None:
        return {}
    counts: dict[str, int] = {}
    for uploader, owner in case.evidence.items.values_list("uploaded_by_party", "party"):  # type: ignore[union-attr]
        counts[uploader or owner or "-"] = counts.get(uploader or owner or "-", 0) + 1
    return counts


# The parties' own changes another phone is told of while it is open (issue 13), and what voids a confirmation.
FOLLOWED_KINDS = ("party_joined", "party_updated", "photo_added", "facts_updated", "circumstances_chosen",
                  "party_confirmed", "party_disagreed", "agreement_made")  # fmt: skip


def last_event_sequence(case: Case) -> int:
    return int(case.events.order_by("-sequence").values_list("sequence", flat=True).first() or 0)


def changes_since(*, case: Case, since: int, reader: str) -> list[dict[str, Any]]:
    """What the other parties (or staff) did since the page was shown: kind, party and fields, never values."""
    events = case.events.filter(sequence__gt=since, kind__in=FOLLOWED_KINDS).order_by("sequence")
    return [{"kind": e.kind, "party": e.data.get("party", ""), "fields": e.data.get("fields", []), "at": e.at}
            for e in events[:50] if e.data.get("party", "") != reader]  # fmt: skip


def confirmations_voided(*, case: Case, parties: list[CaseParty]) -> dict[str, Any] | None:
    """The last time a change voided confirmations, while a party it voided has not confirmed again: who changed what
    (the change recorded just before the voiding, in the same transaction) and whose confirmation went."""
    cleared = case.events.filter(kind="confirmations_cleared").order_by("-sequence").first()
    if cleared is None:
        return None
    confirmed_again = {p.label for p in parties if p.confirmed_at and p.confirmed_at >= cleared.at}
    voided = [label for label in cleared.data.get("parties", []) if label not in confirmed_again]
    if not voided:
        return None
    cause = case.events.filter(sequence__lt=cleared.sequence).order_by("-sequence").first()
    data = cause.data if cause is not None else {}
    return {"at": cleared.at, "parties": voided, "kind": cause.kind if cause else "", "by": data.get("party", ""),
            "by_staff": bool(cause and cause.actor_id), "fields": list(data.get("fields", [])),
            "changes": dict(data.get("changes", {}))}  # fmt: skip


def agreement_check(*, number: str, code: str) -> Case | None:
    """Public: the case whose 协议书 carries this verification code, or None (compared in constant time)."""
    if not number or not code:
        return None
    case = Case.objects.filter(number=number[:24]).exclude(agreement_code="").select_related("county").first()
    from claimbridge.cases.agreement import code_as_typed

    # Both sides in their printed form, so a code printed before the readable alphabet is still read as typed.
    if case is None or not secrets.compare_digest(code_as_typed(case.agreement_code), code_as_typed(code)[:19]):
        return None
    return case


def agreement_summary(case: Case) -> dict[str, Any]:
    """What a genuine 协议书 says, for the holder of its number and code to compare with the paper: when and where,
    each party's plate and liability, and the PDF's SHA-256 (names and ID numbers are on the paper, not here)."""
    from claimbridge.rules.common import LIABILITY_NAMES

    made = case.events.filter(kind="agreement_made").order_by("-sequence").values_list("data", flat=True).first() or {}
    liability = made.get("liability", {}) if isinstance(made, dict) else {}
    parties = [{"label": p.label, "plate": p.plate, "liability": LIABILITY_NAMES.get(liability.get(p.label, ""))}
               for p in case.parties.order_by("label")]  # fmt: skip
    return {"accident_at": case.accident_at, "county": case.county, "parties": parties, "sha256": case.agreement_sha256}


def county_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The counties of the two cities, grouped by city, for a form's choice of county."""
    from claimbridge.organisations import selectors as organisation_selectors

    cities = organisation_selectors.city_list().prefetch_related("counties")
    return [
        (city.display_name, [(county.code, county.display_name) for county in city.counties.all()]) for city in cities
    ]


def insurer_choices() -> list[tuple[str, str]]:
    from claimbridge.organisations import selectors as organisation_selectors

    return [(insurer.code, insurer.display_short_name) for insurer in organisation_selectors.insurer_list_public()]


# --- my cases: what a proved phone may read (issue 13; B8) -----------------------------------------------------------


@dataclass(frozen=True)
class PhoneProof:
    """Whom a browser session speaks for without an account: the mobile it proved with a text-message code (kept as
    its blind index: the number itself is stored only encrypted, so cases find their parties by the index) and the
    parties it joined as in this session. A phone sees a case only where it is a party; a party has a phone index
    only when its mobile was proved (a number typed by someone else never gives a phone a case)."""

    phone_index: str = ""
    joined: tuple[tuple[str, str], ...] = ()  # (case number, party label)

    @classmethod
    def of(cls, *, phone: str = "", joined: dict[str, str] | None = None) -> PhoneProof:
        index = blind_index(phone, purpose="phone") if phone else ""
        return cls(index, tuple(sorted((str(n)[:24], str(label)[:2]) for n, label in (joined or {}).items())))

    @property
    def empty(self) -> bool:
        return not self.phone_index and not self.joined

    def parties_q(self) -> Q:
        q = Q(pk__in=[])
        if self.phone_index:  # a number may have had another owner before: recent cases only
            since = timezone.now() - timedelta(days=settings.MY_CASES_PHONE_DAYS)
            q |= Q(phone_index=self.phone_index, case__created_at__gte=since)
        for number, label in self.joined:
            q |= Q(case__number=number, label=label)
        return q


MY_CASES_LIMIT = 50


def driver_parties(*, proof: PhoneProof) -> list[CaseParty]:
    """The parties this phone is, the latest accident first (at most MY_CASES_LIMIT)."""
    if proof.empty:
        return []
    query = CaseParty.objects.filter(proof.parties_q()).select_related("case__county", "insurer", "claims_unit")
    return list(query.order_by("-case__accident_at", "-case__created_at", "label")[:MY_CASES_LIMIT])


def driver_party(*, proof: PhoneProof, number: str) -> CaseParty | None:
    """The party this phone is in the case `number`, or None (the case does not exist for this phone)."""
    if proof.empty:
        return None
    return (
        CaseParty.objects.filter(proof.parties_q(), case__number=number[:24])
        .select_related("case__county", "case__city", "insurer", "claims_unit__branch")
        .order_by("label")
        .first()
    )


def claim_progress(party: CaseParty) -> dict[str, Any]:
    """The party's own claim after the agreement, as the driver follows it: each step with when it happened and the
    amount where there is one, the state now, and the claims unit to call (R12)."""
    from claimbridge.rules.claim_flow import CLAIM_STATES, CLAIM_STEP_NAMES, CLOSE_REASONS

    claim = Claim.objects.filter(party=party).first()
    unit = party.claims_unit
    amounts = {"settled": claim.payable if claim else None,
               "paid": claim.paid_amount if claim and claim.paid_at else None}  # fmt: skip
    steps: list[dict[str, Any]] = [
        {"step": code, "name": CLAIM_STATES[code], "at": getattr(claim, STAGE_MOMENTS[code]) if claim else None,
         **({"amount": amounts[code]} if code in amounts else {})}
        for code in CLAIM_STAGES
    ]  # fmt: skip
    for step in steps:
        step["done"] = step["at"] is not None
        if not step["done"]:  # a step not reached is named as what it will be (立案), a reached one as done (已立案)
            step["name"] = CLAIM_STEP_NAMES[step["step"]]
    return {
        "claim": claim, "state": claim.state if claim else None,
        "state_name": CLAIM_STATES[claim.state] if claim else None, "steps": steps,
        "close_reason": CLOSE_REASONS.get(claim.close_reason) if claim and claim.state == "closed" else None,
        "unit": unit, "unit_phone": unit.phone if unit else "", "insurer": party.insurer,
    }  # fmt: skip


def driver_notices(party: CaseParty, *, limit: int = 50) -> list[Any]:
    """The text messages written to this party (通知记录), newest first: their own only."""
    from claimbridge.cases.models import DriverNotice

    return list(DriverNotice.objects.filter(party=party).order_by("-created_at", "-pk")[:limit])


def my_case_entry(party: CaseParty) -> dict[str, Any]:
    """One line of 我的案件: the case by number, date, place and state, the driver's own party and their claim's state."""
    from claimbridge.rules.case_flow import EDITABLE_STATES, STATES
    from claimbridge.rules.claim_flow import CLAIM_STATES

    case = party.case
    state = Claim.objects.filter(party=party).values_list("state", flat=True).first()
    return {"number": case.number, "state": case.state, "state_name": STATES[case.state],
            "open": case.state in EDITABLE_STATES, "accident_at": case.accident_at, "county": case.county,
            "party": party.label, "plate": party.plate, "claim_state": state,
            "claim_state_name": CLAIM_STATES[state] if state else None}  # fmt: skip


def my_case_detail(party: CaseParty) -> dict[str, Any]:
    """The driver's case as they follow it: their own party masked (B8), the others by label and insurer only, their
    claim step by step (`claim_progress`) and the texts they were sent."""
    from claimbridge.core.masking import mask_name, mask_phone

    others = [p for p in case_parties(party.case) if p.pk != party.pk]
    return my_case_entry(party) | {
        "case": party.case, "self": party,
        "masked_name": mask_name(party.driver_name) if party.driver_name else "",
        "masked_phone": mask_phone(party.driver_phone) if party.driver_phone else "",
        "others": [{"label": p.label, "insurer": p.insurer, "confirmed": p.confirmed_at is not None} for p in others],
        "progress": claim_progress(party), "notices": driver_notices(party),
    }  # fmt: skip


def webhook_backlog() -> dict[str, int]:
    """Webhook messages not delivered yet and still being tried (`pending`), and those given up after every attempt
    (`given_up`): counted in one pass, for the operators' metrics (issue 19). No tenant scope: only numbers leave."""
    from claimbridge.cases.models import OutboxMessage

    undelivered = Q(delivered_at__isnull=True)
    counts = OutboxMessage.objects.filter(undelivered).aggregate(
        pending=Count("pk", filter=Q(given_up_at__isnull=True)),
        given_up=Count("pk", filter=Q(given_up_at__isnull=False)),
    )
    return {"pending": counts["pending"] or 0, "given_up": counts["given_up"] or 0}
