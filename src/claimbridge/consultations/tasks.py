"""Telling the customer that their question has an answer (R13): one text, after the answer's commit."""

from __future__ import annotations

import logging

from django_tasks import task

from claimbridge.core.masking import redact_text
from claimbridge.core.sms import send_sms

logger = logging.getLogger("claimbridge.consultations")


def answered_text(*, number: str, language: str) -> str:
    if language.startswith("en"):
        return f"[ClaimBridge] Your question {number} has an answer: open ClaimBridge, Ask a question, to read and rate it."
    return f"【理赔桥】您的咨询 {number} 已有答复，请在理赔桥“咨询”页面查看并评价。"


@task()
def text_answered(consultation_id: int) -> None:
    """A failure is logged with the number masked, never raised: the answer is on the customer's page anyway."""
    from claimbridge.consultations.models import Consultation

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None or not consultation.asker_phone:
        return
    try:
        send_sms(consultation.asker_phone, answered_text(number=consultation.number, language=consultation.language))
    except Exception as failure:
        logger.warning("answer text for %s not sent: %s", consultation.number,
                       redact_text(f"{type(failure).__name__}: {failure}")[:200])  # fmt: skip
