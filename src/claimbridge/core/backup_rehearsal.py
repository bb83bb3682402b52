"""`make backup-rehearsal`: backup and restore rehearsed end to end on throwaway platforms (issue 19 item 5; B9, R19).

For SQLite, and for PostgreSQL when one answers (the database `claimbridge_backup_rehearsal`, dropped and created
here; no other is ever touched): migrate, load the demo (`claimbridge demo`), back it up (`claimbridge backup`), take
a fingerprint (every table's row count and every stored file's SHA-256), wipe the database and the stored files,
restore (`claimbridge restore`), run `claimbridge audit verify` and `claimbridge evidence_verify`, and compare the
fingerprint. A copy of the backup with one byte of one photo changed must then be refused. Everything runs as the
`claimbridge` command would in production, each step in its own process, with local files only (S3 settings are
dropped, so a rehearsal can never wipe a real bucket). Prints a summary; `--out` writes it as JSON.

    python -m claimbridge.core.backup_rehearsal [--out var/backup-rehearsal.json] [--no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PG_NAME = "claimbridge_backup_rehearsal"
PG_ADMIN_URL = os.environ.get("BACKUP_REHEARSAL_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REHEARSAL_KEY = "backup-rehearsal-key-not-for-production-0123456789-abcdefghijklmnop"

FINGERPRINT = """
import hashlib, json
from django.apps import apps
from django.core.files.storage import default_storage
from claimbridge.core.backup import TRANSIENT_PREFIXES, iter_storage
rows = {  # table-less models (django-rq's admin placeholder under TASKS_BACKEND=rq) have nothing to count
    m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed and not m._meta.proxy
}
files = {}
for key in sorted(iter_storage()):
    if not key.startswith(TRANSIENT_PREFIXES):
        with default_storage.open(key, "rb") as stored:
            files[key] = hashlib.sha256(stored.read()).hexdigest()
print(json.dumps({"rows": rows, "files": files}))
"""
WIPE_FILES = """
from django.core.files.storage import default_storage
from claimbridge.core.backup import iter_storage
for key in list(iter_storage()):
    default_storage.delete(key)
"""


class Step(Exception):
    pass


def _env(work: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("S3_", "DJANGO_"))}
    env.update({
        "SECRET_KEY": REHEARSAL_KEY, "DEBUG": "", "CLAIMBRIDGE_VAR_DIR": str(work), "MEDIA_ROOT": str(work / "media"),
        "DATABASE_URL": database_url, "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "SMS_BACKEND": "claimbridge.core.sms.LogSmsBackend", "LOG_LEVEL": "WARNING", "LOG_FORMAT": "plain",
        "FIELD_ENCRYPTION_KEYS": "", "AUDIT_CHAIN_KEYS": "", "AUDIT_CHECKPOINT_KEY": "", "LINK_INDEX_KEYS": "",
        "CREDENTIAL_SIGNING_KEY": "",
    })  # fmt: skip
    return env


def _claimbridge(env: dict[str, str], *args: str, expect_failure: bool = False) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "claimbridge", *args], env=env, capture_output=True, text=True,  # noqa: S603
                          check=False, timeout=1800)  # fmt: skip
    if expect_failure != (done.returncode != 0):
        raise Step(
            f"claimbridge {' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done


def _fingerprint(env: dict[str, str]) -> dict[str, Any]:
    done = _claimbridge(env, "shell", "-c", FINGERPRINT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, connect_timeout=3, autocommit=True)


def postgres_answers() -> bool:
    try:
        _pg_admin().close()
    except Exception:
        return False
    return True


def _pg_recreate() -> None:
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_NAME}"')


def _pg_drop() -> None:
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def _pg_url() -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{PG_NAME}"


def _tamper(backup: Path, copy: Path) -> str:
    shutil.copytree(backup, copy)
    photo = next(p for p in sorted((copy / "objects" / "evidence" / "originals").rglob("*")) if p.is_file())
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 0x01
    photo.write_bytes(bytes(data))
    return photo.relative_to(copy / "objects").as_posix()


def rehearse(engine: str, work: Path) -> dict[str, Any]:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if engine == "postgresql":
        _pg_recreate()
        url = _pg_url()
    else:
        url = f"sqlite:///{work / 'claimbridge.sqlite3'}"
    env = _env(work, url)
    seconds: dict[str, float] = {}

    def timed(name: str, *args: str, expect_failure: bool = False) -> subprocess.CompletedProcess[str]:
        started = time.perf_counter()
        done = _claimbridge(env, *args, expect_failure=expect_failure)
        seconds[name] = round(time.perf_counter() - started, 2)
        return done

    timed("migrate", "migrate", "--no-input")
    timed("demo", "demo")
    backup = work / "backup"
    timed("backup", "backup", "--out", str(backup))
    before = _fingerprint(env)
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))

    # Wipe: the database as if the server were lost, and every stored file.
    if engine == "postgresql":
        _pg_recreate()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work / 'claimbridge.sqlite3'}{suffix}").unlink(missing_ok=True)
    _claimbridge(env, "shell", "-c", WIPE_FILES)
    shutil.rmtree(work / "media", ignore_errors=True)

    timed("restore", "restore", "--from", str(backup))
    timed("audit_verify", "audit", "verify")
    timed("evidence_verify", "evidence_verify")
    after = _fingerprint(env)
    differing_tables = sorted(
        label
        for label in set(before["rows"]) | set(after["rows"])
        if before["rows"].get(label) != after["rows"].get(label)
    )
    differing_files = sorted(
        key for key in set(before["files"]) | set(after["files"]) if before["files"].get(key) != after["files"].get(key)
    )

    tampered_key = _tamper(backup, work / "backup-tampered")
    refused = timed("tampered_refused", "restore", "--from", str(work / "backup-tampered"), expect_failure=True)
    refusal = (refused.stderr or refused.stdout).strip()
    if tampered_key not in refusal or "拒绝恢复" not in refusal:
        raise Step(f"the tampered backup was refused, but not for its photo:\n{refusal}")
    if engine == "postgresql":
        _pg_drop()
    return {
        "engine": engine,
        "tables": len(before["rows"]),
        "rows": sum(before["rows"].values()),
        "cases": before["rows"].get("cases.Case", 0),
        "files": len(before["files"]),
        "backup_objects": len(manifest["objects"]),
        "backup_bytes": sum(entry["size"] for entry in manifest["objects"].values()) + manifest["database"]["size"],
        "missing": manifest["missing"],
        "differing_tables": differing_tables,
        "differing_files": differing_files,
        "audit_verify": "ok",
        "evidence_verify": "ok",
        "tampered_refused": True,
        "seconds": seconds,
        "ok": not differing_tables and not differing_files and not manifest["missing"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default="var/backup-rehearsal", help="throwaway directory (emptied first)")
    parser.add_argument("--out", help="write the summary here as JSON")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    engines = ["sqlite"]
    if not args.no_postgres:
        if postgres_answers():
            engines.append("postgresql")
        else:
            print(f"PostgreSQL does not answer at {PG_ADMIN_URL.split('@')[-1]}: SQLite only")
    results, failed = [], False
    for engine in engines:
        print(f"=== backup rehearsal on {engine} ===", flush=True)
        try:
            result = rehearse(engine, Path(args.work) / engine)
        except Step as step:
            print(f"FAILED: {step}")
            results.append({"engine": engine, "ok": False, "error": str(step)[:4000]})
            failed = True
            continue
        results.append(result)
        failed |= not result["ok"]
        steps = ", ".join(f"{name} {value:.1f}s" for name, value in result["seconds"].items())
        if result["ok"]:
            print(f"OK: {result['cases']} cases, {result['rows']} rows in {result['tables']} tables and "
                  f"{result['files']} stored files ({result['backup_bytes'] / 1e6:.1f} MB with the database) backed "
                  f"up, wiped, restored and identical; audit verify and evidence_verify pass; a backup with one "
                  f"changed photo is refused.\n  {steps}")  # fmt: skip
        else:
            print(f"FAILED: the restored platform differs from the one backed up.\n  {steps}")
        for what in ("differing_tables", "differing_files", "missing"):
            if result[what]:
                print(f"  {what}: {', '.join(result[what][:20])}")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
