"""Why a personal data request was refused: `AppError`s with a code and both languages (decision 0030)."""

from __future__ import annotations

from claimbridge.core.errors import AppError


def not_found() -> AppError:
    return AppError("not_found", "没有找到该请求", "No such request.", status=404)


def not_allowed() -> AppError:
    return AppError("not_allowed", "您无权办理该请求", "You may not work this request.", status=403)


def invalid(code: str, zh: str, en: str, field: str) -> AppError:
    return AppError(code, zh, en, status=422, field=field)


def required(field: str) -> AppError:
    return invalid("required", "请填写此项", "This field is required", field)


def too_long(field: str, limit: int) -> AppError:
    return invalid("too_long", f"最多 {limit} 个字符", f"At most {limit} characters", field)


def not_proved() -> AppError:
    return AppError("phone_not_proved", "请先用短信验证码验证手机号", "Prove your mobile number with the text-message code first",
                    status=401, field="phone")  # fmt: skip


def not_yours() -> AppError:
    """404: a record the platform does not hold about this person does not exist for them."""
    return AppError("not_your_record", "没有找到您的这条记录", "The platform holds no such record about you", status=404,
                    field="record")  # fmt: skip


def no_holder() -> AppError:
    return invalid("no_holder", "找不到负责处理这条记录的机构", "No organisation holds this record", "record")
