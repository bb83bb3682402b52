"""Why a request about police records was refused: `AppError`s with a code and both languages (R20)."""

from __future__ import annotations

from claimbridge.core.errors import AppError


def may_not_load() -> AppError:
    return AppError("police_may_not_load", "只有本交警单位的工作人员可以导入其事故记录",
                    "Only the traffic police unit's own staff may load its accident records.", status=403)  # fmt: skip


def no_unit() -> AppError:
    return AppError("police_unit_required", "请指明交警单位", "Name the traffic police unit.", field="unit")
