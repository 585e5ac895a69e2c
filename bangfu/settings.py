"""Django settings, all read from BANGFU_* environment variables (see docs/operations.md)."""

from pathlib import Path

import dj_database_url

from bangfu.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("BANGFU_DATA_DIR", str(Path.cwd() / "data")))

# Production mode turns on the system checks in bangfu.checks that refuse DEBUG, the development
# secret key, a missing field-encryption key and insecure cookies.
PRODUCTION = env_bool("BANGFU_PRODUCTION", False)
DEBUG = env_bool("BANGFU_DEBUG", False)
DEV_SECRET_KEY = "bangfu-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("BANGFU_SECRET_KEY", DEV_SECRET_KEY)
# Key of personal-identifier encryption and of the keyed hashes that find them (base64, 32 bytes).
FIELD_KEY = env_str("BANGFU_FIELD_KEY")
# Former field keys that still decrypt (and find by hash) until `bangfu rotatekey` has re-encrypted
# everything under FIELD_KEY (comma-separated, base64).
FIELD_KEYS_RETIRED = env_list("BANGFU_FIELD_KEYS_RETIRED", [])
ALLOWED_HOSTS = env_list("BANGFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("BANGFU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "bangfu.apps.BangfuConfig",
    # The platform, then the layers above it (docs/development.md, "Layers").
    "bangfu.core",
    "bangfu.regions",
    "bangfu.audit",
    "bangfu.accounts",
    "bangfu.registry",
    "bangfu.employers",
    "bangfu.exchange",
    "bangfu.exchange.checks",
    "bangfu.web",
]

MIDDLEWARE = [
    "bangfu.core.proxies.ProxyMiddleware",  # first: everything after sees the real client and scheme
    "django.middleware.security.SecurityMiddleware",
    "bangfu.core.headers.HeadersMiddleware",
    "bangfu.api.ErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bangfu.core.sessions.SessionRefreshMiddleware",  # the idle timeout, one write a minute at most
    "bangfu.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bangfu.accounts.middleware.PasswordChangeRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bangfu.core.middleware.RefusalMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "bangfu.urls"
WSGI_APPLICATION = "bangfu.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bangfu.web.context.navigation",
            ],
        },
    }
]


def _database():
    url = env_str("BANGFU_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("BANGFU_DB_CONN_MAX_AGE", 60))
        if config["ENGINE"].endswith("postgresql"):
            config["TEST"] = {"NAME": env_str("BANGFU_TEST_DATABASE_NAME", "test_bangfu")}
            # No JIT: a list or import statement over a big table is estimated dear enough to be
            # compiled, and compiling takes longer than running it (a household recount of one import
            # chunk: 0.8 s without, 2.5-4 s with). BANGFU_PG_JIT=on gives the server's setting back.
            if env_str("BANGFU_PG_JIT", "off") == "off":
                options = config.setdefault("OPTIONS", {})
                options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "bangfu.sqlite3",
        "OPTIONS": {
            # WAL lets readers go on while the server writes; IMMEDIATE avoids "database is locked"
            # on upgrades from read to write transactions.
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: after this many failures for one user name or address in the window,
# further attempts are refused until the window has passed.
LOGIN_FAILURE_LIMIT = env_int("BANGFU_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("BANGFU_LOGIN_FAILURE_WINDOW", 15 * 60)

# Sessions end after 30 idle minutes; a request extends them, written at most once a minute
# (bangfu.core.sessions), not on every request.
SESSION_COOKIE_AGE = env_int("BANGFU_SESSION_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # HTTPS behind the proxy is read by bangfu.core.proxies from TRUSTED_PROXIES only (not by
    # SECURE_PROXY_SSL_HEADER, which would believe any client's X-Forwarded-Proto).
    SECURE_HSTS_SECONDS = env_int("BANGFU_HSTS_SECONDS", 0)

# Content-Security-Policy of every response (bangfu.core.headers): scripts and styles only from
# the site's static files, never inline; the favicon is a data: URL.
CONTENT_SECURITY_POLICY = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
# Request bodies above this answer 413 (the API as JSON); file uploads are not counted.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("BANGFU_UPLOAD_MAX_BYTES", 2_621_440)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["bangfu.formats"]  # zh-Hans figures grouped 12,345 (bangfu/formats/zh_Hans)
TIME_ZONE = env_str("BANGFU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_str("BANGFU_STATIC_ROOT")  # only for `bangfu collectstatic` behind a web server
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the installed packages; no collectstatic step

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BANGFU_LOG_LEVEL", "WARNING")},
}

# Ledger pages list this many rows; exports are capped so one click cannot pull a province.
PAGE_SIZE = 50
EXPORT_ROW_LIMIT = env_int("BANGFU_EXPORT_ROW_LIMIT", 1_000_000)
# Exports of more rows than this are made by the task worker (a progress page, then a download);
# smaller ones are written while the officer waits. Finished files are deleted after EXPORT_KEEP_HOURS.
EXPORT_BACKGROUND_FROM = env_int("BANGFU_EXPORT_BACKGROUND_FROM", 5_000)
EXPORT_KEEP_HOURS = env_int("BANGFU_EXPORT_KEEP_HOURS", 24)
# Imports: the uploaded files and their error workbook are kept this long after the last step, and
# an upload may be at most this big (the web server refuses more before Django reads it).
IMPORT_KEEP_HOURS = env_int("BANGFU_IMPORT_KEEP_HOURS", 72)
IMPORT_MAX_MB = env_int("BANGFU_IMPORT_MAX_MB", 200)

# Background work (big exports) through django-tasks: queued in the database, run by `bangfu
# db_worker`, which `bangfu serve` starts (--task-workers). BANGFU_TASKS_BACKEND=
# django_tasks.backends.immediate.ImmediateBackend runs each task in the request instead.
TASKS = {"default": {"BACKEND": env_str("BANGFU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
NINJA_PAGINATION_PER_PAGE = 50

# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or CIDR
# networks, comma-separated); from anyone else those headers are ignored (bangfu.core.proxies).
TRUSTED_PROXIES = env_list("BANGFU_TRUSTED_PROXIES", [])
# A browser that has logged in as a user carries a signed "device" cookie for that name for this
# long; the throttle lets it through when the name or the address is locked (accounts.throttle).
LOGIN_DEVICE_COOKIE_DAYS = env_int("BANGFU_LOGIN_DEVICE_DAYS", 180)
# API tokens: the default and the longest lifetime an issued token may have.
API_TOKEN_DEFAULT_DAYS = env_int("BANGFU_API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = 366
# Existence probes: a user may hear "that ID number is registered in another region" this many
# times in the window; past it, creating or editing with an ID number is refused (and audited).
ID_PROBE_LIMIT = env_int("BANGFU_ID_PROBE_LIMIT", 10)
ID_PROBE_WINDOW_SECONDS = env_int("BANGFU_ID_PROBE_WINDOW_SECONDS", 60 * 60)
