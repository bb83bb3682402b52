"""Log lines without personal data (B8), as text or as one JSON object per line (issue 19 item 5).

- `MaskPersonalDataFilter` masks phone, ID and bank account numbers in every message, whatever the format.
- `RequestIdFilter` stamps each record with the id of the request (or task) it was written for, taken from the
  `REQUEST_ID` context variable that `RequestIdMiddleware` (core/middleware.py) sets; a task worker sets it to
  `task-<id>` while a task runs.
- `JsonFormatter` (`LOG_FORMAT=json`) writes `time` (UTC, ISO 8601), `level`, `logger`, `message`, `request_id`, the
  record's extra fields, and `exc_info` when there is a traceback. Masking is applied again to the message, to every
  extra field (by name — a field called `phone` is masked as a phone whatever it holds — and by content) and to the
  traceback; a value that is not plain data (a request, a socket, a model instance) is written as its type only.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from claimbridge.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone, redact_text

REQUEST_ID: ContextVar[str | None] = ContextVar("claimbridge_request_id", default=None)
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")

# Extra fields masked by their name, whatever their content.
MASK_BY_NAME = {
    "phone": mask_phone, "mobile": mask_phone, "phone_number": mask_phone, "driver_phone": mask_phone,
    "id_number": mask_id_number, "id_card": mask_id_number, "driver_id_number": mask_id_number,
    "driver_name": mask_name, "full_name": mask_name, "person_name": mask_name,
    "bank_account": mask_bank_account, "account_number": mask_bank_account,
}  # fmt: skip
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}
_MAX_DEPTH = 4


def valid_request_id(value: str) -> bool:
    """An incoming X-Request-ID is kept only if it is short and plain (it goes into every log line and a header)."""
    return bool(_REQUEST_ID_RE.fullmatch(value))


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RequestIdFilter(logging.Filter):
    """The current request's (or task's) id on the record, read when the line is written: a handler that formats
    later, elsewhere, still has it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


def masked(value: Any, *, key: str = "", depth: int = 0) -> Any:
    """A log field's value, safe to write: masked by its name, then by its content, into nested data."""
    if value is None or isinstance(value, bool | int | float):
        return value
    mask = MASK_BY_NAME.get(key.lower())
    if mask is not None:
        return mask(str(value))
    if isinstance(value, str):
        return redact_text(value)
    if depth >= _MAX_DEPTH:
        return f"<{type(value).__name__}>"
    if isinstance(value, Mapping):
        return {str(k): masked(v, key=str(k), depth=depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [masked(v, depth=depth + 1) for v in value]
    return f"<{type(value).__name__}>"  # its text could carry anything (a request's query string, an address)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, personal data masked."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, tz=UTC)
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        entry: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
            "request_id": request_id,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = masked(value, key=key)
        if record.exc_info:
            entry["exc_info"] = redact_text(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exc_info"] = redact_text(record.exc_text)
        if record.stack_info:
            entry["stack_info"] = redact_text(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=lambda value: f"<{type(value).__name__}>")


_TASK_SET_ID: ContextVar[bool] = ContextVar("claimbridge_task_set_request_id", default=False)


def task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """In a task worker, the lines a task writes carry `task-<its id>`; a task run inside a request (the immediate
    backend) keeps the request's id."""
    if REQUEST_ID.get() is None:
        REQUEST_ID.set(f"task-{task_result.id}"[:64])
        _TASK_SET_ID.set(True)


def task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if _TASK_SET_ID.get():
        REQUEST_ID.set(None)
        _TASK_SET_ID.set(False)
