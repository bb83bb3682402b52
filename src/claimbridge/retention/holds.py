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
    zh, en = _why(decision)
    return Hold(
        True, decision.expires_at, category.value, f"须保存至 {day}（{zh}）", f"must be kept until {day} ({en})"
    )


def _why(decision: kernel.Decision) -> tuple[str, str]:
    """The period the record is kept, from what, and on which basis, (zh, en), each wholly in its language:
    "自保险合同终止起保存5年；依据：《保险法》第八十七条（一年以下的合同）"."""
    from claimbridge.retention.selectors import counted_from, period_words

    rule, minimum = decision.rule, decision.minimum
    keep = rule.keep
    if keep is not None and minimum is not None and not keep.at_least(minimum.keep):
        keep = minimum.keep  # the law's minimum for this record's contract is longer than the rule (kernel.expires_at)
    anchors = [anchor.value for anchor in rule.anchor]
    start_zh, start_en = counted_from(anchors, english=False), counted_from(anchors, english=True)
    source_zh, source_en = minimum.sources() if minimum is not None else rule.sources()
    if "：" in source_zh:  # "《民法典》第一百八十八条：三年诉讼时效" → "《民法典》第一百八十八条（三年诉讼时效）"
        provision, gloss = source_zh.split("：", 1)
        source_zh = f"{provision}（{gloss}）"
    if ": " in source_en:
        provision, gloss = source_en.split(": ", 1)
        source_en = f"{provision} ({gloss})"
    if keep is not None and keep.zero:
        zh, en = f"保存至{start_zh}时，一并删除", f"kept until {start_en}, then erased"
    else:
        period_zh, period_en = period_words(keep)
        zh, en = f"自{start_zh}起保存{period_zh}", f"{period_en} from {start_en}"
    return f"{zh}；依据：{source_zh}", f"{en}; basis: {source_en}"


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
