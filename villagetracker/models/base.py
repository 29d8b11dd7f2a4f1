"""What every table module shares."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo: SQLite keeps no zone, so every timestamp is naive UTC
    and Flask-Babel converts it to the reader's zone (Asia/Jakarta) when shown."""
    return datetime.now(UTC).replace(tzinfo=None)
