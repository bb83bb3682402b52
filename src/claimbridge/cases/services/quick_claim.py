"""快处易赔 on the parties' phones: what happened, the circumstances, each party's confirmation, the agreement, or the
police when the accident does not qualify or a party disagrees (R2, R14, B1)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from claimbridge.cases.models import Case, CaseParty
from claimbridge.cases.services.intake import fact_source
from claimbridge.cases.services.parties import confirmations_clear, report_when_complete
from claimbridge.cases.services.record import case_advance, case_lock, event_append
from claimbridge.core.errors import AppError
from claimbridge.rules.case_flow import EDITABLE_STATES


def editable(case: Case) -> None:
    if case.state not in EDITABLE_STATES:
        raise AppError(
            "case_settled",
            "协议已确认或已转交警，不能再修改",
            "the case is agreed or with the police: it can no longer change",
            status=409,
        )


def case_facts_save(*, case: Case, facts: dict[str, Any], party_label: str = "", user: Any = None) -> Case:
    """What happened, as a party tells it from their phone (or a person signed in): each answer is kept with who gave
    it; answers not given now (a reporter's, say) stay as they were, and so does one given as None (not known: an
    optional question skipped is never stored, least of all as "no")."""
    facts = {name: value for name, value in facts.items() if value is not None}
    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        editable(locked)
        changed = sorted(name for name, value in facts.items() if locked.facts.get(name) != value)
        if changed:
            before = dict(locked.facts)
            source = fact_source(user=user, party_label=party_label)
            locked.facts = {**locked.facts, **facts}
            locked.fact_sources = {**locked.fact_sources, **dict.fromkeys(changed, source)}
            Case.objects.filter(pk=locked.pk).update(facts=locked.facts, fact_sources=locked.fact_sources)
            # what happened is no one's personal data (it is on the 协议书 both sign): the old and new answers are
            # recorded, so that a driver whose confirmation this voids is told what changed from what (issue 13)
            values = {name: [before.get(name), facts[name]] for name in changed}
            event_append(case=locked, kind="facts_updated", actor=user,
                         data={"party": party_label, "fields": changed, "changes": values})  # fmt: skip
            confirmations_clear(case=locked)
            report_when_complete(case=locked)
    case.refresh_from_db()
    return case


def case_circumstances_save(
    *, case: Case, circumstances: dict[str, list[int]], party_label: str = "", user: Any = None
) -> Case:
    """Which listed circumstance applies to which party; the liability follows from the catalogue (R2). The parties
    answered for now are changed; the others keep their answer, or stay unanswered (issue 13: a party left out has
    not chosen "none")."""
    from claimbridge.cases.quick_claim import accident_day
    from claimbridge.rules.circumstances import catalogue_on

    catalogue = catalogue_on(accident_day(case))
    labels = set(case.parties.values_list("label", flat=True))
    unknown = set(circumstances) - labels
    if unknown:
        raise AppError("bad_party", "本案没有这个当事方", "this case has no such party", field=sorted(unknown)[0])
    cleaned = {label: sorted(set(numbers)) for label, numbers in circumstances.items()}
    if any(n not in catalogue.items for numbers in cleaned.values() for n in numbers):
        raise AppError("bad_circumstance", "事故情形不在目录中", "that circumstance is not in the catalogue")
    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        editable(locked)
        merged = dict(sorted({**locked.circumstances, **cleaned}.items()))
        if merged != locked.circumstances:
            Case.objects.filter(pk=locked.pk).update(circumstances=merged)
            locked.circumstances = merged
            event_append(case=locked, kind="circumstances_chosen", actor=user,
                         data={"party": party_label, "circumstances": merged})  # fmt: skip
            confirmations_clear(case=locked)
    case.refresh_from_db()
    return case


def party_confirm(*, party: CaseParty, typed_name: str, consent: bool, device: str) -> Case:
    """One party confirms the facts and the liability on their own phone (B1). When every party has confirmed the same
    content the case is agreed and the 协议书 is made."""
    from claimbridge.cases.quick_claim import agreement_digest, assessment

    if not consent:
        raise AppError("no_consent", "请勾选同意后再确认", "tick the box to agree before confirming", field="consent")
    with transaction.atomic():
        case = case_lock(pk=party.case_id, related=("city", "county"))
        parties = list(case.parties.select_related("insurer").order_by("label"))
        me = next(p for p in parties if p.pk == party.pk)
        if (me.confirmed_at is not None and me.confirmed_digest == agreement_digest(case, parties)
                and typed_name.strip() == me.confirmed_name):  # fmt: skip
            return case  # the same confirmation again (a retry whose answer was lost, issue 19): nothing changes
        editable(case)
        if not me.driver_name or typed_name.strip() != me.driver_name.strip():
            raise AppError("name_mismatch", "请输入与您填写的驾驶人姓名一致的姓名",
                           "type your name exactly as you entered it as the driver", field="typed_name")  # fmt: skip
        judged = assessment(case)
        if not judged["eligibility"]["eligible"]:
            raise AppError("not_eligible", "本事故不符合快处易赔条件，不能在线确认",
                           "this accident does not qualify for quick handling, so it cannot be confirmed online")  # fmt: skip
        if case.state == "draft":
            raise AppError(
                "incomplete", "请先填写事故经过和各方信息", "enter what happened and every party's details first"
            )
        if any(
            p.label not in (case.circumstances or {}) for p in parties
        ):  # "none of them" is an answer; silence is not
            raise AppError("circumstances_missing", "请双方都在第 3 步选择事故情形（或“都不是”）后再确认",
                           "every driver chooses their circumstance (or \u201cnone of these\u201d) in step 3 before "
                           "confirming", field="circumstances")  # fmt: skip
        if case.state == "reported":
            case_advance(case=case, action="request_confirmation")
        digest = agreement_digest(case, parties)
        me.confirmed_at, me.confirmed_name, me.confirmed_digest = timezone.now(), typed_name.strip(), digest
        me.confirmed_device, me.disagreed_at = device[:200], None
        me.save(
            update_fields=["confirmed_at", "confirmed_name", "confirmed_digest", "confirmed_device", "disagreed_at"]
        )
        event_append(case=case, kind="party_confirmed", actor=None, data={"party": me.label, "digest": digest})
        if all(p.confirmed_digest == digest for p in parties):
            _agree(
                case=case,
                parties=parties,
                liability=judged["liability"]["liability"],
                digest=digest,
                routes={label: triage["route"] for label, triage in judged["triage"].items()},
            )
    party.refresh_from_db()
    case.refresh_from_db()
    return case


def _agree(
    *, case: Case, parties: list[CaseParty], liability: dict[str, str], digest: str, routes: dict[str, str]
) -> None:
    from claimbridge.cases.agreement import agreement_pdf, verification_code

    code = verification_code(digest)
    case.agreed_at = timezone.now()
    pdf = agreement_pdf(case=case, parties=parties, liability=liability, code=code)
    sha = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(f"agreements/{case.number}-{sha[:16]}.pdf", ContentFile(pdf))
    Case.objects.filter(pk=case.pk).update(agreement_name=name, agreement_sha256=sha, agreement_code=code,
                                           agreed_at=case.agreed_at)  # fmt: skip
    case.agreement_name, case.agreement_sha256, case.agreement_code = name, sha, code
    for party in parties:  # the triage as agreed: the online one-stop claims the figures count (R14.1)
        party.route = routes.get(party.label, "")
        CaseParty.objects.filter(pk=party.pk).update(route=party.route)
    case_advance(case=case, action="confirm_all")
    event_append(case=case, kind="agreement_made", actor=None, data={"sha256": sha, "liability": liability})


def party_disagree(*, party: CaseParty, reason: str = "") -> Case:
    """A party does not accept the facts or the liability: the traffic police decide (R14.2)."""
    with transaction.atomic():
        case = case_lock(pk=party.case_id)
        editable(case)
        CaseParty.objects.filter(pk=party.pk).update(disagreed_at=timezone.now())
        event_append(case=case, kind="party_disagreed", actor=None, data={"party": party.label})
        _to_police(case=case, reason=reason or "disagreement")
    case.refresh_from_db()
    return case


def case_to_police(*, case: Case, reason: str, user: Any = None) -> Case:
    """The accident does not qualify for quick handling or its liability cannot be decided online. From a party's
    phone (`user` None: the phone's session is the authority), or by staff who handle a party of the case."""
    if user is not None:
        from claimbridge.accounts.scope import scope_for

        if not scope_for(user).may_act_on_case(list(case.parties.select_related("claims_unit__branch"))):
            raise not_handler()
    with transaction.atomic():
        locked = case_lock(pk=case.pk)
        editable(locked)
        _to_police(case=locked, reason=reason, actor=user)
    case.refresh_from_db()
    return case


def not_handler() -> AppError:
    return AppError("not_yours", "只有该方承保公司负责的理赔人员可以办理", "only the handling staff of this party's insurer can do this",
                    status=403)  # fmt: skip


def _to_police(*, case: Case, reason: str, actor: Any = None) -> None:
    if case.state == "draft":
        case_advance(case=case, action="report", actor=actor, reason=reason)
    case_advance(case=case, action="send_to_police", actor=actor, reason=reason)
