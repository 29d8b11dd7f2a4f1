"""Extension objects, created here and bound to the app in ``create_app``."""

import re
import sqlite3

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits.errors import ConfigurationError
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, Result
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.util import identity_key

from .config import ConfigError

# Named constraints, so that Alembic can alter and drop them on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://")


class SharedLimiter(Limiter):
    """Flask-Limiter counting in the store named by ``RATELIMIT_STORAGE_URI``.

    With several workers the counts must live in a store they all share (Redis), or
    each worker counts alone and N workers let N times the limit through. A store
    that cannot be reached at start is a mistake in the settings (a wrong address,
    Redis not installed or not started), so the app refuses to start and says why,
    instead of quietly counting per worker. Once running, if Redis goes away, each
    worker counts in its own memory until Redis answers again (the in-memory
    fallback): officers keep working and verification keeps answering, with the
    limit per worker for that while, rather than every limited page failing.
    """

    def init_app(self, app: Flask) -> None:
        uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        shown = re.sub(r"//[^@/]*@", "//", uri)  # never print a password
        if uri.startswith(REDIS_SCHEMES):
            # A Redis that stops answering must not hold requests: give up in 2 s.
            app.config.setdefault(
                "RATELIMIT_STORAGE_OPTIONS",
                {"socket_connect_timeout": 2, "socket_timeout": 2},
            )
        try:
            super().init_app(app)
        except ConfigurationError as error:
            raise ConfigError(
                f"VILLAGETRACKER_RATELIMIT_STORAGE_URI={shown}: {error}. Redis needs "
                "the server extra: pip install '.[server]'."
            ) from error
        self._storage_dead = False  # this app's store, not a previous app's state
        if not uri.startswith("memory://") and not self.storage.check():
            raise ConfigError(
                f"The rate limit store VILLAGETRACKER_RATELIMIT_STORAGE_URI={shown} "
                "does not answer. Start it (apt-get install redis-server), correct "
                "the address, or leave the variable unset to count in each worker's "
                "memory (one worker only)."
            )


# Limits only where a route asks for one (public verification); none by default.
# Keys start with "villagetracker" so that a Redis shared with other work (a job
# queue) keeps them apart.
limiter = SharedLimiter(
    key_func=get_remote_address,
    key_prefix="villagetracker",
    in_memory_fallback_enabled=True,
)


def plain_rows(query) -> Result:
    """A query's rows through Core, in the session's transaction: for thousands of
    plain rows, the ORM's loading costs more than the query."""
    return db.session.connection().execute(query)


def expire_copies(model, keys, attributes=None) -> None:
    """The session's copies of these rows (by primary key), written by a statement
    of many rows that the ORM does not follow, read afresh when next asked."""
    for key in keys:
        copy = db.session.identity_map.get(identity_key(model, key))
        if copy is not None:
            db.session.expire(copy, attributes)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Make SQLite enforce foreign keys like PostgreSQL, and let readers and one writer
    work at once (WAL), as they do under several server workers."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # A writer waits for the write lock rather than fail: a large import holds it
        # for several seconds (about 6 s per 10,000 rows), and reports queue behind it.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
