"""SocialCRM settings: one module, read from the environment.

The embedded default (no environment at all) is a development setup that works
on a fresh machine: SQLite under ``var/``, Celery tasks run in-process, keys
generated once into ``var/dev-keys.json``. With ``DEBUG`` off the process
refuses to start without a real secret key, encryption keys and index key.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SOCIALCRM_VAR_DIR", str(BASE_DIR / "var")))


def _fail(message: str):
    raise ImproperlyConfigured(message)


DEBUG = env_bool("DEBUG", default=True)
TESTING = env_bool("SOCIALCRM_TESTING", default=False)


def _dev_keys() -> dict:
    """Keys for development only: generated once, kept in var/ (git-ignored)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "dev-keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "SECRET_KEY": "dev-" + crypto.new_key() + crypto.new_key(),
        "FIELD_ENCRYPTION_KEYS": f"dev1:{crypto.new_key()}",
        "BLIND_INDEX_KEY": crypto.new_key(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle)
    return keys


SECRET_KEY = env_str("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = env_str("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY")

if DEBUG:
    _generated = None
    for _name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        if not globals()[_name]:
            _generated = _generated or _dev_keys()
            globals()[_name] = _generated[_name]
else:
    _missing = [
        name
        for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY")
        if not globals()[name]
    ]
    if _missing:
        _fail(f"DEBUG is off: set {', '.join(_missing)} (see README, 'Configuration')")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "django-insecure")):
        _fail("DEBUG is off: SECRET_KEY must be a random value of at least 50 characters")

try:
    crypto.parse_keyring(FIELD_ENCRYPTION_KEYS)
    crypto.decode_key(BLIND_INDEX_KEY, name="BLIND_INDEX_KEY")
except crypto.KeyConfigurationError as exc:
    _fail(str(exc))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60, minimum=0)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=1)
PROSPECT_RETENTION_DAYS = env_int("PROSPECT_RETENTION_DAYS", 1095, minimum=1)
EVIDENCE_RETENTION_DAYS = env_int("EVIDENCE_RETENTION_DAYS", 1825, minimum=1)
# Retention jobs (retention/): the one re-permission attempt, asked of the owner this many
# days before a prospect's retention date (off unless enabled), and rows per batch.
RETENTION_REPERMISSION = env_bool("RETENTION_REPERMISSION", default=False)
RETENTION_REPERMISSION_DAYS = env_int("RETENTION_REPERMISSION_DAYS", 30, minimum=1)
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 1000, minimum=1)
# Data-subject requests: "due soon" window, how long an access export stays downloadable,
# and where exports are kept (sealed, outside the web root).
DSAR_DUE_SOON_DAYS = env_int("DSAR_DUE_SOON_DAYS", 7, minimum=1)
DSAR_EXPORT_DAYS = env_int("DSAR_EXPORT_DAYS", 30, minimum=1)
DSAR_EXPORT_DIR = Path(env_str("DSAR_EXPORT_DIR", str(VAR_DIR / "dsar-exports")))
DSAR_PUBLIC_THROTTLE_RATE = env_str("DSAR_PUBLIC_THROTTLE_RATE", "20/hour")
# Offboarding: how long the leaver's export and attestation page stay open, and how long a
# running step may go silent before beat re-enqueues it from its cursor.
OFFBOARDING_EXPORT_DAYS = env_int("OFFBOARDING_EXPORT_DAYS", 30, minimum=1)
OFFBOARDING_ATTESTATION_DAYS = env_int("OFFBOARDING_ATTESTATION_DAYS", 30, minimum=1)
OFFBOARDING_STEP_LEASE_SECONDS = env_int("OFFBOARDING_STEP_LEASE_SECONDS", 60, minimum=5)
# Outgoing webhooks: attempts per delivery, the first wait (it doubles), the POST timeout,
# and when a pending delivery nobody attempted is sent again by the beat sweep.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_STALLED_AFTER_SECONDS = env_int("WEBHOOK_STALLED_AFTER_SECONDS", 300, minimum=30)

# The outreach gate (RULES.md): thresholds and the content check's word lists.
COMPANY_NAME = env_str("COMPANY_NAME", "SocialCRM Demo SAS")
# RULES 15: the art. 14 notice appended to a first written message (consent/notice.py).
# Where the app is reached from outside: the notice links to {SITE_URL}/privacy/notice/.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    _fail(f"SITE_URL must start with http:// or https://, got {SITE_URL!r}")
# How the company and its data protection officer are reached (an e-mail address or a URL).
COMPANY_CONTACT = env_str("COMPANY_CONTACT", "contact@socialcrm.local")
DPO_CONTACT = env_str("DPO_CONTACT", "privacy@socialcrm.local")
# The purpose of prospecting and the legitimate interest pursued, in each notice language
# (written by the company, so set here rather than in the translation catalogue).
NOTICE_PURPOSE = {
    "fr": env_str("NOTICE_PURPOSE_FR", "vous présenter nos offres professionnelles"),
    "en": env_str("NOTICE_PURPOSE_EN", "presenting our business offers to you"),
}
NOTICE_LEGITIMATE_INTEREST = {
    "fr": env_str(
        "NOTICE_LEGITIMATE_INTEREST_FR",
        "développer notre activité auprès des professionnels que nos offres peuvent concerner",
    ),
    "en": env_str(
        "NOTICE_LEGITIMATE_INTEREST_EN",
        "growing our business with the professionals our offers may concern",
    ),
}
# What a connection request's note may hold on each network, the short notice included
# (LinkedIn: 200 characters for free accounts, 300 for premium ones).
CONNECTION_NOTE_MAX_CHARS = {
    "linkedin": env_int("LINKEDIN_CONNECTION_NOTE_MAX_CHARS", 200, minimum=1),
}
GATE_STATEMENT_TIMEOUT_MS = env_int("GATE_STATEMENT_TIMEOUT_MS", 2000, minimum=1)
# The gate's query compiled once per process and run as a server-side prepared statement
# (consent/facts.py). Off: behind a pooler that cannot keep prepared statements (PgBouncer
# in transaction mode before 1.21).
GATE_PREPARED_QUERY = env_bool("GATE_PREPARED_QUERY", default=True)
CONNECTION_REQUEST_MAX = env_int("CONNECTION_REQUEST_MAX", 2, minimum=1)
CONNECTION_REQUEST_WINDOW_DAYS = env_int("CONNECTION_REQUEST_WINDOW_DAYS", 180, minimum=1)
UNANSWERED_MAX = env_int("UNANSWERED_MAX", 3, minimum=1)
# RULES 13: no valid social selling training, no outreach; HR records it for a year by default.
TRAINING_REQUIRED = env_bool("TRAINING_REQUIRED", default=True)
TRAINING_VALIDITY_DAYS = env_int("TRAINING_VALIDITY_DAYS", 365, minimum=1)
NETWORK_DAILY_LIMIT = {
    "linkedin": {
        "connection_request": env_int("LINKEDIN_DAILY_CONNECTION_REQUESTS", 20, minimum=0),
        "social_message": env_int("LINKEDIN_DAILY_MESSAGES", 50, minimum=0),
    },
    "x": {"social_message": env_int("X_DAILY_MESSAGES", 50, minimum=0)},
    "facebook": {"social_message": env_int("FACEBOOK_DAILY_MESSAGES", 50, minimum=0)},
    "instagram": {"social_message": env_int("INSTAGRAM_DAILY_MESSAGES", 50, minimum=0)},
}
# RULES 3: the soft opt-in lasts this long after the sale.
SOFT_OPT_IN_DAYS = env_int("SOFT_OPT_IN_DAYS", 1095, minimum=1)
# RULES 4: a professional reached at one of these domains is a consumer on e-mail.
PERSONAL_EMAIL_DOMAINS = env_list(
    "PERSONAL_EMAIL_DOMAINS",
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.fr",
        "hotmail.com",
        "hotmail.fr",
        "live.com",
        "live.fr",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "icloud.com",
        "me.com",
        "aol.com",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "neuf.fr",
        "laposte.net",
        "bbox.fr",
        "gmx.fr",
        "gmx.com",
        "proton.me",
        "protonmail.com",
    ],
)
# RULES 7 (décret 2022-1313): calls to one consumer in a window, and the pause after a refusal.
PHONE_CALLS_MAX = env_int("PHONE_CALLS_MAX", 4, minimum=1)
PHONE_CALLS_WINDOW_DAYS = env_int("PHONE_CALLS_WINDOW_DAYS", 30, minimum=1)
PHONE_REFUSAL_PAUSE_DAYS = env_int("PHONE_REFUSAL_PAUSE_DAYS", 60, minimum=1)
# RULES 18: a customer (open or won deal) is kept this long after the deal's last event.
CUSTOMER_RETENTION_DAYS = env_int("CUSTOMER_RETENTION_DAYS", 1095, minimum=1)
# RULES 17: the content check's lists (French and English). Matched on normalised text
# (case, accents, spaces, apostrophes folded) and in their regular word forms
# (core/wording.py): "garanti" also catches "garantie", "garantis", "garanties".
CONTENT_COMPETITORS = env_list("CONTENT_COMPETITORS", ["Concurrent SA", "RivalSoft"])
# Competitors not named: disparaging them is disparaging all the same.
CONTENT_COMPETITOR_REFERENCES = env_list(
    "CONTENT_COMPETITOR_REFERENCES",
    [
        "concurrent",
        "concurrente",
        "concurrence",
        "autres éditeurs",
        "autres fournisseurs",
        "autres prestataires",
        "competitor",
        "competition",
        "rival",
        "other vendors",
        "other providers",
        "other suppliers",
    ],
)
CONTENT_MISLEADING_TERMS = env_list(
    "CONTENT_MISLEADING_TERMS",
    [
        "garanti",
        "garantissons",
        "garantit",
        "100 %",
        "100 pour cent",
        "cent pour cent",
        "meilleur du marché",
        "meilleure du marché",
        "numéro 1",
        "numéro un",
        "leader du marché",
        "zéro risque",
        "risque zéro",
        "sans risque",
        "imbattable",
        "guarantee",
        "guaranty",
        "100 percent",
        "best on the market",
        "number one",
        "number 1",
        "#1",
        "risk free",
        "zero risk",
        "no risk",
        "unbeatable",
    ],
)
# Not promises: the legal guarantee we must mention, and saying that zero risk does not exist.
CONTENT_MISLEADING_EXCEPTIONS = env_list(
    "CONTENT_MISLEADING_EXCEPTIONS",
    [
        "garantie légale",
        "garantie de conformité",
        "garantie des vices cachés",
        "le risque zéro n'existe pas",
        "il n'y a pas de risque zéro",
        "legal guarantee",
        "statutory guarantee",
        "there is no such thing as zero risk",
        "zero risk does not exist",
    ],
)
CONTENT_COMPARATIVE_TERMS = env_list(
    "CONTENT_COMPARATIVE_TERMS",
    [
        "mieux que",
        "moins cher que",
        "plus performant que",
        "contrairement à",
        "comparé à",
        "better than",
        "cheaper than",
        "faster than",
        "unlike",
        "compared to",
        "vs",
        "versus",
    ],
)
CONTENT_AGGRESSIVE_TERMS = env_list(
    "CONTENT_AGGRESSIVE_TERMS",
    [
        "dernière chance",
        "offre expire ce soir",
        "dépêchez-vous",
        "ne ratez pas",
        "plus que quelques heures",
        "aujourd'hui seulement",
        "act now",
        "last chance",
        "expires tonight",
        "hurry",
        "don't miss out",
        "today only",
    ],
)
CONTENT_DISPARAGING_TERMS = env_list(
    "CONTENT_DISPARAGING_TERMS",
    [
        "nul",
        "nulle",
        "arnaque",
        "arnaqueur",
        "escroc",
        "escroquerie",
        "incompétent",
        "incompétente",
        "minable",
        "voleur",
        "voleuse",
        "scam",
        "scammer",
        "crook",
        "fraud",
        "useless",
        "terrible",
        "incompetent",
        "rip off",
    ],
)
# "nul" also means nil: our fees, costs or risk being nil disparages nobody.
CONTENT_DISPARAGING_EXCEPTIONS = env_list(
    "CONTENT_DISPARAGING_EXCEPTIONS",
    [
        "frais nul",
        "frais sont nul",
        "frais de dossier nul",
        "frais de dossier sont nul",
        "coût nul",
        "coûts sont nul",
        "taux nul",
        "risque nul",
        "match nul",
        "nul besoin",
        "nulle part",
        "nul doute",
    ],
)
CONTENT_OPT_OUT_TERMS = env_list(
    "CONTENT_OPT_OUT_TERMS",
    ["stop", "désinscrire", "désabonner", "vous opposer", "unsubscribe", "opt out", "opt-out"],
)
# Block for disparaging and comparative, warn for the others (RULES 17).
CONTENT_SEVERITY = {
    "content_misleading": env_str("CONTENT_SEVERITY_MISLEADING", "warn"),
    "content_comparative": env_str("CONTENT_SEVERITY_COMPARATIVE", "block"),
    "content_aggressive": env_str("CONTENT_SEVERITY_AGGRESSIVE", "warn"),
    "content_disparaging": env_str("CONTENT_SEVERITY_DISPARAGING", "block"),
}
for _code, _severity in CONTENT_SEVERITY.items():
    if _severity not in ("block", "warn"):
        raise ImproperlyConfigured(
            f"CONTENT_SEVERITY_{_code.removeprefix('content_').upper()} must be block or warn, "
            f"got {_severity!r}"
        )
# RULES 25: words in a prospect's free-text notes that suggest special categories of data
# (GDPR art. 9, and art. 10 for convictions). The rep is warned before saving; the DPO's
# dashboard counts flagged notes. Keys are the categories the API and the form name.
NOTES_SPECIAL_CATEGORY_TERMS = {
    "health": env_list(
        "NOTES_TERMS_HEALTH",
        [
            "maladie",
            "malade",
            "arrêt maladie",
            "cancer",
            "diabète",
            "diabétique",
            "enceinte",
            "grossesse",
            "handicap",
            "handicapé",
            "dépression",
            "burn out",
            "hospitalisé",
            "hospitalisation",
            "chimiothérapie",
            "séropositif",
            "VIH",
            "santé mentale",
            "illness",
            "sick leave",
            "pregnant",
            "pregnancy",
            "disabled",
            "disability",
            "depression",
            "hospitalized",
            "hospitalised",
            "chemotherapy",
            "diabetes",
            "diabetic",
            "HIV",
            "mental health",
        ],
    ),
    "religion": env_list(
        "NOTES_TERMS_RELIGION",
        [
            "religion",
            "religieux",
            "religieuse",
            "musulman",
            "chrétien",
            "chrétienne",
            "catholique",
            "protestant",
            "juif",
            "juive",
            "bouddhiste",
            "hindou",
            "athée",
            "pratiquant",
            "ramadan",
            "mosquée",
            "synagogue",
            "religious",
            "muslim",
            "christian",
            "catholic",
            "jewish",
            "buddhist",
            "hindu",
            "atheist",
            "mosque",
        ],
    ),
    "politics": env_list(
        "NOTES_TERMS_POLITICS",
        [
            "opinions politiques",
            "parti politique",
            "militant politique",
            "engagé politiquement",
            "extrême droite",
            "extrême gauche",
            "vote pour",
            "political views",
            "political party",
            "left wing",
            "right wing",
            "votes for",
        ],
    ),
    "trade_union": env_list(
        "NOTES_TERMS_TRADE_UNION",
        [
            "syndicat",
            "syndiqué",
            "syndicaliste",
            "délégué syndical",
            "CGT",
            "CFDT",
            "trade union",
            "labor union",
            "labour union",
            "union member",
            "shop steward",
        ],
    ),
    "sex_life": env_list(
        "NOTES_TERMS_SEX_LIFE",
        [
            "orientation sexuelle",
            "vie sexuelle",
            "homosexuel",
            "homosexuelle",
            "gay",
            "lesbienne",
            "bisexuel",
            "bisexuelle",
            "transgenre",
            "LGBT",
            "sexual orientation",
            "sex life",
            "homosexual",
            "lesbian",
            "bisexual",
            "transgender",
        ],
    ),
    "ethnic_origin": env_list(
        "NOTES_TERMS_ETHNIC_ORIGIN",
        [
            "origine ethnique",
            "ethnie",
            "ethnique",
            "racial",
            "raciale",
            "couleur de peau",
            "ethnicity",
            "ethnic",
            "skin colour",
            "skin color",
        ],
    ),
    "convictions": env_list(
        "NOTES_TERMS_CONVICTIONS",
        [
            "casier judiciaire",
            "condamné",
            "condamnation",
            "prison",
            "incarcéré",
            "garde à vue",
            "criminal record",
            "convicted",
            "jail",
            "felony",
        ],
    ),
}
# Phrases that look like a category but are not one ("syndicat de copropriété": a condominium).
NOTES_SPECIAL_CATEGORY_EXCEPTIONS = env_list(
    "NOTES_SPECIAL_CATEGORY_EXCEPTIONS",
    ["syndicat de copropriété", "syndicat d'initiative", "syndicat intercommunal"],
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens: stored as hashes, expiring, several per user (section "Tokens" below).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "socialcrm",
    "audit",
    "people",
    "suppression",
    "prospects",
    "consent",
    "imports",
    "charters",
    "dsar",
    "outbox",
    "mail",
    "offboarding",
    "content",
    "deals",
    "register",
    "dashboard",
    "onboarding",
    "retention",
    "webhooks",
]

MIDDLEWARE = [
    "core.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy on every response, static files included; no-store on the others.
    "socialcrm.middleware.ResponseHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that every page (a middleware's own answer too) carries the policy.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A departed employee's session opens their attestation page alone.
    "offboarding.middleware.DepartedEmployeeMiddleware",
    # A database or cache lost during a view answers 503 (JSON under /api/), not 500.
    "socialcrm.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "socialcrm.urls"
WSGI_APPLICATION = "socialcrm.wsgi.application"

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
                "people.context_processors.employee",
                "dsar.context_processors.dsar_deadlines",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'socialcrm.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=CONN_MAX_AGE)}
except ValueError as exc:
    _fail(f"DATABASE_URL cannot be read: {exc}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
elif GATE_PREPARED_QUERY:
    # Lets the cursors that ask for it prepare (only the gate's); Django's default cursors
    # bind client-side and never do.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The gate's covering index (INCLUDE columns) is a PostgreSQL optimisation; SQLite, the
# development default, simply builds it without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Its own Redis database: clearing the cache must not flush the broker's queues.
            "LOCATION": env_str("REDIS_CACHE_URL", REDIS_URL),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when REDIS_URL is set; otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Results (for status pages and tests) live in Redis for a day; none in-process.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Beat keeps its last-run times in var/ (git-ignored), not in the working directory.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "dsar-purge-expired-exports": {
        "task": "dsar.tasks.purge_expired_exports",
        "schedule": 24 * 3600,
    },
    "dsar-deadline-reminder": {"task": "dsar.tasks.remind_dsar_deadlines", "schedule": 24 * 3600},
    "verify-audit-chain": {"task": "socialcrm.tasks.verify_audit_chain", "schedule": 24 * 3600},
    # Sends tasks whose enqueue missed the broker, and re-enqueues offboarding jobs
    # whose worker died (outbox/, offboarding/).
    "sweep-outbox": {"task": "outbox.tasks.sweep_outbox", "schedule": 5.0},
    "sweep-offboarding-steps": {
        "task": "offboarding.tasks.sweep_stalled_steps",
        "schedule": 15.0,
    },
    "offboarding-departures": {"task": "offboarding.tasks.apply_departures", "schedule": 3600},
    "offboarding-expired-exports": {
        "task": "offboarding.tasks.delete_expired_exports",
        "schedule": 24 * 3600,
    },
    # RULES 18-19: prospects past retention, outreach contents past the evidence period.
    "retention-purge-prospects": {
        "task": "retention.tasks.purge_expired_prospects",
        "schedule": 24 * 3600,
    },
    "retention-purge-evidence": {"task": "retention.tasks.purge_evidence", "schedule": 24 * 3600},
    "webhooks-stalled-deliveries": {
        "task": "webhooks.tasks.sweep_stalled_deliveries",
        "schedule": 60.0,
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: explicit shares between employees only

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "people.auth.EmployeeTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON bodies only (the LinkedIn upload declares its own multipart parser):
    # form encodings would turn an empty field into "not given".
    "DEFAULT_PARSER_CLASSES": ["core.parsers.BoundedJSONParser"],
    # `?format=` names an export's file format (register, DSAR), never a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "dsar_public": DSAR_PUBLIC_THROTTLE_RATE,
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SocialCRM API",
    "DESCRIPTION": "Compliance-gated social selling CRM: prospects with provenance, "
    "consent and opposition, the outreach gate, DSAR, offboarding.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.document_error_responses",
    ],
}

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "privacy@socialcrm.local")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs carry ids and codes, never personal data: nothing below logs request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# ---------------------------------------------------------------------------
# Security (issue 15). One section per concern; the README's "Security model"
# says which library does what.
# ---------------------------------------------------------------------------

# Behind how many reverse proxies the app runs: throttles and the lockout read the
# client address from X-Forwarded-For only that many hops deep, never further.
# 0 (the default) means clients connect directly and the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
TRUSTED_PROXY_COUNT_SET = "TRUSTED_PROXY_COUNT" in os.environ

# --- Tokens, accounts and sessions ---
# API tokens (django-rest-knox): the database keeps a SHA-512 digest, never the token; each
# POST /api/auth/token/ issues a new one, valid for API_TOKEN_TTL_DAYS and never extended by
# use, so a token copied somewhere dies on its own. A password change, a deactivation or a
# departure deletes all of the user's tokens (people.signals, people.services).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,
    # The header stays "Authorization: Token …", as before.
    "AUTH_HEADER_PREFIX": "Token",
}
CELERY_BEAT_SCHEDULE["people-expired-tokens"] = {
    "task": "people.tasks.delete_expired_tokens",
    "schedule": 24 * 3600,
}
# A browser session ends this many hours after sign-in, whatever the activity.
SESSION_COOKIE_AGE_HOURS = env_int("SESSION_COOKIE_AGE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_COOKIE_AGE_HOURS * 3600


# --- Lockout (django-axes) ---
# One lockout for the login page, POST /api/auth/token/ and /admin/login/: axes checks
# every authenticate() call; core/lockout.py holds our policy. Failures are
# counted per normalised username at one address (LOGIN_FAILURE_LIMIT in
# LOGIN_FAILURE_WINDOW_SECONDS), and, with LOGIN_WIDE_FAILURE_FACTOR times that budget,
# per username across addresses and per address across usernames (an office shares one).
LOGIN_WIDE_FAILURE_FACTOR = env_int("LOGIN_WIDE_FAILURE_FACTOR", 4, minimum=1)
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
# Last: it turns a refused attempt on a page without its own answer (the admin) into a 429.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# Counters in the cache under hashed keys: no username or address in a table or a log.
AXES_HANDLER = "core.lockout.LockoutHandler"
AXES_CACHE = "default"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = "core.lockout.failure_limit"
AXES_COOLOFF_TIME = "core.lockout.cool_off"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "core.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "core.client.client_address"
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
# A refused attempt checks no password: it neither counts nor extends the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# axes' tables stay empty with the cache handler: nothing to show in the admin.
AXES_ENABLE_ADMIN = False
# DRF's own throttles read the address like core.client (ours override get_ident).
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT


# --- Content Security Policy (django-csp), links and response headers ---
# Scripts and styles come from our own origin, or carry the per-response nonce
# (``nonce="{{ request.csp_nonce }}"``): an injected <script>, inline handler or
# ``javascript:`` link does not run. Violations are POSTed to /csp-report/ (socialcrm.views),
# which counts and logs them without their personal data.
from csp.constants import NONCE, NONE, SELF  # noqa: E402 (this section's own import)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "report-uri": ["/csp-report/"],
    },
}
# A violation report larger than this is refused (413) before it is read.
CSP_REPORT_MAX_BYTES = env_int("CSP_REPORT_MAX_BYTES", 8192, minimum=1024)
# Browser features no page of ours uses, refused on every response (socialcrm.middleware).
PERMISSIONS_POLICY = {
    feature: "()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}


# --- Webhooks: address rules and signatures ---
# A subscription's host must resolve to public addresses only, checked when it is saved
# and again at every delivery (webhooks/addresses.py). 1 lifts the rule for loopback and
# private networks, for tests and receivers on the same machine or network; cloud
# metadata addresses stay refused whatever it says.
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)


# --- Audit: read trail and checkpoints ---

# How often Celery beat signs a checkpoint of the audit trail's length and head
# (socialcrm.tasks, audit.checkpoints); verify_audit compares the trail's end with the latest one.
AUDIT_CHECKPOINT_MINUTES = env_int("AUDIT_CHECKPOINT_MINUTES", 15, minimum=1)
CELERY_BEAT_SCHEDULE["audit-checkpoint"] = {
    "task": "socialcrm.tasks.write_audit_checkpoint",
    "schedule": AUDIT_CHECKPOINT_MINUTES * 60,
}

# --- Production: mail, request limits ---

# Mail carries request-verification links and replies to data subjects. In development it
# is printed (console); with DEBUG off it goes out over SMTP, and a backend that delivers
# nothing (console, file, memory, dummy) would leave those links in a log or lose them, so
# the process refuses to start with one (the test runner excepted: it swaps in its own).
_NON_DELIVERING_MAIL = ("console", "filebased", "locmem", "dummy")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_module = EMAIL_BACKEND.removeprefix("django.core.mail.backends.").removesuffix(
    ".EmailBackend"
)
if not DEBUG and not TESTING and _mail_module in _NON_DELIVERING_MAIL:
    _fail(
        f"DEBUG is off: EMAIL_BACKEND is the {_mail_module} backend, which sends no mail. "
        "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) "
        "for the SMTP server, and leave EMAIL_BACKEND unset (see README, 'Configuration')"
    )
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
# STARTTLS on the submission port (587), or TLS from the first byte (465): one or the other.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    _fail("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one (587: TLS, 465: SSL)")
# Seconds before a silent mail server fails the send, instead of holding a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)

# The largest request body accepted, from its Content-Length, before it is read
# (core/limits.py): a little above the LinkedIn import's 50 MB file, for the
# multipart envelope. JSON bodies and form fields are held to DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 51 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)


# --- Encryption of the remaining free-text values ---


# --- Outgoing mail (mail/) ---
# Every mail goes through the outbox and a Celery task that retries a refusing or silent
# server MAIL_MAX_ATTEMPTS times, waiting MAIL_RETRY_BASE_SECONDS, then twice as long...
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 5, minimum=1)
MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 30, minimum=0)
# The domain of the Message-IDs we make (default: SITE_URL's host).
MAIL_MESSAGE_ID_DOMAIN = env_str("MAIL_MESSAGE_ID_DOMAIN", "")
CELERY_BEAT_SCHEDULE["mail-stalled"] = {"task": "mail.tasks.sweep_stalled_mail", "schedule": 300.0}


# --- Outreach e-mail sent by the app (issue 17) ---
# Off by default: reps write from their own mailbox and log what they sent. On, an allowed
# e-mail outreach can also be sent by the app (POST /api/outreach/ with "send": true, the
# "Send" button of the Contact panel) through the outbox and the SMTP server (EMAIL_*).
OUTREACH_EMAIL_SENDING = env_bool("OUTREACH_EMAIL_SENDING", default=False)
# The From of outreach mail; replies go to the rep (Reply-To) when their address is known.
OUTREACH_FROM_EMAIL = env_str("OUTREACH_FROM_EMAIL", DEFAULT_FROM_EMAIL)
# The mailbox of the List-Unsubscribe mailto (an "unsubscribe" mail is an objection).
OPT_OUT_MAILTO = env_str("OPT_OUT_MAILTO", DPO_CONTACT)


# --- Public notice page (/privacy/notice/, issue 17) ---
# The register activities (art. 30, by reference) whose purposes, lawful basis, data,
# sources, recipients and retention the public art. 14 notice page shows; the DPO edits
# them in /register/. The page's version is the latest change among them.
NOTICE_REGISTER_ACTIVITIES = env_list("NOTICE_REGISTER_ACTIVITIES", ["social-selling"])


# --- Mail to requesters (dsar/) ---
# How long the link mailed with a completed access request opens the export and its
# plain-language summary (never past the export's own DSAR_EXPORT_DAYS).
DSAR_DOWNLOAD_DAYS = env_int("DSAR_DOWNLOAD_DAYS", 7, minimum=1)


# --- Dates (issue 18) ---
# English dates day-month-year ("1 Mar 2024", 24-hour times): socialcrm/formats/en/.
# French keeps Django's own formats.
FORMAT_MODULE_PATH = ["socialcrm.formats"]
