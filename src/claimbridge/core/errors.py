"""Errors the user can read: one type, a machine-readable code and the message in Chinese and in English.

Every refusal anywhere in the shell is an `AppError`: services raise it, the API's one exception handler
(`claimbridge.api`) turns it into the one error body, and pages show `error.message` next to the field it names.
The kernels (`rules`, `photos`) stay free of Django and raise their own bilingual errors; `from_kernel` turns them into
an `AppError` at the boundary, so nothing user-facing ever has a second shape.

The body is always `{"error": {"code", "message", "zh", "en", "field"?, "details"?}}`: `message` is the reader's
language, `zh` and `en` both languages, `field` the input the error is about when there is one.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _


def reading_english() -> bool:
    """Whether the current request reads English (zh-hans is the default and everything else)."""
    return (get_language() or "").startswith("en")


def in_current_language(zh: str, en: str) -> str:
    """Of a message already in both languages, the one the reader reads."""
    return en if reading_english() else zh


def bilingual(message: str | Promise, **params: Any) -> dict[str, str]:
    """Render a lazily translated message in both languages."""
    rendered: dict[str, str] = {}
    for key, language in (("zh", "zh-hans"), ("en", "en")):
        with override(language):
            text = str(message)
            rendered[key] = text % params if params else text
    return rendered


class AppError(Exception):
    """A refusal the user can read and act on: `code` for machines, `zh`/`en` for people, an HTTP status for the API.

    Nothing was changed when it is raised inside a service's transaction: raising rolls the transaction back.
    """

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        *,
        status: int = 422,
        field: str = "",
        details: Any = None,
    ) -> None:
        self.code, self.zh, self.en = code, zh, en
        self.status, self.field, self.details = status, field, details
        super().__init__(en)

    @classmethod
    def translated(
        cls, code: str, message: str | Promise, *, status: int = 422, field: str = "", **params: Any
    ) -> AppError:
        """From a message marked for translation (`gettext_lazy`): rendered once in each language."""
        texts = bilingual(message, **params)
        return cls(code, texts["zh"], texts["en"], status=status, field=field)

    @classmethod
    def from_kernel(cls, error: Exception, *, status: int = 422) -> AppError:
        """A kernel's bilingual error (rules, photos) at the boundary of the shell."""
        text = getattr(error, "text", None)
        zh = getattr(error, "zh", None) or (text.zh if text is not None else str(error))
        en = getattr(error, "en", None) or (text.en if text is not None else str(error))
        code = getattr(error, "code", None) or "invalid_input"
        if type(error).__name__ == "IllegalTransition":
            code = "illegal_transition"
        return cls(code, zh, en, status=status, field=getattr(error, "field", "") or "")

    @property
    def message(self) -> str:
        """The message in the reader's language."""
        return in_current_language(self.zh, self.en)

    def as_body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "zh": self.zh, "en": self.en}
        if self.field:
            error["field"] = self.field
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def error_body(code: str, message: str | Promise, **params: Any) -> dict[str, Any]:
    """The error body of a translated message (for the few answers that are not raised)."""
    return AppError.translated(code, message, **params).as_body()


def not_found() -> AppError:
    return AppError.translated("not_found", _("Not found."), status=404)


def forbidden() -> AppError:
    return AppError.translated("forbidden", _("You are not allowed to do this."), status=403)


def unavailable() -> AppError:
    """The database (or another dependency) is briefly out of reach, as during a restart or failover: nothing was
    changed, and the same request sent again (with its Idempotency-Key) is safe. Answered 503 with Retry-After."""
    return AppError(
        "unavailable",
        "系统正在恢复，请几秒后重试，本次操作没有生效",
        "The service is recovering: try again in a few seconds (nothing was changed).",
        status=503,
    )


RETRY_AFTER_SECONDS = 5


def server_error() -> AppError:
    return AppError(
        "server_error",
        "系统暂时出错，请稍后再试",
        "Something went wrong on our side: try again in a moment.",
        status=500,
    )


def not_authenticated() -> AppError:
    return AppError.translated("not_authenticated", _("Please log in."), status=401)
