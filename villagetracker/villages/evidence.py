"""Evidence files behind reports: checked by their content, stored outside static/ and
served only through a view that asks the access module first.

A file is written before the report that names it (so that a backup of the database
taken before the folder's never names a missing file), and it is kept only if that
report is committed: when the transaction ends any other way, the file is removed.
A process killed in between can still leave one behind; ``unreferenced`` finds those
(``flask --app villagetracker evidence check``).
"""

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import AuditEvent, Report

# Written but not yet committed: a file this young may belong to a save in progress.
GRACE_SECONDS = 3600

# What the first bytes of each accepted type are, whatever the name or browser says.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_type(head: bytes) -> str | None:
    """The media type from a file's first bytes, or None if it is none we accept."""
    for signature, media_type in SIGNATURES.items():
        if head.startswith(signature):
            return media_type
    return None


@dataclass
class StoredEvidence:
    name: str  # as the officer's device called it, for the download
    file: str  # our random name in the evidence folder
    media_type: str
    size: int


def folder() -> Path:
    path = Path(
        current_app.config["EVIDENCE_DIR"]
        or Path(current_app.instance_path) / "evidence"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def measure(upload: FileStorage) -> tuple[int, str | None]:
    """(size in bytes, media type sniffed from the content) of an upload."""
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    return size, sniff_type(head)


def problem(upload: FileStorage) -> str | None:
    """Why an uploaded file cannot be evidence, or None: too large, empty, or not a
    PDF, JPEG or PNG by its content, whatever its name says."""
    size, media_type = measure(upload)
    if size > current_app.config["EVIDENCE_MAX_BYTES"]:
        return _l(
            "The file is %(size)s MB; at most 5 MB.",
            size=format_decimal(round(size / 1024 / 1024, 1)),
        )
    if size == 0 or media_type is None:
        return _l(
            "Only PDF, JPEG or PNG files. This file is none of them, "
            "whatever its name says."
        )
    return None


def store(upload: FileStorage) -> StoredEvidence:
    """Save a checked upload under a random name; the caller has validated it."""
    size, media_type = measure(upload)
    name = secrets.token_hex(16)
    path = folder() / name
    # Before the file exists, and inside a begun transaction, so that no way out of
    # it (rollback, failed commit, a session closed by an error) misses the file.
    db.session.connection()
    db.session().info.setdefault(UNCOMMITTED, []).append(path)
    upload.save(path)
    original = Path(upload.filename or "evidence").name[:200]
    return StoredEvidence(name=original, file=name, media_type=media_type, size=size)


def path_of(stored_name: str) -> Path:
    return folder() / Path(stored_name).name


UNCOMMITTED = "evidence_uncommitted"


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    session.info.pop(UNCOMMITTED, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted(session: Session, transaction) -> None:
    """A rollback, a failed commit or a closed session: the report naming these
    files was not saved, so neither are they. (After a commit the list is empty.)"""
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for path in session.info.pop(UNCOMMITTED, []):
        path.unlink(missing_ok=True)


def unreferenced(grace_seconds: int = GRACE_SECONDS) -> Iterator[Path]:
    """Files in the evidence folder that neither a report nor the audit trail names
    (a correction that brought a new file keeps the old one, named in its record),
    older than the grace time (a younger one may belong to a save in progress)."""
    named = set(
        db.session.scalars(
            select(Report.evidence_file).where(Report.evidence_file.is_not(None))
        )
    )
    corrections = select(AuditEvent.before).where(AuditEvent.action == "report.correct")
    for before in db.session.scalars(corrections.execution_options(yield_per=1000)):
        if before and before.get("evidence_file"):
            named.add(before["evidence_file"])
    cutoff = time.time() - grace_seconds
    for path in sorted(folder().iterdir()):
        if path.is_file() and path.name not in named and path.stat().st_mtime < cutoff:
            yield path
