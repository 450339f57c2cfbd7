"""Settings shared by every environment; nothing unsafe lives here.

Values come from environment variables. The development and test settings add conveniences;
production (config.settings.prod) refuses to start without its own secrets.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("RENTAN_VAR_DIR", BASE_DIR / "var"))
# Files that need not outlive a restart, written on every API request (the counts of each
# token's requests): in production a folder in memory (systemd's /run/rentan).
RUN_DIR = Path(os.environ.get("RENTAN_RUN_DIR", VAR_DIR / "run"))

DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rentan.core",
    "rentan.regions",
    "rentan.accounts",
    "rentan.registry",
    "rentan.imports",
    "rentan.programmes",
    "rentan.enrollment",
    "rentan.reporting",
    "rentan.complaints",
    "rentan.api",
    # django-ninja: serves its documentation page's scripts from its own static files when
    # installed as an app (never from a CDN).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but security: the API's refusals before any operation (404, 405, 500) as JSON.
    "rentan.api.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rentan.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rentan.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rentan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "rentan.accounts.navigation.navigation",
            ],
            "builtins": ["rentan.core.templatetags.rentan_format"],
        },
    }
]


def database_from_env(default_url: str) -> dict[str, object]:
    config = dj_database_url.parse(os.environ.get("DATABASE_URL", default_url), conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while a background import writes. Writers queue:
        # a transaction takes the write lock when it begins (IMMEDIATE), so two commits of
        # one batch wait for each other instead of failing midway with "database is locked",
        # for up to SQLITE_BUSY_SECONDS.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_SECONDS", "30")),
        }
        config["CONN_MAX_AGE"] = 0
    return dict(config)


DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'rentan.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "rentan" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "rentan" / "static"]
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on", "ya"}


# Logins. django-axes counts failures per username *and* address together: five typos by one
# person lock only that person on that computer for 15 minutes, so a whole office behind one
# address is not locked out by a colleague, while guessing one account's password is capped.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("RENTAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RENTAN_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Logins are recorded in the audit trail (AuditEvent); axes keeps only the failure counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "rentan.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "rentan.accounts.client_ip.client_ip"
# Behind a reverse proxy every request comes from the proxy's address; name the header in
# which the proxy puts the client's (e.g. X-Forwarded-For). Off by default: a header a
# client can write itself must not be trusted without a proxy that overwrites it.
RENTAN_CLIENT_IP_HEADER = os.environ.get("RENTAN_CLIENT_IP_HEADER", "")

# Sessions end after RENTAN_IDLE_TIMEOUT_MINUTES without a request from the person, and in any
# case RENTAN_SESSION_MAX_HOURS after the login (rentan.accounts.middleware).
RENTAN_IDLE_TIMEOUT_MINUTES = int(os.environ.get("RENTAN_IDLE_TIMEOUT_MINUTES", "30"))
RENTAN_SESSION_MAX_HOURS = int(os.environ.get("RENTAN_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = RENTAN_SESSION_MAX_HOURS * 3600
# Requests a page makes on its own (progress polled every second through htmx): they do not
# count as the person being active, so a page left open still times out. Only htmx requests
# to these URLs are polls: the same URL opened by the person (the lampiran's or the mayor's
# PDF, which answer the poll and the download alike) is activity.
RENTAN_POLLING_URL_NAMES = [
    "imports:batch_progress",
    "enrollment:export_progress",
    "programmes:lampiran_pdf",
    "reporting:mayor_pdf",
]

# The programme's region: the kabupaten/kota whose kelurahan the registry works in.
# Another kabupaten/kota changes this value (and its data), never the code.
RENTAN_REGION_CODE = os.environ.get("RENTAN_REGION_CODE", "33.75")

# Who signs the lampiran and the mayor's page: the head of the Dinas (a decree changes the
# person, not the code). An empty name prints a dotted line to sign over. The place defaults
# to the region's name without "Kota"/"Kabupaten".
RENTAN_SIGNATORY_TITLE = os.environ.get("RENTAN_SIGNATORY_TITLE", "Kepala Dinas")
RENTAN_SIGNATORY_NAME = os.environ.get("RENTAN_SIGNATORY_NAME", "")
RENTAN_SIGNATORY_NIP = os.environ.get("RENTAN_SIGNATORY_NIP", "")
RENTAN_SIGNATURE_PLACE = os.environ.get("RENTAN_SIGNATURE_PLACE", "")
# The Dinas named in the heading (kop) of a letter to a worker, e.g. the explanation of their
# selection; empty: the programme's sponsor as recorded on the programme.
RENTAN_AGENCY_NAME = os.environ.get("RENTAN_AGENCY_NAME", "")

# The largest kelurahan boundary file (GeoJSON) the Dinas may upload for the coverage map.
RENTAN_BOUNDARY_UPLOAD_MAX_BYTES = int(
    os.environ.get("RENTAN_BOUNDARY_UPLOAD_MAX_BYTES", str(20 * 1000 * 1000))
)

# The home page's figures are counted at most once per this many seconds in each server
# process (they read the whole person table); 0 counts them on every visit.
RENTAN_HOME_FIGURES_SECONDS = int(os.environ.get("RENTAN_HOME_FIGURES_SECONDS", "60"))
# What many pages show alike (the menu's counts of waiting work per role and kelurahan, the
# kelurahan and job types a search offers) is read at most once per this many seconds in each
# server process (rentan.core.kept); 0 reads it on every request.
RENTAN_KEPT_SECONDS = int(os.environ.get("RENTAN_KEPT_SECONDS", "10"))

# The public page laporan/publik/ (no login): the programme's figures per year and kecamatan,
# cells under 5 people shown as "<5". Off unless set: publishing is the Dinas's decision
# (its information officer, PPID, decides what is public), not something a new install does.
RENTAN_PUBLIC_REPORT = env_flag("RENTAN_PUBLIC_REPORT", False)

# Steps `rentan demo_data` runs after the registry's synthetic workers, in order; each is a
# function load(*, out, today) that leaves existing data alone.
RENTAN_DEMO_STEPS: list[str] = [
    "rentan.programmes.demo.load",
    # After the selection step: it needs the approved 2023 cycle.
    "rentan.enrollment.demo.load",
    "rentan.registry.demo_duplicates.load",
    # After the selection step: its complaints name the 2023 cycle.
    "rentan.complaints.demo.load",
    # A few pending change requests on verified workers, for the verifikator's queue.
    "rentan.registry.demo_change_requests.load",
    "rentan.registry.demo_desil.load",
]

# Counts the members active with BPJS Ketenagakerjaan of each cycle, for the programme page.
RENTAN_ACTIVE_MEMBER_COUNTS = "rentan.enrollment.selectors.active_member_counts"
# A person's standing in each programme year and their memberships, for their page.
RENTAN_PERSON_PROGRAMME_HISTORY = "rentan.enrollment.selectors.person_programme_history"
# A person's complaints and their outcome, for their page.
RENTAN_PERSON_COMPLAINTS = "rentan.complaints.selectors.person_complaints"

# Limits on uploaded tables (rentan.core.safe_files), checked before a file is stored or read.
# Kelurahan imports and exclusion lists: 20 MB holds a city's informal workers as .xlsx; a
# larger CSV goes through `rentan import_persons` on the server.
RENTAN_UPLOAD_MAX_BYTES = int(os.environ.get("RENTAN_UPLOAD_MAX_BYTES", 20_000_000))
# One submission of a field form (KoboToolbox's REST service posts one at a time): the
# registration form's answers are a few kilobytes; anything far larger is refused unread.
RENTAN_SUBMISSION_MAX_BYTES = int(os.environ.get("RENTAN_SUBMISSION_MAX_BYTES", 64_000))
# The BPJS branch's reply and bill for a whole cycle.
RENTAN_BPJS_UPLOAD_MAX_BYTES = int(os.environ.get("RENTAN_BPJS_UPLOAD_MAX_BYTES", 50_000_000))
# A sheet reaching beyond these is refused before its cells are read: calamine builds a grid
# as tall and as wide as the farthest cell with a value.
RENTAN_SHEET_MAX_ROWS = int(os.environ.get("RENTAN_SHEET_MAX_ROWS", 1_100_000))
RENTAN_SHEET_MAX_COLUMNS = int(os.environ.get("RENTAN_SHEET_MAX_COLUMNS", 200))
# A zip spreadsheet's parts once unpacked (an .xlsx of 20 MB unpacks to ~200 MB), and their
# number (an .xlsx has about ten).
RENTAN_SHEET_MAX_UNPACKED_BYTES = int(
    os.environ.get("RENTAN_SHEET_MAX_UNPACKED_BYTES", 500_000_000)
)
RENTAN_SHEET_MAX_ENTRIES = int(os.environ.get("RENTAN_SHEET_MAX_ENTRIES", 1000))
# A POST body without files stays small; an upload form sends one file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background work (large imports) without a broker: django-tasks with its database backend.
# `rentan db_worker` runs the queue (make demo starts one); tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("RENTAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

# A BPJS registration file of more people than this is made by the worker while its page
# shows the progress. 5,000 rows took about 3 s in the request on a busy two-core machine
# (bench_enrollment), a wait a click can bear and the size an import still commits at once;
# a city's yearly list (2,000 in Pekalongan) stays at once, while a cycle of 100,000 takes
# tens of seconds and would hold a server thread all that time.
RENTAN_BACKGROUND_EXPORT_ROWS = int(os.environ.get("RENTAN_BACKGROUND_EXPORT_ROWS", "5000"))

# The health check (/sehat/) reports a problem when tasks wait and no worker has beaten for
# this long (a running worker beats every 5 seconds, rentan.imports.workers).
RENTAN_HEALTH_WORKER_SILENT_SECONDS = int(
    os.environ.get("RENTAN_HEALTH_WORKER_SILENT_SECONDS", "120")
)

# The HTTP API (/api/v1/): requests per token (ninja's rate format, "600/min"), counted in
# the `api` cache, a file cache every worker process of the server shares.
RENTAN_API_RATE = os.environ.get("RENTAN_API_RATE", "600/min")
RENTAN_API_CACHE = "api"

# Import progress is shared between the worker process and the web server through files:
# the commit's own transaction cannot publish it in the database.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "imports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "imports"),
    },
    "api": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(RUN_DIR / "cache" / "api"),
    },
    # PDFs laid out by the worker (lampiran, the mayor's page) and their progress, read by
    # the web server: a file cache both processes share.
    "reports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "reports"),
    },
}
