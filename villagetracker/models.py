"""Tables, and the queries that belong to them (as ``select`` builders, not lists)."""

import enum
from datetime import UTC, date, datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    select,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from . import rules
from .extensions import db


def utcnow() -> datetime:
    """Now in UTC, without tzinfo: SQLite keeps no zone, so every timestamp is naive UTC
    and Flask-Babel converts it to the reader's zone (Asia/Jakarta) when shown."""
    return datetime.now(UTC).replace(tzinfo=None)


class Level(enum.StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    DISTRICT = "district"
    VILLAGE = "village"


class Region(db.Model):
    """One row of the official Kemendagri list: a province, regency/city, district
    (kecamatan) or village (desa/kelurahan), keyed by its dotted code."""

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(8))
    # kabupaten/kota for a regency, desa/kelurahan/desa_adat for a village.
    kind: Mapped[str | None] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code"), index=True
    )

    parent: Mapped["Region | None"] = relationship(remote_side=[code])

    __table_args__ = (Index("ix_region_level_name", "level", "name"),)

    def ancestors(self) -> list["Region"]:
        """From the province down to this region's parent."""
        chain, region = [], self.parent
        while region is not None:
            chain.append(region)
            region = region.parent
        return chain[::-1]

    def children(self):
        return (
            select(Region).where(Region.parent_code == self.code).order_by(Region.code)
        )


class Role(enum.StrEnum):
    ADMIN = "admin"  # the whole country
    REVIEWER = "reviewer"  # the labour office (Disnaker) of one regency/city
    OFFICER = "officer"  # a field officer in one regency/city, maybe some kecamatan


user_district = db.Table(
    "user_district",
    db.Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    db.Column("district_code", ForeignKey("region.code"), primary_key=True),
)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    region_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session id: raising it (password reset, disabling) ends every session.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship()
    districts: Mapped[list[Region]] = relationship(
        secondary=user_district, order_by=Region.code
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method)
        self.session_version += 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @staticmethod
    def by_username(username: str):
        return select(User).where(User.username == username.strip().lower())


class AuditEvent(db.Model):
    """Who did what, when, with the values before and after. Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    # The region the change belongs to, so that an audit trail can be scoped like data.
    region_code: Mapped[str | None] = mapped_column(String(13), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id"),)


class LoginFailure(db.Model):
    """A failed login, kept to throttle guessing (throttles.py). ``address`` is what
    the failures count by besides the account: an address, an IPv6 /64, or a known
    browser ("device:...")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    address: Mapped[str] = mapped_column(String(45), index=True)


class ProgrammeSetting(db.Model):
    """The programme's settings: a single row (id 1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    threshold_tenths: Mapped[int] = mapped_column(
        default=rules.DEFAULT_THRESHOLD_TENTHS
    )


class RegencySetting(db.Model):
    """What a regency/city sets for itself; empty fields follow the programme."""

    regency_code: Mapped[str] = mapped_column(
        ForeignKey("region.code"), primary_key=True
    )
    threshold_tenths: Mapped[int | None]
    # Printed on its certificates unless the reviewer approving one types others.
    office_name: Mapped[str | None] = mapped_column(String(150))
    signatory_name: Mapped[str | None] = mapped_column(String(100))
    signatory_title: Mapped[str | None] = mapped_column(String(150))
    # The coverage the regency/city aims for, and by when (e.g. 75% by 2026-12-31):
    # the dashboards measure its progress and the participants still missing.
    target_tenths: Mapped[int | None]
    target_date: Mapped[date | None]

    regency: Mapped[Region] = relationship()


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
    status: Mapped[str] = mapped_column(String(12), default=rules.REGISTERED)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    latest_report_date: Mapped[date | None]
    active_participants: Mapped[int | None]
    coverage_tenths: Mapped[int | None]
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
    )
    __mapper_args__ = {"version_id_col": revision}

    @property
    def name(self) -> str:
        return self.region.name

    @hybrid_property
    def awaits_review(self) -> bool:
        """Qualifying and not returned to its officers: in the labour office's queue."""
        return self.status == rules.QUALIFYING and self.returned_at is None

    @awaits_review.inplace.expression
    @classmethod
    def _awaits_review_expression(cls):
        return and_(cls.status == rules.QUALIFYING, cls.returned_at.is_(None))

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


POTENTIAL_SOURCES = ("p3ke", "census", "bps", "other")


class WorkerPotential(db.Model):
    """A village's worker potential (eligible workers) as of a date, with its source.
    Every figure ever recorded is kept; a report is measured against the one in force
    at its date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"))
    worker_potential: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    source_note: Mapped[str | None] = mapped_column(String(200))
    as_of: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    recorded_by: Mapped[User | None] = relationship()

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
    self_paid: Mapped[int]
    apbd: Mapped[int]
    apbdes: Mapped[int]
    csr_other: Mapped[int]
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

    village: Mapped[Village] = relationship()
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


class DesignationSequence(db.Model):
    """The last designation number given per regency/city per year. Taken with an
    UPDATE in the approving transaction: concurrent approvals queue on the row, and a
    rolled-back approval gives its number back, so numbers have no gaps."""

    regency_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class PendingImport(db.Model):
    """An uploaded spreadsheet of reports, kept between its preview and the uploader's
    confirmation (in the database, so that any worker can finish it). It is checked
    again when confirmed, and deleted then or after a day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
