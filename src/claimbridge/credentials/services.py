"""Every write to the adjusters' register, in a transaction (R4–R9, R12, R13, R15).

Each service first asks the scope whether the actor may make this change (`accounts/scope.py`, "who may change what
in the adjusters' register"), then checks the input, then writes. Every refusal is an `AppError`: 403 not allowed,
404 not found, 409 the entry is no longer in a state for this, 422 invalid input (naming the field); a refusal
changes nothing and stores nothing (the portrait is stored only once everything else has been checked).
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from claimbridge.accounts.models import Role, User
from claimbridge.accounts.scope import scope_for
from claimbridge.core.chains import chain_append
from claimbridge.core.crypto import id_number_blind_index
from claimbridge.core.errors import AppError, forbidden
from claimbridge.core.inputs import bad_text, plausible_accident_time, unsafe_text
from claimbridge.core.masking import mask_name
from claimbridge.credentials import keys
from claimbridge.credentials.checking import (  # noqa: F401 - the register's services, in one place for callers
    Verification,
    WorkCard,
    card_number_normalise,
    credential_verify,
    credential_verify_number,
    verification_portrait,
    work_card_for,
    work_card_portrait,
)
from claimbridge.credentials.models import LIVE_STATUSES, Adjuster, Credential, RegisterEvent, ServiceStop
from claimbridge.credentials.portraits import (  # noqa: F401
    chosen_portrait,
    pending_portrait,
    portrait_check,
    portrait_hold,
    portrait_save,
    stored_portrait,
)
from claimbridge.credentials.tokens import CredentialClaims, sign
from claimbridge.organisations.models import Association, County, Insurer
from claimbridge.rules.identifiers import check_id_number, check_plate

VALIDITY_YEARS = 3
CITY_PREFIX = {"621200": "LN", "620500": "TS"}
NAME_MAX, ID_NUMBER_MAX, PHONE_MAX, CITY_CODE_MAX = 40, 18, 20, 6
NOTE_MAX = Adjuster._meta.get_field("review_note").max_length or 300
REASON_MAX = Credential._meta.get_field("revoke_reason").max_length or 200
COMMENT_MAX = ServiceStop._meta.get_field("rating_comment").max_length or 300
CASE_NUMBER_MAX, TOKEN_MAX = 24, 64
# `details` (qualifications and equipment, R4 and R5) is a small flat object: a few named facts, each a yes/no, a
# whole number, a short text or a short list of short texts. Anything else is not a qualification.
DETAILS_MAX_KEYS, DETAIL_TEXT_MAX, DETAIL_LIST_MAX, DETAIL_NUMBER_MAX = 20, 200, 20, 10**9
DETAIL_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
REVIEW_DECISIONS = {"approve": Adjuster.Status.APPROVED, "correct": Adjuster.Status.NEEDS_CORRECTION,
                    "reject": Adjuster.Status.REJECTED}  # fmt: skip
STAFF_CHANGES = ("left", "moved")


# --- refusals ------------------------------------------------------------------------------------------------------


def not_allowed(code: str, zh: str, en: str) -> AppError:
    return AppError(code, zh, en, status=403)


def invalid(code: str, zh: str, en: str, field: str) -> AppError:
    return AppError(code, zh, en, field=field)


def conflict(code: str, zh: str, en: str) -> AppError:
    return AppError(code, zh, en, status=409)


def clean_text(value: Any, *, field: str, max_length: int, label: tuple[str, str], required: bool = True) -> str:
    """A stripped string that fits its column and holds no control characters; AppError naming the field if not."""
    if not isinstance(value, str):
        raise invalid("not_text", f"{label[0]}须为文字", f"{label[1]} must be text", field)
    if unsafe_text(value):
        raise bad_text(field)
    text = value.strip()
    if required and not text:
        raise invalid("required", f"请填写{label[0]}", f"{label[1]} is required", field)
    if len(text) > max_length:
        raise invalid("too_long", f"{label[0]}最多 {max_length} 个字", f"{label[1]} is at most {max_length} characters",
                      field)  # fmt: skip
    return text


def _detail_problem(key: str, value: Any) -> AppError | None:
    field = f"details.{key}"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) > DETAIL_NUMBER_MAX:
            return invalid("bad_details", "数值超出范围", "the number is out of range", field)
        return None
    if isinstance(value, str):
        if unsafe_text(value):
            return bad_text(field)
        if len(value) > DETAIL_TEXT_MAX:
            return invalid(
                "bad_details", f"最多 {DETAIL_TEXT_MAX} 个字", f"at most {DETAIL_TEXT_MAX} characters", field
            )
        return None
    if isinstance(value, list):
        if len(value) > DETAIL_LIST_MAX:
            return invalid("bad_details", f"最多 {DETAIL_LIST_MAX} 项", f"at most {DETAIL_LIST_MAX} items", field)
        for item in value:
            if not isinstance(item, str):
                return invalid("bad_details", "列表中只能是文字", "a list holds texts only", field)
            if unsafe_text(item):
                return bad_text(field)
            if len(item) > DETAIL_TEXT_MAX:
                return invalid("bad_details", f"每项最多 {DETAIL_TEXT_MAX} 个字",
                               f"each item is at most {DETAIL_TEXT_MAX} characters", field)  # fmt: skip
        return None
    return invalid("bad_details", "只能是是/否、整数、文字或文字列表",
                   "a detail is yes/no, a whole number, a text or a list of texts", field)  # fmt: skip


def clean_details(details: Any) -> dict[str, Any]:
    """The qualifications and equipment as a small flat object (R4, R5), or AppError naming what is wrong."""
    if not isinstance(details, dict):
        raise invalid("bad_details", "资质与装备须为键值对象", "details must be an object of named facts", "details")
    if len(details) > DETAILS_MAX_KEYS:
        raise invalid("bad_details", f"资质与装备最多 {DETAILS_MAX_KEYS} 项",
                      f"details hold at most {DETAILS_MAX_KEYS} facts", "details")  # fmt: skip
    for key, value in details.items():
        if not isinstance(key, str) or not DETAIL_KEY.fullmatch(key):
            raise invalid("bad_details", "资质与装备的名称须为小写英文字母、数字和下划线（最多 40 个）",
                          "each detail is named with up to 40 lower-case letters, digits and underscores", "details")  # fmt: skip
        problem = _detail_problem(key, value)
        if problem is not None:
            raise problem
    return dict(details)


def details_problems(details: dict[str, Any]) -> tuple[dict[str, Any], list[AppError]]:
    """The facts the plan names, checked by the kernel where they are given: the survey vehicle's plate and the
    driving licence's validity (R4, R5)."""
    checks: dict[str, Callable[[], Any]] = {}
    if "vehicle_plate" in details:
        checks["vehicle_plate"] = lambda: plate_clean(details["vehicle_plate"])
    if "licence_expiry" in details:
        checks["licence_expiry"] = lambda: licence_expiry_clean(details["licence_expiry"]).isoformat()
    results, errors = collect(checks)
    return {**details, **results}, errors


def id_number_clean(value: Any, *, exclude_pk: int | None = None) -> str:
    """A valid resident ID number (the kernel's GB 11643 check) that no other live entry of the register holds:
    one person, one entry, found through the blind index of the encrypted number (R6)."""
    typed = re.sub(r"\s", "", value) if isinstance(value, str) else value  # pasted in groups: 621202 1980…
    number = clean_text(
        typed, field="id_number", max_length=ID_NUMBER_MAX, label=("身份证号码", "The resident ID number")
    ).upper()
    if not check_id_number(number).valid:
        raise invalid("bad_id", "身份证号码无效：请核对 18 位号码及末位校验码",
                      "the resident ID number is not valid: check its 18 characters and the last one", "id_number")  # fmt: skip
    others = Adjuster.objects.filter(id_index=id_number_blind_index(number), status__in=LIVE_STATUSES)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise invalid("duplicate_id_number", "该身份证号码已在登记册中（已报送或已持证）：同一人只能有一条登记",
                      "this ID number is already in the register (submitted or credentialed): one person, one entry",
                      "id_number")  # fmt: skip
    return number


def phone_clean(value: Any) -> str:
    """An 11-digit mainland mobile number, as every phone on the platform is checked."""
    from claimbridge.core.phone_verification import normalise_mobile

    phone = clean_text(value, field="phone", max_length=PHONE_MAX, label=("手机号码", "The mobile number"))
    try:
        return normalise_mobile(phone)
    except AppError:
        raise invalid("bad_phone", "请填写 11 位中国大陆手机号码", "enter an 11-digit mainland mobile number",
                      "phone") from None  # fmt: skip


def plate_clean(value: Any, *, field: str = "details.vehicle_plate") -> str:
    """A licence plate the kernel recognises (GA 36), normalised: 甘K 12345 → 甘K12345."""
    plate = clean_text(value, field=field, max_length=12, label=("车牌号", "The plate"))
    checked = check_plate(plate)
    if not checked.valid:
        raise invalid("bad_plate", "车牌号格式不正确，例如 甘K12345", "not a valid plate, e.g. 甘K12345", field)
    return checked.normalized


def licence_expiry_clean(value: Any, *, today: date | None = None, field: str = "details.licence_expiry") -> date:
    """The driving licence's last valid day: a date, not passed (R4: a licence the traffic authority recognises)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise invalid("bad_date", "请填写日期（年-月-日）", "enter a date (year-month-day)", field) from None
    if not isinstance(value, date):
        raise invalid("bad_date", "请填写日期（年-月-日）", "enter a date (year-month-day)", field)
    if value < (today or timezone.localdate()):
        raise invalid("licence_expired", "驾驶证已过期：须在有效期内", "the driving licence has expired", field)
    return value


def refusal_of(errors: list[AppError]) -> AppError:
    """Several refusals of one submission as one error: the first one's code and field, and every one of them in
    `details.errors`, so that a form marks all its fields at once and the API names them all."""
    if len(errors) == 1:
        return errors[0]
    first = errors[0]
    listed = [{"code": e.code, "field": e.field, "zh": e.zh, "en": e.en} for e in errors]
    return AppError(first.code, "；".join(e.zh for e in errors), "; ".join(e.en for e in errors), status=first.status,
                    field=first.field, details={"errors": listed})  # fmt: skip


def collect(checks: dict[str, Callable[[], Any]]) -> tuple[dict[str, Any], list[AppError]]:
    """Run every check, keep every result and every refusal (not only the first)."""
    results: dict[str, Any] = {}
    errors: list[AppError] = []
    for name, check in checks.items():
        try:
            results[name] = check()
        except AppError as error:
            errors.append(error)
    return results, errors


def _association(city_code: Any) -> Association:
    code = clean_text(city_code, field="city", max_length=CITY_CODE_MAX, label=("城市", "The city"))
    association = Association.objects.select_related("city").filter(city__code=code).first()
    if association is None:
        raise invalid(
            "bad_city", "只能向陇南或天水的行业协会报送", "submit to the Longnan or Tianshui association", "city"
        )
    return association


def _account(user: Any, username: Any) -> User | None:
    """The adjuster's own login, if named: an active adjuster account of the submitting company, in its scope."""
    if not username:
        return None
    name = clean_text(username, field="account", max_length=150, label=("平台账号", "The platform account"))
    accounts = User.objects.filter(username=name, role=Role.ADJUSTER, insurer_id=user.insurer_id, is_active=True)
    account = scope_for(user).filter_users(accounts).first()
    if account is None:
        raise invalid("unknown_account", "找不到本公司的这个查勘员账号", "no adjuster account of your company has this name",
                      "account")  # fmt: skip
    if Adjuster.objects.filter(account=account, status__in=LIVE_STATUSES).exists():  # one login, one person (R8)
        raise account_taken()
    return account


def account_taken() -> AppError:
    return invalid("account_taken", "该账号已关联登记册中的另一名查勘员（已报送或已持证）：一个账号只能对应一人",
                   "this account already belongs to another adjuster in the register (submitted or credentialed): "
                   "one account, one person", "account")  # fmt: skip


# --- the register's audit trail: every change and every showing of personal data ---------------------------------


def register_event(*, adjuster: Adjuster, kind: str, actor: Any = None, details: dict[str, Any] | None = None) -> None:
    """Append to the entry's keyed event chain (decision 0012), in the caller's transaction: the entry's row is locked
    so that its chain never forks, and its head moves with the event."""
    chain_append(head=adjuster, event=RegisterEvent(adjuster=adjuster, kind=kind, details=details or {}),
                 payload=RegisterEvent.payload, actor=actor)  # fmt: skip


@dataclass(frozen=True)
class PersonalData:
    full_name: str
    id_number: str
    phone: str


ADJUSTER_PERSONAL_FIELDS = ("credentials.Adjuster.full_name", "id_number", "phone")


def adjuster_personal_data(*, user: Any, adjuster: Adjuster, route: str = "web") -> PersonalData | None:
    """The entry's name, ID number and phone in full, for the association that reviews it (it checks them against
    the documents), recorded each time it is shown; None for everyone else, who read them masked (B8)."""
    from claimbridge.accesslog.services import Action, Purpose, access_record

    if not scope_for(user).may_review_adjuster(adjuster):
        return None
    with transaction.atomic():
        register_event(adjuster=adjuster, kind=RegisterEvent.Kind.PERSONAL_DATA_SHOWN, actor=user)
        access_record(actor=user, action=Action.SHOWN_UNMASKED, what=ADJUSTER_PERSONAL_FIELDS, route=route,
                      purpose=Purpose.REGISTER_REVIEW, object_ref=f"credentials.adjuster:{adjuster.pk}")  # fmt: skip
    return PersonalData(adjuster.full_name, adjuster.id_number, adjuster.phone)


def adjuster_personal_data_for_correction(*, user: Any, adjuster: Adjuster) -> PersonalData:
    """The entry's name, ID number and phone in full for the company correcting a returned entry (its form is
    filled with them), recorded as an access (issue 20); the caller has asked `Scope.may_change_adjuster`."""
    from claimbridge.accesslog.services import Action, Purpose, access_record

    if not scope_for(user).may_change_adjuster(adjuster):
        raise forbidden()
    access_record(actor=user, action=Action.SHOWN_UNMASKED, what=ADJUSTER_PERSONAL_FIELDS,
                  purpose=Purpose.REGISTER_REVIEW, note="correction", object_ref=f"credentials.adjuster:{adjuster.pk}")  # fmt: skip
    return PersonalData(adjuster.full_name, adjuster.id_number, adjuster.phone)


def adjuster_portrait(*, user: Any, adjuster: Adjuster) -> bytes | None:
    """The entry's portrait for its reviewing association and its own company (which submitted it), recorded each
    time it is shown; None when there is none or the user may not see it."""
    scope = scope_for(user)
    if not (scope.may_review_adjuster(adjuster) or scope.may_change_adjuster(adjuster)):
        return None
    data = stored_portrait(adjuster.photo_name)
    if data is not None:
        register_event(adjuster=adjuster, kind=RegisterEvent.Kind.PORTRAIT_SHOWN, actor=user)
    return data


# --- submissions and reviews -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    full_name: str
    id_number: str
    phone: str
    details: dict[str, Any]


def _person(full_name: Any, id_number: Any, phone: Any, details: Any, *, exclude_pk: int | None = None,
            more: dict[str, Callable[[], Any]] | None = None) -> tuple[Person, dict[str, Any]]:  # fmt: skip
    """Every field checked, every refusal named at once (`refusal_of`); `more` are further checks of the same
    submission (its city, its account, its portrait), whose results come back with the person."""
    results, errors = collect({
        "full_name": lambda: clean_text(full_name, field="full_name", max_length=NAME_MAX, label=("姓名", "The name")),
        "id_number": lambda: id_number_clean(id_number, exclude_pk=exclude_pk),
        "phone": lambda: phone_clean(phone),
        "details": lambda: clean_details(details),
        **(more or {}),
    })  # fmt: skip
    if "details" in results:
        results["details"], problems = details_problems(results["details"])
        errors += problems
    if errors:
        raise refusal_of(errors)
    person = Person(results["full_name"], results["id_number"], results["phone"], results["details"])
    return person, results


def _create_entry(*, user: Any, person: Person, association: Association, photo_name: str,
                  account: User | None) -> Adjuster:  # fmt: skip
    return Adjuster.objects.create(
        insurer_id=user.insurer_id, association=association, full_name=person.full_name, id_number=person.id_number,
        id_index=id_number_blind_index(person.id_number), phone=person.phone, details=person.details,
        submitted_by=user, photo_name=photo_name, account=account,
    )  # fmt: skip


def adjuster_submit(*, user: Any, full_name: str, id_number: str, phone: str, city_code: str,
                    details: dict[str, Any], photo: Any = None, account: str = "",
                    photo_token: str = "") -> Adjuster:  # fmt: skip
    """A company submits one of its people to its city's association (R4, R5), optionally linked to the person's
    own adjuster login (so that they can log their stops under the credential). The plan's sex and age rules are
    not asked for (decision 0002). `photo_token` names a portrait held from an earlier, refused try of the same
    form (`portrait_hold`)."""
    scope = scope_for(user)
    if not scope.may_submit_adjusters():
        raise not_allowed("not_company", "只有保险公司人员可以报送查勘员", "only insurer staff submit adjusters")
    person, results = _person(full_name, id_number, phone, details, more={
        "city": lambda: _association(city_code), "account": lambda: _account(user, account),
        "photo": lambda: chosen_portrait(user, photo, photo_token),
    })  # fmt: skip
    association = results["city"]
    if not scope.may_submit_adjuster(city_id=association.city_id):
        raise not_allowed("not_your_city", "您的权限范围不包括该城市", "your scope does not cover that city")
    portrait = results["photo"]  # decided before anything is stored
    try:
        with transaction.atomic():
            entry = _create_entry(user=user, person=person, association=association, account=results["account"],
                                  photo_name=portrait_save(portrait) if portrait is not None else "")  # fmt: skip
            register_event(adjuster=entry, kind=RegisterEvent.Kind.SUBMITTED, actor=user)
            return entry
    except IntegrityError:  # the same person (or login) submitted at the same moment by another form: one entry stands
        linked = results["account"]
        if linked is not None and Adjuster.objects.filter(account=linked, status__in=LIVE_STATUSES).exists():
            raise account_taken() from None
        raise invalid("duplicate_id_number", "该身份证号码已在登记册中（已报送或已持证）：同一人只能有一条登记",
                      "this ID number is already in the register (submitted or credentialed): one person, one entry",
                      "id_number") from None  # fmt: skip


def adjuster_resubmit(*, user: Any, adjuster: Adjuster, full_name: str, id_number: str, phone: str,
                      details: dict[str, Any], photo: Any = None, photo_token: str = "") -> Adjuster:  # fmt: skip
    """The company corrects what the association asked about and submits again."""
    if not scope_for(user).may_change_adjuster(adjuster):
        raise not_allowed(
            "not_company", "只有所属公司可以修改报送", "only the adjuster's company corrects a submission"
        )
    person, results = _person(full_name, id_number, phone, details, exclude_pk=adjuster.pk,
                              more={"photo": lambda: chosen_portrait(user, photo, photo_token)})  # fmt: skip
    portrait = results["photo"]
    with transaction.atomic():
        locked = Adjuster.objects.select_for_update().get(pk=adjuster.pk)
        if locked.status != Adjuster.Status.NEEDS_CORRECTION:
            raise conflict(
                "not_returned", "只有被退回的报送可以修改", "only a submission returned for corrections can change"
            )
        locked.full_name, locked.id_number, locked.phone = person.full_name, person.id_number, person.phone
        locked.id_index, locked.details = id_number_blind_index(person.id_number), person.details
        if portrait is not None:
            locked.photo_name = portrait_save(portrait)
        locked.status = Adjuster.Status.SUBMITTED
        locked.save()
        register_event(adjuster=locked, kind=RegisterEvent.Kind.RESUBMITTED, actor=user)
    adjuster.refresh_from_db()
    return adjuster


def adjuster_review(*, user: Any, adjuster: Adjuster, decision: str, note: str = "") -> Credential | None:
    """The association approves (a credential is issued), asks for corrections, or rejects, with a note."""
    if not scope_for(user).may_review_adjuster(adjuster):
        raise not_allowed("not_reviewer", "只有该市行业协会可以审核", "only the city's association reviews")
    if decision not in REVIEW_DECISIONS:
        raise invalid("bad_decision", "请选择审核结果：通过、退回修改或不予通过",
                      "choose a decision: approve, correct or reject", "decision")  # fmt: skip
    note = clean_text(note, field="note", max_length=NOTE_MAX, label=("说明", "The note"), required=False)
    if decision != "approve" and not note:
        raise invalid("note_needed", "退回修改或不予通过须说明原因", "asking for corrections or rejecting needs a note",
                      "note")  # fmt: skip
    with transaction.atomic():
        locked = Adjuster.objects.select_for_update().get(pk=adjuster.pk)
        if locked.status not in {Adjuster.Status.SUBMITTED, Adjuster.Status.NEEDS_CORRECTION}:
            raise conflict("decided", "该报送已处理", "this submission was already decided")
        Adjuster.objects.filter(pk=adjuster.pk).update(status=REVIEW_DECISIONS[decision], review_note=note,
                                                       decided_by=user, decided_at=timezone.now())  # fmt: skip
        adjuster.refresh_from_db()
        register_event(adjuster=adjuster, kind=RegisterEvent.Kind.REVIEWED, actor=user, details={"decision": decision})
        return credential_issue(adjuster=adjuster, user=user) if decision == "approve" else None


def credential_issue(*, adjuster: Adjuster, user: Any, today: date | None = None) -> Credential:
    """A new credential for an approved entry, numbered per city and year; only its association issues it."""
    if not scope_for(user).may_review_adjuster(adjuster):
        raise not_allowed(
            "not_reviewer", "只有该市行业协会可以颁发资格证", "only the city's association issues credentials"
        )
    today = today or timezone.localdate()
    city = adjuster.association.city.code
    prefix = f"{CITY_PREFIX.get(city, city)}-{today.year}-"
    last = Credential.objects.select_for_update().filter(number__startswith=prefix).order_by("-number").first()
    number = f"{prefix}{(int(last.number.rsplit('-', 1)[1]) + 1) if last else 1:06d}"
    until = (
        today.replace(year=today.year + VALIDITY_YEARS)
        if not (today.month == 2 and today.day == 29)
        else date(today.year + VALIDITY_YEARS, 2, 28)
    )
    claims = CredentialClaims(number, mask_name(adjuster.full_name), adjuster.insurer.code, city, today.isoformat(),
                              until.isoformat())  # fmt: skip
    return Credential.objects.create(number=number, adjuster=adjuster, valid_from=today, valid_until=until,
                                     token=sign(claims, keys.signing_key()), issued_by=user)  # fmt: skip


def credential_revoke(*, credential: Credential, user: Any, reason: str) -> Credential:
    """At once, with a reason; the record stays (history). The issuing association or the holder's company."""
    if not scope_for(user).may_revoke_credential(credential):
        raise not_allowed("not_revoker", "只有发证的行业协会或持证人所属公司可以吊销",
                          "only the issuing association or the holder's company revokes a credential")  # fmt: skip
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, label=("吊销原因", "The reason for revoking"))
    Credential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(),
                                                                              revoke_reason=reason)  # fmt: skip
    credential.refresh_from_db()
    return credential


def staff_change(*, user: Any, adjuster: Adjuster, kind: str, city_code: str = "") -> Adjuster | None:
    """The company reports that a person left, or moved to its branch in the other city: the current credential is
    revoked at once; a move becomes a new submission to that city's association. History is kept (R6)."""
    scope = scope_for(user)
    if not scope.may_change_adjuster(adjuster):
        raise not_allowed("not_company", "只有所属公司可以报送人员变动", "only the adjuster's company reports a change")
    if kind not in STAFF_CHANGES:
        raise invalid("bad_change", "请选择离职，或调往另一城市", "choose left, or moved to the other city", "kind")
    destination = None
    if kind == "moved":
        if not city_code:
            raise invalid("bad_change", "请选择调往的城市", "choose the city the adjuster moves to", "city")
        destination = _association(city_code)
        if destination.pk == adjuster.association_id:
            raise invalid("bad_change", "调动须去往另一城市", "a move goes to the other city", "city")
        if not scope.may_submit_adjuster(city_id=destination.city_id):
            raise not_allowed(
                "not_your_city", "您的权限范围不包括调往的城市", "your scope does not cover the city moved to"
            )
    with transaction.atomic():
        locked = Adjuster.objects.select_for_update().get(pk=adjuster.pk)
        if locked.status == Adjuster.Status.LEFT:
            raise conflict("already_left", "该人员变动已报送", "this person's change was already reported")
        for credential in locked.credentials.filter(revoked_at__isnull=True):
            credential_revoke(
                credential=credential, user=user, reason="left the company" if kind == "left" else "moved"
            )
        Adjuster.objects.filter(pk=adjuster.pk).update(status=Adjuster.Status.LEFT)
        adjuster.refresh_from_db()
        if destination is None:
            return None
        person = Person(locked.full_name, locked.id_number, locked.phone, locked.details)
        return _create_entry(user=user, person=person, association=destination, photo_name=locked.photo_name,
                             account=locked.account)  # fmt: skip


# --- the field service log and its ratings --------------------------------------------------------------------------


def plausible_stop_time(at: Any) -> datetime:
    """A stop has happened, at most SERVICE_STOP_MAX_AGE_DAYS ago (a phone syncs late, not years late)."""
    if not isinstance(at, datetime):
        raise invalid("bad_time", "请填写服务时间", "give the time of the stop", "at")
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    days = min(settings.SERVICE_STOP_MAX_AGE_DAYS, settings.ACCIDENT_MAX_AGE_DAYS)
    if at < timezone.now() - timedelta(days=days):
        raise invalid("time_too_old", f"服务时间不能早于 {days} 天前", f"the stop cannot be more than {days} days ago",
                      "at")  # fmt: skip
    return plausible_accident_time(at, field="at")  # not in the future


def _coordinates(latitude: Any, longitude: Any) -> tuple[float | None, float | None]:
    if latitude is None and longitude is None:
        return None, None
    for value, field, bound in ((latitude, "latitude", 90.0), (longitude, "longitude", 180.0)):
        if value is None:
            raise invalid("bad_place", "纬度和经度须一并填写", "give both latitude and longitude", field)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or abs(value) > bound
        ):
            raise invalid("bad_place", f"坐标超出范围（±{bound:g}°）", f"out of range (±{bound:g}°)", field)
    return float(latitude), float(longitude)


def _stop_references(*, user: Any, county_code: str, customer_insurer_code: str,
                     case_number: str) -> tuple[County | None, Insurer | None, Any]:  # fmt: skip
    from claimbridge.cases.selectors import case_get_for_user

    county = customer_insurer = case = None
    if county_code:
        code = clean_text(county_code, field="county", max_length=CITY_CODE_MAX, label=("区县", "The county"))
        county = County.objects.filter(code=code).first()
        if county is None:
            raise invalid(
                "unknown_county", "请选择陇南或天水的区县", "choose a county of Longnan or Tianshui", "county"
            )
    if customer_insurer_code:
        code = clean_text(customer_insurer_code, field="customer_insurer", max_length=20,
                          label=("客户的保险公司", "The customer's insurer"))  # fmt: skip
        customer_insurer = Insurer.objects.filter(code=code).first()
        if customer_insurer is None:
            raise invalid("unknown_insurer", "找不到该保险公司", "no such insurer", "customer_insurer")
    if case_number:
        number = clean_text(case_number, field="case", max_length=CASE_NUMBER_MAX, label=("案件号", "The case number"))
        case = case_get_for_user(user=user, number=number)
        if case is None:
            raise invalid("unknown_case", "找不到该案件", "no such case", "case")
    return county, customer_insurer, case


def stop_record(*, user: Any, kind: str, at: Any, services: list[str], credential_shown: bool, customer_consented: bool,
                county_code: str = "", customer_insurer_code: str = "", case_number: str = "",
                latitude: float | None = None, longitude: float | None = None) -> ServiceStop:  # fmt: skip
    """An adjuster's stop, recorded from the phone, under the credential they hold (R7–R9, R12, R13). Any service
    needs the card shown and the customer's consent."""
    scope = scope_for(user)
    if scope.role != Role.ADJUSTER or not scope.insurer_id:
        raise not_allowed("not_adjuster", "只有查勘员可以登记服务", "only adjusters record service stops")
    at = plausible_stop_time(at)
    if not scope.may_record_stop(at=at):
        raise not_allowed("no_credential", "您在该时间没有有效的查勘员资格证，不能登记服务",
                          "you held no credential in force at that time, so the stop cannot be recorded")  # fmt: skip
    if kind not in ServiceStop.Kind.values:
        raise invalid("bad_service", "请选择事故或故障", "choose accident or breakdown", "kind")
    if not isinstance(services, list) or len(services) > len(ServiceStop.Service.values):
        raise invalid("bad_service", "服务项目无效", "unknown services", "services")
    for index, code in enumerate(services):
        if code not in ServiceStop.Service.values:
            raise invalid("bad_service", "服务类型无效", "unknown kind of service", f"services[{index}]")
    if services and not (credential_shown and customer_consented):
        raise invalid("no_consent", "须先出示工作证并征得客户同意，方可提供服务",
                      "show the work card and have the customer's consent before giving any service",
                      "customer_consented")  # fmt: skip
    latitude, longitude = _coordinates(latitude, longitude)
    county, customer_insurer, case = _stop_references(user=user, county_code=county_code, case_number=case_number,
                                                      customer_insurer_code=customer_insurer_code)  # fmt: skip
    with transaction.atomic():
        return ServiceStop.objects.create(
            adjuster=user, insurer_id=scope.insurer_id, at=at, kind=kind, services=sorted(set(services)),
            credential_shown=bool(credential_shown), customer_consented=bool(customer_consented), county=county,
            customer_insurer=customer_insurer, case=case, latitude=latitude, longitude=longitude,
            rating_token=secrets.token_urlsafe(16),
        )  # fmt: skip


def stop_rate(*, token: str, rating: Any, comment: str = "", user: Any = None) -> ServiceStop:
    """The customer rates the service once, from the link the adjuster showed them; the adjuster's own company does
    not rate its own help."""
    unknown = AppError("unknown_stop", "链接无效", "this link is not valid", status=404)
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX or unsafe_text(token):
        raise unknown
    stop = ServiceStop.objects.filter(rating_token=token).first()
    if stop is None:
        raise unknown
    if not scope_for(user).may_rate_stop(stop):
        raise not_allowed(
            "own_stop", "查勘员所属公司不能为自己的服务评分", "the adjuster's own company does not rate its help"
        )
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in range(1, 6):
        raise invalid("bad_rating", "请选择 1 到 5 星", "choose 1 to 5 stars", "rating")
    comment = clean_text(
        comment, field="comment", max_length=COMMENT_MAX, label=("补充", "The comment"), required=False
    )
    with transaction.atomic():
        locked = ServiceStop.objects.select_for_update().get(pk=stop.pk)
        if locked.rating is None:
            locked.rating, locked.rating_comment = rating, comment
            locked.save(update_fields=["rating", "rating_comment"])
    return locked
