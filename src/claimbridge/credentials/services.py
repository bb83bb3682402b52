"""Every write to the adjusters' register, in a transaction (R4–R6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from claimbridge.accounts.models import Role
from claimbridge.core.crypto import blind_index
from claimbridge.core.masking import mask_name
from claimbridge.credentials import keys
from claimbridge.credentials.models import Adjuster, Credential
from claimbridge.credentials.tokens import CredentialClaims, NotGenuine, sign, verify
from claimbridge.organisations.models import Association
from claimbridge.rules.identifiers import check_id_number

VALIDITY_YEARS = 3
CITY_PREFIX = {"621200": "LN", "620500": "TS"}


class RegisterError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code, self.zh, self.en = code, zh, en
        super().__init__(en)


def portrait_store(upload: Any) -> str:
    """The photo for the card: decoded safely, re-encoded as a 600 × 800 JPEG without metadata, stored by its hash."""
    import hashlib
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > 40_000_000:
                raise RegisterError("bad_photo", "照片过大", "the photo is too large")
            portrait = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"), (600, 800))
    except (UnidentifiedImageError, OSError) as error:
        raise RegisterError(
            "bad_photo", "无法读取照片，请上传 JPEG 或 PNG", "the photo cannot be read: upload a JPEG or PNG"
        ) from error
    buffer = io.BytesIO()
    portrait.save(buffer, format="JPEG", quality=88)
    data = buffer.getvalue()
    name = f"adjusters/photos/{hashlib.sha256(data).hexdigest()}.jpg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name


def adjuster_submit(*, user: Any, full_name: str, id_number: str, phone: str, city_code: str,
                    details: dict[str, Any], photo: Any = None) -> Adjuster:  # fmt: skip
    """A company submits one of its people to its city's association (R4, R5). The plan's sex and age rules are not
    asked for (decision 0002)."""
    if getattr(user, "role", None) != Role.INSURER_STAFF or not user.insurer_id:
        raise RegisterError("not_company", "只有保险公司人员可以报送查勘员", "only insurer staff submit adjusters")
    checked = check_id_number(id_number.strip().upper())
    if not checked.valid:
        raise RegisterError("bad_id", "身份证号码无效", "the resident ID number is not valid")
    association = Association.objects.filter(city__code=city_code).first()
    if association is None:
        raise RegisterError(
            "bad_city", "只能向陇南或天水的行业协会报送", "submit to the Longnan or Tianshui association"
        )
    photo_name = portrait_store(photo) if photo is not None and not isinstance(photo, str) else (photo or "")
    with transaction.atomic():
        return Adjuster.objects.create(
            insurer_id=user.insurer_id, association=association, full_name=full_name.strip(),
            id_number=id_number.strip().upper(), id_index=blind_index(id_number.strip().upper(), purpose="id_number"),
            phone=phone.strip(), details=details, submitted_by=user, photo_name=photo_name,
        )  # fmt: skip


def _reviewer_check(user: Any, adjuster: Adjuster) -> None:
    if getattr(user, "role", None) != Role.ASSOCIATION_STAFF or user.association_id != adjuster.association_id:
        raise RegisterError("not_reviewer", "只有该市行业协会可以审核", "only the city's association reviews")


def adjuster_review(*, user: Any, adjuster: Adjuster, decision: str, note: str = "") -> Credential | None:
    """The association approves (a credential is issued), asks for corrections, or rejects, with a note."""
    _reviewer_check(user, adjuster)
    if adjuster.status not in {Adjuster.Status.SUBMITTED, Adjuster.Status.NEEDS_CORRECTION}:
        raise RegisterError("decided", "该报送已处理", "this submission was already decided")
    if decision not in {"approve", "correct", "reject"} or (decision != "approve" and not note.strip()):
        raise RegisterError("bad_decision", "请选择审核结果；退回或不予通过须说明原因",
                            "choose a decision; asking for corrections or rejecting needs a note")  # fmt: skip
    status = {"approve": Adjuster.Status.APPROVED, "correct": Adjuster.Status.NEEDS_CORRECTION,
              "reject": Adjuster.Status.REJECTED}[decision]  # fmt: skip
    with transaction.atomic():
        Adjuster.objects.filter(pk=adjuster.pk).update(status=status, review_note=note[:300], decided_by=user,
                                                       decided_at=timezone.now())  # fmt: skip
        adjuster.refresh_from_db()
        return credential_issue(adjuster=adjuster, user=user) if decision == "approve" else None


def credential_issue(*, adjuster: Adjuster, user: Any, today: date | None = None) -> Credential:
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
    """At once, with a reason; the record stays (history)."""
    if not reason.strip():
        raise RegisterError("no_reason", "请说明吊销原因", "give a reason for revoking")
    Credential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(),
                                                                              revoke_reason=reason[:200])  # fmt: skip
    credential.refresh_from_db()
    return credential


@dataclass(frozen=True)
class Verification:
    status: str  # genuine_current | revoked | expired | not_yet_valid | not_genuine | unknown
    claims: CredentialClaims | None = None


def credential_verify(token: str, *, today: date | None = None) -> Verification:
    """What the public verification page says of a scanned token."""
    try:
        claims = verify(token, keys.public_key())
    except NotGenuine:
        return Verification("not_genuine")
    credential = Credential.objects.filter(number=claims.number).first()
    if credential is None or credential.token != token.strip():
        return Verification("unknown", claims)  # signed by us, yet not a credential we hold: treat as not current
    if credential.revoked_at is not None:
        return Verification("revoked", claims)
    dated = claims.status_on(today or timezone.localdate())
    return Verification("genuine_current" if dated == "current" else dated, claims)


def staff_change(*, user: Any, adjuster: Adjuster, kind: str, city_code: str = "") -> Adjuster | None:
    """The company reports that a person left, or moved to its branch in the other city: the current credential is
    revoked at once; a move becomes a new submission to that city's association. History is kept (R6)."""
    if getattr(user, "role", None) != Role.INSURER_STAFF or user.insurer_id != adjuster.insurer_id:
        raise RegisterError(
            "not_company", "只有所属公司可以报送人员变动", "only the adjuster's company reports a change"
        )
    if kind not in {"left", "moved"} or (kind == "moved" and city_code == adjuster.association.city.code):
        raise RegisterError("bad_change", "请选择离职，或调往另一城市", "choose left, or moved to the other city")
    with transaction.atomic():
        for credential in adjuster.credentials.filter(revoked_at__isnull=True):
            credential_revoke(
                credential=credential, user=user, reason="left the company" if kind == "left" else "moved"
            )
        Adjuster.objects.filter(pk=adjuster.pk).update(status=Adjuster.Status.LEFT)
        if kind == "left":
            return None
        return adjuster_submit(user=user, full_name=adjuster.full_name, id_number=adjuster.id_number,
                               phone=adjuster.phone, city_code=city_code, details=adjuster.details,
                               photo=adjuster.photo_name)  # fmt: skip


def stop_record(*, user: Any, kind: str, at: Any, services: list[str], credential_shown: bool, customer_consented: bool,
                county_code: str = "", customer_insurer_code: str = "", case_number: str = "",
                latitude: float | None = None, longitude: float | None = None) -> Any:  # fmt: skip
    """An adjuster's stop, recorded from the phone. Any service needs the card shown and the customer's consent."""
    import secrets

    from claimbridge.cases.selectors import case_get_for_user
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.organisations.models import County, Insurer

    if getattr(user, "role", None) != Role.ADJUSTER or not user.insurer_id:
        raise RegisterError("not_adjuster", "只有查勘员可以登记服务", "only adjusters record service stops")
    if kind not in ServiceStop.Kind.values or any(code not in ServiceStop.Service.values for code in services):
        raise RegisterError("bad_service", "服务类型无效", "unknown kind of stop or service")
    if services and not (credential_shown and customer_consented):
        raise RegisterError("no_consent", "须先出示工作证并征得客户同意，方可提供服务",
                            "show the work card and have the customer's consent before giving any service")  # fmt: skip
    case = case_get_for_user(user=user, number=case_number) if case_number else None
    if case_number and case is None:
        raise RegisterError("unknown_case", "找不到该案件", "no such case")
    with transaction.atomic():
        return ServiceStop.objects.create(
            adjuster=user, insurer_id=user.insurer_id, at=at, kind=kind, services=sorted(set(services)),
            credential_shown=credential_shown, customer_consented=customer_consented,
            county=County.objects.filter(code=county_code).first() if county_code else None,
            customer_insurer=Insurer.objects.filter(code=customer_insurer_code).first() if customer_insurer_code else None,
            case=case, latitude=latitude, longitude=longitude, rating_token=secrets.token_urlsafe(16),
        )  # fmt: skip


def stop_rate(*, token: str, rating: int, comment: str = "") -> Any:
    """The customer rates the service once, from the link the adjuster showed them."""
    from claimbridge.credentials.models import ServiceStop

    if rating not in range(1, 6):
        raise RegisterError("bad_rating", "请选择 1 到 5 星", "choose 1 to 5 stars")
    with transaction.atomic():
        stop = ServiceStop.objects.select_for_update().filter(rating_token=token).first()
        if stop is None:
            raise RegisterError("unknown_stop", "链接无效", "this link is not valid")
        if stop.rating is None:
            stop.rating, stop.rating_comment = rating, comment.strip()[:300]
            stop.save(update_fields=["rating", "rating_comment"])
    return stop


def adjuster_resubmit(*, user: Any, adjuster: Adjuster, full_name: str, id_number: str, phone: str,
                      details: dict[str, Any], photo: Any = None) -> Adjuster:  # fmt: skip
    """The company corrects what the association asked about and submits again."""
    if getattr(user, "role", None) != Role.INSURER_STAFF or user.insurer_id != adjuster.insurer_id:
        raise RegisterError(
            "not_company", "只有所属公司可以修改报送", "only the adjuster's company corrects a submission"
        )
    if adjuster.status != Adjuster.Status.NEEDS_CORRECTION:
        raise RegisterError(
            "not_returned", "只有被退回的报送可以修改", "only a submission returned for corrections can change"
        )
    if not check_id_number(id_number.strip().upper()).valid:
        raise RegisterError("bad_id", "身份证号码无效", "the resident ID number is not valid")
    with transaction.atomic():
        adjuster.full_name, adjuster.phone, adjuster.details = full_name.strip(), phone.strip(), details
        adjuster.id_number = id_number.strip().upper()
        adjuster.id_index = blind_index(adjuster.id_number, purpose="id_number")
        if photo is not None:
            adjuster.photo_name = portrait_store(photo)
        adjuster.status = Adjuster.Status.SUBMITTED
        adjuster.save()
    return adjuster
