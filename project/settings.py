"""Settings for the mentoring platform, read from the environment.

Every setting is documented in README.md ("Settings"). Development defaults are
safe on a laptop; with DEBUG off the platform refuses to start on a development
secret key.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
DEBUG = env.bool("DEBUG", default=False)
# A Server-Timing header on every response (project/server_timing.py); make bench turns it on.
SERVER_TIMING = env.bool("SERVER_TIMING", default=DEBUG)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY and not env.bool("ALLOW_DEV_SECRET", default=False):
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key: set SECRET_KEY in production "
        "(or DEBUG=true / ALLOW_DEV_SECRET=true on a development machine)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Mentoring Programme")
VIDEO_CHAT_BASE_URL = env.str("VIDEO_CHAT_BASE_URL", default="https://meet.jit.si/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.forms",
    "django_fsm",
    "viewflow",
    "viewflow.workflow",
    "allauth",
    "allauth.account",
    "axes",
    "project",
    "people",
    "journeys",
    "notifications",
    "support",
    "staff",
    "staff.matching",
    "staff.members",
    "staff.identity",
    "staff.imports",
]

MIDDLEWARE = [
    "project.server_timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "project.newlines.NewlinesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "people.middleware.ActivityMiddleware",
    "journeys.middleware.RefusedActionMiddleware",
    "axes.middleware.AxesMiddleware",
    "project.errors.MethodNotAllowedPage",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

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
                "notifications.context_processors.unread",
                "project.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: PostgreSQL in production and tests; SQLite (embedded) when unset.
CONTACT_MESSAGES_PER_HOUR = env.int("CONTACT_MESSAGES_PER_HOUR", default=5)

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mentoring.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default: web, worker and beat share one file, so wait for locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)

# django-allauth: email is the login; email must be verified before logging in.
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_SIGNUP_FORM_CLASS = "people.forms.SignupExtraForm"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A password changed, set or reset, the account's address changed (told to the old address) or an
# address removed: allauth tells the person by email, in our words (templates/account/email/).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # our outbox adds "[SITE_NAME] " to every subject
# people.adapter (emails through the outbox), with the sign-up mode staff set (staff.imports.adapter)
ACCOUNT_ADAPTER = "staff.imports.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"

# django-axes: repeated failed logins lock that account (counted per account, and per
# account and address), never everyone behind one IP address. A successful sign-in starts the
# count again, so the lockout page's "wrong passwords in a row" is what happened.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "people.lockout.attempted_account"
AXES_USERNAME_FORM_FIELD = "login"
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The lockout per account is axes' alone (its page says how long, and that a reset lets the person
# in): allauth's own per-address limit answered the tries after it with a vaguer sentence. allauth
# still limits wrong passwords per network address, briefly (its sentence: people.adapter).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# The platform speaks English; a deployment in another language sets LANGUAGE_CODE and puts its
# catalogue in locale/<code>/LC_MESSAGES/django.po (README, "Translations").
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-gb").lower()
LANGUAGES = [("en-gb", "English")]
if LANGUAGE_CODE != "en-gb":
    from django.conf.locale import LANG_INFO

    LANGUAGES.append((LANGUAGE_CODE, LANG_INFO.get(LANGUAGE_CODE, {}).get("name", LANGUAGE_CODE)))
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded attachments: outside any public URL, served only through
    # journeys.views.download_attachment after a membership check.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))),
            "base_url": None,
        },
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Videos staff upload to Resources (support/videos.py): MP4 or WebM, checked by content, up to this size.
RESOURCE_VIDEO_MAX_BYTES = env.int("RESOURCE_VIDEO_MAX_BYTES", default=200 * 1024 * 1024)
ATTACHMENT_ALLOWED_TYPES = env.list(
    "ATTACHMENT_ALLOWED_TYPES",
    default=[
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
)
# The programme's logo (Staff → Programme settings): PNG, JPEG or WebP, checked by content.
LOGO_MAX_BYTES = env.int("LOGO_MAX_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024

# Email
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="mentoring@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="")
# Replies by email to the programme's answers on a Contact message (support.inbound): the Reply-To is
# support+<signed token>@SUPPORT_INBOUND_DOMAIN (empty: answers are on the platform only), and the
# inbound endpoint /support/inbound/ accepts a raw message only with SUPPORT_INBOUND_SECRET (empty: off).
SUPPORT_INBOUND_DOMAIN = env.str("SUPPORT_INBOUND_DOMAIN", default="")
SUPPORT_INBOUND_SECRET = env.str("SUPPORT_INBOUND_SECRET", default="")

# Development email (project/devmail.py): with EMAIL_BACKEND=project.devmail.DevMailBackend
# (what `make run` picks when DEBUG is on), messages are JSON files here, read at /dev/emails/.
DEVMAIL_DIR = env.path("DEVMAIL_DIR", default=str(VAR_DIR / "devmail"))

# Notification delivery (the outbox, notifications/tasks.py): back-off, give-up, claims, broker wait.
NOTIFICATION_SWEEP_SECONDS = env.int("NOTIFICATION_SWEEP_SECONDS", default=60)
NOTIFICATION_QUEUE_GRACE_SECONDS = env.float("NOTIFICATION_QUEUE_GRACE_SECONDS", default=120)
NOTIFICATION_RETRY_SECONDS = env.float("NOTIFICATION_RETRY_SECONDS", default=60)
NOTIFICATION_RETRY_MAX_SECONDS = env.float("NOTIFICATION_RETRY_MAX_SECONDS", default=1800)
NOTIFICATION_GIVE_UP_AFTER = env.float("NOTIFICATION_GIVE_UP_AFTER", default=3600)
NOTIFICATION_CLAIM_TIMEOUT = env.float("NOTIFICATION_CLAIM_TIMEOUT", default=300)
NOTIFICATION_AUTO_RETRY_DAYS = env.float("NOTIFICATION_AUTO_RETRY_DAYS", default=7)
NOTIFICATION_SWEEP_LIMIT = env.int("NOTIFICATION_SWEEP_LIMIT", default=500)
NOTIFICATION_BROKER_TIMEOUT = env.float("NOTIFICATION_BROKER_TIMEOUT", default=1.0)
# Work a page queues (a data export, an import, a round's publishing or its follow-up after a decline) is
# queued the same way (notifications.tasks.queue_soon); what has not started after QUEUE_GRACE_SECONDS
# (its message lost to a broker outage) is started by its beat sweep, every QUEUE_SWEEP_SECONDS.
QUEUE_SWEEP_SECONDS = env.int("QUEUE_SWEEP_SECONDS", default=60)
QUEUE_GRACE_SECONDS = env.float("QUEUE_GRACE_SECONDS", default=120)
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=30)
# Messages are emailed one burst at a time (notifications/batching.py): after this many quiet
# minutes (0: each message at once), and at most MESSAGE_EMAIL_MAX_DELAY_MINUTES after the first.
MESSAGE_EMAIL_QUIET_MINUTES = env.float("MESSAGE_EMAIL_QUIET_MINUTES", default=15)
MESSAGE_EMAIL_MAX_DELAY_MINUTES = env.float("MESSAGE_EMAIL_MAX_DELAY_MINUTES", default=60)

# Celery: Redis in production and tests. `manage.py runplatform` falls back to
# kombu's filesystem transport when no Redis answers.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# The queue web, workers and beat share; deployments (or test runs) sharing one Redis database each name their own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "fire-workflow-timers": {
        "task": "journeys.tasks.fire_workflow_timers",
        "schedule": env.int("TIMER_SWEEP_SECONDS", default=60),
    },
    "dated-reminders": {
        "task": "journeys.tasks.send_dated_reminders",
        "schedule": env.int("DATED_REMINDER_SWEEP_SECONDS", default=3600),
    },
    "open-stalled-cases": {
        "task": "staff.tasks.open_stalled_cases",
        "schedule": env.int("STALLED_SWEEP_SECONDS", default=3600),
    },
    "redeliver-notifications": {
        "task": "notifications.tasks.redeliver_pending",
        "schedule": NOTIFICATION_SWEEP_SECONDS,
    },
    "build-waiting-exports": {
        "task": "people.tasks.build_waiting_exports",
        "schedule": QUEUE_SWEEP_SECONDS,
    },
    "start-waiting-imports": {
        "task": "staff.imports.tasks.start_waiting_imports",
        "schedule": QUEUE_SWEEP_SECONDS,
    },
    "resume-matching-work": {
        "task": "staff.matching.tasks.resume_waiting_work",
        "schedule": QUEUE_SWEEP_SECONDS,
    },
    "apply-retention": {
        "task": "people.tasks.apply_retention",
        "schedule": env.int("RETENTION_SWEEP_SECONDS", default=86400),
    },
}

# Find Mentor: how much each kind of criterion adds to a mentor's match score.
MATCH_WEIGHTS = env.dict(
    "MATCH_WEIGHTS",
    cast={"value": float},
    default={"area": 3, "role": 2, "community": 2, "keywords": 2, "region": 1},
)
# Matching rounds (staff.matching): how many of each mentee's best mentors the solver chooses among
# (besides their shortlist and pinned pairs).
MATCHING_CANDIDATES_PER_MENTEE = env.int("MATCHING_CANDIDATES_PER_MENTEE", default=40)

# Journey reminders and escalations (days), see journey.md.
REMINDERS = {
    "REQUEST_REMIND_DAYS": env.list("REQUEST_REMIND_DAYS", cast=int, default=[3, 7]),
    "REQUEST_ESCALATE_DAYS": env.int("REQUEST_ESCALATE_DAYS", default=10),
    "REQUEST_EXPIRE_DAYS": env.int("REQUEST_EXPIRE_DAYS", default=21),
    "FIRST_MEETING_REMIND_DAYS": env.int("FIRST_MEETING_REMIND_DAYS", default=7),
    "FIRST_MEETING_ESCALATE_DAYS": env.int("FIRST_MEETING_ESCALATE_DAYS", default=14),
    "STALLED_AFTER_DAYS": env.int("STALLED_AFTER_DAYS", default=30),
    "FEEDBACK_REMIND_DAYS": env.int("FEEDBACK_REMIND_DAYS", default=7),
    "FEEDBACK_ESCALATE_DAYS": env.int("FEEDBACK_ESCALATE_DAYS", default=14),
    "GOAL_DUE_SOON_DAYS": env.int("GOAL_DUE_SOON_DAYS", default=3),
    "PROFILE_REMIND_DAYS": env.int("PROFILE_REMIND_DAYS", default=3),
    "NO_REQUEST_REMIND_DAYS": env.int("NO_REQUEST_REMIND_DAYS", default=7),
}

# Data rights (UK GDPR): "Download my data" links, and the retention of inactive accounts.
DATA_EXPORT_EXPIRE_DAYS = env.int("DATA_EXPORT_EXPIRE_DAYS", default=7)
# Bulk import (staff.imports): days an invitation link works (resending makes a new one).
INVITATION_EXPIRE_DAYS = env.int("INVITATION_EXPIRE_DAYS", default=14)
RETENTION_INACTIVE_DAYS = env.int("RETENTION_INACTIVE_DAYS", default=1095)
RETENTION_WARNING_DAYS = env.int("RETENTION_WARNING_DAYS", default=30)
# Sign-in records (django-axes) older than this are removed by the retention sweep (the privacy page says so).
SIGN_IN_RECORDS_KEEP_DAYS = env.int("SIGN_IN_RECORDS_KEEP_DAYS", default=365)

# Hardening (issue 7): HTTPS and HSTS, Content-Security-Policy and Permissions-Policy, a shared
# cache for rate limits, limits on requests/questions/messages, the /health/ endpoint.
# Documented in README.md, "Hardening".
_HTTPS = not DEBUG and SITE_URL.startswith("https")
# Sessions live in the database and are read from the shared cache (project/sessions.py).
SESSION_ENGINE = "project.sessions"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe the nodes over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
    "django_permissions_policy.PermissionsPolicyMiddleware",
)
# No inline script anywhere: every script is a file under static/. Styles may still be inline
# (style="..." attributes in our templates and viewflow's).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
    )
}  # fmt: skip
# The default cache holds the rate-limit counters (sign-in, password reset, Contact form, requests,
# questions, messages), so every web node and process must share it: unless CACHE_URL says otherwise
# (e.g. locmemcache:// for one process only), it lives in the Redis of REDIS_URL under its own key
# prefix, and clearing it removes only its own keys, never Celery's. With the embedded broker
# (runplatform without Redis) the processes of the one machine share files under VAR_DIR instead.
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif CELERY_BROKER_URL.startswith("filesystem"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "project.cache.PrefixedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mentoring-cache"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
REQUESTS_PER_DAY = env.int("REQUESTS_PER_DAY", default=5)
QUESTIONS_PER_HOUR = env.int("QUESTIONS_PER_HOUR", default=10)
MESSAGES_PER_HOUR = env.int("MESSAGES_PER_HOUR", default=60)
# Wrong passwords one account may type in an hour on Delete my account (sign-in has django-axes).
DELETE_ACCOUNT_PASSWORD_TRIES_PER_HOUR = env.int("DELETE_ACCOUNT_PASSWORD_TRIES_PER_HOUR", default=5)
# /health/: the beat schedule sends a heartbeat task every HEARTBEAT_SECONDS and a worker records
# when it ran; older than HEALTH_HEARTBEAT_MAX_AGE seconds means beat or the workers are down.
HEARTBEAT_SECONDS = env.int("HEARTBEAT_SECONDS", default=60)
HEALTH_HEARTBEAT_MAX_AGE = env.int("HEALTH_HEARTBEAT_MAX_AGE", default=3 * HEARTBEAT_SECONDS)
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)
CELERY_BEAT_SCHEDULE["heartbeat"] = {"task": "project.tasks.heartbeat", "schedule": HEARTBEAT_SECONDS}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_forbidden": {"()": "project.logs.QuietForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet_forbidden"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's records go to the root's handler only (see project/logs.py).
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
