"""Spreadsheets waiting for their uploader's confirmation."""

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

# What a kept upload holds: reports of registered villages, or villages to register.
IMPORT_KINDS = ("reports", "villages")


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
