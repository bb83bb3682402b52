"""Test settings: production settings with a fixed key, a fast password hasher, tasks run inline and files in memory
(or RQ and S3 under `make test-production-backends`: tests/backends.py)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("CLAIMBRIDGE_VAR_DIR", tempfile.mkdtemp(prefix="claimbridge-test-"))

from claimbridge.settings import *  # noqa: F403
from claimbridge.settings import INSTALLED_APPS, RQ_BACKEND, RQ_JOB_TIMEOUT_SECONDS, STORAGES, TASK_QUEUES
from tests import backends

# Argon2 is proven in its own test; everywhere else hashing speed only slows the suite down.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if backends.TASKS_BACKEND == "rq":
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]
    RQ_SHOW_ADMIN_LINK = False  # as the production settings have it
    TASKS = {"default": {"BACKEND": RQ_BACKEND, "QUEUES": TASK_QUEUES}}
    RQ_QUEUES = {
        name: {"URL": backends.REDIS_URL, "ASYNC": False, "DEFAULT_TIMEOUT": RQ_JOB_TIMEOUT_SECONDS}
        for name in TASK_QUEUES
    }
STORAGES = {**STORAGES, "default": backends.file_storage()}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
COUNTY_BOUNDARIES_FILE = str(Path(__file__).resolve().parent / "data" / "gansu_longnan_tianshui_counties.geojson")
SMS_BACKEND = "claimbridge.core.sms.MemorySmsBackend"
REFERENCE_CACHE_SECONDS = 0  # every test builds its own world; the cache's own test turns it on
