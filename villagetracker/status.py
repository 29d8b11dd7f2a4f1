"""The flag: the threshold in force for a village, whether its latest report reaches
it, the status that follows, and the designation that locks its reports. Every area
that changes a report, a worker potential, a threshold or a designation asks here; the
rules themselves are in ``rules``.

Part of the caller's transaction: nothing here commits.
"""

from collections.abc import Iterable

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm.attributes import flag_modified

from . import audit, rules
from . import criteria as criteria_module
from .extensions import db
from .models import (
    Designation,
    ProgrammeSetting,
    RegencySetting,
    Report,
    Village,
    utcnow,
)

# --- The threshold in force ---


def effective_threshold():
    """SQL: the threshold in force for a regency (its own, else the programme's),
    over the RegencySetting row that ``with_thresholds`` joins, for filters and
    roll-ups in SQL; ``criteria.own_criteria`` is the same lookup in Python."""
    national = select(ProgrammeSetting.threshold_tenths).where(ProgrammeSetting.id == 1)
    return func.coalesce(
        RegencySetting.threshold_tenths,
        national.scalar_subquery(),
        rules.DEFAULT_THRESHOLD_TENTHS,
    )


def with_thresholds(query: Select) -> Select:
    """The join that ``effective_threshold`` and ``band_condition`` need."""
    return query.outerjoin(
        RegencySetting, RegencySetting.regency_code == Village.regency_code
    )


def band_condition(band: str):
    """SQL: the village's latest coverage is in ``band``; the edges of
    ``rules.coverage_band``. Needs ``with_thresholds``. Coverage is kept rounded
    down, so comparing it with a threshold in tenths is the same rule as comparing
    the counts (``rules.coverage_tenths``)."""
    coverage, threshold = Village.coverage_tenths, effective_threshold()
    return {
        "under_50": coverage < rules.HALF_TENTHS,
        "50_75": and_(
            coverage >= rules.HALF_TENTHS, coverage < rules.CLOSE_FROM_TENTHS
        ),
        "75_threshold": and_(coverage >= rules.CLOSE_FROM_TENTHS, coverage < threshold),
        "at_threshold": coverage >= threshold,
    }[band]


# --- Whether a village qualifies, and its status ---


def qualifies(report: Report | None, village: Village, criteria) -> bool:
    """The qualifying decision: the report meets every criterion in force for the
    village (``rules.verdicts``)."""
    return report is not None and rules.qualifies(
        criteria_module.judge(report, village, criteria)
    )


def latest_report(village: Village) -> Report | None:
    return db.session.scalars(village.latest_report()).first()


def touch(village: Village) -> None:
    """Write the village row (raising its revision) even if nothing on it changes: a
    reviewer deciding on the page as it was is refused, and a report saved while a
    designation is approved fails instead of slipping in behind the designation's
    lock."""
    flag_modified(village, "head_name")


def refresh_villages(villages: Iterable[Village]) -> list[Village]:
    """Copy each village's latest report's figures onto it and move its status by
    the rule; every village row is written (``touch``). Returns the villages that
    came to qualify. A few queries per 500 villages, however many."""
    villages = {village.code: village for village in villages}
    for village in villages.values():
        touch(village)
    db.session.flush()
    latest = criteria_module.latest_reports(list(villages))
    criteria = criteria_module.criteria_by_regency(
        village.regency_code for village in villages.values()
    )
    qualifying = []
    for code, village in villages.items():
        before = village.status
        follow_latest(village, latest.get(code), criteria[village.regency_code])
        if village.status == rules.Status.QUALIFYING != before:
            qualifying.append(village)
    return qualifying


def follow_latest(village: Village, latest: Report | None, criteria) -> None:
    """The village takes its latest report's figures, and the status the criteria
    give."""
    if latest is None:
        return
    village.latest_report_date = latest.as_of
    village.active_participants = latest.active_participants
    village.coverage_tenths = latest.coverage_tenths
    for role in rules.OFFICIAL_ROLES:
        total = getattr(latest, f"{role}_total")
        if total is not None:
            setattr(village, f"{role}_total", total)
    judge(village, latest, criteria)


def judge(village: Village, latest: Report, criteria) -> None:
    """Keep what the criteria still miss on the village, and move its status."""
    found = criteria_module.judge(latest, village, criteria)
    village.participants_missing, village.officials_missing = rules.shortfall(found)
    move_status(village, rules.next_status(village.status, rules.qualifies(found)))


def move_status(village: Village, status: str) -> None:
    """Set the village's status, recorded in the audit trail when it changes."""
    if status == village.status:
        return
    audit.record(
        "village.status",
        entity=village,
        before={"status": village.status},
        after={"status": status, "coverage_tenths": village.coverage_tenths},
        region_code=village.code,
    )
    village.status = status
    village.status_changed_at = utcnow()


def set_criteria(criteria: dict, regency_code: str | None = None) -> int:
    """Set the programme's criteria, or a regency's own (a value of None follows the
    programme), and judge again every village they govern: the regency's, or for
    the programme every village of a regency that does not set all of them itself.
    Audited. Returns how many villages changed status.

    ``criteria`` holds ``threshold_tenths``, ``official_roles`` (e.g.
    "perangkat,bpd"), ``quota`` and ``quota_payer``."""
    if regency_code is None:
        setting = db.session.get(ProgrammeSetting, 1) or ProgrammeSetting(id=1)
        governed = Village.regency_code.not_in(
            select(RegencySetting.regency_code).where(
                RegencySetting.threshold_tenths.is_not(None),
                RegencySetting.official_roles.is_not(None),
                RegencySetting.quota.is_not(None),
            )
        )
    else:
        setting = db.session.get(RegencySetting, regency_code) or RegencySetting(
            regency_code=regency_code
        )
        governed = Village.regency_code == regency_code
    db.session.add(setting)
    before = {name: getattr(setting, name) for name in criteria}
    for name, value in criteria.items():
        setattr(setting, name, value)
    audit.record(
        "criteria.set",
        before={**before, "regency_code": regency_code},
        after={**criteria, "regency_code": regency_code},
        region_code=regency_code,
    )
    db.session.flush()
    return _judge_again(governed)


def _judge_again(governed) -> int:
    """Judge again every village ``governed`` selects, on its latest report."""
    latest = (
        select(Village, Report)
        .join(
            Report,
            and_(
                Report.village_code == Village.code,
                Report.as_of == Village.latest_report_date,
            ),
        )
        .where(governed)
    )
    pairs = db.session.execute(latest).all()
    criteria = criteria_module.criteria_by_regency(
        village.regency_code for village, _report in pairs
    )
    changed = 0
    for village, report in pairs:
        before = village.status
        judge(village, report, criteria[village.regency_code])
        changed += village.status != before
    db.session.flush()
    return changed


# --- The lock of a designation on its reports ---


def locking_designation(village: Village) -> Designation | None:
    """The valid designation of the village: the reports up to its report's date are
    behind it and locked until the labour office reopens or revokes it."""
    return db.session.scalar(village.active_designation())


def designation_locking(village: Village, day) -> Designation | None:
    """The designation that locks the village's report of ``day``, if one does."""
    locked = locking_designation(village)
    return locked if locked is not None and locked.locks(day) else None


def locked_message(designation: Designation) -> str:
    return _l(
        "Reports up to %(day)s are behind designation %(number)s and locked. The "
        "labour office can reopen the designation to allow a correction.",
        day=format_date(designation.report_as_of),
        number=designation.number,
    )
