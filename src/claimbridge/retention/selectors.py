"""Reads of the retention reports (decision 0028): platform-wide counts with no personal data, for the associations'
staff and the platform's administrators."""

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
        zh, en = rule.keep.describe() if rule.keep is not None else ("长期", "for good")
        words = RETENTION_WORDS.get(category.value)
        name_zh, name_en = (words.zh.split("：")[0], words.en.split(":")[0]) if words else (category.value,) * 2
        holder_zh, holder_en = HOLDER_WORDS.get(holder.value, (holder.value, holder.value))
        provision = rule.source.split(":")[0].strip()
        rows.append({"category": category.value, "holder": holder.value, "keep_zh": zh, "keep_en": en,
                     "category_zh": name_zh, "category_en": name_en, "holder_zh": holder_zh, "holder_en": holder_en,
                     # the provision's name in Chinese; the English gloss only on the English page
                     "source_zh": provision if any("\u4e00" <= ch <= "\u9fff" for ch in provision) else "—",
                     "anchor": [anchor.value for anchor in rule.anchor], "effective_from": rule.effective_from,
                     "source": rule.source})  # fmt: skip
    return rows


__all__ = ["READERS", "kernel", "reads_retention", "retention_runs_for_user", "schedule_rows"]
