"""Test settings: production settings with a fixed key, a fast password hasher and tasks run inline."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("CLAIMBRIDGE_VAR_DIR", tempfile.mkdtemp(prefix="claimbridge-test-"))

from claimbridge.settings import *  # noqa: F403
from claimbridge.settings import STORAGES

# Argon2 is proven in its own test; everywhere else hashing speed only slows the suite down.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
COUNTY_BOUNDARIES_FILE = str(Path(__file__).resolve().parent / "data" / "gansu_longnan_tianshui_counties.geojson")
SMS_BACKEND = "claimbridge.core.sms.MemorySmsBackend"
REFERENCE_CACHE_SECONDS = 0  # every test builds its own world; the cache's own test turns it on
