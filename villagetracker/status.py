"""The flag: the threshold in force for a village, whether its latest report reaches
it, the status that follows, and the designation that locks its reports. Every area
that changes a report, a worker potential, a threshold or a designation asks here; the
rules themselves are in ``rules``.

Part of the caller's transaction: nothing here commits.
"""

from collections.abc import Iterable

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, func, select, update
from sqlalchemy.orm import Bundle
from sqlalchemy.orm.exc import StaleDataError

from . import audit, locks, rules
from . import criteria as criteria_module
from .extensions import db, expire_copies, plain_rows
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


# --- Villages judged, many at once ---
# A report's write moves one village or an import's thousands; a criteria change
# judges every village it governs, the country's 83,762 for the programme's. So
# villages are read as plain rows, judged by the pure rules, and written in one
# UPDATE of many rows (``_write``), their status changes audited in one INSERT.

OFFICIAL_TOTALS = tuple(f"{role}_total" for role in rules.OFFICIAL_ROLES)
# The village row's copy of its latest report, and what the criteria make of it.
WRITTEN = (
    "latest_report_date",
    "active_participants",
    "coverage_tenths",
    *OFFICIAL_TOTALS,
    "participants_missing",
    "officials_missing",
    "status",
    "status_changed_at",
)
READ = (Village.code, Village.regency_code, Village.revision) + tuple(
    getattr(Village, name) for name in WRITTEN
)
EXPIRED = (*WRITTEN, "revision")
CHUNK = 2_000  # villages judged again between two words of progress


def refresh_villages(codes: Iterable[str]) -> list[str]:
    """Copy each village's latest report's figures onto it and move its status by
    the rule. Every village row is written, raising its revision even where nothing
    on it changes: a reviewer deciding on the page as it was is refused, and a
    report saved while a designation is approved fails instead of slipping in
    behind the designation's lock. Returns the codes of the villages that came to
    qualify. The rows are read here as plain rows (after the session's own changes
    of them), a few queries per 500 villages, however many. The caller holds their
    locks."""
    codes = sorted(set(codes))
    db.session.flush()  # the villages' own changes first (a return answered, say)
    qualifying = []
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        villages = plain_rows(select(*READ).where(Village.code.in_(chunk)))
        villages = [village._asdict() for village in villages]
        latest = criteria_module.latest_reports(chunk, criteria_module.FIGURE_COLUMNS)
        criteria = criteria_module.criteria_by_regency(
            village["regency_code"] for village in villages
        )
        rows, statuses = [], {}
        for village in villages:
            statuses[village["code"]] = village["status"]
            report = latest.get(village["code"])
            if report is not None:
                regency = criteria[village["regency_code"]]
                village = _judged(_followed(village, report), report, regency)
            rows.append(village)
        _write(rows, statuses)
        qualifying += [
            row["code"]
            for row in rows
            if row["status"] == rules.Status.QUALIFYING != statuses[row["code"]]
        ]
    return qualifying


def _followed(village: dict, latest) -> dict:
    """The village row with its latest report's figures (and the officials it
    counts, where it counts them)."""
    row = dict(village, latest_report_date=latest.as_of)
    row.update(
        active_participants=latest.active_participants,
        coverage_tenths=latest.coverage_tenths,
    )
    for name in OFFICIAL_TOTALS:
        total = getattr(latest, name)
        if total is not None:
            row[name] = total
    return row


def _judged(village: dict, latest, criteria: rules.Criteria) -> dict:
    """The village row with what the criteria still miss on its latest report, and
    the status that follows."""
    found = rules.verdicts(
        criteria,
        rules.village_kind(village["code"]),
        criteria_module.figures_of(latest),
    )
    participants, officials = rules.shortfall(found)
    return dict(
        village,
        participants_missing=participants,
        officials_missing=officials,
        status=rules.next_status(village["status"], rules.qualifies(found)),
    )


def _write(rows: list[dict], statuses: dict[str, str]) -> int:
    """Write judged village rows (``READ``'s columns) in one UPDATE of many rows,
    each raising the revision it was read at: one whose revision moved since fails
    as the ORM's would (StaleDataError), and nothing is kept. A status that changed
    (from ``statuses``, by code) is audited. The session's copies of the villages
    are expired: they read what was written when next asked. Returns how many
    changed status."""
    if not rows:
        return 0
    now, events = utcnow(), []
    for row in rows:
        before = statuses[row["code"]]
        if row["status"] != before:
            row["status_changed_at"] = now
            events.append(
                {
                    "action": "village.status",
                    "entity": ("village", row["code"]),
                    "before": {"status": before},
                    "after": {
                        "status": row["status"],
                        "coverage_tenths": row["coverage_tenths"],
                    },
                    "region_code": row["code"],
                }
            )
    table = Village.__table__
    statement = (
        update(table)
        .where(
            table.c.code == bindparam("judged_code"),
            table.c.revision == bindparam("read_revision"),
        )
        .values(revision=table.c.revision + 1)
    )
    params = [
        {
            "judged_code": row["code"],
            "read_revision": row["revision"],
            **{name: row[name] for name in WRITTEN},
        }
        for row in rows
    ]
    result = db.session.execute(statement, params)
    if result.rowcount != len(rows) and result.context.supports_sane_multi_rowcount:
        raise StaleDataError(
            f"UPDATE of {len(rows)} villages matched {result.rowcount}: changed "
            "meanwhile"
        )
    audit.record_many(events)
    expire_copies(Village, [row["code"] for row in rows], EXPIRED)
    return len(events)


def set_criteria(criteria: dict, regency_code: str | None = None, say=None) -> int:
    """Set the programme's criteria, or a regency's own (a value of None follows the
    programme), and judge again every village they govern: the regency's, or for
    the programme every village of a regency that does not set all of them itself.
    Audited. Returns how many villages changed status; ``say(done, total)`` hears
    how many villages are judged.

    ``criteria`` holds ``threshold_tenths``, ``official_roles`` (e.g.
    "perangkat,bpd"), ``quota`` and ``quota_payer``."""
    locks.begin_writing()
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
    return _judge_again(governed, say)


def _judge_again(governed, say=None) -> int:
    """Judge again every village ``governed`` selects, on its latest report, a
    chunk of villages at a time, each locked as it is read; write those that
    change. Returns how many changed status."""
    latest = and_(
        Report.village_code == Village.code,
        Report.as_of == Village.latest_report_date,
    )
    pairs = (
        select(
            Bundle("village", *READ),
            Bundle("report", *criteria_module.FIGURE_COLUMNS),
        )
        .join(Report, latest)
        .where(governed)
    )
    total = db.session.scalar(
        select(func.count()).select_from(Village).join(Report, latest).where(governed)
    )
    regencies = db.session.scalars(
        select(Village.regency_code).where(governed).distinct()
    )
    criteria = criteria_module.criteria_by_regency(regencies)
    changed = done = 0
    last = ""
    _say(say, done, total)
    while done < total:
        chunk = db.session.execute(
            pairs.where(Village.code > last)
            .order_by(Village.code)
            .limit(CHUNK)
            .with_for_update(of=Village)
        ).all()
        if not chunk:
            break
        rows, statuses = [], {}
        for village, report in chunk:
            before = village._asdict()
            row = _judged(before, report, criteria[before["regency_code"]])
            if row != before:
                rows.append(row)
                statuses[row["code"]] = before["status"]
        changed += _write(rows, statuses)
        done += len(chunk)
        last = chunk[-1].village.code
        _say(say, done, total)
    return changed


def _say(say, done: int, total: int) -> None:
    if say is not None:
        say(done, total)


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
