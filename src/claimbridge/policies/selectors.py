"""Reading the register: in-force lookups across insurers, each answer cut to what the caller may see (B8)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, QuerySet

from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import scope_for
from claimbridge.core.errors import AppError, forbidden
from claimbridge.core.masking import mask_id_number, mask_name, mask_phone
from claimbridge.policies.models import Policy, PolicyLoad, PolicyVersion
from claimbridge.policies.services import in_force_q
from claimbridge.rules.identifiers import normalize_plate


@dataclass(frozen=True)
class AgreementView:
    """What the other party of an accident may know (道路交通事故处理程序规定 第二十一条: 保险公司、保险凭证号)."""

    insurer: str
    insurer_code: str
    cover_type: str  # always 交强险: another company's commercial cover is never shown
    policy_number: str


@dataclass(frozen=True)
class FullView:
    insurer: str
    insurer_code: str
    policy_number: str
    cover_type: str
    cover_name: str
    written_in: str
    plate: str
    vin: str
    vehicle_type: str
    limit: str | None
    cover_from: datetime
    cover_until: datetime
    cancelled_at: datetime | None
    holder_name: str
    holder_id_number: str
    holder_phone: str
    insured_name: str
    insured_id_number: str
    insured_phone: str


def in_force_versions(*, plate: str = "", vin: str = "", at: datetime) -> QuerySet[PolicyVersion]:
    """Every policy in force for the vehicle at the instant, across all insurers (not scoped: callers cut the answer)."""
    versions = PolicyVersion.objects.filter(in_force_q(at)).select_related("policy__insurer")
    if plate:
        versions = versions.filter(plate=normalize_plate(plate))
    if vin:
        versions = versions.filter(vin=vin.strip().upper())
    return versions.order_by("policy__insurer__code", "policy__cover_type", "policy__policy_number")


@dataclass(frozen=True)
class RecordCover:
    """The policy that makes an insurer the insurer of record of a vehicle at an instant."""

    plate: str
    cover_type: str
    policy_number: str
    underwriting_city_code: str
    insurer_id: int


def insurer_of_record(*, plates: list[str], at: datetime) -> dict[str, RecordCover]:
    """Per plate (normalised), the policy that decides who insures the vehicle at the instant (R3): its 交强险 if the
    register holds one in force, otherwise another motor cover in force (商业三者险, 车损险); an `other` cover
    (passenger accident and the like) never makes an insurer of record. Ties go to the lowest policy number.

    The one rule for every case intake and every change of a plate; one plain statement (it runs on every intake),
    with the same instant test as `policies.services.in_force_q`."""
    from django.db import connection

    found: dict[str, RecordCover] = {}
    plates = sorted({plate for plate in plates if plate})
    if not plates:
        return found
    instant = connection.ops.adapt_datetimefield_value(at)
    versions, policies = PolicyVersion._meta.db_table, Policy._meta.db_table
    marks = ", ".join(["%s"] * len(plates))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.plate, p.cover_type, p.policy_number, p.underwriting_city_code, p.insurer_id "  # noqa: S608 - our tables
            f"FROM {versions} v JOIN {policies} p ON p.id = v.policy_id "
            f"WHERE v.plate IN ({marks}) AND v.effective_from <= %s AND (v.effective_to IS NULL OR v.effective_to > %s) "
            "AND v.period_start <= %s AND v.period_end > %s AND (p.cancelled_at IS NULL OR p.cancelled_at > %s) "
            "AND p.cover_type <> 'other'",
            [*plates, instant, instant, instant, instant, instant],
        )
        rows = cursor.fetchall()
    for cover in sorted((RecordCover(*row) for row in rows), key=lambda c: (c.cover_type != "ctpl", c.policy_number)):
        found.setdefault(cover.plate, cover)
    return found


def cover_in_full_for_user(*, user: Any, plate: str, at: datetime) -> list[PolicyVersion] | None:
    """For a check the user runs (the 快处易赔 self-check): the motor policies in force at the instant that the user
    may read in full (the scope's `cover_in_full_q`: an insurer's own), or None when the register holds nothing on
    the plate the user may read in full, so that another company's vehicle reads as one the register does not know."""
    scope = scope_for(user)
    if not scope.may_look_up_cover:
        return None
    readable = scope.cover_in_full_q()
    if not PolicyVersion.objects.filter(plate=normalize_plate(plate)).filter(readable).exists():
        return None
    return [v for v in in_force_versions(plate=plate, at=at).filter(readable) if v.policy.cover_type != "other"]


def _masked(personal: str) -> dict[str, str]:
    data = json.loads(personal) if personal else {}
    return {
        "holder_name": mask_name(data.get("holder_name", "")), "holder_id_number": mask_id_number(data.get("holder_id_number", "")),
        "holder_phone": mask_phone(data.get("holder_phone", "")), "insured_name": mask_name(data.get("insured_name", "")),
        "insured_id_number": mask_id_number(data.get("insured_id_number", "")), "insured_phone": mask_phone(data.get("insured_phone", "")),
    }  # fmt: skip


def cover_for_user(*, user: Any, plate: str = "", vin: str = "", at: datetime) -> list[FullView | AgreementView]:
    """The policies in force for a vehicle at an instant, cut to what the user may see (the scope's "who may look a
    vehicle's cover up"): own company's in full, another company's vehicle as on the agreement only where the scope
    allows it, and nothing at all otherwise, so that an unknown vehicle and a hidden one read alike (B8)."""
    scope = scope_for(user)
    if not scope.may_look_up_cover:
        raise forbidden()
    if not plate and not vin:
        raise AppError("plate_or_vin_required", "请填写号牌或车架号", "give a plate number or a VIN", field="plate")
    in_full = scope.cover_in_full_q()
    versions = (
        in_force_versions(plate=plate, vin=vin, at=at)
        .filter(in_full | scope.cover_on_agreement_q())
        .annotate(in_full=ExpressionWrapper(in_full, output_field=BooleanField()))
    )
    answer: list[FullView | AgreementView] = []
    for version in versions:
        policy = version.policy
        if version.in_full:
            answer.append(FullView(
                insurer=policy.insurer.display_short_name, insurer_code=policy.insurer.code, policy_number=policy.policy_number,
                cover_type=policy.cover_type, cover_name=policy.cover_name, written_in=policy.underwriting_city_code,
                plate=version.plate, vin=version.vin, vehicle_type=version.vehicle_type,
                limit=str(version.third_party_limit) if version.third_party_limit is not None else None,
                cover_from=version.period_start, cover_until=version.period_end, cancelled_at=policy.cancelled_at,
                **_masked(version.personal),
            ))  # fmt: skip
        else:
            answer.append(AgreementView(
                insurer=policy.insurer.display_short_name, insurer_code=policy.insurer.code, cover_type=policy.cover_type,
                policy_number=policy.policy_number,
            ))  # fmt: skip
    return answer


def policy_list_for_user(*, user: Any) -> QuerySet[Policy]:
    return Policy.objects.filter(scope_for(user).policies_q()).select_related("insurer")


def load_list_for_user(*, user: Any) -> QuerySet[PolicyLoad]:
    scope = scope_for(user)
    if scope.is_platform_admin:
        return PolicyLoad.objects.select_related("insurer")
    if scope.role == Role.INSURER_STAFF and scope.insurer_id:
        return PolicyLoad.objects.filter(insurer_id=scope.insurer_id).select_related("insurer")
    return PolicyLoad.objects.none()


def load_get_for_user(*, user: Any, load_id: int) -> PolicyLoad | None:
    return load_list_for_user(user=user).filter(pk=load_id).first()
