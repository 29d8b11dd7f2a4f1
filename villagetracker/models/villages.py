"""Villages in the programme, their worker potential and their reports."""

from datetime import date, datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .. import rules
from ..extensions import db
from .accounts import AuditEvent, User
from .base import utcnow
from .designations import Designation
from .regions import Region


class Village(db.Model):
    """A village registered in the programme, with its latest report's figures kept on
    the row (updated in the same transaction as the report) so that lists, filters and
    roll-ups read one row per village."""

    code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(13), index=True)
    regency_code: Mapped[str] = mapped_column(String(13))
    head_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    worker_potential: Mapped[int]  # the latest figure; its history is WorkerPotential
    status: Mapped[str] = mapped_column(String(12), default=rules.Status.REGISTERED)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    latest_report_date: Mapped[date | None]
    active_participants: Mapped[int | None]
    coverage_tenths: Mapped[int | None]
    # What the criteria in force still miss on the latest report (rules.shortfall),
    # kept with the status so that the close-to-threshold list ranks by it: more
    # active participants needed, and officials not yet enrolled (None when the
    # criterion is not in force or the report does not record them).
    participants_missing: Mapped[int | None]
    officials_missing: Mapped[int | None]
    # How many officials the village has, by role (rules.OFFICIAL_ROLES), as its
    # registration or latest report says: offered again on the next report form.
    perangkat_total: Mapped[int | None]
    bpd_total: Mapped[int | None]
    rtrw_total: Mapped[int | None]
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set when the labour office returns the village to its officers; cleared by the
    # next report. A returned village waits outside the review queue.
    returned_reason: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Raised by every change of the row. An UPDATE names the revision it read, so that
    # of two people changing a village at once, the second is refused (StaleDataError)
    # instead of overwriting the first: two approvals can never both succeed.
    revision: Mapped[int] = mapped_column(server_default="1")

    region: Mapped[Region] = relationship(foreign_keys=[code], lazy="joined")
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])

    __table_args__ = (
        Index("ix_village_regency_status", "regency_code", "status"),
        Index("ix_village_regency_coverage", "regency_code", "coverage_tenths"),
        Index("ix_village_regency_latest", "regency_code", "latest_report_date"),
        Index("ix_village_regency_missing", "regency_code", "participants_missing"),
    )
    __mapper_args__ = {"version_id_col": revision}

    @property
    def name(self) -> str:
        return self.region.name

    @property
    def kind(self) -> str:
        return rules.village_kind(self.code)

    @property
    def title(self) -> str:
        """Desa Kresek, Kelurahan Sukasari: what kind of village, with its name."""
        return rules.village_title(self.code, self.region.name)

    @hybrid_property
    def awaits_review(self) -> bool:
        """Qualifying and not returned to its officers: in the labour office's queue."""
        return self.status == rules.Status.QUALIFYING and self.returned_at is None

    @awaits_review.inplace.expression
    @classmethod
    def _awaits_review_expression(cls):
        return and_(cls.status == rules.Status.QUALIFYING, cls.returned_at.is_(None))

    def reports(self):
        return (
            select(Report)
            .where(Report.village_code == self.code)
            .order_by(Report.as_of.desc())
        )

    def audit_trail(self):
        """The audit events of this village and its reports, newest first."""
        return (
            select(AuditEvent)
            .where(AuditEvent.region_code == self.code)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )

    def designations(self):
        return (
            select(Designation)
            .where(Designation.village_code == self.code)
            .order_by(Designation.designated_at.desc(), Designation.id.desc())
        )

    def active_designation(self):
        return select(Designation).where(
            Designation.village_code == self.code,
            Designation.state == rules.ACTIVE,
        )

    def latest_report(self):
        return self.reports().limit(1)

    def potentials(self):
        return (
            select(WorkerPotential)
            .where(WorkerPotential.village_code == self.code)
            .order_by(WorkerPotential.as_of)
        )


class PotentialFigure:
    """A worker potential as of a date, with its source and who recorded it: a
    village's, a regency's or a kecamatan's. Every figure ever recorded is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_potential: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    source_note: Mapped[str | None] = mapped_column(String(200))
    as_of: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @declared_attr
    def recorded_by(cls) -> Mapped[User | None]:
        return relationship(User)


class WorkerPotential(PotentialFigure, db.Model):
    """A village's worker potential (eligible workers) as of a date, with its source;
    a report is measured against the one in force at its date."""

    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"))

    __table_args__ = (UniqueConstraint("village_code", "as_of"),)


class Report(db.Model):
    """How many of a village's residents are active participants on a date, by
    segment and by who pays, measured against the worker potential in force then."""

    id: Mapped[int] = mapped_column(primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"))
    as_of: Mapped[date]
    active_participants: Mapped[int]
    bpu: Mapped[int]
    pu: Mapped[int]
    jakon: Mapped[int]
    pmi: Mapped[int] = mapped_column(default=0, server_default="0")
    self_paid: Mapped[int]
    apbd_province: Mapped[int] = mapped_column(default=0, server_default="0")
    apbd_regency: Mapped[int] = mapped_column(default=0, server_default="0")
    apbdes: Mapped[int]
    csr: Mapped[int] = mapped_column(default=0, server_default="0")
    other: Mapped[int] = mapped_column(default=0, server_default="0")
    # rules.OLD_PAYERS: APBD whose level was not recorded, CSR or other not told apart.
    apbd: Mapped[int] = mapped_column(default=0, server_default="0")
    csr_other: Mapped[int] = mapped_column(default=0, server_default="0")
    # Village officials by role (rules.OFFICIAL_ROLES): how many there are and how
    # many are active participants; None where the report does not say.
    perangkat_total: Mapped[int | None]
    perangkat_active: Mapped[int | None]
    bpd_total: Mapped[int | None]
    bpd_active: Mapped[int | None]
    rtrw_total: Mapped[int | None]
    rtrw_active: Mapped[int | None]
    worker_potential: Mapped[int]
    coverage_tenths: Mapped[int]
    notes: Mapped[str | None] = mapped_column(Text)
    evidence_name: Mapped[str | None] = mapped_column(String(200))
    evidence_file: Mapped[str | None] = mapped_column(String(64))
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    village: Mapped[Village] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (UniqueConstraint("village_code", "as_of"),)
