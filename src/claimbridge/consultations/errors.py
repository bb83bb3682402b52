"""Why a consultation step was refused: `AppError`s with a code and both languages (R13)."""

from __future__ import annotations

from claimbridge.core.errors import AppError


def not_found() -> AppError:
    return AppError("not_found", "没有找到该咨询", "No such question.", status=404)


def not_allowed() -> AppError:
    return AppError("not_allowed", "您无权对该咨询执行此操作", "You may not do this with this question.", status=403)


def invalid(code: str, zh: str, en: str, field: str) -> AppError:
    return AppError(code, zh, en, status=422, field=field)


def required(field: str) -> AppError:
    return invalid("required", "请填写此项", "This field is required", field)


def too_long(field: str, limit: int) -> AppError:
    return invalid("too_long", f"最多 {limit} 个字符", f"At most {limit} characters", field)


def phone_not_proved() -> AppError:
    return AppError("phone_not_proved", "请先用短信验证码验证手机号", "Prove your mobile number with the text-message code first",
                    status=401, field="phone")  # fmt: skip


def no_such_case(field: str = "case") -> AppError:
    return invalid(
        "no_such_case", "没有找到您作为当事人的这个案件", "You are not a party of a case with this number", field
    )


def addressee_needed() -> AppError:
    return invalid("addressee_needed", "请选择向哪家保险公司或哪个城市的行业协会提问",
                   "Choose the insurer or the city's association to ask", "insurer")  # fmt: skip


def not_a_specialist() -> AppError:
    return invalid("not_a_specialist", "请选择本机构在任的专家", "Choose an active specialist of this organisation",
                   "specialist")  # fmt: skip


def already_rated() -> AppError:
    return AppError("already_rated", "这条答复已经评价过了", "You have already rated this answer", status=409,
                    field="rating")  # fmt: skip
