"""Configuration, read from the environment (see CONTRACT.md)."""
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _flag(name, default):
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'loanflow.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Development gets a random key per process; ProductionConfig refuses to start without one.
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    PROCESSES_DIR = os.environ.get("PROCESSES_DIR", str(BASE_DIR / "processes"))
    FORMS_DIR = os.environ.get("FORMS_DIR", str(BASE_DIR / "forms"))
    # Designers' scripts run in worker processes: how many stay ready per app process, and the
    # CPU seconds, wall seconds and memory one script may use; the task data it may leave, and
    # all the task data of one instance (every task's copy counted).
    SCRIPT_WORKERS = int(os.environ.get("SCRIPT_WORKERS", 2))
    SCRIPT_CPU_SECONDS = int(os.environ.get("SCRIPT_CPU_SECONDS", 2))
    SCRIPT_WALL_SECONDS = int(os.environ.get("SCRIPT_WALL_SECONDS", 5))
    SCRIPT_MEMORY_MB = int(os.environ.get("SCRIPT_MEMORY_MB", 512))
    TASK_DATA_MAX_KB = int(os.environ.get("TASK_DATA_MAX_KB", 1024))
    # Engine bounds on valid diagrams (processes/README.md): how deep calls nest, instances of a
    # multi-instance or loop, outgoing flows of one element, repetitions of a timer cycle and the
    # shortest interval between them (ISO-8601, on the business clock).
    ENGINE_MAX_CALL_DEPTH = int(os.environ.get("ENGINE_MAX_CALL_DEPTH", 10))
    ENGINE_MAX_INSTANCES = int(os.environ.get("ENGINE_MAX_INSTANCES", 1000))
    ENGINE_MAX_BRANCHES = int(os.environ.get("ENGINE_MAX_BRANCHES", 100))
    ENGINE_MAX_TIMER_CYCLES = int(os.environ.get("ENGINE_MAX_TIMER_CYCLES", 1000))
    ENGINE_MIN_TIMER_INTERVAL = os.environ.get("ENGINE_MIN_TIMER_INTERVAL", "PT1M")
    ENGINE_CACHE_SIZE = int(os.environ.get("ENGINE_CACHE_SIZE", 256))  # entries per engine cache (specs, decisions)
    # The audit chain's key (HMAC), held outside the database; without it a key file in instance/
    # is made (development). The close of business appends the chain's head to AUDIT_HEAD_LOG.
    AUDIT_KEY = os.environ.get("AUDIT_KEY")
    AUDIT_HEAD_LOG = os.environ.get("AUDIT_HEAD_LOG")
    # Open tasks due within this many hours are marked "due soon" in the inbox.
    INBOX_DUE_SOON_HOURS = int(os.environ.get("INBOX_DUE_SOON_HOURS", 24))
    # Task lists count this many tasks at most; beyond it they say "1,000+".
    INBOX_COUNT_LIMIT = int(os.environ.get("INBOX_COUNT_LIMIT", 1000))
    # Uploaded documents, kept by content hash outside the database.
    DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR", str(BASE_DIR / "instance" / "documents"))
    SCHEDULER_ENABLED = _flag("SCHEDULER_ENABLED", True)
    DEPLOY_ON_START = _flag("DEPLOY_ON_START", True)
    # How often the scheduler's jobs run, in seconds.
    SCHEDULER_TIMERS_SECONDS = int(os.environ.get("SCHEDULER_TIMERS_SECONDS", 60))
    SCHEDULER_COB_SECONDS = int(os.environ.get("SCHEDULER_COB_SECONDS", 300))
    SCHEDULER_ESCALATION_SECONDS = int(os.environ.get("SCHEDULER_ESCALATION_SECONDS", 300))
    # Business dates, quiet hours and the nightly close of business follow this zone.
    BUSINESS_TIMEZONE = os.environ.get("BUSINESS_TIMEZONE", "Asia/Shanghai")
    # Overdue loans closed per transaction by the close of business (the rest go in one statement).
    COB_CHUNK_SIZE = int(os.environ.get("COB_CHUNK_SIZE", 500))
    # How far ahead the close of business looks for installments to remind of (the DMN picks the days).
    REMINDER_HORIZON_DAYS = int(os.environ.get("REMINDER_HORIZON_DAYS", 31))
    TOKEN_MAX_AGE_SECONDS = int(os.environ.get("TOKEN_MAX_AGE_SECONDS", 8 * 3600))
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Failed log-ins allowed per address and username, and per address alone (API and login page
    # together, counted in the database so every worker and node sees them).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "30 per 15 minutes")
    BABEL_DEFAULT_LOCALE = "zh_CN"
    LANGUAGES = ("zh_CN", "en")

    API_TITLE = "LoanFlow API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"


class TestConfig(Config):
    TESTING = True
    AUDIT_KEY = os.environ.get("AUDIT_KEY") or "test-audit-key"
    SCRIPT_CPU_SECONDS = 1  # hostile scripts are stopped sooner
    SCHEDULER_ENABLED = False
    WTF_CSRF_ENABLED = False
    # The suite logs many users in; tests of the throttle lower the limits for themselves.
    LOGIN_RATE_LIMIT = "1000 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "1000 per minute"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)

    def __init__(self):
        for name in ("SECRET_KEY", "AUDIT_KEY"):
            if not os.environ.get(name):
                raise RuntimeError(f"{name} must be set in production")


def config_for(name=None):
    name = name or os.environ.get("APP_ENV", "development")
    return {"development": Config, "test": TestConfig, "production": ProductionConfig}[name]()
