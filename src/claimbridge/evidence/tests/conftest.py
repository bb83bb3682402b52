from __future__ import annotations

import pytest
from django.db import transaction
from tests.backends import file_storage

from claimbridge.evidence import reuse_index


@pytest.fixture(autouse=True)
def fresh_reuse_index():
    """Each test's database starts over, so the in-process index must too."""
    reuse_index.reset()
    yield
    reuse_index.reset()


@pytest.fixture(autouse=True)
def background_tasks_run_at_once(monkeypatch):
    """A test runs inside one transaction that never commits; run what would follow the commit right away, as the
    worker would after a real upload."""
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: callback())


@pytest.fixture(autouse=True)
def empty_storage(settings):
    """A new empty store per test (in memory, or a prefix of its own on S3), so "nothing was stored" can be checked
    exactly."""
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
