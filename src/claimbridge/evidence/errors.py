"""Why an upload or a request about evidence was refused: a code and a message in both languages."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claimbridge.core.errors import error_body as bilingual_error_body
from claimbridge.core.errors import in_current_language


class EvidenceError(Exception):
    def __init__(self, code: str, message: str | Promise, *, zh: str | None = None, en: str | None = None) -> None:
        self.code = code
        self.message = message
        self.zh, self.en = zh, en  # set when the text comes from the kernel, already in both languages
        super().__init__(code)


def unknown_slot() -> EvidenceError:
    return EvidenceError("unknown_slot", _("There is no such photo slot."))


def wrong_party() -> EvidenceError:
    return EvidenceError("wrong_party", _("Say which party (A or B) this photo belongs to."))


def wrong_kind(video_slot: bool) -> EvidenceError:
    if video_slot:
        return EvidenceError("video_expected", _("This slot takes a video (MP4 or MOV)."))
    return EvidenceError("photo_expected", _("This slot takes a photo, not a video."))


def no_file() -> EvidenceError:
    return EvidenceError("no_file", _("Choose a photo or video to upload."))


def message_in_language(error: EvidenceError) -> str:
    if error.zh and error.en:
        return in_current_language(error.zh, error.en)
    return str(error.message)


def error_body(error: EvidenceError) -> dict[str, Any]:
    if error.zh and error.en:
        return {"error": {"code": error.code, "message": message_in_language(error), "zh": error.zh, "en": error.en}}
    return bilingual_error_body(error.code, error.message)
