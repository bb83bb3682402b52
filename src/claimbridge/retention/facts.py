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
