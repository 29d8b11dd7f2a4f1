"""The dashboards' one write: a regency's coverage target."""

from datetime import date

from .. import audit
from ..extensions import db
from ..models import RegencySetting


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
