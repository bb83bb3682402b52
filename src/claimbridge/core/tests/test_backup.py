"""`claimbridge backup` and `claimbridge restore`: the database and every stored file, checked before anything is
written back, and the restored platform passes `audit verify` and `evidence_verify` (issue 19 item 5; B9, R19).

The round trip runs on whichever database the suite runs on (SQLite, and PostgreSQL in the suite's second pass)."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from claimbridge.cases.models import Case
from claimbridge.core import backup as backups

pytestmark = pytest.mark.django_db(transaction=True)  # the copy is of what is committed


def _row_counts() -> dict[str, int]:
    # tables only: an unmanaged model has none (django-rq's admin Dashboard, installed with TASKS_BACKEND=rq)
    return {model._meta.label: model._default_manager.count() for model in apps.get_models() if model._meta.managed}


def _stored() -> dict[str, str]:
    """Every file in storage but the transient ones, with its SHA-256."""
    result = {}
    for key in backups.iter_storage():
        if key.startswith(backups.TRANSIENT_PREFIXES):
            continue
        with default_storage.open(key, "rb") as stored:
            result[key] = hashlib.sha256(stored.read()).hexdigest()
    return result


def _wipe_storage() -> None:
    for key in list(backups.iter_storage()):
        default_storage.delete(key)


@pytest.fixture
def demo_world(isolated_storage, settings):
    settings.SMS_BACKEND = "claimbridge.core.sms.LogSmsBackend"
    call_command("demo", stdout=StringIO())


@pytest.fixture
def backed_up(demo_world, tmp_path) -> Path:
    directory = tmp_path / "backup"
    call_command("backup", "--out", str(directory), stdout=StringIO())
    return directory


PHOTOS = [b"first photo bytes", b"second photo bytes", b"third photo bytes"]


@pytest.fixture
def small_backup(isolated_storage, tmp_path) -> Path:
    """Three stored photos and their rows, backed up: enough to damage a backup in every way."""
    from claimbridge.evidence.models import MediaKind, StoredObject

    for data in PHOTOS:
        sha = hashlib.sha256(data).hexdigest()
        name = default_storage.save(f"evidence/originals/{sha[:2]}/{sha}.jpg", ContentFile(data))
        StoredObject.objects.create(sha256=sha, size=len(data), mime="image/jpeg", kind=MediaKind.IMAGE,
                                    storage_name=name)  # fmt: skip
    directory = tmp_path / "backup"
    call_command("backup", "--out", str(directory), stdout=StringIO())
    return directory


def test_every_file_the_demo_stores_is_named_by_the_backups_registry(demo_world):
    """B9: the backup copies what the database names (STORED_NAME_FIELDS); a new kind of stored file that no entry
    names would be lost by a restore, so it fails here: agreements, photos and their derivatives, portraits,
    published reports — everything in storage is named."""
    stored = set(_stored())
    assert {key.split("/")[0] for key in stored} >= {"evidence", "agreements", "adjusters", "progress"}
    assert stored <= set(backups.stored_keys())


def test_a_round_trip_brings_back_every_row_and_file_and_the_audit_verifies(backed_up):
    """B9, R19: back up the demo, wipe the database's rows and every stored file, restore: the same rows in every
    table, the same files with the same bytes, and `audit verify` and `evidence_verify` pass on the restored
    platform."""
    rows, files = _row_counts(), _stored()
    numbers = set(Case.objects.values_list("number", flat=True))
    manifest = json.loads((backed_up / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["objects"]) == set(files)
    assert manifest["missing"] == []
    assert all(manifest["objects"][key]["sha256"] == sha for key, sha in files.items())

    call_command("flush", "--no-input", stdout=StringIO())
    _wipe_storage()
    assert Case.objects.count() == 0
    assert _stored() == {}

    out = StringIO()
    call_command("restore", "--from", str(backed_up), stdout=out)
    assert f"{len(files)} stored files written" in out.getvalue()
    assert _row_counts() == rows
    assert set(Case.objects.values_list("number", flat=True)) == numbers
    assert _stored() == files
    call_command("audit", "verify", stdout=StringIO())
    call_command("evidence_verify", stdout=StringIO())

    again = StringIO()
    call_command("restore", "--from", str(backed_up), stdout=again)  # the files are there with the same bytes
    assert f", 0 stored files written, {len(files)} already there unchanged" in again.getvalue()


def _refused(directory: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", "--from", str(directory), stdout=StringIO())
    return str(refused.value)


def _changes_nothing(small_backup: Path, damage) -> str:
    """Damage the backup, change the platform after it, and check a refused restore left the platform as it was."""
    from claimbridge.evidence.models import StoredObject

    damage(small_backup)
    StoredObject.objects.update(mime="image/changed-after-the-backup")
    victim = next(key for key in sorted(_stored()) if key.startswith("evidence/originals/"))
    default_storage.delete(victim)
    message = _refused(small_backup)
    assert set(StoredObject.objects.values_list("mime", flat=True)) == {
        "image/changed-after-the-backup"
    }  # not replaced
    assert not default_storage.exists(victim)  # no file was written back
    return message


def _first_object(directory: Path) -> Path:
    return next(
        path for path in sorted((directory / "objects" / "evidence" / "originals").rglob("*")) if path.is_file()
    )


def test_a_tampered_object_is_refused_with_nothing_written(small_backup):
    """B9: one byte of one stored photo changed in the backup: restore exits non-zero, says so in both languages,
    names the file, and writes nothing."""

    def damage(directory: Path) -> None:
        path = _first_object(directory)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))

    message = _changes_nothing(small_backup, damage)
    assert "拒绝恢复" in message
    assert "restore refused, nothing was written" in message
    assert "objects/evidence/originals/" in message


def test_a_tampered_object_with_its_hash_rewritten_is_refused_by_the_signature(small_backup):
    """B9: whoever edits a file and its hash in the manifest cannot sign the manifest without the SECRET_KEY."""

    def damage(directory: Path) -> None:
        path = _first_object(directory)
        path.write_bytes(b"not the original photo")
        manifest_path = directory / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        key = path.relative_to(directory / "objects").as_posix()
        manifest["objects"][key] = {"sha256": hashlib.sha256(b"not the original photo").hexdigest(), "size": 22}
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    message = _changes_nothing(small_backup, damage)
    assert "签名不符" in message
    assert "signature does not match" in message


def test_a_changed_database_copy_is_refused(small_backup):
    """B9: the database file is checked like every object."""

    def damage(directory: Path) -> None:
        database = next(path for path in directory.iterdir() if path.name.startswith("db."))
        with database.open("ab") as stream:
            stream.write(b"\0")

    assert "db." in _changes_nothing(small_backup, damage)


def test_an_unfinished_backup_is_refused(small_backup):
    """B9: the manifest is written last; a backup without one was cut short."""
    (small_backup / "manifest.json").unlink()
    message = _refused(small_backup)
    assert "备份不完整" in message
    assert "unfinished backup" in message


def test_the_check_option_verifies_and_writes_nothing(small_backup):
    """B9: `restore --check` says whether a backup is whole, without restoring it."""
    from claimbridge.evidence.models import StoredObject

    StoredObject.objects.update(mime="after")
    out = StringIO()
    call_command("restore", "--from", str(small_backup), "--check", stdout=out)
    assert "the backup verifies: its" in out.getvalue()
    assert "3 stored files match" in out.getvalue()
    assert set(StoredObject.objects.values_list("mime", flat=True)) == {"after"}


def test_a_backup_is_never_written_over_another(small_backup):
    """B9: the target directory must be new or empty."""
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "--out", str(small_backup), stdout=StringIO())


def test_a_storage_key_that_would_leave_the_backup_directory_is_refused():
    """B9: keys come from the database and, on restore, from the manifest: `..`, absolute paths and the like are
    never joined to a path."""
    assert backups.safe_key("evidence/originals/ab/cd.jpg").parts[-1] == "cd.jpg"
    for bad in ("../etc/passwd", "/etc/passwd", "evidence/../../x", "a//b", "a\\b", "", "./a"):
        with pytest.raises(backups.BackupError):
            backups.safe_key(bad)


def test_a_file_named_but_missing_from_storage_is_reported(isolated_storage, tmp_path):
    """B9: a row naming a file storage does not have is listed in the manifest and on the command's error output;
    the rest is backed up."""
    from claimbridge.evidence.models import MediaKind, StoredObject

    default_storage.save("evidence/originals/present.jpg", ContentFile(b"here"))
    StoredObject.objects.create(sha256="a" * 64, size=4, mime="image/jpeg", kind=MediaKind.IMAGE,
                                storage_name="evidence/originals/present.jpg")  # fmt: skip
    StoredObject.objects.create(sha256="b" * 64, size=4, mime="image/jpeg", kind=MediaKind.IMAGE,
                                storage_name="evidence/originals/gone.jpg")  # fmt: skip
    err = StringIO()
    call_command("backup", "--out", str(tmp_path / "b"), stdout=StringIO(), stderr=err)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["missing"] == ["evidence/originals/gone.jpg"]
    assert "evidence/originals/present.jpg" in manifest["objects"]
    assert "evidence/originals/gone.jpg" in err.getvalue()


def test_the_stored_files_go_through_the_storage_api_so_s3_works_alike(settings, monkeypatch, tmp_path):
    """B9: on S3-compatible storage (django-storages against moto's in-process S3, where a directory is only a key
    prefix) the files are listed, backed up and written back exactly as on disk."""
    moto = pytest.importorskip("moto", reason="moto (a dev dependency) fakes S3 in-process")
    import boto3  # type: ignore[import-untyped]

    from claimbridge.evidence.models import MediaKind, StoredObject

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="claimbridge-backup-test")
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": "claimbridge-backup-test", "region_name": "us-east-1", "file_overwrite": False}}}  # fmt: skip
        for data in PHOTOS:
            sha = hashlib.sha256(data).hexdigest()
            name = default_storage.save(f"evidence/originals/{sha[:2]}/{sha}.jpg", ContentFile(data))
            StoredObject.objects.create(sha256=sha, size=len(data), mime="image/jpeg", kind=MediaKind.IMAGE,
                                        storage_name=name)  # fmt: skip
        assert type(default_storage._wrapped).__name__ == "S3Storage"
        assert not default_storage.exists("evidence")  # a prefix, not an object
        files = _stored()
        assert len(files) == 3
        call_command("backup", "--out", str(tmp_path / "b"), stdout=StringIO())
        _wipe_storage()
        assert _stored() == {}
        call_command("restore", "--from", str(tmp_path / "b"), stdout=StringIO())
        assert _stored() == files
        call_command("evidence_verify", stdout=StringIO())
