"""What the storage API leaves to each backend: a directory on S3 is only a prefix of keys, so `exists("dir")` is
False there even with files under it, while the local disk raises for a directory that is not there. Listings go
through here, so a sweep works the same on both (issue 19: on S3 the orphan sweep saw nothing and called every
original missing)."""

from __future__ import annotations

from django.core.files.storage import default_storage


def listdir(path: str) -> tuple[list[str], list[str]]:
    """(subdirectories, files) under `path` in the default storage; empty when there is nothing there."""
    try:
        subdirectories, files = default_storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    return list(subdirectories), list(files)
