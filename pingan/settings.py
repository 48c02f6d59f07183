"""Django settings for Ping'an.

Everything that differs between a first run on a laptop and a production deployment comes from the
environment (12-factor): DATABASE_URL, PINGAN_SECRET_KEY, PINGAN_DEBUG, PINGAN_ALLOWED_HOSTS,
PINGAN_TASK_BACKEND. Without them the site runs on an embedded SQLite database under ./var/.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# Django's generic classes (ModelAdmin[Model], ModelChoiceField[Model], …) can be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PINGAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("PINGAN_DEBUG", False)
SECRET_KEY = os.environ.get("PINGAN_SECRET_KEY", "insecure-dev-key-change-me-in-production-" + "x" * 20)
ALLOWED_HOSTS = os.environ.get("PINGAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "simple_history",
    "pingan.core.apps.TasksDatabaseConfig",  # django_tasks_db, named in Chinese
    "pingan.core",
    "pingan.workcalendar",
    "pingan.regions",
    "pingan.accounts",
    "pingan.geo",
    "pingan.cases",
    "pingan.disputes",
    "pingan.incidents",
    "pingan.gridwork",
    "pingan.cameras",
    "pingan.map",
    "pingan.open311",
    "pingan.stats",
    "pingan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pingan.accounts.access.AccessMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pingan.core.middleware.RequestContextMiddleware",
    "pingan.core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "pingan.urls"
WSGI_APPLICATION = "pingan.wsgi.application"
ASGI_APPLICATION = "pingan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pingan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pingan.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pingan.sqlite3'}"),
        conn_max_age=int(os.environ.get("PINGAN_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web process and the task worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "pingan" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "pingan" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Content-Security-Policy (Django 6): everything is served from our own origin; no CDN, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated API call answers 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["pingan.accounts.access.ApiAccess"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "pingan.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pingan.core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ping'an API",
    "DESCRIPTION": "平安 — 市域社会治理平台 API (v1). All writes go through the same services as the web UI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name (role, kind, status) need their own enum names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PartyRoleEnum": "pingan.cases.choices.PartyRole",
        "ClockUnitEnum": "pingan.cases.choices.ClockUnit",
        "ClockStateEnum": "pingan.cases.choices.ClockState",
        "GridMemberRoleEnum": "pingan.gridwork.choices.MemberRole",
        "PatrolKindEnum": "pingan.gridwork.choices.PatrolKind",
        "PatrolStatusEnum": "pingan.gridwork.choices.PatrolStatus",
        "CameraStatusEnum": "pingan.cameras.choices.CameraStatus",
    },
}
INSTALLED_APPS.append("drf_spectacular_sidecar")

# Background work: django.tasks. The embedded default runs tasks immediately; production sets
# PINGAN_TASK_BACKEND=database and runs `manage.py db_worker` (django-tasks-db, needs only the database).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("PINGAN_TASK_BACKEND") == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PINGAN_LOG_LEVEL", "WARNING")},
}

# --- Ping'an product settings -------------------------------------------------------------------
# Attachments: size limit and the allowed types (checked by extension and by content signature).
PINGAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("PINGAN_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
PINGAN_ATTACHMENT_TYPES = ["jpg", "jpeg", "png", "gif", "webp", "pdf", "docx", "xlsx", "txt", "mp3", "m4a"]
# Office hours for clocks counted in working hours (Asia/Shanghai).
PINGAN_OFFICE_HOURS = [("08:30", "12:00"), ("14:00", "17:30")]
# Share of a case's allowed time after which its light turns yellow.
PINGAN_SLA_WARNING_SHARE = 0.2
# How many reverse proxies of our own stand in front of the site (nginx: 1). Only then is X-Forwarded-For
# read, and only as far as those proxies vouch for it (core.middleware.client_ip); 0 believes REMOTE_ADDR alone.
PINGAN_TRUSTED_PROXY_COUNT = int(os.environ.get("PINGAN_TRUSTED_PROXY_COUNT", "0"))
PINGAN_SITE_NAME = _("平安株洲 · 市域社会治理平台")
PINGAN_CITY_CODE = "430200"
# The grid locator's spatial index is per process; another process's change to grid outlines is seen
# within this many seconds (a cheap fingerprint query), the own process's at once.
PINGAN_GRID_INDEX_TTL = float(os.environ.get("PINGAN_GRID_INDEX_TTL", "10"))
# Open311 GeoReport v2 discovery.
PINGAN_OPEN311_JURISDICTION_ID = os.environ.get("PINGAN_OPEN311_JURISDICTION_ID", "zhuzhou.gov.cn")
PINGAN_OPEN311_CONTACT = _("株洲市综治中心(市域社会治理平台)")
# Encryption at rest of ID numbers and phones (pingan.core.crypto; docs/personal-data.md). PINGAN_DATA_KEYS:
# "kid:base64key,kid:base64key", 32-byte AES-256 keys, newest first (older ones still open what they sealed;
# `manage.py rotate_data_key` moves everything to the newest); PINGAN_DATA_INDEX_KEY: the blind index secret
# (base64, 32 bytes). Or PINGAN_DATA_KEY_FILE: a file of "kid:base64key" lines, newest first, and one
# "index:base64key". Without either, a key file is generated once under VAR_DIR (check --deploy refuses it).
PINGAN_DATA_KEYS = os.environ.get("PINGAN_DATA_KEYS", "")
PINGAN_DATA_INDEX_KEY = os.environ.get("PINGAN_DATA_INDEX_KEY", "")
PINGAN_DATA_KEY_FILE = os.environ.get("PINGAN_DATA_KEY_FILE", "")
