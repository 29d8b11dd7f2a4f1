"""Evidence files behind reports: checked by their content, stored outside static/ and
served only through a view that asks the access module first."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

MAX_BYTES = 5 * 1024 * 1024
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


def store(upload: FileStorage) -> StoredEvidence:
    """Save a checked upload under a random name; the caller has validated it."""
    size, media_type = measure(upload)
    name = secrets.token_hex(16)
    upload.save(folder() / name)
    original = Path(upload.filename or "evidence").name[:200]
    return StoredEvidence(name=original, file=name, media_type=media_type, size=size)


def path_of(stored_name: str) -> Path:
    return folder() / Path(stored_name).name
