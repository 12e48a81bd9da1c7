"""Settings for PPID Dokumentasi.

Every value comes from the environment with a safe embedded default, so that `bin/run` works on
a bare machine (SQLite, a filesystem Celery broker) and production only sets variables
(PostgreSQL through DATABASE_URL, Redis through REDIS_URL). The variables are listed in README.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PPID_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# --- Secret key: refused when DEBUG is off and it is the default or a weak one ---------------
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY


def secret_key_is_weak(key: str) -> bool:
    """Django's own yardstick (check --deploy, security.W009), plus our development default."""
    return (
        key == DEVELOPMENT_SECRET_KEY
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    )


if not DEBUG and secret_key_is_weak(SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is missing, the development default or too weak (it needs at least "
        f"{SECRET_KEY_MIN_LENGTH} characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them "
        "different), and DJANGO_DEBUG is off. Set a random one, e.g. "
        "DJANGO_SECRET_KEY=$(openssl rand -hex 32), or DJANGO_DEBUG=1 on a development machine."
    )
# ---------------------------------------------------------------------------------------------

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Origins (scheme://host[:port]) allowed to POST forms besides the site itself, e.g. when a
# proxy serves the site under another name: https://ppid.example.go.id
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver (DEBUG on) serves static files through WhiteNoise too, as production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "ppid",
    "dip",
    "workflow",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /static/ answers here, before sessions and the rest (README "Static files").
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The security headers first, so that the health answers below carry them too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the directives in a fixed order (the same bytes in every process).
    "ppid.middleware.SortedCSPMiddleware",
    # /healthz and /readyz answer here: before host checks, sessions, locale and CSRF.
    "ppid.health.HealthCheckMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ppid.middleware.IndonesianFirstLocaleMiddleware",
    # A NUL byte in the path, query or form body: 400 before any view or query sees it.
    "ppid.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The public site's reads go to the read replica when there is one (ppid/dbrouter.py).
    "ppid.dbrouter.PublicReadMiddleware",
    # Officers' pages and signed-in API answers: Cache-Control: private, no-store.
    "ppid.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "ppid.urls"
WSGI_APPLICATION = "ppid.wsgi.application"

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
                "workflow.context_processors.task_count",
                "workflow.context_processors.notice_count",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise. Health-checked persistent
# connections so that a restarted PostgreSQL is picked up again without restarting the app.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif not env_bool("DATABASE_JIT", False):
    # PostgreSQL's JIT compiles any query whose estimated cost is high, and the permission
    # subqueries are estimated high: at province scale it spent 340 ms compiling an audit-log
    # page that ran in 9 ms (issue 15, benchmarks/README.md). Short web queries never gain.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# A read replica of the PostgreSQL database for the public site's reads (ppid/dbrouter.py).
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if "options" in DATABASES["default"].get("OPTIONS", {}):  # the same JIT setting
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = DATABASES["default"]["OPTIONS"][
            "options"
        ]
DATABASE_ROUTERS = ["ppid.dbrouter.ReplicaRouter"] if "replica" in DATABASES else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflow:tasks"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("PPID_TIME_ZONE", "Asia/Pontianak")
USE_I18N = True
USE_TZ = True
# One date format on every page, "6 Desember 2026" / "6 Desember 2026 14:05" (ppid/formats/).
FORMAT_MODULE_PATH = ["ppid.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served publicly; downloads go through views that check rights
# Static files: `collectstatic` writes them under STATIC_ROOT with a content hash in each name
# (staticfiles.json maps the names) plus gzip and Brotli copies; WhiteNoise serves them, hashed
# names with a far-future `immutable` Cache-Control. With DEBUG off, {% static %} needs that
# manifest: collect before starting (Dockerfile, README "Production").
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are for browser developer tools only: not worth compressing (they are most of the
# Swagger UI bundle's weight, and Brotli on them is most of collectstatic's time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Uploads: attachment limits (see dip/uploads.py).
PPID_UPLOAD_MAX_BYTES = int(os.environ.get("PPID_UPLOAD_MAX_MB", "20")) * 1024 * 1024
# Office files are zip archives: what their parts may inflate to, in total and per byte read
# (dip/uploads.py counts while it streams them; a larger or more compressed file is a bomb).
PPID_UPLOAD_MAX_UNCOMPRESSED_BYTES = (
    int(os.environ.get("PPID_UPLOAD_MAX_UNCOMPRESSED_MB", "500")) * 1024 * 1024
)
PPID_UPLOAD_MAX_RATIO = int(os.environ.get("PPID_UPLOAD_MAX_RATIO", "100"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's, refusing deep nesting and NUL characters with a 400 (ppid/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "ppid.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "ppid.parsers.MultiPartParser",
    ],
    # Lists come in pages (`?page=`, `?page_size=` up to a maximum) with next/previous links.
    "DEFAULT_PAGINATION_CLASS": "ppid.lists.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["ppid.lists.ListFilterBackend"],
    "EXCEPTION_HANDLER": "ppid.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PPID Dokumentasi API",
    "DESCRIPTION": "Register, approval chain and published DIP/DIK of Indonesian public bodies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI would put a link inside each operation's button (a nested
    # interactive control, which screen readers cannot reach; axe reports it).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EditionKindEnum": "dip.models.EditionKind",
        "AttachmentKindEnum": "dip.models.AttachmentKind",
        "DocumentStatusEnum": "dip.models.DocumentStatus",
        "StageEnum": "dip.models.Stage",
        "ClassificationEnum": "dip.models.Classification",
        "RequestStatusEnum": "workflow.models.RequestStatus",
        "RequestDecisionEnum": "workflow.models.REQUEST_DECISION_CHOICES",
        "RequestFormEnum": "workflow.models.RequestForm",
        "FormEnum": "dip.models.InformationForm",
        "ImportStatusEnum": "dip.models.ImportStatus",
    },
    # Every operation's error answers (400, 401, 403, 404, 409, 413, 429, 503), said once.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ppid.openapi.document_error_answers",
    ],
}

# Celery. With REDIS_URL: Redis broker, a real worker and beat. Without it: the filesystem
# transport under var/celery, which needs no server; `bin/run` starts one worker with embedded
# beat against it, so periodic work runs in the demo too.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # A task delivered to a worker that dies without acknowledging it (killed, machine lost)
    # goes back to the queue after the visibility timeout: keep it above the longest task and
    # retry countdown, or a running task is delivered twice. kombu looks for such tasks every
    # interval * throttle seconds (100 s by default); a short timeout (tests) looks sooner.
    _visibility_timeout = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
    if _visibility_timeout < 600:
        CELERY_BROKER_TRANSPORT_OPTIONS |= {
            "unacked_restore_interval": max(1, _visibility_timeout // 2),
            "unacked_restore_throttle": 1,
        }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When the broker is down at signing, give up queueing quickly: the commit stands and the
# publication sweep picks the edition up once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = TIME_ZONE
# Publication sweep: editions signed but not published (broker down at signing, worker lost).
PPID_PUBLISH_SWEEP_SECONDS = int(os.environ.get("PPID_PUBLISH_SWEEP_SECONDS", "60"))
# The clock watch: how often the sweep looks for steps whose next notice is due, how many steps
# one sweep hands out at most (the rest wait for the next sweep, oldest first), how many step
# ids go in one fanned-out message, and the grace after a deadline before a late step is
# escalated to the atasan, then after another grace to the PPID Utama. The grace is wall-clock
# hours (nights and weekends count), not office time.
PPID_CLOCK_SWEEP_SECONDS = int(os.environ.get("PPID_CLOCK_SWEEP_SECONDS", "60"))
PPID_CLOCK_SWEEP_BATCH = int(os.environ.get("PPID_CLOCK_SWEEP_BATCH", "5000"))
PPID_CLOCK_FANOUT_CHUNK = int(os.environ.get("PPID_CLOCK_FANOUT_CHUNK", "100"))
PPID_ESCALATION_GRACE_HOURS = float(os.environ.get("PPID_ESCALATION_GRACE_HOURS", "4"))
# Serta merta announced at once (Pasal 10): the time standard of the PPID's one-step decision
# on an operator's request, counted like an SOP step ("menit"/"jam" = office time).
PPID_SERTA_MERTA_STANDARD_AMOUNT = int(os.environ.get("PPID_SERTA_MERTA_STANDARD_AMOUNT", "1"))
PPID_SERTA_MERTA_STANDARD_UNIT = os.environ.get("PPID_SERTA_MERTA_STANDARD_UNIT", "jam")
CELERY_BEAT_SCHEDULE = {
    "publish-signed-editions": {
        "task": "workflow.tasks.sweep_unpublished",
        "schedule": timedelta(seconds=PPID_PUBLISH_SWEEP_SECONDS),
        "options": {"expires": max(PPID_PUBLISH_SWEEP_SECONDS - 5, 1)},
    },
    # Pushes to aggregators not yet sent (broker down at publication, a lost retry).
    "send-pending-deliveries": {
        "task": "dip.tasks.sweep_deliveries",
        "schedule": timedelta(seconds=60),
        "options": {"expires": 55},
    },
    # Row flags, daily after midnight (local time): berkala rows whose update is due and
    # exemptions that have ended. A missed day is caught up by the next sweep.
    "flag-rows-daily": {
        "task": "dip.tasks.sweep_row_flags",
        "schedule": crontab(minute=15, hour=0),
        "options": {"expires": 12 * 3600},
    },
    # The clock watch: open steps whose next notice (reminder, terlambat, escalation) is due.
    "watch-step-clock": {
        "task": "workflow.tasks.sweep_step_clock",
        "schedule": timedelta(seconds=PPID_CLOCK_SWEEP_SECONDS),
        "options": {"expires": max(PPID_CLOCK_SWEEP_SECONDS - 5, 1)},
    },
    # Announcements whose spoken version was not made (broker down at their commit).
    "make-announcement-audio": {
        "task": "dip.tasks.sweep_announcement_audio",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 9 * 60},
    },
    # Requests for information: reminder, terlambat and escalation of the 10 (+7) days.
    "watch-request-clock": {
        "task": "workflow.tasks.sweep_request_clock",
        "schedule": timedelta(seconds=PPID_CLOCK_SWEEP_SECONDS),
        "options": {"expires": max(PPID_CLOCK_SWEEP_SECONDS - 5, 1)},
    },
    # Objections (keberatan): reminder, terlambat and escalation of the atasan's 30 days, and
    # answers whose signed PDF was not built.
    "watch-objection-clock": {
        "task": "workflow.tasks.sweep_objection_clock",
        "schedule": timedelta(seconds=PPID_CLOCK_SWEEP_SECONDS),
        "options": {"expires": max(PPID_CLOCK_SWEEP_SECONDS - 5, 1)},
    },
    # Serta merta requests whose clock owes a notice (reminder, terlambat, escalation).
    "watch-serta-merta-clock": {
        "task": "workflow.tasks.sweep_serta_merta_clock",
        "schedule": timedelta(seconds=PPID_CLOCK_SWEEP_SECONDS),
        "options": {"expires": max(PPID_CLOCK_SWEEP_SECONDS - 5, 1)},
    },
}

# Cache: Redis when configured, else files under var/ (shared by the web and worker processes,
# which the public page cache needs: a publication in the worker retires the web's pages).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis unreachable: fail fast, and the page cache serves live pages meanwhile.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# E-mail: SMTP as soon as DJANGO_EMAIL_HOST is set, else printed to the console.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS, port 587
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("Set only one of DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL.")
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "ppid@localhost")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Signed documents: where the public site lives (for the QR code), and the per-body signing
# keys (PKCS#12 files named <body-slug>.p12; seed_demo creates a demo CA and keys here).
PPID_PUBLIC_BASE_URL = os.environ.get("PPID_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The open-data catalogue (/data/catalog.jsonld): its title, publisher and the licence of the
# published lists (Satu Data Indonesia portals use CC BY 4.0).
PPID_OPEN_DATA_TITLE = os.environ.get(
    "PPID_OPEN_DATA_TITLE", "Katalog Daftar Informasi Publik Badan Publik"
)
PPID_OPEN_DATA_PUBLISHER = os.environ.get("PPID_OPEN_DATA_PUBLISHER", "PPID Utama")
PPID_OPEN_DATA_LICENSE = os.environ.get(
    "PPID_OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/"
)
PPID_SIGNING_DIR = Path(os.environ.get("PPID_SIGNING_DIR", VAR_DIR / "signing"))
PPID_SIGNING_PASSPHRASE = os.environ.get("PPID_SIGNING_PASSPHRASE", "ppid-demo-signing")
# Certificates (PEM files, comma-separated) that verification trusts; empty: the demo CA,
# <PPID_SIGNING_DIR>/ca.pem.
PPID_SIGNING_TRUST_ROOTS = env_list("PPID_SIGNING_TRUST_ROOTS", "")

# Demo accounts' password when seed_demo is run without --password.
PPID_DEMO_PASSWORD = os.environ.get("PPID_DEMO_PASSWORD", "ppid-demo-2026")
# The demo (bin/run sets it): the sign-in page names the demo accounts and their password.
# Never on in production.
PPID_DEMO = env_bool("PPID_DEMO", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "filters": {"permission_denied": {"()": "ppid.logfilters.PermissionDeniedWithoutTraceback"}},
    "loggers": {
        # The PDF renderer's per-step progress and font decoding chatter.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # An ordinary 403 is one warning line, not a traceback.
        "django.request": {"filters": ["permission_denied"]},
    },
}

# =============================================================================================
# Security hardening: HTTPS, response headers, CSP, CORS, API throttling, file downloads.
# Every variable is listed in README.md, "Configuration".
# =============================================================================================

# --- HTTPS (PPID_HTTPS=on behind TLS) ---------------------------------------------------------
PPID_HTTPS = env_bool("PPID_HTTPS", False)
if PPID_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("PPID_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PPID_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("PPID_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
# TLS ended at a proxy: the header through which it tells the scheme, e.g. X-Forwarded-Proto.
# Only set it when the proxy always sets (overwrites) that header: a client could forge it.
PPID_PROXY_SSL_HEADER = os.environ.get("PPID_PROXY_SSL_HEADER", "").strip()
if PPID_PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + PPID_PROXY_SSL_HEADER.upper().replace("-", "_"),
        "https",
    )
# Load balancers probe the health endpoints over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Response headers on every response (SecurityMiddleware, XFrameOptionsMiddleware) --------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp 4) ---------------------------------------------------
# No inline script or style anywhere: templates load static/js and static/css only, htmx is
# told not to inject its indicator style (templates/base_internal.html, meta htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the Swagger UI's icons
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": PPID_HTTPS,
    },
}

# --- CORS: closed unless PPID_CORS_ORIGINS lists origins (API only, no credentials) ----------
CORS_ALLOWED_ORIGINS = env_list("PPID_CORS_ORIGINS", "")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False

# --- API throttling: per user (token) and per address for anonymous calls --------------------
REST_FRAMEWORK |= {
    "DEFAULT_THROTTLE_CLASSES": ["ppid.throttling.AnonThrottle", "ppid.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("PPID_API_ANON_RATE", "120/minute"),
        "user": os.environ.get("PPID_API_USER_RATE", "1200/minute"),
        # Requests for information filed from one address (public form and API together).
        "request_filing": os.environ.get("PPID_REQUEST_FILING_RATE", "10/hour"),
        # Objections filed from one address (public form and API together).
        "objection_filing": os.environ.get("PPID_OBJECTION_FILING_RATE", "10/hour"),
    },
    # Proxies in front of the app whose X-Forwarded-For is trusted for the client's address;
    # 0 = use the connection's address (X-Forwarded-For could be forged).
    "NUM_PROXIES": int(os.environ.get("PPID_NUM_PROXIES", "0")),
}

# --- Downloads of stored files (ppid/downloads.py) ---------------------------------------------
# "" = the app streams the file; "x-accel-redirect" = nginx sends it from an internal location
# (PPID_SENDFILE_PREFIX + the file's storage name); "x-sendfile" = Apache/lighttpd send the
# file at its absolute path. The view always checks publication or role first.
PPID_SENDFILE = os.environ.get("PPID_SENDFILE", "").strip().lower()
if PPID_SENDFILE not in {"", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured("PPID_SENDFILE must be empty, x-accel-redirect or x-sendfile.")
PPID_SENDFILE_PREFIX = os.environ.get("PPID_SENDFILE_PREFIX", "/protected-media/")

# =============================================================================================
# Accounts and sign-in security: login throttling, two-factor authentication, idle sessions,
# the audit of sign-ins (README "Accounts and sign-in security").
# =============================================================================================
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]
# django-otp marks request.user verified; ours sends those who need a second factor to it
# and keeps officers' sessions alive while they work. AxesMiddleware answers lockouts (last).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "ppid.middleware.AccountSecurityMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Axes first: it refuses a locked-out username+address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
# Token authentication that knows whether the token was obtained with a second factor.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "ppid.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("ppid.context_processors.account_menu")

# Login throttling (django-axes): after PPID_LOGIN_FAILURE_LIMIT failures of one username from
# one address, that combination is locked for PPID_LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("PPID_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PPID_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in our audit trail
AXES_LOCKOUT_CALLABLE = "ppid.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ppid.signin.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "otp"]
AXES_VERBOSE = False
# The client's address for the lockout and the audit trail: the same PPID_NUM_PROXIES as the
# API throttling (reverse proxies in front of the app that append to X-Forwarded-For; 0 means
# REMOTE_ADDR is the client).
PPID_TRUSTED_PROXY_COUNT = int(os.environ.get("PPID_NUM_PROXIES", "0"))

# Sessions end after PPID_SESSION_IDLE_MINUTES without an officer's request. Only signed-in
# requests to internal pages refresh it (AccountSecurityMiddleware), so public pages never
# set a cookie (the public page cache depends on that).
SESSION_COOKIE_AGE = int(os.environ.get("PPID_SESSION_IDLE_MINUTES", "60")) * 60
SESSION_SAVE_EVERY_REQUEST = False

# Two-factor authentication (TOTP with recovery codes) for those who sign and for the PPID
# Utama: on unless DJANGO_DEBUG is on (bin/run's demo).
PPID_REQUIRE_2FA = env_bool("PPID_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("PPID_OTP_ISSUER", "PPID Dokumentasi")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows TOTP secrets or recovery codes
PPID_RECOVERY_CODES = 10
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PPID_INVITATION_DAYS", "3")) * 24 * 3600
# Axes logs every sign-in at INFO; its lockouts are WARNING, and sign-ins are in the audit trail.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
