"""Backup and restore of the database and of the stored files (issue 19 item 5; B9, R19).

A backup is a directory:

- `db.sqlite3` (SQLite's online backup API: a consistent copy while the platform runs) or `db.dump` (PostgreSQL,
  `pg_dump -Fc`);
- `objects/<key>`: every stored file the database names — evidence originals, thumbnails and previews, agreements,
  adjusters' portraits, policy files, published reports, figure exports, resumable upload parts — read through
  Django's storage API, so the same command backs up local disk and S3 alike;
- `manifest.json`, written last: the database file's and each object's SHA-256 and size, the keys named but not found
  in storage, and an HMAC of all of it under a key derived from SECRET_KEY (so a backup edited and re-hashed is
  refused as well as one merely damaged).

Restore checks everything before it writes anything: the manifest's HMAC (SECRET_KEY or one of
SECRET_KEY_FALLBACKS), the database file's hash and every object's. Then the objects are written back through the
storage API (those already there with the same bytes are left alone) and the database replaced: SQLite page by page
through the backup API, PostgreSQL with `pg_restore --clean --if-exists --no-owner --single-transaction`. Stop the
application servers and the workers first. Files in storage that the backup does not know are left in place (the
orphan sweep, `evidence_verify --orphans`, removes them once old).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.utils import timezone
from django.utils.crypto import salted_hmac

from claimbridge.core.storage import listdir

FORMAT = "claimbridge-backup"
VERSION = 1
MANIFEST = "manifest.json"
OBJECTS = "objects"
CHUNK = 1024 * 1024
_HMAC_SALT = "claimbridge.core.backup.manifest"

# Every model field that holds a key of the default storage. A file type added elsewhere must be added here: the
# backup's test fails when the demo world stores a file no entry names.
STORED_NAME_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("evidence.StoredObject", ("storage_name", "thumbnail_name", "preview_name")),
    ("cases.Case", ("agreement_name",)),
    ("credentials.Adjuster", ("photo_name",)),
    ("policies.PolicyLoad", ("file_name_stored",)),
    ("reports.ReportVersion", ("pdf_name", "xlsx_name")),
    ("reports.ExportJob", ("file_name",)),
)
# Not kept: portraits held for a form being corrected (a day at most, named by a signed token, not the database),
# and readiness probes.
TRANSIENT_PREFIXES = ("adjusters/pending/", "health/")


class BackupError(Exception):
    """A backup or restore that cannot go on; its text is bilingual, for the operator."""


@dataclass
class BackupReport:
    directory: Path
    vendor: str
    objects: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    vendor: str
    written: int = 0
    unchanged: int = 0


def stored_keys() -> list[str]:
    """Every storage key the database names, sorted, each once."""
    keys: set[str] = set()
    for label, names in STORED_NAME_FIELDS:
        model = apps.get_model(label)
        for row in model._default_manager.order_by().values_list(*names).iterator():
            keys.update(name for name in row if name)
    upload = apps.get_model("evidence.Upload")
    for parts in upload._default_manager.order_by().exclude(parts=[]).values_list("parts", flat=True).iterator():
        keys.update(str(part[2]) for part in parts if len(part) > 2 and part[2])
    return sorted(keys)


def safe_key(key: str) -> PurePosixPath:
    """A key as a relative path that stays inside the backup directory (a tampered manifest could name `../x`)."""
    path = PurePosixPath(key)
    if (
        not key
        or "\\" in key
        or "\x00" in key
        or path.is_absolute()
        or any(p in ("", ".", "..") for p in key.split("/"))
    ):
        raise BackupError(f"存储键不合法，拒绝处理：{key!r}。A storage key is not a plain relative path: {key!r}.")
    return path


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_out(key: str, target: Path) -> tuple[str, int]:
    """One stored object to a file, hashed on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with default_storage.open(key, "rb") as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def _stored_sha256(key: str) -> str | None:
    if not default_storage.exists(key):
        return None
    digest = hashlib.sha256()
    with default_storage.open(key, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _canonical(manifest: dict[str, Any]) -> bytes:
    body = {key: value for key, value in manifest.items() if key != "hmac"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _signature(manifest: dict[str, Any], secret: str) -> str:
    return salted_hmac(_HMAC_SALT, _canonical(manifest), secret=secret, algorithm="sha256").hexdigest()


def _signed_by_us(manifest: dict[str, Any]) -> bool:
    given = str(manifest.get("hmac", ""))
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(given, _signature(manifest, secret)) for secret in secrets)


# --- the database ---------------------------------------------------------------------------------------------------


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    command = [program, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [option, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # never on the command line, where `ps` shows it
    return command, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"找不到 {command[0]}（PostgreSQL 客户端）。{command[0]} (the PostgreSQL client) is not installed."
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-2000:]}\n{what} failed (see above).")


def _database_out(directory: Path) -> tuple[str, Path]:
    vendor = connection.vendor
    if vendor == "sqlite":
        target = directory / "db.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # a consistent copy, page by page, while others keep writing
        finally:
            copy.close()
        return vendor, target
    if vendor == "postgresql":
        target = directory / "db.dump"
        command, env = _pg_command("pg_dump")
        _run([*command, "--format=custom", f"--file={target}", str(connection.settings_dict["NAME"])], env,
             "数据库导出 pg_dump")  # fmt: skip
        return vendor, target
    raise BackupError(f"不支持的数据库：{vendor}。Database {vendor} is not supported by backup.")


def _same_vendor(vendor: str) -> None:
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor}，当前数据库是 {connection.vendor}。The backup is of {vendor}, this "
                          f"platform runs {connection.vendor}.")  # fmt: skip


def _database_in(vendor: str, source: Path) -> None:
    _same_vendor(vendor)
    if vendor == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(source)
        try:
            backup.backup(connection.connection)  # the live database becomes the copy, page by page
        finally:
            backup.close()
        return
    connections.close_all()  # pg_restore drops and recreates the tables: nothing of ours may hold them
    command, env = _pg_command("pg_restore")
    _run([*command, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          f"--dbname={connection.settings_dict['NAME']}", str(source)], env, "数据库恢复 pg_restore")  # fmt: skip


# --- backup and restore ---------------------------------------------------------------------------------------------


def backup(directory: Path) -> BackupReport:
    """Write a backup into `directory` (new, or empty). The manifest is written last: a backup cut short has none,
    and restore refuses it."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"目录不是空的：{directory}。The directory is not empty: {directory}.")
    directory.mkdir(parents=True, exist_ok=True)
    vendor, database_file = _database_out(directory)
    db_sha, db_size = _sha256_file(database_file)
    report = BackupReport(directory=directory, vendor=vendor)
    objects: dict[str, dict[str, Any]] = {}
    for key in stored_keys():
        if key.startswith(TRANSIENT_PREFIXES):
            continue
        relative = safe_key(key)
        if not default_storage.exists(key):
            report.missing.append(key)  # named by a row but not in storage: `evidence_verify --orphans` says more
            continue
        sha, size = _copy_out(key, directory / OBJECTS / relative)
        objects[key] = {"sha256": sha, "size": size}
        report.objects += 1
        report.bytes += size
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": database_file.name, "sha256": db_sha, "size": db_size},
        "objects": objects,
        "missing": report.missing,
    }
    manifest["hmac"] = _signature(manifest, settings.SECRET_KEY)
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report


def _manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"读不到备份清单 {MANIFEST}（备份不完整？）：{error}。The backup's {MANIFEST} cannot be read "
                          f"(an unfinished backup?).") from error  # fmt: skip
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("这不是本平台的备份。This is not a ClaimBridge backup (format or version).")
    if not _signed_by_us(manifest):
        raise BackupError("备份清单的签名不符：备份被改动过，或来自使用其他 SECRET_KEY 的平台。未恢复任何内容。"
                          "The manifest's signature does not match: the backup was altered, or made under another "
                          "SECRET_KEY. Nothing was restored.")  # fmt: skip
    return manifest


def verify(directory: Path) -> dict[str, Any]:
    """Every file of the backup checked against the manifest; the manifest, if all is well, else BackupError naming
    what differs (nothing is written either way)."""
    manifest = _manifest(directory)
    problems: list[str] = []
    database = manifest["database"]
    db_file = directory / safe_key(str(database["file"]))
    if not db_file.is_file() or _sha256_file(db_file) != (database["sha256"], database["size"]):
        problems.append(str(database["file"]))
    for key, expected in sorted(manifest["objects"].items()):
        path = directory / OBJECTS / safe_key(key)
        if not path.is_file() or _sha256_file(path) != (expected["sha256"], expected["size"]):
            problems.append(f"{OBJECTS}/{key}")
    if problems:
        shown = "\n".join(problems[:20]) + (f"\n… (+{len(problems) - 20})" if len(problems) > 20 else "")
        raise BackupError(f"备份文件与清单不符（被改动或损坏），拒绝恢复，未写入任何内容：\n{shown}\nThese files of the "
                          f"backup differ from its manifest (altered or damaged): restore refused, nothing was "
                          f"written.")  # fmt: skip
    return manifest


def _objects_in(directory: Path, objects: dict[str, dict[str, Any]], report: RestoreReport) -> None:
    for key, expected in sorted(objects.items()):
        if _stored_sha256(key) == expected["sha256"]:
            report.unchanged += 1
            continue
        if default_storage.exists(key):
            default_storage.delete(key)  # a different file under this key: the backup's bytes are the ones named
        with (directory / OBJECTS / safe_key(key)).open("rb") as stream:
            saved = default_storage.save(key, File(stream, name=key))
        if saved != key:
            default_storage.delete(saved)
            raise BackupError(f"存储把 {key} 存成了 {saved}。The storage kept {key} under another name ({saved}).")
        report.written += 1


def restore(directory: Path) -> RestoreReport:
    """Check the backup whole, then write its objects back and replace the database with its copy."""
    manifest = verify(directory)
    database = manifest["database"]
    report = RestoreReport(vendor=str(database["vendor"]))
    _same_vendor(report.vendor)  # before any object is written
    _objects_in(directory, manifest["objects"], report)
    _database_in(str(database["vendor"]), directory / safe_key(str(database["file"])))
    return report


def iter_storage(prefix: str = "") -> Iterator[str]:
    """Every key under a prefix of the default storage (listdir, so local disk and S3 alike)."""
    pending = [prefix.rstrip("/")]
    while pending:
        directory = pending.pop()
        subdirectories, files = listdir(directory)
        base = f"{directory}/" if directory else ""
        yield from (base + name for name in files)
        pending.extend(base + name for name in subdirectories)
