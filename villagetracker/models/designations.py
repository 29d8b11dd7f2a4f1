"""Designations by the labour office and their numbers."""

from datetime import date, datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import rules
from ..extensions import db
from .accounts import User
from .base import utcnow


class Designation(db.Model):
    """The labour office's designation of a village as Desa Sadar Jaminan Sosial
    Ketenagakerjaan: its number, and what the certificate states, kept as they were at
    approval. Never deleted: a revoked or reopened one stays to answer verification."""

    id: Mapped[int] = mapped_column(primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"))
    regency_code: Mapped[str] = mapped_column(String(13))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(60), unique=True)
    # What the QR code carries: random, so that certificates cannot be enumerated.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    designated_on: Mapped[date]
    designated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The places as named when designated: a later update of the official list does
    # not change a certificate already handed over.
    village_name: Mapped[str] = mapped_column(String(100))
    village_kind: Mapped[str] = mapped_column(String(10))
    district_name: Mapped[str] = mapped_column(String(100))
    regency_name: Mapped[str] = mapped_column(String(100))
    province_name: Mapped[str] = mapped_column(String(100))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    office_name: Mapped[str] = mapped_column(String(150))
    signatory_name: Mapped[str] = mapped_column(String(100))
    signatory_title: Mapped[str] = mapped_column(String(150))
    # The report the approval rested on, and its figures then.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    report_as_of: Mapped[date]
    active_participants: Mapped[int]
    worker_potential: Mapped[int]
    coverage_tenths: Mapped[int]
    threshold_tenths: Mapped[int]
    state: Mapped[str] = mapped_column(String(10), default=rules.ACTIVE)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("designation.id"))

    village: Mapped["Village"] = relationship()  # noqa: F821  (models.villages)
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    superseded_by: Mapped["Designation | None"] = relationship(remote_side=[id])

    __table_args__ = (
        UniqueConstraint("regency_code", "year", "sequence"),
        Index("ix_designation_village", "village_code", "designated_at"),
        Index("ix_designation_regency_day", "regency_code", "designated_on"),
        Index("ix_designation_day", "designated_on"),
        # At most one valid designation per village, whatever the application does.
        Index(
            "uq_designation_one_active",
            "village_code",
            unique=True,
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
    )

    @property
    def is_valid(self) -> bool:
        return self.state == rules.ACTIVE

    def locks(self, day: date) -> bool:
        """Whether this designation locks the report of ``day``: the one question the
        report form, the import, the worker potential and the village page ask."""
        return self.is_valid and rules.designation_locks(self.report_as_of, day)


class DesignationSequence(db.Model):
    """The last designation number given per regency/city per year. Taken with an
    UPDATE in the approving transaction: concurrent approvals queue on the row, and a
    rolled-back approval gives its number back, so numbers have no gaps."""

    regency_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
