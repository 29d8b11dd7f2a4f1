"""The dashboards' writes: a regency's coverage target, and the worker potential of a
regency or kecamatan that the target is measured against."""

from datetime import date

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import RegencySetting, Region, RegionPotential, User
from ..villages.validation import PotentialInput


def set_target(regency_code: str, tenths: int | None, day: date | None) -> None:
    """Set (or, with None, remove) a regency's coverage target and its date."""
    setting = db.session.get(RegencySetting, regency_code) or RegencySetting(
        regency_code=regency_code
    )
    db.session.add(setting)
    before = _target_snapshot(setting)
    setting.target_tenths, setting.target_date = tenths, day if tenths else None
    after = _target_snapshot(setting)
    audit.record_change("target.set", before, after, region_code=regency_code)


def _target_snapshot(setting: RegencySetting) -> dict:
    day = setting.target_date
    return {
        "target_tenths": setting.target_tenths,
        "target_date": day.isoformat() if day else None,
    }


def record_region_potential(
    user: User, region: Region, potential: PotentialInput
) -> RegionPotential:
    """Record a regency's (or kecamatan's) worker potential as of a date, replacing
    one of the same date; the earlier ones stay."""
    row = db.session.scalar(
        select(RegionPotential).where(
            RegionPotential.region_code == region.code,
            RegionPotential.as_of == potential.as_of,
        )
    )
    before = None
    if row is None:
        row = RegionPotential(region_code=region.code, as_of=potential.as_of)
        db.session.add(row)
    else:
        before = {"worker_potential": row.worker_potential, "source": row.source}
    row.worker_potential = potential.worker_potential
    row.source, row.source_note = potential.source, potential.source_note
    row.recorded_by_id = user.id
    audit.record(
        "region.potential",
        entity=row,
        before=before,
        after={
            "worker_potential": potential.worker_potential,
            "source": potential.source,
            "as_of": potential.as_of.isoformat(),
        },
        region_code=region.code,
    )
    return row
