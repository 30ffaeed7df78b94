"""Settings for the burnout detector: one module, every value from the environment.

The embedded default (no variables set) is SQLite + the django-q2 ORM broker, which
is what `make run` uses on a laptop. DATABASE_URL switches to PostgreSQL and
REDIS_URL to the Redis broker for scale-out. `.env.example` lists every variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from burnout_site.config import (
    api_schema,
    content_security_policy,
    logging_config,
    media_storage,
    rest_framework,
    vendored_static_dirs,
)
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
    "django_otp.plugins.otp_static",  # two-factor recovery codes (accounts/services/otp.py)
    "axes",  # login throttling (settings at the end)
    "csp",  # Content-Security-Policy header (settings at the end)
    "accounts",
    "emotions",
    "telegram_bridge",
    "burnout_site.apps.SiteConfig",  # operations commands (storage_prepare, run_local_s3), health heartbeat
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
    # django-q2 replaces a worker process after this many tasks (its default, 500, guards against leaks).
    # Each new process loads the emotion model again, seconds in which that worker analyses nothing (16-17 s
    # on a busy 2-core machine, docs/BENCHMARKS.md); a photo is up to three tasks, so 500 meant a reload
    # every ~170 photos.
    "recycle": env_int("Q_RECYCLE", 10_000),
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
# Where no language is active (a worker task, a management command, a test), Django reads these: the English ones.

# --- static and media -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS: list[object] = [BASE_DIR / "static"]
STATICFILES_DIRS += vendored_static_dirs(BASE_DIR)
STORAGES = {
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Where raw photos and data-export archives live: "local" (MEDIA_ROOT, one machine) or "s3" (an S3-compatible
# bucket, so that web and workers on several machines share nothing but PostgreSQL, Redis and the bucket).
# `manage.py storage_prepare` creates the bucket if it is missing (docs/OPERATIONS.md).
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local").strip().lower()
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_BUCKET = env_str("S3_BUCKET")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
S3_REGION = env_str("S3_REGION", "us-east-1")
# "path" (http://host/bucket/key) works with every S3-compatible server on any host name; "virtual" for stores
# that want bucket.host.
S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "path")
# Seconds to connect to, and then to wait on, the store: an upload while it is down answers 503 in seconds
# instead of holding a web process for boto's default minute.
S3_TIMEOUT_SECONDS = env_int("S3_TIMEOUT_SECONDS", 5)
STORAGES["default"] = media_storage(
    kind=MEDIA_STORAGE,
    endpoint_url=S3_ENDPOINT_URL,
    bucket=S3_BUCKET,
    access_key=S3_ACCESS_KEY_ID,
    secret_key=S3_SECRET_ACCESS_KEY,
    region=S3_REGION,
    addressing_style=S3_ADDRESSING_STYLE,
    timeout_seconds=S3_TIMEOUT_SECONDS,
)

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

# --- health (GET /health/, burnout_site/health.py) ------------------------------------------------

# Past these /health/ answers 503 naming the check: no worker heartbeat with the model loaded for this long
# (workers beat every minute), the oldest pending analysis waiting this long, a repeating schedule overdue by this
# much (the scheduler is not running).
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env_int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", 180)
HEALTH_PENDING_MAX_AGE_SECONDS = env_int("HEALTH_PENDING_MAX_AGE_SECONDS", 600)
HEALTH_SCHEDULER_MAX_LATE_SECONDS = env_int("HEALTH_SCHEDULER_MAX_LATE_SECONDS", 180)

# --- security -----------------------------------------------------------------

HTTPS = env_bool("HTTPS", False)  # behind TLS in production: turns every flag below on
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# A load balancer's health probe often speaks plain HTTP to the web process: answer it rather than redirect.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
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

REST_FRAMEWORK = rest_framework(
    auth_rate=env_str("API_THROTTLE_AUTH", "10/min"), export_rate=env_str("API_THROTTLE_EXPORT", "5/hour")
)

# --- logging --------------------------------------------------------------------

LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"))

# --- care and privacy (accounts) ---------------------------------------------------

# The portal compares a patient's share of negative photos over the last N days with the N days before.
PORTAL_WINDOW_DAYS = env_int("PORTAL_WINDOW_DAYS", 14)
# A patient with nothing shared (no reading, rating or answer) for this many days is marked "quiet" in the portal.
PORTAL_QUIET_AFTER_DAYS = env_int("PORTAL_QUIET_AFTER_DAYS", 7)
# Flag a patient when the share reaches this percentage over at least that many analysed photos...
PORTAL_FLAG_NEGATIVE_PERCENT = env_int("PORTAL_FLAG_NEGATIVE_PERCENT", 60)
PORTAL_FLAG_MIN_ASSESSMENTS = env_int("PORTAL_FLAG_MIN_ASSESSMENTS", 5)
# ...or when it rose by at least this many percentage points against the previous window.
PORTAL_FLAG_RISE_PERCENT = env_int("PORTAL_FLAG_RISE_PERCENT", 20)
# Hours a "Download my data" link works after the archive is built.
EXPORT_LINK_HOURS = env_int("EXPORT_LINK_HOURS", 24)
# The privacy page shows repeated views of the same thing by the same person within this many minutes as one
# entry with a count (accounts.selectors.audit_read_entries); the audit records themselves stay one per view.
AUDIT_REPEAT_WINDOW_MINUTES = env_int("AUDIT_REPEAT_WINDOW_MINUTES", 30)
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
# The personal baseline (docs/burnout-flags.md): the person's own negative share over the BURNOUT_BASELINE_DAYS
# before the recent window, once it holds at least this many readings on this many different days...
BURNOUT_BASELINE_DAYS = env_int("BURNOUT_BASELINE_DAYS", 90)
BURNOUT_BASELINE_MIN_READINGS = env_int("BURNOUT_BASELINE_MIN_READINGS", 20)
BURNOUT_BASELINE_MIN_DAYS = env_int("BURNOUT_BASELINE_MIN_DAYS", 7)
# ...and the "rise against the personal baseline" flag when the recent share is this many points above it.
BURNOUT_BASELINE_RISE_PERCENT = env_int("BURNOUT_BASELINE_RISE_PERCENT", 20)
# A reading's confidence (its top emotion's probability, emotions/confidence.py) in plain words: "sure" from
# CONFIDENCE_SURE_PERCENT, "unsure" below CONFIDENCE_UNSURE_BELOW_PERCENT, "fairly sure" between. Unsure
# readings are listed but left out of every share, chart and burnout rule.
CONFIDENCE_SURE_PERCENT = env_int("CONFIDENCE_SURE_PERCENT", 70)
CONFIDENCE_UNSURE_BELOW_PERCENT = env_int("CONFIDENCE_UNSURE_BELOW_PERCENT", 40)
if not 0 <= CONFIDENCE_UNSURE_BELOW_PERCENT <= CONFIDENCE_SURE_PERCENT <= 100:
    raise ImproperlyConfigured(
        "Need 0 <= CONFIDENCE_UNSURE_BELOW_PERCENT <= CONFIDENCE_SURE_PERCENT <= 100, got "
        f"{CONFIDENCE_UNSURE_BELOW_PERCENT} and {CONFIDENCE_SURE_PERCENT}."
    )
# Psychologists are told of a new flag by e-mail; the console backend prints it (set SMTP in production).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "burnout-detector@localhost")

# --- REST API for mobile clients (burnout_site/api, docs/api.md) ------------------------------------------

# knox's token model is swappable; accounts.TokenDevice points at it by this name (the default model).
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    # Days a device token lives without use; every use (at most once a minute) pushes the expiry back.
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
}
SPECTACULAR_SETTINGS = api_schema()

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

# Password reset e-mails asked for (web page and API together) per client address and per e-mail address
# (burnout_site/rate_limits.py); a reset link works for PASSWORD_RESET_HOURS and only once.
PASSWORD_RESET_RATE_IP = env_rate("PASSWORD_RESET_RATE_IP", "10/hour")
PASSWORD_RESET_RATE_EMAIL = env_rate("PASSWORD_RESET_RATE_EMAIL", "3/hour")
PASSWORD_RESET_TIMEOUT = 3600 * env_int("PASSWORD_RESET_HOURS", 2)
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
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)

CONTENT_SECURITY_POLICY = content_security_policy()
