"""The privacy app's refusals, each with its code, field and zh-hans/en message (core.errors.AppError)."""

from __future__ import annotations

from claimbridge.core.errors import AppError
from claimbridge.privacy.notice import NOTICE_VERSION


def consent_required(*, field: str = "consent") -> AppError:
    return AppError("consent_required", "请阅读《个人信息处理说明》并勾选同意后再继续",
                    "Read the Personal Information Notice and tick the box to go on.", field=field)  # fmt: skip


def consent_version_stale(given: str) -> AppError:
    return AppError("consent_version_stale", f"同意的说明版本须为当前版本 {NOTICE_VERSION}（收到：{given or '空'}）",
                    f"consent_version must be the current notice version {NOTICE_VERSION} (got: {given or 'nothing'})",
                    field="consent_version")  # fmt: skip
