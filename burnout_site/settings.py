"""Settings for the burnout detector: one module, every value from the environment.

The embedded default (no variables set) is SQLite + the django-q2 ORM broker, which
is what `make run` uses on a laptop. DATABASE_URL switches to PostgreSQL and
REDIS_URL to the Redis broker for scale-out. `.env.example` lists every variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from burnout_site.env import env_bool, env_int, env_list, env_rate, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


load_dotenv(Path(os.environ.get("ENV_FILE", BASE_DIR / ".env")))


# --- core ---------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY):
    # Sessions and password-reset tokens are signed with it: a known key is a takeover.
    raise ImproperlyConfigured("SECRET_KEY must be set to a private random value when DEBUG is off.")
# Django's deployment check asks for 50 characters: a short key (a word, a date) can be found offline by
# trying candidates against one signed cookie.
SECRET_KEY_MIN_LENGTH = 50
if not DEBUG and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    # The length only: the message goes to logs, the key must not.
    raise ImproperlyConfigured(
        f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters long when DEBUG is off "
        f"(it has {len(SECRET_KEY)}): python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "burnout_site.apps.TwoFactorAdminConfig",  # django.contrib.admin, behind two-factor sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # device tokens for the REST API, stored hashed
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",  # login throttling (settings at the end)
    "csp",  # Content-Security-Policy header (settings at the end)
    "accounts",
    "emotions",
    "telegram_bridge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A view's locked/timed-out database query: 503 + Retry-After instead of a 500 (handler500 does the rest).
    "burnout_site.database_busy.DatabaseBusyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a locked-out login into its page
]

ROOT_URLCONF = "burnout_site.urls"
WSGI_APPLICATION = "burnout_site.wsgi.application"
ASGI_APPLICATION = "burnout_site.asgi.application"

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
            ],
        },
    },
]

# --- database -----------------------------------------------------------------

SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
DATABASE_URL = env_str("DATABASE_URL")
# How long a query waits for a lock another connection holds (PostgreSQL lock_timeout, SQLite's busy
# timeout), and how long a PostgreSQL statement may run (0: no limit); past either a request answers 503
# with Retry-After (burnout_site/database_busy.py) instead of hanging until the proxy gives up.
DATABASE_LOCK_TIMEOUT_MS = env_int("DATABASE_LOCK_TIMEOUT_MS", 5000)
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30000)
if DATABASE_LOCK_TIMEOUT_MS <= 0 or DATABASE_STATEMENT_TIMEOUT_MS < 0:
    # 0 would mean "wait for ever" to PostgreSQL and "never wait" to SQLite: neither is wanted.
    raise ImproperlyConfigured("DATABASE_LOCK_TIMEOUT_MS must be above 0, DATABASE_STATEMENT_TIMEOUT_MS 0 or more.")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    # Set by the server for each new connection (libpq `options`), after any options the URL gave.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (
        f"{_pg_options.get('options', '')} -c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
        f" -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    ).strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # The django-q2 ORM broker polls and writes from several processes:
                # WAL lets readers run beside the writer, IMMEDIATE takes the write
                # lock up front (no deadlock on lock upgrade), the timeout waits it out.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": DATABASE_LOCK_TIMEOUT_MS / 1000,
            },
            # Kept open between requests as with PostgreSQL: opening one and setting WAL costs more than
            # the webhook's whole insert.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- task queue ---------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
Q_CLUSTER: dict[str, object] = {
    "name": "burnout",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": env_int("Q_TIMEOUT", 120),
    "retry": env_int("Q_RETRY", 300),  # must exceed timeout, or a slow task runs twice
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 3),
    "ack_failures": True,
    "catch_up": False,
    "poll": 0.5,
    "sync": env_bool("Q_SYNC", False),
    "label": "Django Q",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- caches -------------------------------------------------------------------

# "default" stays per process (django-q2's statistics and other throwaway values would otherwise write
# to SQLite); "shared" holds what every web process must agree on, the API throttle counters: Redis when
# configured, else a database table (`manage.py createcachetable`, run by `make migrate`).
SHARED_CACHE_TABLE = "shared_cache"
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "burnout"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": SHARED_CACHE_TABLE}
    ),
}

# --- auth ---------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "emotions:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n ---------------------------------------------------------------------

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One date format per language, the same for the long and the short names: burnout_site/formats/__init__.py.
FORMAT_MODULE_PATH = ["burnout_site.formats"]

# --- static and media -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS: list[object] = [BASE_DIR / "static"]
# Chart.js comes from npm at set-up time and is served as our own static file (no CDN).
_CHARTJS_DIST = BASE_DIR / "node_modules" / "chart.js" / "dist"
if _CHARTJS_DIST.is_dir():
    STATICFILES_DIRS.append(("vendor/chartjs", _CHARTJS_DIST))
# Its annotation plugin (the dashboard's threshold lines) is served the same way.
_CHARTJS_ANNOTATION_DIST = BASE_DIR / "node_modules" / "chartjs-plugin-annotation" / "dist"
if _CHARTJS_ANNOTATION_DIST.is_dir():
    STATICFILES_DIRS.append(("vendor/chartjs-plugin-annotation", _CHARTJS_ANNOTATION_DIST))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# --- uploads and the emotion model ----------------------------------------------

PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000)
PHOTO_MIN_SIDE = env_int("PHOTO_MIN_SIDE", 48)
# Photos one person may send, counted together on every channel (web form, API, Telegram): see
# burnout_site/rate_limits.py. API_THROTTLE_UPLOAD is its earlier, API-only name.
PHOTO_UPLOAD_RATE = env_rate("PHOTO_UPLOAD_RATE", env_str("API_THROTTLE_UPLOAD", "30/min"))
# Days a raw photo is kept after its analysis is stored; 0 deletes it at once.
PHOTO_RETENTION_DAYS = env_int("PHOTO_RETENTION_DAYS", 0)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = PHOTO_MAX_BYTES + 1024 * 1024
EMOTION_MODEL_PATH = Path(
    env_str("EMOTION_MODEL_PATH", str(BASE_DIR / "emotions" / "ml" / "weights" / "emotion_resnet.pt"))
)
# Off runs the float32 network instead of the int8 one beside the weights (to compare, or on a CPU without
# oneDNN's int8 kernels). emotions/ml reads no settings: emotions/predictor.py passes these two on.
EMOTION_MODEL_INT8 = env_bool("EMOTION_MODEL_INT8", True)
# PyTorch CPU threads per worker process: one photo at a time, and several workers share the cores.
TORCH_THREADS = env_int("TORCH_THREADS", 1)
if TORCH_THREADS < 1:
    raise ImproperlyConfigured(f"TORCH_THREADS must be at least 1, got {TORCH_THREADS}")
# Durable analysis (whatever the broker: Redis loses a task whose worker dies): a pending photo that made
# no progress for this long is queued again by a sweep every minute. A task cannot run longer than
# Q_TIMEOUT, so by then the worker that took it is gone; a duplicate task is harmless (the row is claimed).
ANALYSIS_REQUEUE_AFTER_SECONDS = env_int("ANALYSIS_REQUEUE_AFTER_SECONDS", env_int("Q_TIMEOUT", 120))
# Workers that may start one photo's analysis without finishing it (killed, out of memory) before the row
# is failed and the person told: a photo that crashes every worker must not be retried for ever.
ANALYSIS_MAX_ATTEMPTS = env_int("ANALYSIS_MAX_ATTEMPTS", 3)

# --- security -----------------------------------------------------------------

HTTPS = env_bool("HTTPS", False)  # behind TLS in production: turns every flag below on
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- REST framework -------------------------------------------------------------

# The API itself lives in burnout_site/api_urls.py and burnout_site/api/ (docs/api.md).
REST_FRAMEWORK = {
    # Device token first: its WWW-Authenticate header is what turns a missing login into a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "burnout_site.api.authentication.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "burnout_site.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "burnout_site.api.schema.ApiAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["burnout_site.api.throttles.ScopedThrottle"],
    # Per client (user, or IP address when anonymous) and per scope; counted in the shared cache. Photo
    # uploads are not a scope here: PHOTO_UPLOAD_RATE limits them on every channel at once.
    "DEFAULT_THROTTLE_RATES": {
        "auth": env_str("API_THROTTLE_AUTH", "10/min"),
        "export": env_str("API_THROTTLE_EXPORT", "5/hour"),
    },
}

# --- logging --------------------------------------------------------------------

# Every handler carries the redaction filter: no secret (bot token, webhook secret, API and export tokens,
# TOTP secrets, SECRET_KEY) reaches the log at any level (burnout_site/log_redaction.py). Django's own
# loggers lose the handlers of its default configuration (they would print before ours) and propagate here.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "burnout_site.log_redaction.SecretRedactionFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": [], "propagate": True}, "django.server": {"handlers": [], "propagate": True}},
}

# --- care and privacy (accounts) ---------------------------------------------------

# The portal compares a patient's share of negative photos over the last N days with the N days before.
PORTAL_WINDOW_DAYS = env_int("PORTAL_WINDOW_DAYS", 14)
# Flag a patient when the share reaches this percentage over at least that many analysed photos...
PORTAL_FLAG_NEGATIVE_PERCENT = env_int("PORTAL_FLAG_NEGATIVE_PERCENT", 60)
PORTAL_FLAG_MIN_ASSESSMENTS = env_int("PORTAL_FLAG_MIN_ASSESSMENTS", 5)
# ...or when it rose by at least this many percentage points against the previous window.
PORTAL_FLAG_RISE_PERCENT = env_int("PORTAL_FLAG_RISE_PERCENT", 20)
# Hours a "Download my data" link works after the archive is built.
EXPORT_LINK_HOURS = env_int("EXPORT_LINK_HOURS", 24)
# Shown as the account's issuer in authenticator apps (psychologists must use two-factor authentication).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Burnout detector")

# --- self-reports, questionnaire and correlation (emotions; docs/configuration.md) -------------------------

# The dashboard offers the burnout questionnaire again once the last answer is this many days old.
CBI_REMIND_AFTER_DAYS = env_int("CBI_REMIND_AFTER_DAYS", 7)
# Fewer pairs (photo, own mood rating) than this and a correlation says nothing: the dashboard hides it.
CORRELATION_MIN_PAIRS = env_int("CORRELATION_MIN_PAIRS", 10)
# The dashboard's correlation looks at this many recent days: how photos and mood relate now, not years ago.
CORRELATION_WINDOW_DAYS = env_int("CORRELATION_WINDOW_DAYS", 365)
# Burnout flags (docs/burnout-flags.md) reuse the PORTAL_WINDOW_DAYS and PORTAL_FLAG_* thresholds above and
# add one: a CBI personal-burnout score at or above this (0-100) raises the questionnaire flag.
BURNOUT_FLAG_CBI_SCORE = env_int("BURNOUT_FLAG_CBI_SCORE", 50)
# Psychologists are told of a new flag by e-mail; the console backend prints it (set SMTP in production).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "burnout-detector@localhost")

# --- REST API for mobile clients (burnout_site/api, docs/api.md) ------------------------------------------

REST_KNOX = {
    # Days a device token lives without use; every use (at most once a minute) pushes the expiry back.
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Burnout detector API",
    "DESCRIPTION": (
        "REST API for the mobile app: send face photos, read their analysis and the dynamics, manage "
        'consents, sharing and your data. Every error is `{"error": {"code", "message", "fields"}}`. '
        "See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Separate request and response components: an upload's `image` is binary only on the way in.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "emotions.models.PhotoAssessment.Status",
        "CareLinkStatusEnum": "accounts.models.CareLink.Status",
        "ExportStatusEnum": "accounts.models.DataExport.Status",
        "AlertChannelEnum": "accounts.channels.alert_channel_choices",
        # Two fields named `kind`: the consent's keeps the enum name it always had, the journal's gets its own.
        "KindEnum": "accounts.models.ConsentKind",
        "JournalKindEnum": "emotions.selectors.journal.JOURNAL_KIND_CHOICES",
    },
}

# --- Telegram bot (telegram_bridge, docs/telegram.md) -------------------------------------------------------

# From @BotFather. Empty: the bot is off (the webhook answers 403, the commands refuse to run).
TELEGRAM_BOT_TOKEN = env_str("TELEGRAM_BOT_TOKEN")
# The bot's @username without the @, for the https://t.me/<bot>?start=<token> link on the profile page.
TELEGRAM_BOT_USERNAME = env_str("TELEGRAM_BOT_USERNAME").lstrip("@")
# Telegram sends it in X-Telegram-Bot-Api-Secret-Token; empty refuses every webhook call (1-256 chars of A-Za-z0-9_-).
TELEGRAM_WEBHOOK_SECRET = env_str("TELEGRAM_WEBHOOK_SECRET")
# The public HTTPS address of /telegram/webhook/; empty means polling (run_telegram_polling) for local use.
TELEGRAM_WEBHOOK_URL = env_str("TELEGRAM_WEBHOOK_URL")
# Where the Bot API lives (a local Bot API server, or the fake one in the tests); the token is appended.
TELEGRAM_API_BASE_URL = env_str("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot")
TELEGRAM_FILE_BASE_URL = env_str("TELEGRAM_FILE_BASE_URL", "https://api.telegram.org/file/bot")
# Largest webhook body accepted; Telegram's updates are a few KB.
TELEGRAM_MAX_BODY_BYTES = env_int("TELEGRAM_MAX_BODY_BYTES", 256 * 1024)
# A stored update not handled this long after it arrived (or was last claimed), and a finished photo whose
# reply is not sent, are taken up again by the bot's sweep every minute.
TELEGRAM_REQUEUE_AFTER_SECONDS = env_int("TELEGRAM_REQUEUE_AFTER_SECONDS", env_int("Q_TIMEOUT", 120))
# Handlers started for one update without finishing before it is dropped (a poison update).
TELEGRAM_UPDATE_MAX_ATTEMPTS = env_int("TELEGRAM_UPDATE_MAX_ATTEMPTS", 3)

# --- login throttling and Content-Security-Policy (docs/configuration.md) -----------------------------------

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username from one IP address, that pair is
# refused (even with the right password) for AXES_COOLOFF_HOURS. Web login and the API token endpoint alike.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=env_int("AXES_COOLOFF_HOURS", 1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
# Behind the proxy the client's address is the last X-Forwarded-For entry (the one our proxy appended).
AXES_CLIENT_IP_CALLABLE = "accounts.views.client_ip_address"
# Its start-up banner would print on every manage.py command; failures and lockouts still log as warnings.
LOGGING["loggers"]["axes.apps"] = {"level": "WARNING"}
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)

# django-csp 4: scripts only from our own static files (chart data travels in json_script, which is not
# executed). The Swagger UI page adds what it needs for itself only (burnout_site/api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
