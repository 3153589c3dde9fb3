"""Settings shared by every environment.

Everything is declared here and switched by environment variables (12-factor). With nothing set, the project
runs on the embedded defaults: a PostgreSQL server in var/ (ecopole/devdb.py) and a Celery broker on the
filesystem, so that `make run` needs no server to install.
Every variable is documented in README.md and .env.example.
"""

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ecopole.devdb import database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ECOPOLE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


DEBUG = env_bool("DEBUG", False)
# The development key only ever serves local runs: production.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnop")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from the project: /api/docs/ works offline
    "corsheaders",
    "django_celery_beat",
    "ecopole.core",
    "accounts",
    "catalogue",
    "orders",
    "baskets",
    "deliveries",
    "processing",
    "vending",
    "payments",
    "invoicing",
    "django_htmx",
    "imagekit",
    "shop",
    "farmers",
    "staff",
]

MIDDLEWARE = [
    # Outermost: turns Django's HTML error pages (DEBUG's included) under /api/ into the JSON error body.
    "ecopole.core.middleware.ApiJsonErrorsMiddleware",
    # Then: X-Forwarded-* from a peer that is not a declared proxy are dropped before anything reads them.
    "ecopole.core.client_ip.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecopole.core.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ecopole.urls"
WSGI_APPLICATION = "ecopole.wsgi.application"
ASGI_APPLICATION = "ecopole.asgi.application"

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
                "shop.context_processors.cart",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------
# PostgreSQL only. Unset, DATABASE_URL is the embedded server in var/postgres that `make run` / `make test` start
# (ecopole/devdb.py); `python scripts/with_postgres.py COMMAND` starts it around any other command.
DATABASE_URL = os.environ.get("DATABASE_URL") or database_url(VAR_DIR)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
# A database server that does not answer fails the connection after this many seconds (libpq's minimum is 2), and the
# request gets a 503 `database_unavailable` (ecopole/core/exceptions.py) instead of hanging.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 2)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL doit désigner une base PostgreSQL (postgres://…).")
# How long a request waits for a row lock before it gives up with a 503 `lock_timeout` (PostgreSQL only).
LOCK_TIMEOUT_MS = env_int("LOCK_TIMEOUT_MS", 5000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# ModelBackend behind the per-account login guard (accounts/login_guard.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# --- Language and time ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Uploaded photos of products and producers, and their renditions (django-imagekit, made once when a photo is saved).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
# Django serves MEDIA_ROOT itself only when this is on (local runs, tests); in production a web server does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# A photo larger than this is refused with 400 `photo_too_large` (catalogue.services.photos).
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# Proofs of delivery (the photo and the signature a driver takes at a stop): NOT under MEDIA_ROOT, never served by a
# web server; Django hands them out to the stop's staff and the customers of its orders only (deliveries.proofs).
DELIVERY_PROOF_ROOT = Path(os.environ.get("DELIVERY_PROOF_ROOT") or VAR_DIR / "proofs")
# A proof photo or signature larger than this is refused with 400 `proof_too_large`.
DELIVERY_PROOF_MAX_BYTES = env_int("DELIVERY_PROOF_MAX_BYTES", 8 * 1024 * 1024)
# Renditions are generated when the photo is saved and then assumed present: a page shows N photos with no file
# check and no query.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "catalogue.photos.GenerateOnSave"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Network calls on the request path (ecopole/core/breaker.py) ----------------------------------------------
# Connect and read timeout, in seconds, of every Redis call (broker publishing, cache, result backend): a hung or
# partitioned Redis costs a request at most this, never a gunicorn worker.
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 1.0)
# After a failed call to the broker or the cache, calls are skipped for this long (the outbox's sweep and the
# cache's misses take over), so only one request in a process pays the timeout.
BREAKER_COOLDOWN_SECONDS = env_float("BREAKER_COOLDOWN_SECONDS", 10.0)

# --- Cache (throttle counters, locks) --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache outage must not take the API down: throttling then lets requests through.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "CLIENT_CLASS": "ecopole.core.cache.BreakerClient",
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Admin and CORS ---------------------------------------------------------------------------------------------
# Not the well-known /admin/, which every scanner tries first.
ADMIN_URL = os.environ.get("ADMIN_URL", "gestion/")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")  # closed by default

# Request bodies above this size are refused with 413 `request_too_large`.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# JSON bodies nested deeper than this are refused with 400 `parse_error` (ecopole/core/parsers.py).
JSON_MAX_DEPTH = env_int("JSON_MAX_DEPTH", 64)

# --- Client address and login protection (ecopole/core/client_ip.py, accounts/login_guard.py) --------------------
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: addresses or CIDR networks,
# comma-separated. Empty: gunicorn faces clients directly, and those headers are ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# After this many failed logins in a row on one account, each attempt waits LOGIN_DELAY_SECONDS, doubling at each
# further failure up to LOGIN_DELAY_MAX_SECONDS (429 `login_delayed`); a count is forgotten after the memory.
LOGIN_FAILURES_BEFORE_DELAY = env_int("LOGIN_FAILURES_BEFORE_DELAY", 5)
LOGIN_DELAY_SECONDS = env_int("LOGIN_DELAY_SECONDS", 30)
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", 300)
LOGIN_FAILURE_MEMORY_SECONDS = env_int("LOGIN_FAILURE_MEMORY_SECONDS", 3600)

# API tokens (accounts.models.ApiToken): stored as digests, expire after this long without use (sliding).
API_TOKEN_IDLE_SECONDS = env_int("API_TOKEN_IDLE_SECONDS", 14 * 24 * 3600)
# The last use is recorded at most this often (one write per token per interval, not per request).
API_TOKEN_TOUCH_SECONDS = env_int("API_TOKEN_TOUCH_SECONDS", 60)
# How long the link of the welcome / confirmation email stays valid.
EMAIL_CONFIRMATION_MAX_AGE_SECONDS = env_int("EMAIL_CONFIRMATION_MAX_AGE_SECONDS", 3 * 24 * 3600)
# Validity of a password reset link (Django's token; it also stops working once the password has changed).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)
# The shop's login page (namespace `account`, /compte/): where @login_required sends an anonymous visitor.
LOGIN_URL = "account:login"
# Where people reach the site: the base of the links in emails.
SITE_URL = os.environ.get("SITE_URL") or "http://127.0.0.1:8000"

# Sent on every response (ecopole/core/csp.py). Scripts only from the site itself; inline styles are allowed because
# the admin and the Swagger UI set some.
# The map tiles of the planning board (Leaflet, staff/static/staff/vendor/leaflet/): a URL template with {z}, {x},
# {y} (and optionally {s}); empty: no tiles (tests, offline), the map still draws the stops and the route lines.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors")


def _tiles_origin(url: str) -> str:
    """The origin of the tile server, for the CSP's img-src ("{s}" subdomains become a wildcard)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "*."))
    return f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data:{_tiles_origin(MAP_TILES_URL)}; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The OpenAPI schema (/api/schema/) and the Swagger UI (/api/docs/); false: both answer 404.
API_DOCS_ENABLED = env_bool("API_DOCS_ENABLED", True)

# --- REST framework ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only, typed by the strict fields of ecopole/core/fields.py; an upload endpoint adds MultiPartParser.
    "DEFAULT_PARSER_CLASSES": ["ecopole.core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "ecopole.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "ecopole.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ecopole.core.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("THROTTLE_LOGIN", "10/min"),
        "register": os.environ.get("THROTTLE_REGISTER", "5/hour"),
        "confirm_email": os.environ.get("THROTTLE_CONFIRM_EMAIL", "3/hour"),
        # Password reset requests: per client address, and per email address asked for (known or not alike).
        "password_reset": os.environ.get("THROTTLE_PASSWORD_RESET", "5/hour"),
        "password_reset_email": os.environ.get("THROTTLE_PASSWORD_RESET_EMAIL", "3/hour"),
        # The export of all one's personal data walks every table: a person needs it a few times, not a loop.
        "personal_data_export": "30/hour",
    },
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Ecopôle alimentaire API",
    "DESCRIPTION": (
        "API de l'Ecopôle alimentaire (Vieille-Église) et de son antenne de l'Ilôt Jacquard (Calais) : "
        "épicerie en ligne, cabas bio, légumerie-conserverie, distributeur de légumes, tournées. "
        'Every error has the body {"code", "detail", "fields"}; the code is stable, the detail is translated '
        "(Accept-Language: fr or en)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The bounds of ecopole/core/fields.py (dates, times) in the schema; the first hook is drf-spectacular's default.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ecopole.core.schema.postprocess_schema",
    ],
    # Several apps have a `kind` or a `status` with different choices: name them so none gets a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "ProducerKindEnum": "catalogue.models.ProducerKind",
        "FulfilmentEnum": "orders.models.Fulfilment",
        "OrderStatusEnum": "orders.models.OrderStatus",
        "BasketSubscriptionStatusEnum": "baskets.models.SubscriptionStatus",
        "BasketDeliveryStatusEnum": "baskets.models.BasketDeliveryStatus",
        "BasketRunStatusEnum": "baskets.models.BasketRunStatus",
        "BasketCompositionStatusEnum": "baskets.models.CompositionStatus",
        "OrderEventKindEnum": "orders.models.OrderEventKind",
        "PickupPointKindEnum": "deliveries.models.PickupPointKind",
        "WeekdayEnum": "deliveries.models.Weekday",
        "RoundStatusEnum": "deliveries.models.RoundStatus",
        "BasketRoundStatusEnum": "baskets.models.BasketRoundStatus",
        "InvoiceKindEnum": "invoicing.models.InvoiceKind",
        "StopStatusEnum": "deliveries.models.StopStatus",
        "StopKindEnum": "deliveries.models.StopKind",
        "FailureReasonEnum": "deliveries.models.FailureReason",
        "FailedResolutionEnum": "deliveries.models.FailedResolution",
        "BookingStatusEnum": "processing.models.BookingStatus",
        "EquipmentKindEnum": "processing.models.EquipmentKind",
        "LotUnitEnum": "processing.models.LotUnit",
        "ProductUnitEnum": "catalogue.models.Unit",
        "CompartmentKindEnum": "vending.models.CompartmentKind",
        "LotRecallStatusEnum": "processing.models.RecallStatus",
        "CounterPaymentMethodEnum": "orders.models.COUNTER_PAYMENT_CHOICES",
        "PaymentMethodEnum": "orders.models.PaymentMethod",
    },
}

# --- Celery -----------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    # kombu's filesystem transport and Celery's file result backend need their folders to exist.
    for _folder in ("broker", "processed", "control", "results"):
        _folder = VAR_DIR / "celery" / _folder
        _folder.mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Longer than any task's hard time limit, so a late-acked task of a dead worker is redelivered only after it
    # could no longer be running anywhere.
    # A publish on a hung Redis (SIGSTOP, a network partition) waits for its reply forever without a socket timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    }
# Redis redelivers a task it holds unacknowledged, ETA tasks included, every visibility timeout: so no task is ever
# delayed beyond it (ecopole/core/countdown.py; later work is found by periodic sweeps selected by status).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_RESULT_BACKEND = os.environ.get(
    "CELERY_RESULT_BACKEND",
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else f"file://{VAR_DIR / 'celery' / 'results'}",
)
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# A delivery claimed by a worker that died is handed out again after this many seconds (ecopole/core/outbox.py).
OUTBOX_CLAIM_TIMEOUT_SECONDS = env_int("OUTBOX_CLAIM_TIMEOUT_SECONDS", 600)
# The periodic sweep resends a message whose own dispatch has not delivered it after this many seconds.
OUTBOX_RETRY_AFTER_SECONDS = env_int("OUTBOX_RETRY_AFTER_SECONDS", 60)

# --- Personal data (docs/personal-data.md) --------------------------------------------------------------------------
# The retention schedule the daily task `core.personal_data_retention` applies (ecopole/core/retention.py): in days
# unless the key says years or months.
PERSONAL_DATA_RETENTION = {
    # A customer account without activity (login, token use, order) this long is warned by email...
    "inactive_account_warning_days": 3 * 365,
    # ...and anonymised this long after the warning if nothing happened (the CNIL's 3 years for prospects/customers).
    "inactive_account_grace_days": 30,
    # Proofs of delivery: photos and signatures (the proof table registers its rule with this duration).
    "proof_of_delivery_photos_days": 90,
    # Outbox payloads (ids, sometimes an address) emptied once delivered; the log of emails sent; staff access log.
    "outbox_payload_days": 90,
    "sent_emails_days": 365,
    "access_log_days": 365,
    # Invoices and accounting records: kept (pseudonymised at erasure), Code de commerce L123-22.
    "invoices_years": 10,
    # A revoked SEPA mandate's IBAN and BIC: kept while its debits may be disputed (unauthorised: 13 months after the
    # debit, SEPA rulebook), counted from its last debit (or its revocation), then masked (last 4 characters kept).
    "sepa_bank_details_months": 13,
    # Rows changed per rule and run, at most: a late backlog is worked through over several nights.
    "batch_size": 500,
}
# Who to write to about personal data (the privacy page, the register).
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "donnees-personnelles@ecopole.example")

# --- Email ------------------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ecopôle alimentaire <ne-pas-repondre@ecopole.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAIL = os.environ.get("STAFF_NOTIFICATION_EMAIL", "equipe@ecopole.example")

# Orders a customer may place in one day (Europe/Paris), staff excepted; 0 = no limit (orders.services.limits).
ORDERS_MAX_PER_CUSTOMER_PER_DAY = env_int("ORDERS_MAX_PER_CUSTOMER_PER_DAY", 20)
# A customer's open unpaid orders (this one included), staff excepted; 0 = no cap (orders.services.limits).
ORDERS_MAX_UNPAID_TOTAL = Decimal(os.environ.get("ORDERS_MAX_UNPAID_TOTAL") or "500.00")  # euros
ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT = Decimal(os.environ.get("ORDERS_MAX_UNPAID_QUANTITY_PER_PRODUCT") or "100")

# A sale the machine dates more than this ahead of the backend's clock is flagged (vending.services.stock.sale_record).
VENDING_SALE_CLOCK_TOLERANCE_SECONDS = env_int("VENDING_SALE_CLOCK_TOLERANCE_SECONDS", 300)
# A sale received more than this many days after it was made is flagged: held out of revenue until staff accept it.
VENDING_SALE_MAX_DELAY_DAYS = env_int("VENDING_SALE_MAX_DELAY_DAYS", 14)
# Wrong locker codes before the locker is locked out (vending.services.click_collect.locker_unlock).
VENDING_UNLOCK_MAX_TRIES = env_int("VENDING_UNLOCK_MAX_TRIES", 5)
# Estimated weight (kg) of one unit of a product not sold by weight, for refill loads (vending.services.refill_requests).
VENDING_UNIT_WEIGHT_KG = Decimal(os.environ.get("VENDING_UNIT_WEIGHT_KG") or "0.5")
# Where a cabas subscription is collected when the customer names no pickup point (baskets.services.subscriptions).
BASKETS_DEFAULT_PICKUP_POINT = os.environ.get("BASKETS_DEFAULT_PICKUP_POINT", "ilot-jacquard-calais")
# The domain of the UIDs of the workshop's iCalendar events (processing.services.ical).
PROCESSING_ICAL_UID_DOMAIN = os.environ.get("PROCESSING_ICAL_UID_DOMAIN", "ecopole.example")
# The workshop's rules (processing.services.bookings). Booking window: at least this many hours ahead, at most this
# many weeks ahead.
PROCESSING_MIN_NOTICE_HOURS = env_int("PROCESSING_MIN_NOTICE_HOURS", 48)
PROCESSING_MAX_AHEAD_WEEKS = env_int("PROCESSING_MAX_AHEAD_WEEKS", 8)
# Fair sharing: booked hours per producer and ISO week (Monday to Sunday, Europe/Paris).
PROCESSING_WEEKLY_QUOTA_HOURS = env_int("PROCESSING_WEEKLY_QUOTA_HOURS", 16)
# Cancellation is free until this many hours before the start; later it is billed this share of the hours. A no-show
# is billed its own share.
PROCESSING_FREE_CANCELLATION_HOURS = env_int("PROCESSING_FREE_CANCELLATION_HOURS", 48)
PROCESSING_LATE_CANCELLATION_FEE_RATE = Decimal(os.environ.get("PROCESSING_LATE_CANCELLATION_FEE_RATE") or "0.50")
PROCESSING_NO_SHOW_FEE_RATE = Decimal(os.environ.get("PROCESSING_NO_SHOW_FEE_RATE") or "1.00")
# Waiting list: how long an offered slot is held for the producer before the next one is offered it, counted in
# working hours (an offer made in the evening runs from the next working morning, never expires at night)...
PROCESSING_OFFER_HOLD_HOURS = env_int("PROCESSING_OFFER_HOLD_HOURS", 4)
# ... the working days (0 = Monday) and the local (Europe/Paris) start and end of a working day; public holidays
# closed or not.
PROCESSING_OFFER_WORKING_DAYS = tuple(int(day) for day in env_list("PROCESSING_OFFER_WORKING_DAYS", "0,1,2,3,4"))
PROCESSING_OFFER_WORKING_DAY_START = os.environ.get("PROCESSING_OFFER_WORKING_DAY_START") or "08:00"
PROCESSING_OFFER_WORKING_DAY_END = os.environ.get("PROCESSING_OFFER_WORKING_DAY_END") or "18:00"
PROCESSING_CLOSE_ON_PUBLIC_HOLIDAYS = env_bool("PROCESSING_CLOSE_ON_PUBLIC_HOLIDAYS", True)
# Largest range (days) the workshop's availability endpoint answers.
PROCESSING_AVAILABILITY_MAX_DAYS = env_int("PROCESSING_AVAILABILITY_MAX_DAYS", 63)
# Where the workshop's iCalendar feeds are served from, for the absolute URLs of the API's answers; empty: the
# request's own host.
PROCESSING_PUBLIC_BASE_URL = os.environ.get("PROCESSING_PUBLIC_BASE_URL", "")
# The Ecopôle's address, printed on the labels of the workshop's jars (the lot pages' QR codes use SITE_URL).
ECOPOLE_ADDRESS = "Ecopôle alimentaire, 62162 Vieille-Église"

# Delivery rounds (deliveries/). A planning job queued or running for longer than this is taken as lost and a new
# planning request replaces it (deliveries.services.planning_jobs).
DELIVERIES_PLANNING_JOB_TIMEOUT_SECONDS = env_int("DELIVERIES_PLANNING_JOB_TIMEOUT_SECONDS", 900)
# When a failed home delivery is moved to a pickup point, the home-delivery fee is "refund"ed (the order total drops
# by the fee) or "keep"-t (the trip was made); the customer's email says which (deliveries.services.rounds).
DELIVERIES_FAILED_HOME_FEE = os.environ.get("DELIVERIES_FAILED_HOME_FEE", "refund")

# Payments (issue 19). Online card payment is offered only when the three Stripe keys are set.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# How old a webhook's signed timestamp may be (Stripe's default tolerance).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE_SECONDS", "300"))
# A weighed order's card is authorised for the estimate plus this margin, captured at the weighed amount.
PAYMENTS_WEIGHT_MARGIN_PERCENT = Decimal(os.environ.get("PAYMENTS_WEIGHT_MARGIN_PERCENT", "15"))
# A card authorisation lasts about 7 days: a delivery this many days away or more saves the card instead and charges
# it off-session at the final amount.
PAYMENTS_AUTHORISATION_DAYS = int(os.environ.get("PAYMENTS_AUTHORISATION_DAYS", "7"))
# The hourly sweep settles (or releases) online payments left authorised this long after their last change, when the
# task that should have done it was lost (payments.services.card.payments_settle_sweep).
PAYMENTS_SWEEP_AFTER_MINUTES = int(os.environ.get("PAYMENTS_SWEEP_AFTER_MINUTES", "30"))
# "south,west,north,east" (degrees): the box every home-delivery address must fall in, unless its zone has its own
# (admin: delivery zone → area). The default covers the Calaisis and the Audruicq area.
DELIVERIES_SERVICE_AREA = os.environ.get("DELIVERIES_SERVICE_AREA", "50.70,1.55,51.10,2.35")
# Geocoding of the addresses customers type (deliveries.geocoding). Empty: the offline table of the BAN's CSV imported
# by `manage.py import_ban`; set (e.g. https://api-adresse.data.gouv.fr): the BAN's public API, each call bounded by
# GEOCODER_TIMEOUT_SECONDS (a timeout or an error is 503 `geocoder_unavailable`).
GEOCODER_URL = os.environ.get("GEOCODER_URL", "").strip()
GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("GEOCODER_TIMEOUT_SECONDS") or "3")

# Invoices (invoicing/): the seller's legal mentions printed on every invoice. An empty VAT number means the
# association is exempt (franchise en base): the invoices then carry INVOICING_VAT_EXEMPTION_TEXT and no VAT.
INVOICING_SELLER_NAME = os.environ.get("INVOICING_SELLER_NAME", "Ecopôle alimentaire de la région d'Audruicq")
INVOICING_SELLER_ADDRESS = os.environ.get(
    "INVOICING_SELLER_ADDRESS", "Route de Gravelines, 62370 Vieille-Église, France"
)
INVOICING_SELLER_POSTCODE = os.environ.get("INVOICING_SELLER_POSTCODE", "62370")
INVOICING_SELLER_CITY = os.environ.get("INVOICING_SELLER_CITY", "Vieille-Église")
INVOICING_SELLER_SIRET = os.environ.get("INVOICING_SELLER_SIRET", "73282932000074")
INVOICING_SELLER_VAT_NUMBER = os.environ.get("INVOICING_SELLER_VAT_NUMBER", "FR44732829320")
INVOICING_VAT_EXEMPTION_TEXT = os.environ.get("INVOICING_VAT_EXEMPTION_TEXT", "TVA non applicable, art. 293 B du CGI")
INVOICING_PAYMENT_TERMS = os.environ.get("INVOICING_PAYMENT_TERMS", "Paiement à réception. Pas d'escompte.")
# VAT rate (%) of the workshop's services invoiced to producers (the statements' amounts are VAT included).
INVOICING_WORKSHOP_VAT_RATE = Decimal(os.environ.get("INVOICING_WORKSHOP_VAT_RATE") or "20.00")
# SEPA direct debit of the cabas (invoicing.services.sepa): the creditor's identity at its bank.
SEPA_CREDITOR_NAME = os.environ.get("SEPA_CREDITOR_NAME", "Ecopole alimentaire")
SEPA_CREDITOR_IBAN = os.environ.get("SEPA_CREDITOR_IBAN", "FR7630006000011234567890189")
SEPA_CREDITOR_BIC = os.environ.get("SEPA_CREDITOR_BIC", "AGRIFRPPXXX")
SEPA_CREDITOR_ID = os.environ.get("SEPA_CREDITOR_ID", "FR72ZZZ123456")
# A returned direct debit pauses the subscriber's cabas for this many weeks from its next distribution.
SEPA_RETURN_HOLD_WEEKS = env_int("SEPA_RETURN_HOLD_WEEKS", 4)

# --- Logging ----------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
