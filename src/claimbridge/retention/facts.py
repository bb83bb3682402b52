"""A record's anchor facts for the retention kernel, read from the rows (decision 0028)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from claimbridge.rules.retention import Anchor, Category, Facts, Holder

ASSUMED_TERM = timedelta(days=366)  # a contract the register does not know: it ended at most a year after the accident


def contract_of(insurer_id: int | None, policy_number: str, moment: datetime) -> tuple[datetime | None, int | None]:
    """(end, term in days) of the register's policy in force at `moment`, its cancellation ending it early; (None,
    None) when the register does not hold it."""
    from claimbridge.policies.models import PolicyVersion

    if not insurer_id or not policy_number:
        return None, None
    versions = PolicyVersion.objects.filter(policy__insurer_id=insurer_id, policy__policy_number=policy_number)
    version = (
        versions.filter(period_start__lte=moment, period_end__gt=moment).select_related("policy").first()
        or versions.select_related("policy").order_by("-period_end").first()
    )
    if version is None:
        return None, None
    end = version.period_end
    if version.policy.cancelled_at is not None and version.policy.cancelled_at < end:
        end = version.policy.cancelled_at
    return end, (version.period_end - version.period_start).days


def case_facts(case: Any) -> tuple[Category, Holder, Facts]:
    """The case as the kernel sees it: a claim record of the insurers when any party has a claim line (the clock from
    the latest claim's closure and the latest contract's end, the longest contract's term deciding the minimum; a
    contract the register does not know ends a year after the accident, its term unknown: the longer minimum), else
    an unclaimed report from the day it was reported."""
    from claimbridge.cases.models import Claim

    claims = list(Claim.objects.filter(party__case_id=case.pk).select_related("party"))
    reported = case.created_at
    if not claims:
        return Category.UNCLAIMED_REPORT, Holder.PLATFORM, Facts({Anchor.REPORTED: reported})
    closed = [claim.closed_at for claim in claims]
    latest_closed = None if any(moment is None for moment in closed) else max(m for m in closed if m is not None)
    moment = case.accident_at or reported
    ends: list[datetime] = []
    terms: list[int | None] = []
    for claim in claims:
        end, term = contract_of(claim.party.insurer_id, claim.party.ctpl_policy_number, moment)
        ends.append(end if end is not None else moment + ASSUMED_TERM)
        terms.append(term)
    longest = None if any(term is None for term in terms) else max(t for t in terms if t is not None)
    anchors = {Anchor.CONTRACT_END: max(ends), Anchor.CLAIM_CLOSED: latest_closed}
    return Category.CLAIM_RECORD, Holder.INSURER, Facts(anchors, contract_days=longest)


def registration_ended(adjuster: Any, *, at: datetime) -> datetime | None:
    """When a register entry stopped standing for its person: left or rejected at its decision, or its last credential
    expired (the day after its last valid day, China time) or was revoked; None while it stands at `at`."""
    from django.utils import timezone

    from claimbridge.credentials.models import LIVE_STATUSES
    from claimbridge.rules.retention import CHINA

    if adjuster.status in LIVE_STATUSES:
        credentials = list(adjuster.credentials.all())
        if adjuster.status != "approved" or not credentials:
            return None
        if any(credential.revoked_at is None for credential in credentials):
            latest = max(credential.valid_until for credential in credentials if credential.revoked_at is None)
            ended = timezone.make_aware(datetime.combine(latest + timedelta(days=1), datetime.min.time()), CHINA)
            return ended if ended <= at else None
        return max(credential.revoked_at for credential in credentials if credential.revoked_at is not None)
    return adjuster.decided_at or adjuster.submitted_at


def register_facts(adjuster: Any, *, at: datetime) -> tuple[Category, Holder, Facts]:
    return Category.ADJUSTER_REGISTER, Holder.ASSOCIATION, Facts({Anchor.REGISTRATION_ENDED: registration_ended(
        adjuster, at=at)})  # fmt: skip


def clue_facts(clue: Any) -> tuple[Category, Holder, Facts]:
    """A clue's casework: closed when the clue is, and, linked into another's investigation, when that one is too —
    the later of the two; not closed while either is open (the committee's rules: nothing goes while work goes on)."""
    closed = [clue.closed_at]
    if clue.investigation_id is not None and clue.investigation_id != clue.pk:
        closed.append(clue.investigation.closed_at)
    anchor = None if any(moment is None for moment in closed) else max(m for m in closed if m is not None)
    return Category.FRAUD_CASEWORK, Holder.ANTIFRAUD_COMMITTEE, Facts({Anchor.CASEWORK_CLOSED: anchor})


def policy_facts(version: Any) -> tuple[Category, Holder, Facts]:
    """A policy version of the register: its contract ends at its period's end, or at the policy's cancellation when
    that came first; its term (days) decides the art. 87 minimum."""
    end = version.period_end
    if version.policy.cancelled_at is not None and version.policy.cancelled_at < end:
        end = version.policy.cancelled_at
    days = (version.period_end - version.period_start).days
    return Category.POLICY_REGISTER, Holder.INSURER, Facts({Anchor.CONTRACT_END: end}, days)


def consent_facts(*, erased_at: datetime | None) -> tuple[Category, Holder, Facts]:
    """A consent record lives as long as the data it allowed: its clock starts when its case was erased."""
    return Category.CONSENT_RECORD, Holder.PLATFORM, Facts({Anchor.DATA_ERASED: erased_at})


def request_facts(request: Any) -> tuple[Category, Holder, Facts]:
    """A data-subject request: from when it was done or refused; an open one has no anchor."""
    from claimbridge.subjects.flow import FINAL

    closed = request.worked_at if request.state in FINAL else None
    return Category.SUBJECT_REQUEST, Holder.PLATFORM, Facts({Anchor.REQUEST_CLOSED: closed})


def account_facts(user: Any) -> tuple[Category, Holder, Facts]:
    """An account: from its deactivation; an active one (or one whose deactivation was never stamped) has none."""
    closed = None if user.is_active else getattr(user, "deactivated_at", None)
    return Category.ACCOUNT, Holder.PLATFORM, Facts({Anchor.ACCOUNT_CLOSED: closed})
