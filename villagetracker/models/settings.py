"""What the programme and each regency/city set for themselves."""

from datetime import date

from sqlalchemy import (
    ForeignKey,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import rules
from ..extensions import db
from .regions import Region
from .villages import PotentialFigure


class ProgrammeSetting(db.Model):
    """The programme's settings: a single row (id 1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    threshold_tenths: Mapped[int] = mapped_column(
        default=rules.DEFAULT_THRESHOLD_TENTHS
    )
    # The other criteria (rules.Criteria): the official roles that must all be
    # active participants ("perangkat,bpd"; empty: none), and a minimum of active
    # participants per village (0: none), perhaps counted from one payer only.
    official_roles: Mapped[str] = mapped_column(String(40), default="")
    quota: Mapped[int] = mapped_column(default=0)
    quota_payer: Mapped[str | None] = mapped_column(String(20))


class RegencySetting(db.Model):
    """What a regency/city sets for itself; empty fields follow the programme."""

    regency_code: Mapped[str] = mapped_column(
        ForeignKey("region.code"), primary_key=True
    )
    threshold_tenths: Mapped[int | None]
    # Its own criteria, as the programme's; None follows the programme's (the quota's
    # payer goes with the quota).
    official_roles: Mapped[str | None] = mapped_column(String(40))
    quota: Mapped[int | None]
    quota_payer: Mapped[str | None] = mapped_column(String(20))
    # Printed on its certificates unless the reviewer approving one types others.
    office_name: Mapped[str | None] = mapped_column(String(150))
    signatory_name: Mapped[str | None] = mapped_column(String(100))
    signatory_title: Mapped[str | None] = mapped_column(String(150))
    # The coverage the regency/city aims for, and by when (e.g. 75% by 2026-12-31):
    # the dashboards measure its progress and the participants still missing.
    target_tenths: Mapped[int | None]
    target_date: Mapped[date | None]

    regency: Mapped[Region] = relationship()


class RegionPotential(PotentialFigure, db.Model):
    """A regency's (or kecamatan's) own worker potential as of a date, with its source
    (e.g. Kabupaten Tangerang: 350,000 workers in P3KE): what its coverage target is
    measured against, whether or not its villages are registered yet."""

    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))

    __table_args__ = (UniqueConstraint("region_code", "as_of"),)

    @staticmethod
    def latest_of(codes):
        """The potentials of these regions, the latest last for each."""
        return (
            select(RegionPotential)
            .where(RegionPotential.region_code.in_(list(codes)))
            .order_by(RegionPotential.region_code, RegionPotential.as_of)
        )
