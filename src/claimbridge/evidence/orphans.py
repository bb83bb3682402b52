"""Stored objects without a row, and rows without their original (issue 12, finding 9).

An upload saves its original and thumbnail, then commits the row that owns them; a process killed in between (or a
transaction rolled back by a caller) leaves files nobody refers to. The sweep lists everything under `evidence/`
through Django's storage API (`listdir`, so it works the same on local disk and on S3), and removes a file that no
stored object names once it is older than `EVIDENCE_ORPHAN_GRACE_HOURS` — younger ones may belong to an upload still
under way. Rows whose original is missing are reported, never deleted: that is for a person to look into.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from claimbridge.core.storage import listdir
from claimbridge.evidence.models import StoredObject

ROOT = "evidence"


@dataclass
class SweepReport:
    dry_run: bool
    orphans: list[str] = field(default_factory=list)  # removed (or, in a dry run, to be removed)
    too_recent: list[str] = field(default_factory=list)  # without a row, but younger than the grace period
    missing_originals: list[str] = field(default_factory=list)  # SHA-256 of rows whose original is not in storage


def _directories(path: str) -> Iterator[tuple[str, list[str]]]:
    """(directory, file names) for every directory under `path`, depth first, without recursion."""
    pending = [path]
    while pending:
        directory = pending.pop()
        subdirectories, files = listdir(directory)
        yield directory, files
        pending.extend(f"{directory}/{name}" for name in sorted(subdirectories, reverse=True))


def named(names: list[str]) -> set[str]:
    """Which of these names a stored object refers to."""
    rows = StoredObject.objects.filter(
        Q(storage_name__in=names) | Q(thumbnail_name__in=names) | Q(preview_name__in=names)
    ).values_list("storage_name", "thumbnail_name", "preview_name")
    return {name for row in rows for name in row} & set(names)


def stored_orphans_sweep(*, dry_run: bool = False, grace: timedelta | None = None) -> SweepReport:
    """Remove stored files no row refers to, once older than the grace period; report rows missing their original."""
    grace = grace if grace is not None else timedelta(hours=settings.EVIDENCE_ORPHAN_GRACE_HOURS)
    cutoff = timezone.now() - grace
    report = SweepReport(dry_run=dry_run)
    originals: set[str] = set()
    for directory, files in _directories(ROOT):
        names = [f"{directory}/{name}" for name in files]
        if directory.startswith(f"{ROOT}/originals/"):
            originals.update(names)
        named_here = named(names)
        for name in (name for name in names if name not in named_here):
            if default_storage.get_modified_time(name) > cutoff:
                report.too_recent.append(name)
                continue
            report.orphans.append(name)
            if not dry_run and not named([name]):  # asked again: an upload may have claimed it meanwhile
                default_storage.delete(name)
    live = StoredObject.objects.filter(erased_at__isnull=True)  # a tombstone's original was deleted on purpose
    for sha256, name in live.order_by("pk").values_list("sha256", "storage_name").iterator():
        if name not in originals:
            report.missing_originals.append(sha256)
    return report
