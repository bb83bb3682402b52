"""Telling the person about their request (PIPL arts. 44–47, decision 0030): one text when it is received, one when
it is worked, after the change's commit, through the platform's one text-message path (`core.sms.send_sms`, as the
one-time codes and the consultations' answers go). In Chinese, naming the request and the outcome, never the data;
a failure is logged with the number masked, never raised: the outcome is on the person's page anyway. A refusal
says only that the request was not granted and where the reason is read — unless the clerk refused for the
retention duty, whose date it names — never the clerk's words and never a reason they did not give."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from claimbridge.core.masking import redact_text
from claimbridge.core.sms import send_sms

logger = logging.getLogger("claimbridge.subjects")
WHERE = "详情请在理赔桥“我的个人信息”页面查看。"


def request_text(request: Any, moment: str) -> str:
    """The text for `moment` ("received" or "worked"); the request's number and its outcome, no personal data."""
    from claimbridge.subjects.flow import KINDS

    kind = KINDS[request.kind].zh
    head = f"【理赔桥】您的个人信息{kind}申请 {request.number}"
    if moment == "received":
        from django.utils import timezone

        deadline = timezone.localtime(request.deadline)
        return f"{head} 已受理，{request.holder_name}将于 {deadline:%Y年%m月%d日} 前办理。{WHERE}"
    if request.state == "done":
        outcome = "记录已删除" if request.kind == "deletion" else "已按您的申请更正"
        return f"{head} 已办结：{outcome}。{WHERE}"
    if request.refusal_code == "retention" and request.retained_until is not None:
        # only when the clerk refused explaining the duty (services.subject_request_refuse): their reason, not ours
        return f"{head} 不予办理：该记录依法须保存至 {request.retained_until:%Y年%m月%d日}，届时删除。{WHERE}"
    # any other refusal: the clerk's own reason, which is read on the page — never guessed here, never quoted
    return f"{head} 不予办理，理由请在理赔桥“我的个人信息”页面查看。"


def _phone(request: Any) -> str:
    return request.phone or (getattr(request.user, "phone", "") if request.user_id else "")


@task()
def text_request(request_id: int, moment: str) -> None:
    from claimbridge.subjects.models import SubjectRequest

    request = SubjectRequest.objects.filter(pk=request_id).select_related(
        "holder_association", "holder_insurer", "user").first()  # fmt: skip
    if request is None or not _phone(request):
        return
    try:
        send_sms(_phone(request), request_text(request, moment))
    except Exception as failure:
        logger.warning("text about request %s not sent: %s", request.number,
                       redact_text(f"{type(failure).__name__}: {failure}")[:200])  # fmt: skip
