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
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, locks, rules, status
from ..extensions import db
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
    status.refresh_villages([village])


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
    return save_reports(user, [change]).reports[0]


@dataclass
class Saved:
    reports: list[Report]
    now_qualifying: list[Village]  # villages that came to qualify by these reports


def save_reports(user: User, changes: Iterable[ReportChange]) -> Saved:
    """Write checked reports, new ones and corrections, each with its audit record,
    and let every village they touch follow its latest report. The caller holds the
    villages' locks and has checked each change against the rules under them."""
    changes = list(changes)
    written = [_write(user, change) for change in changes]
    db.session.flush()  # one insert for all new reports, which gives them their ids
    for report, before in written:
        audit.record(
            "report.create" if before is None else "report.correct",
            entity=report,
            before=before,
            after=report_snapshot(report),
            region_code=report.village_code,
        )
    villages = {change.village.code: change.village for change in changes}
    now_qualifying = status.refresh_villages(villages.values())
    return Saved([report for report, _before in written], now_qualifying)


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


def _write(user: User, change: ReportChange) -> tuple[Report, dict | None]:
    """Set a report's values, measured against the potential in force at its date.
    Ids rather than related objects: assigning relationships costs more than
    everything else here when an import does it 10,000 times."""
    report, before, village = change.report, None, change.village
    if village.returned_at is not None:
        back_to_review(village)
    if report is None:
        report = Report(village_code=village.code, created_by_id=user.id)
        db.session.add(report)
    else:
        before = report_snapshot(report)
        report.updated_at, report.updated_by_id = utcnow(), user.id
    for name in SAVED_FIELDS:
        setattr(report, name, getattr(change.values, name))
    report.worker_potential = change.potential
    report.coverage_tenths = change.coverage_tenths
    if change.evidence is not None:
        report.evidence_name = change.evidence.name
        report.evidence_file = change.evidence.file
        report.evidence_type = change.evidence.media_type
        report.evidence_size = change.evidence.size
    return report, before
