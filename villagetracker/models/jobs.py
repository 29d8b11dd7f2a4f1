"""Work done in the background by the job worker: who asked for it, when, how far it
got, and what came of it (a message, or a page to go on to)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .base import utcnow


class JobState:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    FINISHED = (DONE, FAILED)


class Job(db.Model):
    """One piece of background work. Its progress while it runs is kept beside the
    queue (``jobs.progress``), not here: on SQLite this row cannot be written while
    the job's own transaction holds the database's write lock."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # in its address
    kind: Mapped[str] = mapped_column(String(40))
    # Who asked; None for the daily work the schedule starts.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE")
    )
    locale: Mapped[str] = mapped_column(String(5), default="id")  # of its messages
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=JobState.QUEUED)
    done: Mapped[int] = mapped_column(default=0)  # the last progress, when finished
    total: Mapped[int | None]
    outcome: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)  # in the owner's language
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_job_user_created", "user_id", "created_at"),)

    @property
    def finished(self) -> bool:
        return self.state in JobState.FINISHED
