"""Settings, read from the environment only.

No variables set: SQLite under data/, Celery tasks run eagerly, DEBUG off, so a
SECRET_KEY is required. `make run` (scripts/run.py) turns DEBUG on for the quick start,
which may then use the fixed development key on this machine only. Production: set
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Off unless asked for: a forgotten variable must not serve tracebacks and settings to the
# public. `make run` and the tests turn it on.
DEBUG = env_bool("DJANGO_DEBUG", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Development only: a fixed key is harmless while DEBUG is on and only this machine answers.
DEVELOPMENT_SECRET_KEY = "dev-insecure-key-only-for-local-runs-0123456789abcdefghijklmnopqrstuvwxyz"
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "[::1]", "localhost", "testserver"}
# Django's own deployment check (security.W009) asks for at least this many characters.
SECRET_KEY_MIN_LENGTH = 50
NEW_SECRET_KEY_HINT = (
    'Set SECRET_KEY to a long random string, e.g. from: python -c "import secrets; '
    'print(secrets.token_urlsafe(50))"'
)

SECRET_KEY = os.environ.get("SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY
_public_hosts = sorted(set(ALLOWED_HOSTS) - LOOPBACK_HOSTS)
if SECRET_KEY == DEVELOPMENT_SECRET_KEY and (not DEBUG or _public_hosts):
    # Anyone who knows this key (it is in the source) could forge sessions and signed links.
    why = "DJANGO_DEBUG is off" if not DEBUG else f"ALLOWED_HOSTS names {', '.join(_public_hosts)}"
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set, not left to the development key, while {why}. "
        f"{NEW_SECRET_KEY_HINT}. For a quick start on this machine only: `make run`."
    )
if not DEBUG and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"SECRET_KEY has {len(SECRET_KEY)} characters; production needs at least "
        f"{SECRET_KEY_MIN_LENGTH}. {NEW_SECRET_KEY_HINT}."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # [static] Before staticfiles: runserver leaves static files to whitenoise, which serves
    # the collected, hashed and compressed ones (scripts/run.py collects them).
    "whitenoise.runserver_nostatic",
    "governance.apps.StaticFilesConfig",  # django.contrib.staticfiles with our ignore list
    "guardian",
    "axes",
    "viewflow",
    "viewflow.workflow",
    # The core first, then the apps above it; docs/architecture.md says who may import whom.
    "governance",
    "plan",
    "proposals",
    "audits",
    "meetings",
    "evidence",
    "dashboard",
]

MIDDLEWARE = [
    # First: every line logged while a request is handled carries its id.
    "governance.request_id.RequestIdMiddleware",
    # The request at hand for the personal-data access log's origin (client address).
    "governance.access_log.AccessOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "governance.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # [static] Pages gzipped (a tenth of their size). Below whitenoise, which sends its own
    # pre-compressed files. BREACH guesses a secret in a page from compressed sizes, with the
    # attacker's text reflected beside it over thousands of logged-in requests: the CSRF
    # token, the secret it is known for, is masked afresh in every response; Django pads each
    # gzip response with random bytes ("Heal the Breach"); and the session cookie is
    # SameSite=Lax, so another site's requests go without it.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware, which counts the page's length after bidi controls are out.
    "governance.middleware.StripBidiMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Control and bidi characters out of every posted text, before any form reads it.
    "governance.middleware.CleanTextInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # No cache keeps what a signed-in person was shown.
    "governance.middleware.PrivatePagesMiddleware",
    # Every page needs a login unless marked otherwise: a task link opened while logged
    # out leads to the login page, then back to the task.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "governance.middleware.UserLanguageMiddleware",
    # Inside the language's middleware: the page is in the person's language.
    "governance.middleware.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: the login page says why the person was signed out.
    "governance.middleware.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]
# We list viewflow's middleware ourselves (above) so the order is explicit.
VIEWFLOW = {"AUTOREGISTER": False}

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; a busy timeout instead of
    # an immediate "database is locked" when two requests write together.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the pages' queries are short, and PostgreSQL compiled the list counts (their
    # estimate inflated by a correlated subquery) for 20 ms of an 80 ms query at 30,000
    # proposals (bench/README.md, "Page sweep"). A DATABASE_URL's own ?options= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked for AXES_COOLOFF_MINUTES (an administrator can
# unlock earlier: `manage.py axes_reset_username LOGIN`). By pair, so a stranger cannot
# lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = __import__("datetime").timedelta(
    minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And an address alone, after this many wrong passwords for any usernames within the cool-off
# (governance.lockout): one machine cannot try a password against every colleague. Higher than
# the pair's limit, as many people may share an address (an office behind one NAT). Unlocked
# early by `manage.py axes_reset_ip ADDRESS`.
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_HANDLER = "governance.lockout.AddressLimitHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address is the REMOTE_ADDR unless reverse proxies stand in front: then set
# AXES_PROXY_COUNT to their number, and the address is read from X-Forwarded-For that many
# hops from the right (axes 8's AXES_IPWARE_PROXY_COUNT, read by
# governance.lockout.client_address, as django-ipware is not installed). Left at 0
# behind a proxy, every person has the proxy's address: the address limit would lock
# everyone out together, and the pair limit would lock a username everywhere.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_CLIENT_IP_CALLABLE = "governance.lockout.client_address"
AXES_VERBOSE = False

# ======== Directory accounts (Active Directory or LDAP) — governance/directory.py ========
# Off unless LDAP_SERVER_URI is set (README: "Directory (Active Directory or LDAP)"). Then the
# directory's backend comes after axes' (a locked-out pair is refused before the directory is
# asked; wrong directory passwords count as any others) and before the model backend (local
# accounts: external committee members, the administrator).
from governance.directory_settings import directory_settings  # noqa: E402

# Each variable by name, so that this file shows all the environment the project reads.
_DIRECTORY = directory_settings(
    {
        "LDAP_SERVER_URI": os.environ.get("LDAP_SERVER_URI", ""),
        "LDAP_BIND_DN": os.environ.get("LDAP_BIND_DN", ""),
        "LDAP_BIND_PASSWORD": os.environ.get("LDAP_BIND_PASSWORD", ""),
        "LDAP_START_TLS": os.environ.get("LDAP_START_TLS", ""),
        "LDAP_TIMEOUT_SECONDS": os.environ.get("LDAP_TIMEOUT_SECONDS", "5"),
        "LDAP_BASE_DN": os.environ.get("LDAP_BASE_DN", ""),
        "LDAP_USER_BASE": os.environ.get("LDAP_USER_BASE", ""),
        "LDAP_USERNAME_ATTR": os.environ.get("LDAP_USERNAME_ATTR", ""),
        "LDAP_USER_FILTER": os.environ.get("LDAP_USER_FILTER", ""),
        "LDAP_USER_ATTR_MAP": os.environ.get("LDAP_USER_ATTR_MAP", ""),
        "LDAP_GROUP_BASE": os.environ.get("LDAP_GROUP_BASE", ""),
        "LDAP_GROUP_FILTER": os.environ.get("LDAP_GROUP_FILTER", ""),
        "LDAP_UNIT_MAP": os.environ.get("LDAP_UNIT_MAP", ""),
        "LDAP_ROLE_MAP": os.environ.get("LDAP_ROLE_MAP", ""),
    }
)
globals().update(_DIRECTORY)  # AUTH_LDAP_* for django-auth-ldap, LDAP_* for governance.directory
if _DIRECTORY:
    AUTHENTICATION_BACKENDS.insert(1, "governance.directory.DirectoryBackend")
# ======== end of directory accounts ========
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous has no permissions
GUARDIAN_RAISE_403 = True

# [hashers] New passwords, and old ones at their next login, are hashed with Argon2id
# (governance.hashers: 32 MiB, 3 passes), stronger than Django's default PBKDF2 (1,000,000
# iterations) and cheaper here: PBKDF2 took 300-370 ms of CPU per login, Argon2id about 90 ms,
# so a login fits in 300 ms (bench/login.py; django-axes's look-ups are about 1 ms of it). The
# others stay to verify older hashes: a PBKDF2 hash works, and is re-made with Argon2id when
# its owner logs in.
PASSWORD_HASHERS = [
    "governance.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "正體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

# [static] Static files: collected (scripts/run.py and scripts/stack.py run collectstatic) under
# hashed names, each also stored gzipped and brotli-compressed, and served by whitenoise: a
# hashed name is cached by the browser for ten years (immutable), so a page after the first
# fetches none of them again. The same in `make run` (DEBUG on) as in `make stack`
# (governance.staticstorage says how, and what happens before any collectstatic).
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "governance.staticstorage.StaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

# E-mail: console in development; SMTP when EMAIL_HOST is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "governance@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker, tasks run eagerly in the calling process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or ""
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Eager tasks (the quick start) fail as in production: retried, then recorded (FailedTask),
# not raised into the page that queued them.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = int(os.environ.get("CELERY_PREFETCH_MULTIPLIER", "1"))
CELERY_TIMEZONE = TIME_ZONE
# Every task of ours (governance.background.RecordedTask): retries with back-off, then recorded.
TASK_MAX_RETRIES = int(os.environ.get("TASK_MAX_RETRIES", "5"))
TASK_RETRY_BACKOFF = int(os.environ.get("TASK_RETRY_BACKOFF", "2"))
TASK_TIME_LIMIT = int(os.environ.get("TASK_TIME_LIMIT", "600"))
# Celery beat's schedule (run exactly one beat process per deployment). Times in Asia/Taipei.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "governance.send_due_reminders",
        "schedule": crontab(hour=int(os.environ.get("REMINDER_HOUR", "7")), minute=0),
    },
    "weekly-digest": {
        "task": "governance.send_weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=int(os.environ.get("DIGEST_HOUR", "7")), minute=30),
    },
    "workflow-timers": {
        "task": "governance.fire_due_timers",
        "schedule": float(os.environ.get("TIMER_INTERVAL_SECONDS", "60")),
    },
    "evidence-requeue": {
        "task": "governance.requeue_stalled_evidence_items",
        "schedule": float(os.environ.get("EVIDENCE_REQUEUE_INTERVAL_SECONDS", "300")),
    },
    "membership-sync": {
        "task": "governance.sync_memberships",
        "schedule": crontab(hour=1, minute=15),
    },
    # Late in the day, so the day's digest holds the day's events (governance.trail_anchor).
    "trail-digest": {
        "task": "governance.anchor_trail",
        "schedule": crontab(hour=int(os.environ.get("TRAIL_DIGEST_HOUR", "23")), minute=30),
    },
}
# The signed daily digest of the trail's heads (governance.trail_anchor): an Ed25519 private
# key in PEM, kept in a file and never in the database (empty: no digest is made), and the
# folder the digests are written to, one JSON file per day.
TRAIL_DIGEST_KEY_FILE = os.environ.get("TRAIL_DIGEST_KEY_FILE", "")
TRAIL_DIGEST_DIR = Path(os.environ.get("TRAIL_DIGEST_DIR", DATA_DIR / "trail-digests"))
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Must exceed the longest task; redelivery of a lost task waits this long.
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for such lost tasks: about interval × throttle seconds.
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}

# Redis hands a task over with BRPOP before the worker records it as unacknowledged, so a
# worker killed in between loses it. An evidence item still not done this many seconds
# after it was queued is queued again; by then the broker's own redelivery has had its turn.
EVIDENCE_REQUEUE_AFTER_SECONDS = int(
    os.environ.get("EVIDENCE_REQUEUE_AFTER_SECONDS", str(CELERY_VISIBILITY_TIMEOUT + TASK_TIME_LIMIT))
)

# Production hardening; all on when DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # On by default; off only for plain http on a trusted network (e.g. `make stack` on
    # 127.0.0.1 for browsers other than Chromium and Firefox).
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
# Signed out after this many minutes without a request (governance.middleware; 0: never),
# told why on the login page. The session cookie itself lasts Django's two weeks unless
# SESSION_EXPIRE_AT_BROWSER_CLOSE ends it with the browser.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Sent on every page (governance.middleware). No inline or foreign script may run.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
SECURE_REFERRER_POLICY = "same-origin"

# Each line: time, level, logger, request id (governance.request_id), message. LOG_FORMAT=json
# writes one JSON object per line instead, for a log collector. Celery's worker and beat
# put the same on their own handlers (governance.celery).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f'LOG_FORMAT must be "text" or "json", not {LOG_FORMAT!r}.')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusals_without_traceback": {"()": "governance.log_filters.RefusalsWithoutTraceback"},
        "request_id": {"()": "governance.request_id.RequestIdFilter"},
    },
    "formatters": {"line": {"()": "governance.log_filters.formatter", "kind": LOG_FORMAT}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint logs each rendering step at INFO; its warnings (failed fetches) still show.
        "weasyprint.progress": {"level": "WARNING"},
        # Requests: one line each (not also through Django's own console handler), refused
        # ones without a traceback; server errors keep theirs.
        "django.request": {
            "filters": ["refusals_without_traceback"],
            "handlers": ["console"],
            "propagate": False,
        },
    },
}

# The agency this installation serves; printed on documents.
AGENCY_NAME = os.environ.get("AGENCY_NAME", "國立臺灣圖書館")

# The agency's key and certificate for signing evidence and trail PDFs (governance.signing):
# PEM files; the chain holds the intermediate certificates, if any. Unset: documents go out
# unsigned and say so.
PDF_SIGNING_KEY = os.environ.get("PDF_SIGNING_KEY", "")
PDF_SIGNING_CERT = os.environ.get("PDF_SIGNING_CERT", "")
PDF_SIGNING_CHAIN = os.environ.get("PDF_SIGNING_CHAIN", "")
PDF_SIGNING_KEY_PASSWORD = os.environ.get("PDF_SIGNING_KEY_PASSWORD", "")
if bool(PDF_SIGNING_KEY) != bool(PDF_SIGNING_CERT):
    # Half of it would leave every document unsigned without a word: refuse instead.
    raise ImproperlyConfigured("PDF_SIGNING_KEY and PDF_SIGNING_CERT are set together or not at all.")

# Links in e-mails point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Reminders: what each process owes and when (governance.notifications). The offsets
# themselves are rows an administrator edits (ReminderOffset).
REMINDER_SOURCES = [
    "proposals.selectors.due_for_reminders",
    "audits.selectors.due_for_reminders",
    "meetings.services.due_for_reminders",
    "plan.practice_reports.due_for_reminders",
]
# The to-do list (governance.todo): each kind of duty and the source that lists a person's
# (`source(user, *, limit, today) -> TodoSection`), in the order of its filter.
TODO_SOURCES = {
    "inbox": "governance.todo.inbox_todos",
    "queue": "governance.todo.queue_todos",
    "score": "proposals.todo.score_todos",
    "contribution": "audits.todo.contribution_todos",
    "meeting_action": "meetings.todo.action_todos",
    "practice_report": "plan.todo.report_todos",
}
# The ROC years a typed date may be in ("first-last"): outside them a date is refused as a slip
# (15/3/8 is not 1926). 80-200 is AD 1991-2111.
DATE_INPUT_ROC_YEARS = os.environ.get("DATE_INPUT_ROC_YEARS", "80-200")
GROUP_MEETING_INTERVAL_MONTHS = int(os.environ.get("GROUP_MEETING_INTERVAL_MONTHS", "2"))
SCORING_DAYS = int(os.environ.get("SCORING_DAYS", "14"))  # a committee member's time to score
# Tries per e-mail over all runs (each run retries TASK_MAX_RETRIES times), then left
# with its error for the administrator (admin: 通知, filter not sent).
NOTIFICATION_MAX_EMAIL_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_EMAIL_ATTEMPTS", "20"))
SITE_TITLE = _("創新提案與管考系統")
WORKFLOW_FLOWS = [  # dotted paths of the site's flow classes
    "proposals.flows.ProposalFlow",
    "audits.flows.RemediationFlow",
    "audits.flows.ReplyFlow",
]
HOME_APPLICATION = "dashboard.site.HomeApp"  # the landing page, first in the site
SITE_APPLICATIONS = [  # each app's pages in the site
    "proposals.urls.ProposalsApp",
    "audits.urls.AuditsApp",
    "plan.site.PlanApp",
    "meetings.site.MeetingsApp",
    "evidence.site.EvidenceApp",
    "dashboard.site.DashboardApp",
]
# The menu entries of each app, in the menu's order (templates/governance/nav_links.html).
MENU_TEMPLATES = [
    "proposals/menu.html",
    "audits/menu.html",
    "plan/menu.html",
    "meetings/menu.html",
    "dashboard/menu.html",
    "evidence/menu.html",
    "governance/access_log_menu.html",
]
# Each case app's trail PDF by case number (the case_trail command): kind -> dotted function.
CASE_TRAILS = {
    "proposal": "proposals.documents.trail_by_number",
    "finding": "audits.documents.trail_by_number",
}
# What seed_demo loads after the organisation, in order: each returns lines to print.
DEMO_LOADERS = [
    "plan.services.load_demo",  # first: demo proposals name its practices
    "proposals.demo.load_demo",
    "audits.demo.load_demo",
]

# The longest free text accepted in any text area of a form (characters).
TEXT_MAX_CHARS = int(os.environ.get("TEXT_MAX_CHARS", "10000"))

# Proposal attachments: size limit and accepted file types (by extension).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
ATTACHMENT_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "odt",
    "xls",
    "xlsx",
    "ods",
    "ppt",
    "pptx",
    "odp",
    "txt",
    "csv",
    "jpg",
    "jpeg",
    "png",
]
# Earlier proposals at or above this similarity are shown to the first reviewer.
# The likeness (proposals.similarity) from which an earlier proposal is shown to the first
# reviewer: chosen on the labelled set by bench/duplicates.py (precision 0.83, recall 0.98).
PROPOSAL_SIMILARITY_THRESHOLD = float(os.environ.get("PROPOSAL_SIMILARITY_THRESHOLD", "0.15"))
