"""Settings, read from the environment.

Defaults are production-safe: DEBUG is off, cookies are secure and every response carries security headers and a
content security policy. `make run` turns DEBUG on for local development; nothing else does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CLAIMBRIDGE_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

# Personal data is encrypted with these keys (comma-separated Fernet keys, newest first, so keys can rotate).
# Without them a key is derived from SECRET_KEY, which is only acceptable for development and tests.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "")
# The case audit chain is linked and the cases' rows sealed with these keys (comma-separated, newest first, each at
# least 32 characters; keep every old key as long as events linked by it exist), and its checkpoints signed with this
# Ed25519 seed (base64 of 32 bytes). Both kept outside the database (decision 0012); without them keys are derived
# from SECRET_KEY, which is only acceptable for development and tests.
AUDIT_CHAIN_KEYS = env_list("AUDIT_CHAIN_KEYS", "")
AUDIT_CHECKPOINT_KEY = os.environ.get("AUDIT_CHECKPOINT_KEY", "")
# The fraud link index pseudonymises identifiers with these keys (`version:secret`, comma-separated, newest first,
# each secret at least 32 characters; decision 0018). Kept outside the database; without them one is derived from
# SECRET_KEY, which is only acceptable for development and tests. After adding a key run `claimbridge fraud_links
# rebuild`, then drop the old one.
LINK_INDEX_KEYS = os.environ.get("LINK_INDEX_KEYS", "")
FRAUD_RING_MAX_DEGREE = int(os.environ.get("FRAUD_RING_MAX_DEGREE", "50"))  # an entity of more cases is a hub

# Service levels of a claim, from the report: first call to the customer, survey (loss assessed), closure.
CASE_SLA_MINUTES = {
    "first_contact": int(os.environ.get("SLA_FIRST_CONTACT_MINUTES", "30")),
    "survey": int(os.environ.get("SLA_SURVEY_MINUTES", str(24 * 60))),
    "closure": int(os.environ.get("SLA_CLOSURE_MINUTES", str(10 * 24 * 60))),
}
# The associations' Ed25519 key for adjusters' credentials: base64 of a 32-byte seed (see credentials/keys.py).
ADJUSTER_REWARD_PER_CASE = os.environ.get("ADJUSTER_REWARD_PER_CASE", "20.00")  # yuan per other-company case (R15)
# How far back the platform gathers a clue's people's and vehicles' claims, across every company (R11).
FRAUD_RECENT_CLAIMS_MONTHS = int(os.environ.get("FRAUD_RECENT_CLAIMS_MONTHS", "12"))
CREDENTIAL_SIGNING_KEY = os.environ.get("CREDENTIAL_SIGNING_KEY", "")
# Plausibility of what people type (issue 12): an accident or a stop must have happened, recently enough to be
# reported now (a phone's clock may run a few minutes fast); no amount of money above the ceiling (yuan).
CLOCK_SKEW_MINUTES = int(os.environ.get("CLOCK_SKEW_MINUTES", "10"))
ACCIDENT_MAX_AGE_DAYS = int(os.environ.get("ACCIDENT_MAX_AGE_DAYS", str(3 * 365)))
MONEY_MAX_YUAN = os.environ.get("MONEY_MAX_YUAN", "20000000.00")
# A mobile number proved again reaches the cases reported in this many days only: carriers give a cancelled number
# to someone else after about three months, who must not read the last owner's agreements. A case joined in the same
# browser session is reached whatever its age.
MY_CASES_PHONE_DAYS = int(os.environ.get("MY_CASES_PHONE_DAYS", "180"))
# A person's request about their personal data (PIPL arts. 44–47, decision 0030) is answered within this many days.
SUBJECT_REQUEST_DEADLINE_DAYS = int(os.environ.get("SUBJECT_REQUEST_DEADLINE_DAYS", "15"))
# An adjuster's stop is logged at the roadside or synced when the phone has signal again (B7): days late, not
# years. Two months leaves room for a late entry to correct the last published monthly feedback (R15), no more.
SERVICE_STOP_MAX_AGE_DAYS = int(os.environ.get("SERVICE_STOP_MAX_AGE_DAYS", "60"))
# The largest request body read into memory (JSON: a batch of 10,000 policies is about 8 MB); uploaded files stream to
# disk and have their own limit (EVIDENCE_MAX_UPLOAD_MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("API_MAX_BODY_MB", "16")) * 1024 * 1024
REFERENCE_CACHE_SECONDS = int(os.environ.get("REFERENCE_CACHE_SECONDS", "30"))  # see core/reference_cache.py
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)  # bench/intake.py's yardstick endpoint; never in production
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "claimbridge.core.apps.LoginSecurityConfig",
    "csp",
    "django_tasks",
    "claimbridge.core.apps.BackgroundTasksConfig",
    "claimbridge.core",
    "claimbridge.organisations",
    "claimbridge.accounts",
    "claimbridge.rulebook",
    "claimbridge.evidence",
    "claimbridge.policies",
    "claimbridge.cases",
    "claimbridge.credentials",
    "claimbridge.fraud",
    "claimbridge.police",
    "claimbridge.reports",
    "claimbridge.field",
    "claimbridge.guidance",
    "claimbridge.consultations",
    "claimbridge.accesslog",
    "claimbridge.subjects",
    "claimbridge.retention",
    "claimbridge.privacy",
    "claimbridge.web",
]

MIDDLEWARE = [
    "claimbridge.core.middleware.RequestIdMiddleware",  # outermost: every line logged below carries the request's id
    "claimbridge.core.metrics.MetricsMiddleware",  # times everything below it
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "claimbridge.core.middleware.InputSanityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "claimbridge.core.middleware.PrivateResponsesMiddleware",
]

ROOT_URLCONF = "claimbridge.urls"
WSGI_APPLICATION = "claimbridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claimbridge.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------------
# SQLite is the zero-set-up default; PostgreSQL (psycopg 3) in production: DATABASE_URL=postgres://user@host:5432/db
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'claimbridge.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE avoids "database is locked" upgrades mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock-out after repeated failures: per username *and* address, so a stranger cannot lock a user out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "claimbridge.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# --- Internationalisation -------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# County boundaries (GeoJSON, DataV schema: `adcode`, `name`, `parent.adcode`) for placing a point in a county (B3).
# Licensed boundary data is supplied by the operator; without it, location lookups answer 503.
COUNTY_BOUNDARIES_FILE = os.environ.get("COUNTY_BOUNDARIES_FILE", "")
COUNTY_BOUNDARIES_CRS = os.environ.get("COUNTY_BOUNDARIES_CRS", "gcj02")

# Text messages (one-time codes): a class with send(phone, text); the default writes to the log.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "claimbridge.core.sms.LogSmsBackend")

# Evidence (photos and videos of the scene).
EVIDENCE_MAX_UPLOAD_MB = int(os.environ.get("EVIDENCE_MAX_UPLOAD_MB", "200"))
EVIDENCE_MAX_MEGAPIXELS = int(os.environ.get("EVIDENCE_MAX_MEGAPIXELS", "60"))
EVIDENCE_MAX_VIDEO_SECONDS = int(os.environ.get("EVIDENCE_MAX_VIDEO_SECONDS", "120"))
EVIDENCE_REQUIRED_SLOTS = env_list("EVIDENCE_REQUIRED_SLOTS", "front_panorama,rear_panorama,collision_point")
EVIDENCE_TAKEN_BEFORE_MINUTES = float(os.environ.get("EVIDENCE_TAKEN_BEFORE_MINUTES", "30"))
EVIDENCE_MAX_DISTANCE_KM = float(os.environ.get("EVIDENCE_MAX_DISTANCE_KM", "2"))
# Reused photos (decision 0008, issue 14): the hash stage's radius in bits and how many of the nearest candidates
# go on to verification, which alone decides.
EVIDENCE_REUSE_MAX_DISTANCE = int(os.environ.get("EVIDENCE_REUSE_MAX_DISTANCE", "21"))
EVIDENCE_REUSE_MAX_CANDIDATES = int(os.environ.get("EVIDENCE_REUSE_MAX_CANDIDATES", "200"))
EVIDENCE_ORPHAN_GRACE_HOURS = float(os.environ.get("EVIDENCE_ORPHAN_GRACE_HOURS", "24"))
# Resumable uploads (decision 0025): hours an upload lives (from its start; once whole, from then), the parts' size
# limit (the API's body limit by default) and how many a person may have open at once.
EVIDENCE_UPLOAD_EXPIRY_HOURS = float(os.environ.get("EVIDENCE_UPLOAD_EXPIRY_HOURS", "24"))
EVIDENCE_UPLOAD_MAX_PART_MB = int(
    os.environ.get("EVIDENCE_UPLOAD_MAX_PART_MB", os.environ.get("API_MAX_BODY_MB", "16"))
)
EVIDENCE_UPLOADS_OPEN_MAX = int(os.environ.get("EVIDENCE_UPLOADS_OPEN_MAX", "50"))

STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True

_static_backend = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if env_bool("STATIC_MANIFEST", False)
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _static_backend},
}


def s3_storage(*, bucket: str, endpoint_url: str | None, region: str | None, access_key: str | None,
               secret_key: str | None, location: str = "") -> dict[str, Any]:  # fmt: skip
    """The file storage on any S3-compatible store (MinIO, OSS, COS, AWS) through django-storages: private objects,
    downloads by signed URL, never a name overwritten. `location` is a key prefix (the tests give each run its own)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": location,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = s3_storage(
        bucket=os.environ["S3_BUCKET"],
        endpoint_url=os.environ.get("S3_ENDPOINT_URL"),
        region=os.environ.get("S3_REGION"),
        access_key=os.environ.get("S3_ACCESS_KEY_ID"),
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY"),
    )

# --- E-mail ---------------------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ClaimBridge <noreply@claimbridge.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Ops", addr) for addr in env_list("ADMIN_EMAILS", "")]

# Webhooks (B9): the first retry's wait in seconds (doubled each time, 8 attempts) and how long a worker holds the
# messages it took before another may send them (a killed worker's messages come due again after it).
WEBHOOK_FIRST_RETRY_SECONDS = float(os.environ.get("WEBHOOK_FIRST_RETRY_SECONDS", "30"))
WEBHOOK_LEASE_SECONDS = float(os.environ.get("WEBHOOK_LEASE_SECONDS", "120"))
# The HTTP text-message gateway (SMS_BACKEND=claimbridge.core.sms.HttpSmsBackend): JSON {"phone", "text"} is posted
# to this URL with `Authorization: Bearer <SMS_GATEWAY_TOKEN>`; a 2xx answer is a message accepted.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")

# --- Background tasks -----------------------------------------------------------------------------------------------
# TASKS_BACKEND: `database` (django-tasks-db, the embedded default: the queue is a table of the platform's database) or
# `rq` (django-tasks-rq: RQ on the Redis at REDIS_URL, decision 0026); a backend's dotted path is taken as it is.
# `claimbridge worker` runs the chosen backend's worker (db_worker, or rqworker on every queue of TASK_QUEUES).
TASK_BACKEND_ALIASES = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
RQ_BACKEND = TASK_BACKEND_ALIASES["rq"]
# Every queue a task is enqueued on (`@task(queue_name=…)`; all of today's use `default`): RQ serves exactly these,
# and a test checks that each task of the platform names one of them.
TASK_QUEUES = ["default"]
_tasks_backend = os.environ.get("TASKS_BACKEND", "").strip() or "database"
TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": TASK_BACKEND_ALIASES.get(_tasks_backend, _tasks_backend)}}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# The longest an RQ job may run before its worker kills it (RQ's own default, 180 s, is shorter than a large policy
# load, a fraud rescan or a statistics rebuild).
RQ_JOB_TIMEOUT_SECONDS = int(os.environ.get("RQ_JOB_TIMEOUT_SECONDS", "3600"))
if TASKS["default"]["BACKEND"] == RQ_BACKEND:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # django-rq would put its dashboard in the back office for every staff account (the associations' too), with
    # each job's arguments and buttons to delete or requeue jobs: the queues are the operators' (rqinfo, /metrics).
    RQ_SHOW_ADMIN_LINK = False
    TASKS["default"]["QUEUES"] = TASK_QUEUES
    RQ_QUEUES: dict[str, dict[str, Any]] = {
        name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": RQ_JOB_TIMEOUT_SECONDS} for name in TASK_QUEUES
    }

# --- Operations (issue 19) -------------------------------------------------------------------------------------------
# /metrics (Prometheus) wants `Authorization: Bearer <METRICS_TOKEN>`; without a token it is off (404) unless DEBUG.
# Several server processes on one machine: PROMETHEUS_MULTIPROC_DIR (read by prometheus-client itself), see
# core/metrics.py.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# LOG_FORMAT=json: one JSON object per log line (core/logging.py), for a log collector; `plain` by default. ACCESS_LOG:
# one line per request (method, URL pattern, status, milliseconds, request id), on by default.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT is `plain` or `json`.")
ACCESS_LOG = env_bool("ACCESS_LOG", True)

# --- Security -------------------------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # probed and scraped node by node, plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading HSTS is hard to undo and belongs to whoever owns the domain: opt in with SECURE_HSTS_PRELOAD=1.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "claimbridge.core.logging.MaskPersonalDataFilter"},
        "request_id": {"()": "claimbridge.core.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "claimbridge.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["mask_personal_data", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
if LOG_FORMAT == "json":  # runserver's own request lines too, so that every line is JSON
    LOGGING["loggers"]["django.server"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
