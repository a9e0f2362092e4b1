"""Settings for the 官民共創ポータル.

Every value that differs between a laptop and production comes from the
environment (see `.env.example`); there is one settings file. Defaults are the
safe production ones: DEBUG is off unless DEBUG=1 is set.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Parse postgresql://user:pass@host:port/name?host=/socket/dir&sslmode=…"""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme!r}")
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "cocreation",
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        # Exports read their rows through server-side cursors (cocreation/core/exports.py);
        # a pooler in transaction mode (PgBouncer) cannot keep one between fetches.
        "DISABLE_SERVER_SIDE_CURSORS": env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False),
        "OPTIONS": options,
        "TEST": {"NAME": os.environ.get("DATABASE_TEST_NAME") or None},
    }


# --- Core -----------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on-0123456789"

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS:
    ALLOWED_HOSTS = [urlsplit(SITE_URL).hostname or "localhost"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_filters",
    "cocreation.core",
    "cocreation.accounts",
    "cocreation.organisations",
    "cocreation.notifications",
    "quests",
    "spaces",
    "studygroups",
    "studygroups.exchange",
    "portal",
    # Demo data for `make run`, the tests and the benchmark (load_demo); never imported by
    # the portal's own code.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cocreation.accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sessions, authentication and messages: a duplicate POST is told so.
    "cocreation.core.once.OnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
# allauth names the site in its emails from the sites framework (see accounts 0002).
SITE_ID = 1
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
            "builtins": ["cocreation.templatetags.portal"],
        },
    }
]

# Widgets through Django's Jinja2 templates, the admin's own through the Django template
# language (cocreation/core/rendering.py says why).
FORM_RENDERER = "cocreation.core.rendering.FormRenderer"

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cocreation")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache (shared login rate limits) and Celery broker -------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# The default cache holds the sign-in rate limits. While Redis is unreachable they are kept
# in each process's memory instead (django-cache-fallback logs the switch): limits stay
# in force, per process, rather than failing the sign-in or lifting the limit.
CACHES = {
    "default": {"BACKEND": "cocreation.core.cache.PortalCache"},
    "main_cache": {
        "BACKEND": "cocreation.core.cache.PortalRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cocreation"),
        "TIMEOUT": 300,
        # Seconds; a Redis that does not answer costs a request at most this.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    "fallback_cache": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cocreation-fallback",
        "TIMEOUT": 300,
    },
    # Anonymous public pages (cocreation/core/page_cache.py): Redis only, nothing kept
    # while it is unreachable.
    "pages": {"BACKEND": "cocreation.core.cache.PageCache"},
}
# Seconds an anonymous public page is kept at most (never past midnight); 0 keeps none.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
# A task is acknowledged only after it ran: a worker killed mid-send leaves the
# message in Redis and another worker redelivers it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a mail while Redis is away gives up within about a second
# (the mail stays pending in PostgreSQL; see cocreation/core/queue.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "cocreation")
CELERY_BEAT_SCHEDULE: dict = {
    "notifications-send-unsent": {
        "task": "cocreation.notifications.tasks.send_unsent_notifications",
        "schedule": 60.0,
    },
    "notifications-report-failed-emails": {
        "task": "cocreation.notifications.tasks.report_failed_emails",
        "schedule": crontab(hour=8, minute=0),
    },
    # Every app's reminders (booking tomorrow, session tomorrow, quest deadline, requests
    # waiting a day), selected when due by the one runner, never queued days ahead.
    "notifications-send-reminders": {
        "task": "cocreation.notifications.tasks.send_reminders",
        "schedule": 900.0,
    },
    # The digests of what people follow (quests/services/follows.py): each period's goes
    # out from 07:00 JST after it ends; hourly runs catch up a missed one and send
    # nothing twice (the notification key names the period).
    "quests-send-follow-digests": {
        "task": "quests.tasks.send_follow_digests",
        "schedule": crontab(minute=10),
    },
    "core-forget-old-fingerprints": {
        "task": "cocreation.core.tasks.forget_old_fingerprints",
        "schedule": 86400.0,
    },
}
# A second identical POST within this many seconds is answered with the first's result.
ONCE_WINDOW_SECONDS = int(os.environ.get("ONCE_WINDOW_SECONDS", "15"))

# --- Accounts (django-allauth) ---------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# LGWAN mail gateways strip links and HTML: verification and password reset
# work by a code the user types into the site.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "cocreation.accounts.forms.SignupProfileForm"
ACCOUNT_ADAPTER = "cocreation.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[官民共創ポータル] "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that nobody switches them off by accident.
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_PRESERVE_USERNAME_CASING = False
# The rate limits above count per client address. Behind a reverse proxy every request
# comes from the proxy: set this to the number of proxies in front so that allauth reads
# each person's address from X-Forwarded-For (0 = use the connection's address).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))

# --- Email ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "官民共創ポータル <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail delivery (cocreation/notifications/services.py email_deliver_batch), in seconds: how
# long a worker holds a mail it is sending (past it, a killed worker's mail is taken up
# again), and how long a queued mail may wait before the sweeper takes it for lost.
NOTIFICATION_EMAIL_LEASE_SECONDS = int(
    os.environ.get("NOTIFICATION_EMAIL_LEASE_SECONDS") or max(120, 3 * EMAIL_TIMEOUT)
)
NOTIFICATION_EMAIL_STALE_SECONDS = int(os.environ.get("NOTIFICATION_EMAIL_STALE_SECONDS") or 600)
# Mails one delivery task sends over one SMTP connection (notify_many and the sweeper
# queue one task per batch of this many).
NOTIFICATION_EMAIL_BATCH = int(os.environ.get("NOTIFICATION_EMAIL_BATCH") or 250)

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files (served by WhiteNoise, never from a CDN) -----------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / ".data" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG

# --- Uploaded files: media and private files, on disk or in a bucket -----------
# "default" holds media: space photos, shown in pages by their URL. "private" holds proposal
# attachments and study group reports, which only the portal's permission-checked views serve
# (through storage.open, never a URL). Local disk by default; with STORAGE_S3_BUCKET set,
# both live in an S3-compatible bucket so that they outlive one machine, and neither is ever
# public there: objects are written with the "private" ACL, media URLs are signed for an
# hour, and private files go under their own prefix (or their own bucket). `manage.py backup`
# copies both storages, whichever backend they use.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", str(MEDIA_ROOT.parent / "private")))
S3_STORAGE = "storages.backends.s3.S3Storage"


def file_storages(environ) -> tuple[dict, list[str]]:
    """The "default" (media) and "private" entries of STORAGES read from `environ` (a
    mapping such as os.environ), and the origins pages load media images from (for the
    Content-Security-Policy). No bucket named: both on the local disk, no other origin."""
    bucket = environ.get("STORAGE_S3_BUCKET", "")
    if not bucket:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "cocreation.core.storage.PrivateFileSystemStorage"},
        }, []
    region = environ.get("STORAGE_S3_REGION") or "ap-northeast-1"
    endpoint = environ.get("STORAGE_S3_ENDPOINT_URL") or f"https://s3.{region}.amazonaws.com"
    # Path style (https://host/bucket/key) is what most S3-compatible services accept.
    addressing = environ.get("STORAGE_S3_ADDRESSING_STYLE") or "path"
    common = {
        "endpoint_url": endpoint,
        "region_name": region,
        # Empty: boto3's own chain (AWS_* variables, an instance role) supplies the keys.
        "access_key": environ.get("STORAGE_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": addressing,
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    media = {**common, "bucket_name": bucket, "location": "media", "querystring_expire": 3600}
    private = {
        **common,
        "bucket_name": environ.get("STORAGE_S3_PRIVATE_BUCKET") or bucket,
        "location": "private",
        # The views stream these files; a signed URL (the admin's link) lasts one minute
        # and makes the browser download, never display.
        "querystring_expire": 60,
        "object_parameters": {"ContentDisposition": "attachment"},
    }
    origin = urlsplit(endpoint)
    host = f"{bucket}.{origin.netloc}" if addressing == "virtual" else origin.netloc
    return {
        "default": {"BACKEND": S3_STORAGE, "OPTIONS": media},
        "private": {"BACKEND": S3_STORAGE, "OPTIONS": private},
    }, [f"{origin.scheme}://{host}"]


_file_storages, MEDIA_IMG_SOURCES = file_storages(os.environ)
STORAGES = {
    **_file_storages,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp; Django 6 has it built in, 5.2 does not). The portal
# runs no script and loads nothing from another host: everything comes from 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Space photos come from the bucket when media is kept in one.
        "img-src": [SELF, "data:", *MEDIA_IMG_SOURCES],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
