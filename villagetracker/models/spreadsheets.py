"""Spreadsheets waiting for their uploader's confirmation."""

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

# What a kept upload holds: reports of registered villages, or villages to register.
IMPORT_KINDS = ("reports", "villages")
KEPT_FOR = timedelta(days=1)  # an upload not confirmed by then is deleted


class PendingImport(db.Model):
    """An uploaded spreadsheet of reports or of villages to register, kept between its
    preview and the uploader's confirmation (in the database, so that any worker can
    finish it). Its ``kind`` says which import reads it: a token is confirmed only
    as what it was uploaded as. It is checked again when confirmed, and deleted then
    or after a day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(
        String(10), default="reports", server_default="reports"
    )
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set by the check (a job): when it ran and what it found, its rows below.
    checked_at: Mapped[datetime | None]
    summary: Mapped[dict | None] = mapped_column(JSON)


class ImportRow(db.Model):
    """A row of a checked upload as its preview lists it: a problem (a row may have
    several), a report to add or correct, or a village to register. ``values`` are
    the row's checked values, which the confirmation writes unless the village
    changed since (its ``revision`` then was this)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pending_id: Mapped[int] = mapped_column(
        ForeignKey("pending_import.id", ondelete="CASCADE")
    )
    list: Mapped[str] = mapped_column(String(13))  # problems, additions ...
    row: Mapped[int]
    code: Mapped[str | None] = mapped_column(String(13))
    column: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str | None] = mapped_column(Text)
    values: Mapped[dict | None] = mapped_column(JSON)
    revision: Mapped[int | None]

    # The row's village, for the preview's page of rows (one query a page).
    village = relationship(
        "Village",
        primaryjoin="foreign(ImportRow.code) == Village.code",
        viewonly=True,
        lazy="selectin",
    )

    __table_args__ = (Index("ix_import_row_list", "pending_id", "list", "row"),)
