"""Loading policies (idempotent upsert by insurer and policy number; endorsements kept as versions)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from claimbridge.core import crypto
from claimbridge.core.idempotency import key_reused
from claimbridge.organisations.models import Branch, BranchLevel, Insurer
from claimbridge.policies.models import LoadStatus, LookupRoute, Policy, PolicyLoad, PolicyLookup, PolicyVersion
from claimbridge.policies.rows import MAX_LIMIT, PolicyRow, RowError, parse_row
from claimbridge.policies.tables import batches
from claimbridge.rules.common import REGION_CITIES

BATCH = 2000
MAX_ERRORS_KEPT = 5000


def _branches(insurer: Insurer) -> dict[str, Branch]:
    """The insurer's branches by the division code a policy row names: city branches by city, sub-branches by county."""
    found: dict[str, Branch] = {}
    for branch in Branch.objects.filter(insurer=insurer).select_related("city", "county"):
        if branch.level == BranchLevel.CITY:
            found[branch.city.code] = branch
        elif branch.county is not None:
            found[branch.county.code] = branch
    return found


def policy_load_start(
    *, insurer: Insurer, user: Any, source: str, file_name: str = "", idempotency_key: str = "", fingerprint: str = ""
) -> tuple[PolicyLoad, bool]:
    """A new load, or the earlier one with the same idempotency key (True when it already existed). The same key with
    another request (`fingerprint`, see core.idempotency) is refused: a key names one request, it is not a retry."""
    key = idempotency_key  # a caller's key is checked at its door (core.idempotency.clean_key); the demo's are ours
    if len(key) > PolicyLoad._meta.get_field("idempotency_key").max_length:  # type: ignore[operator]
        raise ValueError("idempotency key too long")
    if key:
        earlier = PolicyLoad.objects.filter(insurer=insurer, idempotency_key=key).first()
        if earlier is not None:
            if fingerprint and earlier.idempotency_fingerprint and fingerprint != earlier.idempotency_fingerprint:
                raise key_reused()
            return earlier, True
    try:
        with transaction.atomic():
            load = PolicyLoad.objects.create(insurer=insurer, uploaded_by=user, source=source, file_name=file_name[:255],
                                             idempotency_key=key, idempotency_fingerprint=fingerprint if key else "")  # fmt: skip
    except IntegrityError:  # the same key, committed meanwhile by a concurrent request
        return policy_load_start(insurer=insurer, user=user, source=source, file_name=file_name,
                                 idempotency_key=key, fingerprint=fingerprint)  # fmt: skip
    return load, False


def policy_batch_load(
    *, insurer: Insurer, user: Any, rows: list[dict[str, Any]], idempotency_key: str = "", fingerprint: str = ""
) -> tuple[PolicyLoad, bool]:
    """A batch sent over the API: the load and all its rows in one transaction, so that a server killed midway leaves
    nothing behind and the retry under the same key loads the batch whole; a load found under the key is complete
    (True when it already existed). A concurrent retry waits for the first to commit, then answers its load."""
    with transaction.atomic():
        load, existed = policy_load_start(insurer=insurer, user=user, source="api", idempotency_key=idempotency_key,
                                          fingerprint=fingerprint)  # fmt: skip
        if not existed:
            load = policy_rows_load(load=load, rows=rows, total=len(rows))
    return load, existed


def policy_rows_load(*, load: PolicyLoad, rows: Iterable[dict[str, Any]], total: int | None = None) -> PolicyLoad:
    """Load rows into the register: good rows once, bad rows reported with the reason, nothing half-loaded."""
    branches = _branches(load.insurer)
    max_limit = min(MAX_LIMIT, Decimal(settings.MONEY_MAX_YUAN))
    first_row_of: dict[str, int] = {}
    load.status = LoadStatus.RUNNING
    load.rows_total = total or 0
    load.save(update_fields=["status", "rows_total"])
    row_number = 1  # the header is row 1, as a spreadsheet shows it
    try:
        for batch in batches(rows, BATCH):
            parsed: list[PolicyRow] = []
            errors: list[RowError] = []
            for raw in batch:
                row_number += 1
                result = parse_row(raw, row_number, max_limit=max_limit)
                if isinstance(result, list):
                    errors.extend(result[:5])
                    load.rows_rejected += 1
                    continue
                if result.policy_number in first_row_of:
                    first = first_row_of[result.policy_number]
                    errors.append(RowError(row_number, "policy_number", "repeated",
                                           f"保单号与第 {first} 行重复，未重复导入", f"the same policy number as row {first}: not loaded twice"))  # fmt: skip
                    load.rows_rejected += 1
                    continue
                division = result.branch_code
                city = division[:4] + "00"
                if division not in branches and city in REGION_CITIES:
                    errors.append(RowError(row_number, "branch", "unknown_branch",
                                           f"本公司在 {division} 没有分支机构", f"the insurer has no branch at {division}"))  # fmt: skip
                    load.rows_rejected += 1
                    continue
                first_row_of[result.policy_number] = row_number
                parsed.append(result)
            with transaction.atomic():
                created, changed, unchanged = _upsert(load, parsed, branches)
            load.rows_created += created
            load.rows_changed += changed
            load.rows_unchanged += unchanged
            load.rows_done += len(batch)
            if len(load.errors) < MAX_ERRORS_KEPT:
                load.errors = [*load.errors, *(error.as_dict() for error in errors)][:MAX_ERRORS_KEPT]
            load.save(
                update_fields=["rows_created", "rows_changed", "rows_unchanged", "rows_rejected", "rows_done", "errors"]
            )
    except Exception:
        load.status = LoadStatus.FAILED
        load.finished_at = timezone.now()
        load.save(update_fields=["status", "finished_at"])
        raise
    load.rows_total = load.rows_done
    load.status = LoadStatus.DONE
    load.finished_at = timezone.now()
    load.save(update_fields=["rows_total", "status", "finished_at"])
    return load


def _personal(row: PolicyRow) -> str:
    return json.dumps(row.personal, ensure_ascii=False, sort_keys=True) if row.personal else ""


def _upsert(load: PolicyLoad, rows: list[PolicyRow], branches: dict[str, Branch]) -> tuple[int, int, int]:
    if not rows:
        return 0, 0, 0
    insurer = load.insurer
    existing = {
        p.policy_number: p
        for p in Policy.objects.filter(insurer=insurer, policy_number__in=[r.policy_number for r in rows])
    }
    current = {
        v.policy_id: v
        for v in PolicyVersion.objects.filter(policy__in=list(existing.values()), effective_to__isnull=True)
    }
    now = timezone.now()
    new_policies: list[tuple[Policy, PolicyRow]] = []
    new_versions: list[PolicyVersion] = []
    closed_versions: list[PolicyVersion] = []
    updated_policies: list[Policy] = []
    unchanged = changed = 0
    for row in rows:
        branch = branches.get(row.branch_code)
        policy = existing.get(row.policy_number)
        if policy is None:
            policy = Policy(insurer=insurer, policy_number=row.policy_number, branch=branch,
                            underwriting_division=row.branch_code, underwriting_city_code=row.branch_code[:4] + "00",
                            cover_type=row.cover_type, cover_name=row.cover_name, cancelled_at=row.cancelled_at)  # fmt: skip
            new_policies.append((policy, row))
            continue
        version = current.get(policy.pk)
        same_version = version is not None and _version_key(version) == row.version_key()
        same_policy = (policy.cover_type, policy.cover_name, policy.cancelled_at, policy.underwriting_division) == (
            row.cover_type, row.cover_name, row.cancelled_at, row.branch_code)  # fmt: skip
        if same_version and same_policy:
            unchanged += 1
            continue
        changed += 1
        if not same_policy:
            policy.cover_type, policy.cover_name, policy.cancelled_at = row.cover_type, row.cover_name, row.cancelled_at
            policy.branch, policy.underwriting_division = branch, row.branch_code
            policy.underwriting_city_code = row.branch_code[:4] + "00"
            updated_policies.append(policy)
        if not same_version:
            effective = row.endorsement_at or now
            if version is not None:
                effective = max(effective, version.effective_from)  # a back-dated endorsement never reorders history
                version.effective_to = effective
                closed_versions.append(version)
            new_versions.append(_version(policy, row, load, effective))
    _insert_policies([policy for policy, _row in new_policies])
    for policy, row in new_policies:
        new_versions.append(_version(policy, row, load, row.period_start))
    _insert_versions(new_versions)
    if closed_versions:
        PolicyVersion.objects.bulk_update(closed_versions, ["effective_to"], batch_size=BATCH)
    if updated_policies:
        Policy.objects.bulk_update(updated_policies, ["cover_type", "cover_name", "cancelled_at", "branch",
                                                      "underwriting_division", "underwriting_city_code"], batch_size=BATCH)  # fmt: skip
    return len(new_policies), changed, unchanged


_POLICY_COLUMNS = ("id", "insurer_id", "policy_number", "branch_id", "underwriting_division", "underwriting_city_code",
                   "cover_type", "cover_name", "cancelled_at", "created_at", "updated_at")  # fmt: skip
_VERSION_COLUMNS = ("policy_id", "effective_from", "effective_to", "period_start", "period_end", "plate", "vin",
                    "vehicle_type", "third_party_limit", "personal", "load_id", "recorded_at")  # fmt: skip


def _insert_policies(policies: list[Policy]) -> None:
    """Insert new policies; on PostgreSQL by COPY with identifiers drawn from the sequence (a million rows an import)."""
    if connection.vendor != "postgresql" or not policies:
        Policy.objects.bulk_create(policies, batch_size=BATCH)
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [Policy._meta.db_table, len(policies)])  # fmt: skip
        identifiers = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY {Policy._meta.db_table} ({', '.join(_POLICY_COLUMNS)}) FROM STDIN") as copy:
            for policy, identifier in zip(policies, identifiers, strict=True):
                policy.pk, policy.created_at, policy.updated_at = identifier, now, now
                copy.write_row((identifier, policy.insurer_id, policy.policy_number, policy.branch_id,
                                policy.underwriting_division, policy.underwriting_city_code, policy.cover_type,
                                policy.cover_name, policy.cancelled_at, now, now))  # fmt: skip
    for policy in policies:
        policy._state.adding = False


def _insert_versions(versions: list[PolicyVersion]) -> None:
    if connection.vendor != "postgresql" or not versions:
        PolicyVersion.objects.bulk_create(versions, batch_size=BATCH)
        return
    now = timezone.now()
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {PolicyVersion._meta.db_table} ({', '.join(_VERSION_COLUMNS)}) FROM STDIN") as copy,
    ):
        for version in versions:
            copy.write_row((version.policy.pk, version.effective_from, version.effective_to, version.period_start,
                            version.period_end, version.plate, version.vin, version.vehicle_type,
                            version.third_party_limit, crypto.encrypt(version.personal) if version.personal else "",
                            version.load_id, now))  # fmt: skip


def _version(policy: Policy, row: PolicyRow, load: PolicyLoad, effective_from: Any) -> PolicyVersion:
    return PolicyVersion(
        policy=policy, effective_from=effective_from,
        period_start=row.period_start, period_end=row.period_end, plate=row.plate, vin=row.vin,
        vehicle_type=row.vehicle_type, third_party_limit=row.limit, personal=_personal(row), load=load,
    )  # fmt: skip


def _version_key(version: PolicyVersion) -> tuple[Any, ...]:
    personal = json.loads(version.personal) if version.personal else {}
    return (version.plate, version.vin, version.vehicle_type, version.third_party_limit, version.period_start,
            version.period_end, tuple(sorted(personal.items())))  # fmt: skip


def in_force_q(at: Any) -> Q:
    """Versions that describe a policy in force at the instant `at` (start inclusive, end and cancellation exclusive)."""
    return (
        Q(effective_from__lte=at)
        & (Q(effective_to__isnull=True) | Q(effective_to__gt=at))
        & Q(period_start__lte=at, period_end__gt=at)
        & (Q(policy__cancelled_at__isnull=True) | Q(policy__cancelled_at__gt=at))
    )


def cover_look_up(*, user: Any, plate: str = "", vin: str = "", at: datetime, route: str) -> list[Any]:
    """A vehicle's cover at an instant as the user may see it (`selectors.cover_for_user`), and the record of the
    lookup: who, when, what was asked, how many policies were shown, through which route (B8)."""
    from claimbridge.policies.selectors import cover_for_user

    views = cover_for_user(user=user, plate=plate, vin=vin, at=at)
    _record_lookup(user=user, plate=plate, vin=vin, at=at, shown=len(views), route=route)
    return views


def cover_for_check(*, user: Any, plate: str, at: datetime) -> list[PolicyVersion] | None:
    """The register's cover of a vehicle for a check the user runs (the 快处易赔 self-check), as far as the user may
    read it in full (`selectors.cover_in_full_for_user`); recorded as a lookup whenever the user may look up."""
    from claimbridge.accounts.scope import scope_for
    from claimbridge.policies.selectors import cover_in_full_for_user

    versions = cover_in_full_for_user(user=user, plate=plate, at=at)
    if scope_for(user).may_look_up_cover:
        _record_lookup(user=user, plate=plate, vin="", at=at, shown=len(versions or []), route=LookupRoute.WEB)
    return versions


def _record_lookup(*, user: Any, plate: str, vin: str, at: datetime, shown: int, route: str) -> None:
    PolicyLookup.objects.create(user=user, role=user.role, plate=plate[:20], vin=vin[:17], instant=at, shown=shown,
                                route=route)  # fmt: skip


def policy_file_load_queue(*, insurer: Insurer, user: Any, upload: Any) -> PolicyLoad:
    """Keep the uploaded table and load it in the background; the page follows the load's progress."""
    from django.core.files.storage import default_storage

    from claimbridge.policies.tasks import run_policy_load

    load, _existing = policy_load_start(insurer=insurer, user=user, source="web", file_name=upload.name or "")
    extension = "xlsx" if (upload.name or "").lower().endswith(".xlsx") else "csv"
    load.file_name_stored = default_storage.save(f"policies/loads/{load.pk}.{extension}", upload)
    load.save(update_fields=["file_name_stored"])
    transaction.on_commit(lambda: run_policy_load.enqueue(load.pk), robust=True)  # else `claimbridge recover`
    return load


def policy_loads_recover(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Uploaded tables still queued some minutes after their upload: their task was lost (a queue out of reach when
    it was enqueued, a queue emptied). Each is enqueued again; the first run to take the load does it (B8)."""
    from claimbridge.policies.tasks import run_policy_load

    cutoff = timezone.now() - older_than
    waiting = PolicyLoad.objects.filter(status=LoadStatus.QUEUED, created_at__lt=cutoff).exclude(file_name_stored="")
    ids = list(waiting.values_list("pk", flat=True))
    for pk in ids:
        run_policy_load.enqueue(pk)
    return len(ids)


def policy_stored_file_load(*, load_id: int) -> PolicyLoad:
    from django.core.files.storage import default_storage

    from claimbridge.policies.tables import read_rows
    from claimbridge.rules.common import RuleInputError

    load = PolicyLoad.objects.select_related("insurer").get(pk=load_id)
    if load.status != LoadStatus.QUEUED or not PolicyLoad.objects.filter(pk=load_id, status=LoadStatus.QUEUED).update(
        status=LoadStatus.RUNNING
    ):
        return load  # done, or taken by another run of the task (a late original beside `claimbridge recover`'s)
    with default_storage.open(load.file_name_stored, "rb") as stream:
        try:
            total = sum(1 for _row in read_rows(stream, load.file_name))
            stream.seek(0)
            return policy_rows_load(load=load, rows=read_rows(stream, load.file_name), total=total)
        except RuleInputError as error:
            load.status, load.finished_at = LoadStatus.FAILED, timezone.now()
            load.errors = [{"row": 0, "field": "file", "code": "unreadable", "zh": error.text.zh, "en": error.text.en}]
            load.save(update_fields=["status", "finished_at", "errors"])
            return load
