"""The writes of the villages area: registering a village, its details, its worker
potential, and its reports. Each one checks (again, under the village's lock: what the
form checked may have changed since), writes, records its audit event and flushes;
the request, an import or a job commits once.

``save_reports`` is the one way reports are written: the report form writes one
through it, a spreadsheet import thousands.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, locks, rules, status
from ..extensions import db, expire_copies, plain_rows
from ..models import Region, Report, User, Village, WorkerPotential, utcnow
from . import queries, validation
from .evidence import StoredEvidence
from .validation import PotentialInput, Registration, ReportInput

SAVED_FIELDS = (
    *validation.REPORT_FIELDS,
    *rules.OLD_PAYERS,
    *validation.OFFICIAL_FIELDS,
    "notes",
)
DETAILS_FIELDS = ("head_name", "contact_phone", "notes", *validation.OFFICIAL_TOTALS)


CHANGED = _l(
    "This village changed since the page was loaded (a new report, or another "
    "reviewer's decision). Nothing was saved: look at it again."
)


class Refused(Exception):
    """The rules refuse a change as the village is now (checked under its lock):
    nothing was written. ``problems`` are by field, as the validation gives them."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def village_snapshot(village: Village) -> dict:
    return {
        **{name: getattr(village, name) for name in DETAILS_FIELDS},
        "worker_potential": village.worker_potential,
        "status": village.status,
    }


def register_village(user: User, registration: Registration) -> Village:
    """Register a village in the programme with its first worker potential."""
    region = db.session.get(Region, registration.region_code)
    details = registration.details
    village = Village(
        code=region.code,
        district_code=region.parent_code,
        regency_code=rules.parent_of(region.parent_code),
        **{name: getattr(details, name) for name in DETAILS_FIELDS},
        worker_potential=registration.potential.worker_potential,
        status=rules.Status.REGISTERED,
        registered_by=user,
    )
    db.session.add(village)
    db.session.add(_potential_row(village, registration.potential, user))
    audit.record(
        "village.register",
        entity=village,
        after=village_snapshot(village),
        region_code=village.code,
    )
    return village


def update_details(village: Village, details: validation.DetailsInput) -> None:
    """Change the village head, phone, notes and how many officials it has. Raises
    Refused if someone changed the village since it was read (its revision
    moved)."""
    before = village_snapshot(village)
    for name in DETAILS_FIELDS:
        setattr(village, name, getattr(details, name))
    audit.record_change(
        "village.update",
        before,
        village_snapshot(village),
        entity=village,
        region_code=village.code,
    )
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Refused({"village": CHANGED}) from None


def _potential_row(village: Village, potential: PotentialInput, user: User):
    return WorkerPotential(
        village_code=village.code,
        worker_potential=potential.worker_potential,
        source=potential.source,
        source_note=potential.source_note,
        as_of=potential.as_of,
        recorded_by=user,
    )


def record_potential(user: User, village: Village, potential: PotentialInput) -> None:
    """Record a worker potential (replacing one of the same date), re-measure every
    report against the potential in force at its date, and re-evaluate the status.
    Raises Refused if the rules refuse it as the village is now."""
    locks.lock_village(village)
    problems = validation.potential_problems(village, potential)
    if problems:
        raise Refused(problems)
    before = village_snapshot(village)
    existing = db.session.scalar(
        select(WorkerPotential).where(
            WorkerPotential.village_code == village.code,
            WorkerPotential.as_of == potential.as_of,
        )
    )
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    db.session.add(_potential_row(village, potential, user))
    db.session.flush()
    pairs = queries.potential_pairs(village)
    village.worker_potential = pairs[-1][1]
    for report in queries.reports_of(village):
        report.worker_potential = rules.potential_in_force(pairs, report.as_of)
        report.coverage_tenths = rules.coverage_tenths(
            report.active_participants, report.worker_potential
        )
    audit.record(
        "village.potential",
        entity=village,
        before=before,
        after={
            **village_snapshot(village),
            "as_of": potential.as_of.isoformat(),
            "source": potential.source,
            "recorded": potential.worker_potential,
        },
        region_code=village.code,
    )
    status.refresh_villages([village.code])


# --- Reports ---


@dataclass
class ReportChange:
    """A checked report to write: a new one (``report`` None) or a correction."""

    village: Village
    values: ReportInput
    report: Report | None = None
    potential: int | None = None  # the worker potential in force at its date
    evidence: StoredEvidence | None = None

    @property
    def coverage_tenths(self) -> int:
        return rules.coverage_tenths(self.values.active_participants, self.potential)


def report_snapshot(report: Report) -> dict:
    values = {name: getattr(report, name) for name in SAVED_FIELDS}
    values["as_of"] = report.as_of.isoformat()
    values["evidence_file"] = report.evidence_file
    return values


def log_report(
    user: User, village: Village, values: ReportInput, evidence: StoredEvidence | None
) -> Report:
    """Log a report; if it is the latest, the village's coverage and status follow it
    (a village reaching the threshold qualifies at once). Raises Refused if the
    rules refuse it as the village is now: reports for other dates logged meanwhile
    are no conflict, a report for the same date or a designation that locks the
    date is."""
    return _save_one(user, ReportChange(village, values, evidence=evidence))


def correct_report(
    user: User, report: Report, values: ReportInput, evidence: StoredEvidence | None
) -> Report:
    """Correct a report; its old values stay in the audit trail. Raises Refused if
    the rules refuse it as the village is now."""
    change = ReportChange(report.village, values, report, evidence=evidence)
    return _save_one(user, change)


def _save_one(user: User, change: ReportChange) -> Report:
    locks.lock_village(change.village)
    if change.report is not None:
        db.session.refresh(change.report)
    facts = queries.village_facts(change.village)
    problems = validation.report_problems(change.values, facts, change.report)
    if problems:
        raise Refused(problems)
    change.potential = facts.potential_on(change.values.as_of)
    report_id = save_reports(user, [change]).report_ids[0]
    return db.session.get(Report, report_id)


@dataclass
class Saved:
    report_ids: list[int]  # in the order of the changes
    now_qualifying: list[str]  # the villages that came to qualify by these reports


def save_reports(user: User, changes: Iterable[ReportChange]) -> Saved:
    """Write checked reports, new ones and corrections, each with its audit record,
    and let every village they touch follow its latest report. The caller holds the
    villages' locks and has checked each change against the rules under them.

    Set-based, whether one report or a block of an import's: the new reports in one
    INSERT of many rows, the corrections in one UPDATE of many, their audit records
    in one more. A change's village and report may be the ORM's objects (the form)
    or plain rows (an import); the session's copies of corrected reports are
    expired: the database has their new values."""
    changes = list(changes)
    returned = {c.village.code for c in changes if c.village.returned_at is not None}
    for code in sorted(returned):
        back_to_review(db.session.get(Village, code))
    now = utcnow()
    corrected = [change for change in changes if change.report is not None]
    befores = [report_snapshot(change.report) for change in corrected]
    if corrected:
        rows = [
            {"id": change.report.id, "updated_at": now, "updated_by_id": user.id}
            | _values(change)
            for change in corrected
        ]
        db.session.execute(update(Report), rows)
        expire_copies(Report, [change.report.id for change in corrected])
    new = [change for change in changes if change.report is None]
    new_ids = _insert_reports(user, new, now)

    def report_id(change: ReportChange) -> int:
        if change.report is not None:
            return change.report.id
        return new_ids[change.village.code, change.values.as_of]

    events = [
        _report_event("report.create", report_id(change), None, change)
        for change in new
    ] + [
        _report_event("report.correct", change.report.id, before, change)
        for change, before in zip(corrected, befores, strict=True)
    ]
    audit.record_many(events)
    now_qualifying = status.refresh_villages(change.village.code for change in changes)
    return Saved([report_id(change) for change in changes], now_qualifying)


def _insert_reports(user: User, new: list[ReportChange], now) -> dict:
    """New reports in one INSERT of many rows (Core's: the ORM's bulk INSERT of the
    same rows takes several times its time); their ids by (village, date), which a
    report's are unique by, read back in a few queries: an INSERT ... RETURNING of
    many rows costs more on both databases (SQLite runs it a row at a time, psycopg
    parses each statement of a thousand rows anew)."""
    if not new:
        return {}
    rows = [
        {
            "village_code": change.village.code,
            "created_at": now,
            "created_by_id": user.id,
        }
        | _values(change)
        for change in new
    ]
    table = Report.__table__
    db.session.execute(insert(table), rows)
    wanted = {(row["village_code"], row["as_of"]) for row in rows}
    codes, days = sorted({code for code, _ in wanted}), {day for _, day in wanted}
    ids = {}
    for start in range(0, len(codes), 500):
        query = select(table.c.id, table.c.village_code, table.c.as_of).where(
            table.c.village_code.in_(codes[start : start + 500]),
            table.c.as_of.in_(days),
        )
        for found, code, day in plain_rows(query):
            if (code, day) in wanted:
                ids[code, day] = found
    return ids


def _values(change: ReportChange) -> dict:
    """A report's columns as the change sets them, measured against the potential
    in force at its date."""
    values = {name: getattr(change.values, name) for name in SAVED_FIELDS}
    values["worker_potential"] = change.potential
    values["coverage_tenths"] = change.coverage_tenths
    evidence = change.evidence
    if evidence is not None:
        values["evidence_name"] = evidence.name
        values["evidence_file"] = evidence.file
        values["evidence_type"] = evidence.media_type
        values["evidence_size"] = evidence.size
    return values


def _report_event(action: str, report_id: int, before, change: ReportChange) -> dict:
    after = {name: getattr(change.values, name) for name in SAVED_FIELDS}
    after["as_of"] = change.values.as_of.isoformat()
    evidence = change.evidence
    if evidence is not None:
        after["evidence_file"] = evidence.file
    elif before is not None:
        after["evidence_file"] = before.get("evidence_file")
    else:
        after["evidence_file"] = None
    return {
        "action": action,
        "entity": ("report", report_id),
        "before": before,
        "after": after,
        "region_code": change.village.code,
    }


def back_to_review(village: Village) -> None:
    """A new or corrected report (new evidence included) answers the labour office's
    return: the village is in the review queue again."""
    audit.record(
        "review.answered",
        entity=village,
        before={"returned_reason": village.returned_reason},
        after={"returned_reason": None},
        region_code=village.code,
    )
    village.returned_reason = village.returned_at = village.returned_by_id = None
