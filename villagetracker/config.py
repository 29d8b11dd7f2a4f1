"""Settings: defaults, then ``instance/config.py``, then ``VILLAGETRACKER_*`` variables,
then the test mapping. The last one to set a key wins."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from . import rules

DEFAULTS = {
    # "production" unless said otherwise: a server started by mistake without a real
    # secret key refuses to start instead of signing sessions with a guessable one.
    "ENV": "production",
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "HTTPS": False,
    "PROXY_FIX": False,
    "PASSWORD_MIN_LENGTH": 10,
    "PASSWORD_HASH_METHOD": "scrypt",
    # Failed logins: who may try again when. A stranger must not be able to lock a
    # real user out, so no limit shuts an account everywhere or an address for all:
    # - one account from one address: 5 failures in 15 minutes, then that pair waits
    #   until the oldest of them is 15 minutes old (slows guessing one account);
    # - one account from everywhere: 50 failures in an hour, then the account is
    #   refused from addresses it has not logged in from in the last 90 days (slows
    #   guessing from many addresses; its owner still gets in from a usual place);
    # - one address for every account: 30 failures in 15 minutes, then that address
    #   is refused for the accounts that have not logged in from it in the last 90
    #   days (slows one machine guessing many accounts; colleagues behind the same
    #   office NAT still get in).
    # A browser an account has logged in on before (a signed cookie, kept as long as
    # an address is known) counts its own failures instead of its address's, and no
    # ceiling applies to it: an officer on mobile data, with a new address each day,
    # still gets in on her own phone whatever strangers do. An IPv6 address counts by
    # its /64. A refused attempt is not counted, so the time shown to the person
    # holds. The address is the socket's, or X-Forwarded-For's only with PROXY_FIX
    # (security.py).
    "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS": 5,
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 50,
    "LOGIN_ACCOUNT_WINDOW_MINUTES": 60,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
    "LOGIN_KNOWN_ADDRESS_DAYS": 90,
    # A session ends after this long without a request, and this long after login
    # whatever happens; both are checked on the server from times in the signed
    # cookie, so a copied cookie is worth nothing after them either.
    "SESSION_IDLE_MINUTES": 120,
    "SESSION_MAX_HOURS": 12,
    "LANGUAGES": ["id", "en"],
    "BABEL_DEFAULT_LOCALE": "id",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    "REGION_SEARCH_LIMIT": 20,
    "PAGE_SIZE": 50,
    # A village's coverage is as of its latest report: participants lapse after three
    # unpaid months, so an older report is marked stale; a designated village whose
    # latest report is older than a year is listed for re-verification.
    "STALE_AFTER_MONTHS": 3,
    "RECHECK_AFTER_MONTHS": 12,
    "EVIDENCE_DIR": None,  # default: instance/evidence
    # Evidence files behind reports; the report form's help text says "at most 5 MB".
    "EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,
    # Above the 5 MB evidence limit, so that a larger file gets a message next to its
    # field with the rest of the form kept, instead of a bare "too large" page.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    # Designation numbers: {sequence}, {regency}, {province} and {year} may appear.
    "DESIGNATION_NUMBER_PATTERN": rules.DEFAULT_NUMBER_PATTERN,
    # The address printed in certificates' QR codes, e.g. https://desasadar.example.id
    # (default: the address the certificate was printed from).
    "PUBLIC_URL": None,
    # Public verification, per address. Limits are kept in memory per worker process;
    # several workers or servers share one store: RATELIMIT_STORAGE_URI=redis://...
    "VERIFY_RATE_LIMIT": "30 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Certificates in one batch PDF: a ceremony's worth, not the whole country.
    "CERTIFICATE_BATCH_LIMIT": 300,
    # A spreadsheet of reports: rows and bytes in one upload. A file is read in a
    # background job, and may hold every village of the country (83,762): 100,000
    # rows of an exported history are 11.2 MB as CSV and 10.6 MB as XLSX
    # (bench/spreadsheet_formats.py). Below MAX_CONTENT_LENGTH, so that a larger file
    # gets a message next to its field.
    "IMPORT_MAX_ROWS": 100_000,
    "IMPORT_MAX_BYTES": 14 * 1024 * 1024,
    # The job queue (jobs/queue.py): sqlite:///path (default instance/jobs.sqlite3,
    # no server needed), redis://host:port/db in production (the server the rate
    # limits use), or "immediate" to run each job at once in the asking process.
    "QUEUE_URL": None,
    # A running job says it is alive every few seconds; one silent for this long
    # lost its worker and is failed, so that its owner can run it again.
    "JOB_STALLED_AFTER_SECONDS": 60,
    # Where jobs leave the files they make (batch certificates, large exports) for a
    # day: default instance/job-files. With several servers, one folder all share.
    "JOB_FILES_FOLDER": None,
    # A report history of more rows than this is written by the job worker, with a
    # link when it is ready; a smaller one is streamed at once.
    "EXPORT_JOB_ROWS": 20_000,
    # The cookie is signed again only when the session changes (at most once a minute
    # for the idle timeout), not on every request; it expires with SESSION_MAX_HOURS.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}

MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The settings cannot make a safe app."""


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from every source in order and derive the dependent keys."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("VILLAGETRACKER")
    if test_config is not None:
        app.config.from_mapping(test_config)

    instance = Path(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        app.config["DATABASE_URL"] or f"sqlite:///{instance / 'villagetracker.sqlite3'}"
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        instance.mkdir(parents=True, exist_ok=True)
    app.config["JOB_FILES_FOLDER"] = app.config["JOB_FILES_FOLDER"] or str(
        instance / "job-files"
    )
    app.config["SECRET_KEY"] = _secret_key(app, instance)
    public = app.config["PUBLIC_URL"]
    if public and not public.startswith(("https://", "http://")):
        raise ConfigError("VILLAGETRACKER_PUBLIC_URL must start with https://")
    if app.config["ENV"] == "production" and not public:
        # A QR code is printed for good: it must not carry whatever host name the
        # request that printed it happened to use (an intranet name, a forwarded one).
        raise ConfigError(
            "No public address. Set VILLAGETRACKER_PUBLIC_URL to the address people "
            "reach from their phones, e.g. https://desasadar.example.id: certificates' "
            "QR codes lead there."
        )
    problem = rules.number_pattern_problem(app.config["DESIGNATION_NUMBER_PATTERN"])
    if problem:
        raise ConfigError(f"VILLAGETRACKER_DESIGNATION_NUMBER_PATTERN: {problem}.")
    _session_limits(app)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"


def _session_limits(app: Flask) -> None:
    for key in ("SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"):
        value = app.config[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"VILLAGETRACKER_{key} must be a whole number above 0.")
    # The browser forgets the cookie when the server would refuse it anyway.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        hours=app.config["SESSION_MAX_HOURS"]
    )


def _secret_key(app: Flask, instance: Path) -> str:
    key = app.config["SECRET_KEY"]
    if key:
        if app.config["ENV"] == "production" and len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"VILLAGETRACKER_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} "
                "characters in production."
            )
        return key
    if app.config["ENV"] == "production":
        raise ConfigError(
            "No secret key. Set VILLAGETRACKER_SECRET_KEY (for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`), or set "
            "VILLAGETRACKER_ENV=development to use a generated key on this machine."
        )
    # Development: one random key per machine, kept so that sessions survive restarts.
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return key_file.read_text().strip()
