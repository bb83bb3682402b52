"""Reads of the retention reports (decision 0028): platform-wide counts with no personal data, for the insurers' and
associations' staff and the platform's administrators (read only), and the schedule's words shared with the holds."""

from __future__ import annotations

from typing import Any

from claimbridge.accounts.roles import RETENTION_READER_ROLES
from claimbridge.privacy.declarations import RETENTION_WORDS
from claimbridge.retention.models import RetentionRun
from claimbridge.rules import retention as kernel

READERS = RETENTION_READER_ROLES
RUNS_SHOWN = 30


def reads_retention(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in READERS


def retention_runs_for_user(*, user: Any, limit: int = RUNS_SHOWN) -> list[RetentionRun]:
    """The newest runs; nothing for anyone else."""
    if not reads_retention(user):
        return []
    return list(RetentionRun.objects.order_by("-started_at", "-pk")[:limit])


# What a rule's period counts from (`rules.retention.Anchor`), in each language; a test checks every anchor is named.
ANCHOR_WORDS: dict[str, tuple[str, str]] = {
    "contract_end": ("保险合同终止", "the insurance contract's end"),
    "claim_closed": ("理赔结案", "the claim's closure"),
    "reported": ("报案", "the report"),
    "code_expiry": ("验证码或加入码失效", "the code's expiry"),
    "upload_refused": ("上传被拒绝", "the upload's refusal"),
    "stop_ended": ("查勘服务结束", "the adjuster's stop's end"),
    "record_loaded": ("记录导入", "the record's loading"),
    "casework_closed": ("反欺诈调查结案", "the casework's closure"),
    "consultation_closed": ("咨询结束", "the question's closing"),
    "registration_ended": ("查勘员登记终止", "the end of the adjuster's registration"),
    "recorded": ("记录产生", "the record's writing"),
    "data_erased": ("所同意处理的个人信息被删除", "the erasure of the data it allowed"),
    "request_closed": ("申请办结", "the request's closing"),
    "account_closed": ("账户停用", "the account's deactivation"),
}  # fmt: skip


def counted_from(anchors: list[str], *, english: bool) -> str:
    """The anchors of a rule in words: one, or "the later of A and B" (the kernel counts from the latest)."""
    words = [ANCHOR_WORDS.get(a, (a, a))[1 if english else 0] for a in anchors]
    if not words:
        return "—"
    if len(words) == 1:
        return words[0]
    if english:
        return f"the later of {', '.join(words[:-1])} and {words[-1]}"
    return f"{'、'.join(words)}中较晚者"


def period_words(keep: kernel.Keep | None) -> tuple[str, str]:
    """How long, (zh, en): "5年" / "5 years"; no time at all is "until then" (the record goes when its clock's event
    happens — a consent record with the data it allowed), never "not kept"; None is for good."""
    if keep is None:
        return "长期", "for good"
    if keep.zero:
        return "届时删除", "until then"
    return keep.describe()


HOLDER_WORDS: dict[str, tuple[str, str]] = {
    "insurer": ("保险公司", "insurer"), "association": ("行业协会", "association"), "police": ("交警部门", "traffic police"),
    "antifraud_committee": ("反保险欺诈委员会", "anti-fraud committee"), "platform": ("平台", "platform"),
}  # fmt: skip


def schedule_rows(*, user: Any) -> list[dict[str, Any]]:
    """The schedule in force now, one row per category and holder (the newest version of each)."""
    from django.utils import timezone

    from claimbridge.retention.services import schedule_in_force

    if not reads_retention(user):
        return []
    schedule, now, rows = schedule_in_force(), timezone.now(), []
    seen = sorted({(rule.category, rule.holder) for rule in schedule.rules()})
    for category, holder in seen:
        try:
            rule = schedule.in_force(category, holder, now)
        except KeyError:
            continue
        zh, en = period_words(rule.keep)
        words = RETENTION_WORDS.get(category.value)
        name_zh, name_en = (words.zh.split("：")[0], words.en.split(":")[0]) if words else (category.value,) * 2
        holder_zh, holder_en = HOLDER_WORDS.get(holder.value, (holder.value, holder.value))
        source_zh, source_en = rule.sources()
        rows.append({"category": category.value, "holder": holder.value, "keep_zh": zh, "keep_en": en,
                     "category_zh": name_zh, "category_en": name_en, "holder_zh": holder_zh, "holder_en": holder_en,
                     "source_zh": source_zh or "—", "source_en": source_en or "—",
                     "anchor": [anchor.value for anchor in rule.anchor], "effective_from": rule.effective_from,
                     "source": source_en})  # fmt: skip
    return rows


__all__ = [
    "ANCHOR_WORDS",
    "READERS",
    "counted_from",
    "kernel",
    "period_words",
    "reads_retention",
    "retention_runs_for_user",
    "schedule_rows",
]
