"""Whether a retention duty still holds a record, and until when (issue 20; PIPL art. 47; Insurance Law art. 87;
decision 0028): the answer a deletion request is refused with while the schedule keeps the record. One function per
kind of record a person may ask about, each `<kind>_retained_until(record, *, at=None, schedule=None) -> Hold`
(`retained_until` is the case's); `claimbridge.retention.erasure` re-exports them next to the erasures.

A hold is the kernel's decision under the rule in force at `at`, with the record's own facts (`retention.facts`): the
same decision the nightly sweep makes, so a refusal's date is the day the sweep erases the record. A record whose
clock has not started (a claim, a clue or an investigation still open, an active account, a register entry that
still stands) is held with no date: the reason says what has to happen first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from claimbridge.rules import retention as kernel


@dataclass(frozen=True)
class Hold:
    """Whether a retention duty still holds a record at a moment, and until when (None with `held`: until an event
    that has not happened yet — an open claim — after which the duty's clock starts)."""

    held: bool
    until: datetime | None
    category: str
    zh: str
    en: str


def _schedule(schedule: kernel.Schedule | None) -> kernel.Schedule:
    if schedule is not None:
        return schedule
    from claimbridge.retention.services import schedule_in_force

    return schedule_in_force()


def _hold(found: tuple[kernel.Category, kernel.Holder, kernel.Facts], *, at: datetime | None,
          schedule: kernel.Schedule | None, waiting: tuple[str, str]) -> Hold:  # fmt: skip
    """The kernel's decision as a hold; `waiting` (zh, en) is the reason while the record's clock has not started."""
    category, holder, facts = found
    decision = _schedule(schedule).decide(category, holder, facts, at or timezone.now())
    if decision.expired:
        return Hold(False, decision.expires_at, category.value, "无保存义务", "no retention duty holds")
    if decision.expires_at is None:
        return Hold(True, None, category.value, *waiting)
    day = decision.expires_at.astimezone(kernel.CHINA).date().isoformat()
    source = decision.minimum.source if decision.minimum else decision.rule.source
    return Hold(True, decision.expires_at, category.value, f"须保存至 {day}（{source}）",
                f"must be kept until {day} ({source})")  # fmt: skip


def retained_until(case: Any, *, at: datetime | None = None, schedule: kernel.Schedule | None = None) -> Hold:
    """Whether a retention duty still holds the case at `at` (default now), so that a deletion request can be
    refused with the date: a case with a claim line is the insurer's claim record (Insurance Law art. 87: until the
    claim is closed and the contract ended five or ten years ago), one without is an unclaimed report."""
    from claimbridge.retention.facts import case_facts

    return _hold(case_facts(case), at=at, schedule=schedule,
                 waiting=("理赔尚未结案：结案后起算保存期限", "the claim is still open: the retention period starts when it closes"))  # fmt: skip


def register_entry_retained_until(adjuster: Any, *, at: datetime | None = None,
                                  schedule: kernel.Schedule | None = None) -> Hold:  # fmt: skip
    """An adjusters' register entry (`credentials.Adjuster`): held while it stands (submitted, to be corrected, or
    approved with a credential still valid — the public checks cards against it), then for the register's period
    after it left, was rejected, or its last credential expired or was revoked."""
    from claimbridge.retention.facts import register_facts

    at = at or timezone.now()
    return _hold(register_facts(adjuster, at=at), at=at, schedule=schedule,
                 waiting=("该登记仍然有效：离职、驳回或证件全部失效后起算保存期限",
                          "the entry still stands: the retention period starts when it leaves, is rejected or its "
                          "last credential ends"))  # fmt: skip


def account_retained_until(user: Any, *, at: datetime | None = None, schedule: kernel.Schedule | None = None) -> Hold:
    """A platform account (`accounts.User`): an active account is never erased (deactivate it first); a deactivated
    one is kept for the account period after its deactivation, so that what was done under it can still be
    answered for."""
    from claimbridge.retention.facts import account_facts

    return _hold(account_facts(user), at=at, schedule=schedule,
                 waiting=("账户仍在使用：停用后起算保存期限",
                          "the account is active: the retention period starts when it is deactivated"))  # fmt: skip


def clue_retained_until(clue: Any, *, at: datetime | None = None, schedule: kernel.Schedule | None = None) -> Hold:
    """A fraud clue's casework (`fraud.Clue`), under the anti-fraud committee's rules: held while the clue, or the
    investigation it was linked into, is open (a draft included); once both are closed, for the casework period."""
    from claimbridge.retention.facts import clue_facts

    return _hold(clue_facts(clue), at=at, schedule=schedule,
                 waiting=("线索或其并案调查尚未结案：结案后起算保存期限",
                          "the clue or the investigation it is linked into is still open: the retention period "
                          "starts when it is closed"))  # fmt: skip


def policy_retained_until(version: Any, *, at: datetime | None = None,
                          schedule: kernel.Schedule | None = None) -> Hold:  # fmt: skip
    """A policy register entry's personal field (`policies.PolicyVersion.personal`): the insurer's contract record,
    Insurance Law art. 87: five years after the contract ends, ten for a contract longer than a year."""
    from claimbridge.retention.facts import policy_facts

    return _hold(policy_facts(version), at=at, schedule=schedule,
                 waiting=("保险合同尚未终止", "the insurance contract has not ended"))  # fmt: skip


def subject_request_retained_until(request: Any, *, at: datetime | None = None,
                                   schedule: kernel.Schedule | None = None) -> Hold:  # fmt: skip
    """A data-subject request (`subjects.SubjectRequest`): an open one is being worked; a done or refused one is kept
    for the requests' period, the proof that it was answered in time."""
    from claimbridge.retention.facts import request_facts

    return _hold(request_facts(request), at=at, schedule=schedule,
                 waiting=("请求尚在办理中", "the request is still being worked"))  # fmt: skip
