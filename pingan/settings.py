"""Django settings for Ping'an.

Everything that differs between a first run on a laptop and a production deployment comes from the
environment (12-factor): DATABASE_URL, PINGAN_SECRET_KEY, PINGAN_DEBUG, PINGAN_ALLOWED_HOSTS,
PINGAN_TASK_BACKEND. Without them the site runs on an embedded SQLite database under ./var/.
"""

import os
from datetime import timedelta
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
# The key a checkout runs with when PINGAN_SECRET_KEY is unset (the demo); the production server refuses it
# (pingan.core.deploy).
PINGAN_DEFAULT_SECRET_KEY = "insecure-dev-key-change-me-in-production-" + "x" * 20
SECRET_KEY = os.environ.get("PINGAN_SECRET_KEY", PINGAN_DEFAULT_SECRET_KEY)
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
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "simple_history",
    "django_otp",  # second factor (动态口令): devices and the verified-session middleware
    "django_otp.plugins.otp_totp",  # TOTP devices (RFC 6238), the phone authenticator apps
    "django_otp.plugins.otp_static",  # one-time recovery codes
    "pingan.core.apps.TasksDatabaseConfig",  # django_tasks_db, named in Chinese
    "pingan.core",
    "pingan.workcalendar",
    "pingan.regions",
    "pingan.accounts",
    "pingan.geo",
    "pingan.cases",
    "pingan.lawguard",
    "pingan.disputes",
    "pingan.incidents",
    "pingan.risks",
    "pingan.consultations",
    "pingan.lawchecks",
    "pingan.gridwork",
    "pingan.cameras",
    "pingan.map",
    "pingan.open311",
    "pingan.stats",
    "pingan.drives",
    "pingan.majorevents",
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
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second factor
    "pingan.accounts.otp.SecondFactorMiddleware",  # nothing else until then, for those who need one
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pingan.lawguard.portal_views.PortalLandingMiddleware",  # an enterprise user lands on /qiye/, not the workbench
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
        # A persistent connection is tested before each request reuses it: after the database restarts,
        # the first request does not fail on a dead connection (issue 9, the app recovers by itself).
        conn_health_checks=True,
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

# The password policy (pingan/accounts/passwords.py): 8 characters of 3 of the 4 classes, not the username,
# not one of the last PINGAN_PASSWORD_HISTORY; Django's checks against names and common passwords besides.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "pingan.accounts.passwords.ComplexityValidator", "OPTIONS": {"min_length": 8, "min_classes": 3}},
    {"NAME": "pingan.accounts.passwords.UsernameValidator"},
    {"NAME": "pingan.accounts.passwords.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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
        "pingan.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["pingan.accounts.access.ApiAccess"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "pingan.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "pingan.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pingan.core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ping'an API",
    "DESCRIPTION": "平安 — 市域社会治理平台 API (v1). All writes go through the same services as the web UI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI (/api/schema/, /api/docs/) need a signed-in user (session or token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
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
        "DriveStatusEnum": "pingan.drives.choices.DriveStatus",
        "DriveTagModeEnum": "pingan.drives.choices.TagMode",
        "DriveTagActionEnum": "pingan.drives.choices.TagAction",
        "RiskLevelEnum": "pingan.risks.choices.RiskLevel",
        # Names that other fields called `level` and `source` had alone until the risks came.
        "RegionLevelNameEnum": ["province", "city", "county", "township", "community", "grid"],
        "ShapeSourceEnum": "pingan.geo.choices.ShapeSource",
        "RiskSourceEnum": "pingan.risks.choices.RiskSource",
        "RiskStageEnum": "pingan.risks.choices.RiskStage",
        "RiskTaskStageEnum": "pingan.risks.choices.TASK_STAGE_CHOICES",
        "RiskTemplateStageEnum": "pingan.risks.choices.TEMPLATE_STAGE_CHOICES",
        "RiskScoreEnum": "pingan.risks.choices.SCORE_CHOICES",
        "EventSectionKindEnum": "pingan.majorevents.choices.SectionKind",
        "EventLessonKindEnum": "pingan.majorevents.choices.LessonKind",
        "ShiftEnum": "pingan.gridwork.choices.Shift",
        "EventShiftEnum": "pingan.majorevents.choices.Shift",
        "EventAdvanceStatusEnum": "pingan.majorevents.choices.ADVANCE_CHOICES",
        "MajorEventStatusEnum": "pingan.majorevents.choices.EventStatus",
        # The case's channel kept its name when the consultations brought their own (咨询渠道).
        "ChannelEnum": "pingan.cases.choices.Channel",
        "ConsultChannelEnum": "pingan.consultations.choices.ConsultChannel",
        "LawSuggestionStatusEnum": "pingan.lawguard.choices.SuggestionStatus",
        "LawSeverityEnum": "pingan.lawguard.choices.Severity",
        "RecoveryMethodEnum": "pingan.lawguard.choices.RecoveryMethod",
        "PartyTypeEnum": "pingan.cases.choices.PartyType",
        "CheckAnswerEnum": "pingan.lawchecks.choices.Answer",
        # 法治护航's register (pingan.lawguard)
        "SpecialisationLevelEnum": "pingan.lawguard.choices.SpecialisationLevel",
        "GuardRoleEnum": "pingan.lawguard.choices.GuardRole",
        "ProviderRoleEnum": "pingan.lawguard.choices.ProviderRole",
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
    # Django logs every task's start and end at INFO on the console when DEBUG is on; the immediate backend
    # of `make demo` runs one per notification sent (the risk register's, thousands in load_demo).
    "loggers": {"django.tasks": {"level": os.environ.get("PINGAN_LOG_LEVEL", "WARNING")}},
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

# Second factor (动态口令, TOTP via django-otp) for administrators, leaders and the roles that may unmask personal
# data (pingan.accounts.otp; docs/access.md). On unless PINGAN_OTP_ENFORCED=0 (the test suite turns it off by
# default and on where it tests it).
PINGAN_OTP_ENFORCED = env_bool("PINGAN_OTP_ENFORCED", True)
# The name phone authenticator apps show above the code (the otpauth:// URI's issuer).
OTP_TOTP_ISSUER = os.environ.get("PINGAN_OTP_ISSUER", "平安株洲")
# --- Integrity under faults and retries (issue 9) --------------------------------------------------
# The API reads JSON bodies up to this size (413 above it) and this depth of nested lists and objects
# (400 above it); form bodies are limited by DATA_UPLOAD_MAX_MEMORY_SIZE (Django's, 2.5 MB).
PINGAN_API_JSON_MAX_BYTES = int(os.environ.get("PINGAN_API_JSON_MAX_BYTES", str(1024 * 1024)))
PINGAN_API_JSON_MAX_DEPTH = int(os.environ.get("PINGAN_API_JSON_MAX_DEPTH", "32"))
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "pingan.core.limits.LimitedJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
# Seconds a client is asked to wait (Retry-After) when the database cannot be reached (503).
PINGAN_RETRY_AFTER_SECONDS = int(os.environ.get("PINGAN_RETRY_AFTER_SECONDS", "30"))
# How long a stored answer to an Idempotency-Key is replayed; `manage.py idempotency_purge` deletes older ones.
PINGAN_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("PINGAN_IDEMPOTENCY_TTL_HOURS", "24"))
# --- Sign-in lockout and API tokens (issue 9) ------------------------------------------------------
# django-axes counts failed sign-ins on every door that calls authenticate(): the web login, the admin
# login and the API token endpoint. PINGAN_LOCKOUT_FAILURES failures within PINGAN_LOCKOUT_MINUTES lock
# the account, and as many from one source address lock that address, for PINGAN_LOCKOUT_MINUTES counted
# from the failure that locked (docs/access.md, "Sign-in lockout").
PINGAN_LOCKOUT_FAILURES = int(os.environ.get("PINGAN_LOCKOUT_FAILURES", "5"))
PINGAN_LOCKOUT_MINUTES = int(os.environ.get("PINGAN_LOCKOUT_MINUTES", "30"))
AXES_FAILURE_LIMIT = PINGAN_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=PINGAN_LOCKOUT_MINUTES)
# Each entry counts on its own: the account's failures from anywhere, and the address's for any account.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The client address is our one rule (REMOTE_ADDR unless PINGAN_TRUSTED_PROXY_COUNT proxies), never
# django-ipware's guesses from headers a client can forge.
AXES_CLIENT_IP_CALLABLE = "pingan.core.middleware.client_ip"
# A try during the lockout is refused without moving its end: the lock lasts exactly the configured time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures are not forgiven by a success: one's own good sign-in from an address would otherwise wipe the
# failures counted against other accounts from that address.
AXES_RESET_ON_SUCCESS = False
# Sign-ins are recorded in our own audit log; axes keeps only the failure counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # the security administrator's unlock page is accounts.admin.LockoutAdmin
AXES_LOCKOUT_CALLABLE = "pingan.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account or address before the password
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last: turns a lockout into our lockout answer

# API tokens (django-rest-knox): stored as SHA-512 digests, one per client and user, expiring after
# PINGAN_API_TOKEN_TTL_HOURS; revoked by logout, by the revocation endpoint and by a password change.
PINGAN_API_TOKEN_TTL_HOURS = float(os.environ.get("PINGAN_API_TOKEN_TTL_HOURS", "12"))
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(hours=PINGAN_API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# --- Identity and sessions (issue 9, 等保 2.0 level 3; pingan/accounts/passwords.py and sessions.py) ---------
# Days a password stays valid before its owner must change it (0: never expires).
PINGAN_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PINGAN_PASSWORD_MAX_AGE_DAYS", "90"))
# How many of a user's last passwords (the current one included) a new password may not repeat.
PINGAN_PASSWORD_HISTORY = int(os.environ.get("PINGAN_PASSWORD_HISTORY", "5"))
# A signed-in session ends after this many minutes without a request, and this many hours after signing in.
PINGAN_SESSION_IDLE_MINUTES = int(os.environ.get("PINGAN_SESSION_IDLE_MINUTES", "30"))
PINGAN_SESSION_MAX_HOURS = int(os.environ.get("PINGAN_SESSION_MAX_HOURS", "12"))
# One active session per user: signing in ends the user's other sessions.
PINGAN_SINGLE_SESSION = env_bool("PINGAN_SINGLE_SESSION", False)
# The session cookie (and the stored session) lives no longer than the absolute limit.
SESSION_COOKIE_AGE = PINGAN_SESSION_MAX_HOURS * 3600
MIDDLEWARE += [
    "pingan.accounts.actor.ActorMiddleware",  # who acts, for the audit of password and rights changes
    "pingan.accounts.sessions.SessionLimitMiddleware",  # idle and absolute limits, one session per user
]
# A password to change first: to 修改密码 (before the access check refuses a page the user may not open).
MIDDLEWARE.insert(
    MIDDLEWARE.index("pingan.accounts.access.AccessMiddleware"), "pingan.accounts.passwords.PasswordChangeMiddleware"
)
# --- The audit trail and exports (issue 9: audit) ----------------------------------------------------
# Audit rows are kept at least this many days before `manage.py audit_archive` may move them to a file
# (网络安全法 第二十一条: 留存相关的网络日志不少于六个月; 183 days is the floor, a smaller value is refused).
PINGAN_AUDIT_RETENTION_DAYS = max(183, int(os.environ.get("PINGAN_AUDIT_RETENTION_DAYS", "183")))
# Where audit_archive writes its compressed JSON-lines files and manifests (keep them on backed-up storage).
PINGAN_AUDIT_ARCHIVE_DIR = Path(os.environ.get("PINGAN_AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))
# Case exports with more rows than this (and every whole-city export) run as a background job with a reason.
PINGAN_EXPORT_IMMEDIATE_ROWS = int(os.environ.get("PINGAN_EXPORT_IMMEDIATE_ROWS", "5000"))
# Hours an export job's file stays downloadable; then `manage.py export_cleanup` deletes it.
PINGAN_EXPORT_TTL_HOURS = int(os.environ.get("PINGAN_EXPORT_TTL_HOURS", "24"))
# --- Production server (issue 9; docs/deployment.md) ----------------------------------------------
# PINGAN_HTTPS=1: the site is served over HTTPS (nginx terminates TLS, deploy/nginx/pingan.conf). Plain HTTP is
# redirected (but /healthz, which a local monitor asks gunicorn directly), cookies are Secure, and browsers are
# told by HSTS to use HTTPS only, for PINGAN_HSTS_SECONDS (one year), subdomains included unless
# PINGAN_HSTS_INCLUDE_SUBDOMAINS=0. Preloading (PINGAN_HSTS_PRELOAD=1) asks browser makers to hard-code the
# domain, which is slow to undo: the operator opts in, and otherwise Django's reminder (W021) is silenced.
PINGAN_HTTPS = env_bool("PINGAN_HTTPS", False)
if PINGAN_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("PINGAN_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PINGAN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("PINGAN_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Whether a request came over HTTPS is the word of our own proxy (X-Forwarded-Proto, which nginx sets and
# overwrites), so it is believed only when a trusted proxy is configured (PINGAN_TRUSTED_PROXY_COUNT above).
if PINGAN_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Encryption at rest of ID numbers and phones (pingan.core.crypto; docs/personal-data.md). PINGAN_DATA_KEYS:
# "kid:base64key,kid:base64key", 32-byte AES-256 keys, newest first (older ones still open what they sealed;
# `manage.py rotate_data_key` moves everything to the newest); PINGAN_DATA_INDEX_KEY: the blind index secret
# (base64, 32 bytes). Or PINGAN_DATA_KEY_FILE: a file of "kid:base64key" lines, newest first, and one
# "index:base64key". Without either, a key file is generated once under VAR_DIR (check --deploy refuses it).
PINGAN_DATA_KEYS = os.environ.get("PINGAN_DATA_KEYS", "")
PINGAN_DATA_INDEX_KEY = os.environ.get("PINGAN_DATA_INDEX_KEY", "")
PINGAN_DATA_KEY_FILE = os.environ.get("PINGAN_DATA_KEY_FILE", "")
