"""A logging filter that keeps phone and ID numbers out of log files."""

from __future__ import annotations

import logging

from claimbridge.core.masking import redact_text


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
