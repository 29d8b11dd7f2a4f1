"""An uploaded spreadsheet (of reports, or of villages to register): its rows read by
the columns they are under, and the upload kept between its preview and the
uploader's confirmation."""

import secrets
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from .. import audit
from ..extensions import db
from ..models import PendingImport, User, utcnow
from ..models.spreadsheets import KEPT_FOR
from . import limits, messages, reading
from .formats import Column, headers
from .limits import echo


@dataclass(frozen=True)
class Layout:
    """The columns an import of one ``kind`` reads (recognised by their headings in
    either language, or by their keys) and those a file of it must have."""

    kind: str  # as PendingImport.kind keeps it
    columns: tuple[Column, ...]
    required: tuple[str, ...]

    def label(self, key: str) -> str:
        """A column's heading in the reader's language."""
        return next(str(c.label) for c in self.columns if c.key == key)


def normal(text: str) -> str:
    """A heading or a word as a file may write it: any case, any spacing."""
    return " ".join(text.casefold().split())


def _header_keys(layout: Layout) -> dict[str, str]:
    """Every heading an import recognises, in either language or as the key."""
    names = {}
    for column in layout.columns:
        names[normal(column.key)] = column.key
        for locale in current_app.config["LANGUAGES"]:
            names[normal(headers([column], locale)[0])] = column.key
    return names


def _columns(header: list[str], layout: Layout) -> tuple[dict[int, str], str | None]:
    """Which column holds which value, or what is wrong with the headings."""
    known = _header_keys(layout)
    positions, unknown = {}, []
    for index, heading in enumerate(header):
        key = known.get(normal(heading))
        if not heading.strip():
            continue
        if key is None:
            unknown.append(heading)
        elif key in positions.values():
            name = echo(heading)
            return {}, str(_l("The column %(name)s appears twice.", name=name))
        else:
            positions[index] = key
    missing = [
        layout.label(key) for key in layout.required if key not in positions.values()
    ]
    if unknown or missing:
        parts = []
        if missing:
            names = messages.some(missing)
            parts.append(str(_l("Missing columns: %(names)s.", names=names)))
        if unknown:
            names = messages.some(unknown)
            parts.append(str(_l("Unknown columns: %(names)s.", names=names)))
        parts.append(str(_l("Use the template's columns.")))
        return {}, " ".join(parts)
    return positions, None


class Unreadable(Exception):
    """What is wrong with a file as a whole: not a spreadsheet, empty, wrong
    columns, too many rows, columns or characters."""


def records(
    filename: str, content: bytes, layout: Layout
) -> Iterator[tuple[int, dict]]:
    """The file's rows as (row number, {column key: text}), read as they are
    iterated: a country's file goes through an import a block at a time. Raises
    ``Unreadable``: the headings are checked before any row is read, and reading
    stops at the first limit passed."""
    bounds = limits.ReadingLimits(rows=current_app.config["IMPORT_MAX_ROWS"])
    try:
        with closing(reading.read_rows(filename, content, bounds)) as rows:
            header = next(rows, None)
            if header is None:
                raise Unreadable(_l("The file is empty."))
            positions, problem = _columns(header[1], layout)
            if problem:
                raise Unreadable(problem)
            read = 0
            for number, row in rows:
                read += 1
                yield (
                    number,
                    {key: _cell(row, index) for index, key in positions.items()},
                )
    except limits.Refused as refusal:
        raise Unreadable(messages.refusal_message(refusal)) from None
    if not read:
        raise Unreadable(_l("The file has its columns but no rows."))


def read_records(
    filename: str, content: bytes, layout: Layout
) -> tuple[list[tuple[int, dict]], str | None]:
    """Every row of the file (``records``), or what is wrong with it as a whole."""
    try:
        return list(records(filename, content, layout)), None
    except Unreadable as problem:
        return [], str(problem)


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def keep(
    user: User, filename: str, content: bytes, kind: str = "reports"
) -> PendingImport:
    """Keep an upload of ``kind`` for its preview; uploads older than a day are
    dropped."""
    db.session.execute(
        delete(PendingImport).where(PendingImport.created_at < utcnow() - KEPT_FOR)
    )
    pending = PendingImport(
        token=secrets.token_urlsafe(24),
        user_id=user.id,
        kind=kind,
        filename=filename[:200],
        content=content,
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def discard(pending: PendingImport) -> None:
    db.session.delete(pending)


def record_import(pending: PendingImport, action: str, counts: dict) -> None:
    """The import as a whole in the audit trail (each row written has its own
    record), and the kept upload gone."""
    audit.record(action, after={"file": pending.filename, **counts})
    db.session.delete(pending)
