"""Why a clue or a casework step was refused: `AppError`s with a code and both languages (issue 15)."""

from __future__ import annotations

from claimbridge.core.errors import AppError


def not_allowed() -> AppError:
    return AppError("not_allowed", "您无权对该线索执行此操作", "You may not do this on this clue.", status=403)


def clue_not_found() -> AppError:
    return AppError("not_found", "没有找到该线索", "No such clue.", status=404)


def invalid(code: str, zh: str, en: str, field: str) -> AppError:
    return AppError(code, zh, en, status=422, field=field)


def unknown_code(field: str, code: str) -> AppError:
    return invalid("unknown_code", f"没有这个代码：{code}", f"No such code: {code}", field)


def too_long(field: str, limit: int) -> AppError:
    return invalid("too_long", f"最多 {limit} 个字符", f"At most {limit} characters", field)


def nothing_observed() -> AppError:
    return invalid("nothing_observed", "请至少选择一项所见情况，或填写说明", "Pick at least one observation or describe it",
                   "observations")  # fmt: skip


def reasons_needed() -> AppError:
    return invalid("reasons_needed", "请选择决定的理由", "Give the reasons for the decision", "reasons")


def no_ratio() -> AppError:
    return AppError("no_reward_ratio", "该保险公司在决定当日没有生效的奖励比例，请先在后台配置",
                    "The company had no reward ratio in force on the day of the decision: configure one in the admin",
                    status=409, field="underwriter")  # fmt: skip


def already_paid() -> AppError:
    return AppError("already_paid", "该奖励已记录支付", "This reward's payment is already recorded", status=409)


def already_answered() -> AppError:
    return AppError("already_answered", "该调取请求已经答复过", "This request was already answered", status=409,
                    field="answer")  # fmt: skip


def rings_refused() -> AppError:
    """Rings are the committees' (issue 16, B8): the one answer to anyone else."""
    return AppError(
        "not_allowed", "只有反欺诈委员会可以查看团伙", "Only the anti-fraud committees may read rings.", status=403
    )
