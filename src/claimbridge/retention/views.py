"""The staff page of the retention schedule and the sweep's runs (decision 0028): read-only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claimbridge.core.errors import reading_english
from claimbridge.retention import selectors
from claimbridge.web.access import roles_required

# When cron runs `claimbridge retention_sweep` (docs/operations/crontab, machine time kept at Asia/Shanghai): a test
# reads the crontab, so the page cannot say another time than the one that is installed.
SWEEP_AT = "03:20"

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
    "consent_ended": ("同意撤回或所同意的处理结束", "the consent's end"),
    "request_closed": ("申请办结", "the request's closing"),
    "account_closed": ("账户注销", "the account's closing"),
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


@roles_required(selectors.READERS)
@require_GET
def retention_overview(request: HttpRequest) -> HttpResponse:
    english = reading_english()
    rules: list[dict[str, Any]] = selectors.schedule_rows(user=request.user)
    for rule in rules:
        rule["counted_from"] = counted_from(rule["anchor"], english=english)
    return render(request, "retention/overview.html", {
        "rules": rules, "runs": selectors.retention_runs_for_user(user=request.user), "sweep_at": SWEEP_AT,
    })  # fmt: skip
