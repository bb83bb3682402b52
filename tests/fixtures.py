"""Shared fixtures. Every test database starts with the demo world: two cities, four insurers, every role."""

from __future__ import annotations

import pytest

from claimbridge.accounts.models import User
from claimbridge.core.demo import DEMO_PASSWORD, load_demo
from tests.backends import file_storage


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture(autouse=True)
def chinese_first():
    """Every test starts in the default language, whatever an earlier test in the same worker left active."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def users(db) -> dict[str, User]:
    return {user.username: user for user in User.objects.select_related("insurer", "association")}


@pytest.fixture
def demo_password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def world_for_live_server(transactional_db) -> None:
    """Transactional tests start from an empty database, so they load the demo world themselves."""
    load_demo()


@pytest.fixture
def users_transactional(transactional_db) -> dict[str, User]:
    """The demo users in a test that commits for real (threads, live servers)."""
    load_demo()
    return {user.username: user for user in User.objects.select_related("insurer", "association")}


@pytest.fixture
def isolated_storage(monkeypatch, settings):
    """Files in a new empty store (in memory, or on S3 under make test-production-backends), on-commit callbacks run
    at once (tests run in a transaction that never commits), and an empty photo-reuse index before and after."""
    from django.db import transaction

    from claimbridge.evidence import reuse_index

    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    monkeypatch.setattr(transaction, "on_commit", lambda callback, using=None, robust=False: callback())
    reuse_index.reset()
    yield
    reuse_index.reset()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world of real objects of two insurers (tests/world.py), built once per test module inside a transaction
    that is rolled back after the module; each test runs in a savepoint of it (issue 12, B8)."""
    from tests.factories import built_once
    from tests.world import build_world, world_patches

    with world_patches(), built_once(django_db_blocker, build_world) as built:
        yield built
