"""Settings for the mentoring-scheme manager, in one file, read from the environment.

The defaults run a development server on SQLite. Production (``DEBUG`` off) refuses to
start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``. Every variable is listed in docs/settings.md.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_float(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from exc


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A development key only ever exists with DEBUG on; production must bring its own.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (and ALLOWED_HOSTS) for production, or DEBUG=true for development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the host names this site answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "mentoring",
    "schemes",
    "benchmarks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_countries",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "mentoring.middleware.DocumentLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mentoring.middleware.SessionLifetimeMiddleware",
    "mentoring.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "mentoring.middleware.SecurityHeadersMiddleware",
    # A write request and its view in one transaction: all or nothing.
    "mentoring.middleware.AtomicWritesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentoring.urls"

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
                "mentoring.notifications.context",
            ],
        },
    },
]

WSGI_APPLICATION = "mentoring.wsgi.application"
ASGI_APPLICATION = "mentoring.asgi.application"

# DATABASE_URL chooses the database: sqlite:///path (the default) or postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the development server write while a second request reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DATABASE_SERVER_SIDE_BINDING", True):
    # PostgreSQL: parameters sent apart from the query, so psycopg prepares a query the
    # connection has run a few times and PostgreSQL plans it once, not on every request.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Django reads ``QuerySet.iterator()`` (every select of a form built from a queryset)
    # through a server-side cursor: DECLARE, FETCH and CLOSE, three round trips, never
    # prepared. Read at once instead: a form's choices are a page's worth of rows. (It is
    # also what a transaction-pooling PgBouncer in front of PostgreSQL requires.)
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "mentoring.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 (memory-hard, the OWASP first choice) for new passwords; older hashes still verify
# and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]
# English, and every language with a catalogue in locale/<code>/LC_MESSAGES/django.po:
# adding a language is adding that file (docs/languages.md).
LANGUAGES = [("en", _("English"))] + sorted(
    (path.parts[-3], _(LANG_INFO[path.parts[-3]]["name"]))
    for path in (BASE_DIR / "locale").glob("*/LC_MESSAGES/django.po")
    if path.parts[-3] in LANG_INFO and path.parts[-3] != "en"
)
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True
# Dates and times as Europe writes them, in English too ("5 Dec 2026, 21:31"): the
# project's format modules come before Django's (mentoring/formats/__init__.py says why).
FORMAT_MODULE_PATH = ["mentoring.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from npm at set-up (package.json) and is served by the app, never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC_STORAGE")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Attachments (evidence files): a directory on disk, never served by the web server
    # (downloads go through the application's access rules). ATTACHMENTS_ROOT moves it.
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("ATTACHMENTS_ROOT", str(BASE_DIR / "var" / "attachments"))},
    },
}
# Several app servers: the attachments in S3-compatible object storage instead (MinIO,
# Ceph, a cloud provider), through django-storages, when ATTACHMENTS_S3_BUCKET is set.
# The bucket stays private: no ACL is set on objects, and the application never hands
# out an object's address (a download goes through its access rules); a signed address,
# were one ever made, would expire within a minute. No object is ever overwritten.
# mentoring.storage.S3AttachmentStorage turns every failure of the store into one
# exception, AttachmentStorageError (an OSError, like a full disk).
ATTACHMENTS_S3_BUCKET = env_str("ATTACHMENTS_S3_BUCKET")
if ATTACHMENTS_S3_BUCKET:
    from botocore.config import Config as S3ClientConfig

    _s3_endpoint = env_str("ATTACHMENTS_S3_ENDPOINT_URL") or None
    STORAGES["attachments"] = {
        "BACKEND": "mentoring.storage.S3AttachmentStorage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": env_str("ATTACHMENTS_S3_REGION") or None,
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID..., a profile, the instance role).
            "access_key": env_str("ATTACHMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("ATTACHMENTS_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("ATTACHMENTS_S3_PREFIX").strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            # A download is read into memory up to this size, into a temporary file beyond.
            "max_memory_size": 2 * 1024 * 1024,
            "client_config": S3ClientConfig(
                # MinIO and Ceph answer at one host name: path-style addresses
                # (endpoint/bucket/key) unless told otherwise; AWS chooses by itself.
                s3={"addressing_style": env_str("ATTACHMENTS_S3_ADDRESSING_STYLE", "path" if _s3_endpoint else "auto")},
                signature_version="s3v4",
                # A store that does not answer fails an upload in seconds, not minutes.
                connect_timeout=env_int("ATTACHMENTS_S3_CONNECT_TIMEOUT", 5),
                read_timeout=60,
                retries={"mode": "standard", "total_max_attempts": env_int("ATTACHMENTS_S3_ATTEMPTS", 3)},
                # Every upload carries a checksum the store checks (CRC32), every
                # download is checked against the store's; an older store that rejects
                # them: ATTACHMENTS_S3_CHECKSUMS=false (only where S3 requires one).
                request_checksum_calculation="when_supported" if env_bool("ATTACHMENTS_S3_CHECKSUMS", True) else "when_required",
                response_checksum_validation="when_supported" if env_bool("ATTACHMENTS_S3_CHECKSUMS", True) else "when_required",
            ),
        },
    }
MEDIA_ROOT = BASE_DIR / "media"
# The most one attached file may weigh, and all the files of one scheme together.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20) * 1024 * 1024
SCHEME_ATTACHMENTS_MAX_BYTES = env_int("SCHEME_ATTACHMENTS_MAX_MB", 500) * 1024 * 1024
# The most files one person may add in an hour; how many days a removed file is kept
# (restorable with its object's earlier state) before attachments_purge deletes it.
ATTACHMENT_UPLOADS_PER_HOUR = env_int("ATTACHMENT_UPLOADS_PER_HOUR", 30)
ATTACHMENT_RETENTION_DAYS = env_int("ATTACHMENT_RETENTION_DAYS", 365)
# "Download my data" (mentoring.data_exports): how long the e-mailed link works; the ZIP
# is deleted after (data_exports_purge).
DATA_EXPORT_VALID_HOURS = env_int("DATA_EXPORT_VALID_HOURS", 72)
# How many days after a programme is archived its people's personal data is replaced by
# pseudonyms (the daily ``retention`` task, ``manage.py retention``; mentoring.erasure).
RETENTION_DAYS = env_int("RETENTION_DAYS", 730)
# How many days the record of logins (django-axes' access log: address, IP, browser, time)
# is kept; the daily ``login_records_prune`` task forgets older ones.
LOGIN_RECORD_DAYS = env_int("LOGIN_RECORD_DAYS", 180)

# Widgets are drawn by Django's own templates, with the project's templates found first
# (templates/django/forms/ may override one; none does today).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mentoring@localhost")
# The site's address, for links in e-mails sent without a request (reminders).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The privacy notice (/privacy/, templates/privacy.html, which the deployer edits): who
# answers for the personal data this site keeps (the controller), how to reach them, and
# their data protection officer (empty: the page does not name one).
PRIVACY_CONTROLLER_NAME = env_str("PRIVACY_CONTROLLER_NAME")
PRIVACY_CONTROLLER_CONTACT = env_str("PRIVACY_CONTROLLER_CONTACT")
PRIVACY_DPO_CONTACT = env_str("PRIVACY_DPO_CONTACT")
# Reminders (manage.py send_reminders, the reminders_send task): the days a new
# programme starts with, before a visit (and its preparation meeting) and before a due
# date; each programme's coordinators change them on its settings form (0 to 90 days, at
# most four of each).
REMINDER_DAYS_BEFORE_VISIT = [int(days) for days in env_list("REMINDER_DAYS_BEFORE_VISIT", default=["14", "3"])]
REMINDER_DAYS_BEFORE_DUE = [int(days) for days in env_list("REMINDER_DAYS_BEFORE_DUE", default=["7", "1"])]
# The hour (0-23, in TIME_ZONE) from which the daily summaries of notifications leave
# (the weekly ones: on Mondays, from that hour).
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Sessions: idle expiry (SESSION_COOKIE_AGE, renewed every SESSION_RENEW_SECONDS of
# activity by mentoring.middleware.SessionLifetimeMiddleware) and absolute
# expiry (mentoring.middleware.SessionLifetimeMiddleware): after SESSION_ABSOLUTE_SECONDS
# a person logs in again however active they were.
# In the database (Django's own backend).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 60 * 60 * 2)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 60 * 60 * 12)
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers. HTTPS-only settings switch on with DEBUG off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer checks /healthz over plain HTTP on the internal network: a redirect to
# HTTPS would read as "unhealthy". It says nothing of anyone's data.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The admin shows each object's history but does not revert it: a restore goes through the
# application's own history pages (mentoring.history), which keep a scheme's focus
# agreements consistent with its focus.
SIMPLE_HISTORY_REVERT_DISABLED = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Demo accounts (manage.py load_demo) are only ever usable with DEBUG on.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-mentoring-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "mentoring.access": {"handlers": ["console"], "level": env_str("ACCESS_LOG_LEVEL", "WARNING")},
        "axes": {"handlers": ["console"], "level": "WARNING"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        # Server errors with their traceback, in the server's log (never on the page).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Each document laid out (by a worker, or by the download that found none) and
        # each one too large to print.
        "mentoring.documents": {"handlers": ["console"], "level": env_str("DOCUMENT_LOG_LEVEL", "INFO")},
    },
}
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mentoring.backends.EmailBackend",
]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one address
# from one client, that pair is locked for LOGIN_COOLOFF_MINUTES. Locking the pair, not
# the address alone, means an attacker elsewhere cannot lock a real user out, and the
# lock always ends; failures during a lock-out do not extend it.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form's field is "username" (holding the e-mail address); case does not matter.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "mentoring.backends.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client address is REMOTE_ADDR, unless TRUSTED_PROXY_COUNT reverse proxies stand in
# front: then it is read from the right of X-Forwarded-For, which a client cannot forge.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Second factor (django-otp, TOTP). Anyone may turn it on; with OTP_REQUIRED_FOR_COORDINATORS
# a programme coordinator must set it up before doing anything else.
OTP_REQUIRED_FOR_COORDINATORS = env_bool("OTP_REQUIRED_FOR_COORDINATORS", default=False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Mentoring schemes")

# Single sign-on (docs/sso.md): OpenID Connect through mozilla-django-oidc, on when
# OIDC_RP_CLIENT_ID is set. A person signs in with their organisation's account when the
# provider verified their e-mail address and it matches an account or an open invitation
# (no open sign-up). The app and its backend are always installed and stay inert
# (their pages a 404) without a client id, so tests and deployments switch it by settings
# alone. PASSWORD_LOGIN=false leaves single sign-on as the only way in.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
# The provider's end-session endpoint (optional): logging out here then logs the person
# out of their organisation too (mentoring.sso.LogoutView), with the ID token of their
# sign-in, which the session keeps for it.
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT")
OIDC_STORE_ID_TOKEN = True
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
# The button reads "Sign in with <name>"; empty: "your organisation's account".
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
# Clocks of the site and the provider may differ by this much when a token's times are checked.
OIDC_LEEWAY_SECONDS = env_int("OIDC_LEEWAY_SECONDS", 60)
OIDC_CALLBACK_CLASS = "mentoring.sso.CallbackView"
OIDC_AUTHENTICATE_CLASS = "mentoring.sso.AuthenticateView"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", default=True)
if OIDC_RP_CLIENT_ID:
    _missing = [
        name
        for name in ("OIDC_RP_CLIENT_SECRET", "OIDC_OP_ISSUER", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT")
        + ("OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT")
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"Single sign-on (OIDC_RP_CLIENT_ID is set) also needs {', '.join(_missing)}: see docs/sso.md."
        )
elif not PASSWORD_LOGIN:
    raise ImproperlyConfigured("PASSWORD_LOGIN=false needs single sign-on: set OIDC_RP_CLIENT_ID and the OIDC_OP_* settings.")
INSTALLED_APPS += ["mozilla_django_oidc"]
AUTHENTICATION_BACKENDS += ["mentoring.sso.OrganisationAccountBackend"]

# Invitations: how long a one-time link stays valid.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
# Personal links of local support group members (schemes.models.member_links): how long
# one stays valid. Long enough to span the visits of a few months; it can be revoked.
MEMBER_LINK_VALID_DAYS = env_int("MEMBER_LINK_VALID_DAYS", 30)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_SECONDS", 60 * 60 * 24)

# Documents (PDF). Generated PDFs are kept per document version: the key is a hash of the
# exact HTML they were made from, so any change to what a document shows makes a new one.
# The cache is a directory, shared by every app-server process on the machine.
# The background workers put the PDFs there and the app servers read them: a directory
# when they share a machine (or a shared disk); DOCUMENT_CACHE=database keeps them in the
# database instead (run ``manage.py createcachetable``), for workers on other machines.
DOCUMENT_CACHE = env_str("DOCUMENT_CACHE", "file")
if DOCUMENT_CACHE not in {"file", "database"}:
    raise ImproperlyConfigured(f"DOCUMENT_CACHE must be file or database, not {DOCUMENT_CACHE!r}.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache"
        if DOCUMENT_CACHE == "file"
        else "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": env_str("DOCUMENT_CACHE_DIR", str(BASE_DIR / "var" / "document-cache"))
        if DOCUMENT_CACHE == "file"
        else "document_cache",
        "TIMEOUT": env_int("DOCUMENT_CACHE_SECONDS", 60 * 60 * 24 * 7),
        "OPTIONS": {"MAX_ENTRIES": env_int("DOCUMENT_CACHE_ENTRIES", 2000)},
    },
}
# Gunicorn's master process loads what every worker keeps for good and freezes it out of
# the garbage collector's full collections before forking (mentoring.heap, gunicorn.conf.py).
GC_FREEZE = env_bool("GC_FREEZE", True)
# Documents are laid out by the background workers after each change, or by the download
# that finds none (mentoring.documents); a download that leaves its document to the
# workers waits this long for it before answering "being prepared"; the renderer stops a
# document at this many seconds or megabytes of memory (it is then "too large to print",
# remembered this long), and does not try HTML longer than this many characters.
DOCUMENT_WAIT_SECONDS = env_float("DOCUMENT_WAIT_SECONDS", 2.0)
DOCUMENT_RENDER_SECONDS = env_int("DOCUMENT_RENDER_SECONDS", 60)
DOCUMENT_RENDER_MEMORY_MB = env_int("DOCUMENT_RENDER_MEMORY_MB", 1024)
DOCUMENT_MAX_HTML = env_int("DOCUMENT_MAX_HTML", 3_000_000)
DOCUMENT_TOO_LARGE_SECONDS = env_int("DOCUMENT_TOO_LARGE_SECONDS", 60 * 60)
# How long a document may wait in the queue before a download asks for it again.
DOCUMENT_QUEUE_SECONDS = env_int("DOCUMENT_QUEUE_SECONDS", 300)
# A scheme's documents are laid out again in the background after a change to one of
# them (schemes.documents), so that a download is a file read: this many seconds after
# the first change, so that the changes of those seconds (typing, autosaves) make one run.
DOCUMENT_REFRESH_DELAY_SECONDS = env_int("DOCUMENT_REFRESH_DELAY_SECONDS", 30)

# What one document may hold, so that every document stays printable and every page
# quick: checked when people write, with a message that says the limit.
MAX_ACTIONS_PER_PLAN = env_int("MAX_ACTIONS_PER_PLAN", 200)
MAX_DOCUMENT_TEXT = env_int("MAX_DOCUMENT_TEXT", 300_000)
MAX_SESSIONS_PER_VISIT = env_int("MAX_SESSIONS_PER_VISIT", 60)
MAX_VISIT_DAYS = env_int("MAX_VISIT_DAYS", 14)

# Background work (documents, e-mail, scheduled clean-ups): Django's tasks API through
# django-tasks, on the database (django-tasks-db): no other server to run, and any number
# of workers on any number of machines (``manage.py db_worker``; ./dev run starts one).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "documents"],
    },
}

# The read-only API (docs/api.md): Django REST framework under /api/v1/, GET only, JSON
# only; a personal key from the account page (Authorization: Bearer <key>) or the
# session; pages of 50, at most 100. Its OpenAPI schema (drf-spectacular) and its
# documentation page, Swagger UI served from the sidecar package's static files.
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mentoring.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["mentoring.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "mentoring.api.pagination.ApiPagination",
    "DEFAULT_THROTTLE_CLASSES": ["mentoring.api.throttling.PersonRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# How many API requests one person may make (DRF's rate syntax: "2000/hour", "50/minute").
API_RATE = env_str("API_RATE", "2000/hour")
if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", API_RATE):
    raise ImproperlyConfigured(f"API_RATE must read like 2000/hour or 50/minute, not {API_RATE!r}.")
SPECTACULAR_SETTINGS = {
    "TITLE": "City-to-city mentoring: read-only API",
    "DESCRIPTION": "Programmes, schemes and their steps, organisations, benchmarks, self-assessments, action plans, "
    "visits, meetings and good practices, as the pages show them to you (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI draws each operation's path as a link inside the button
    # that opens it, a control within a control that keyboards and screen readers trip on.
    # No syntax colours: some of its themes' colours are too faint on their dark ground.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"activated": False}},
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SchemeKindEnum": "schemes.models.programmes.SchemeKind",
        "OrganisationKindEnum": "schemes.models.organisations.OrganisationKind",
        "VisitKindEnum": "schemes.models.visits.VisitKind",
    },
}
