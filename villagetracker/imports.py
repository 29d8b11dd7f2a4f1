"""Reports loaded from a spreadsheet. Every row is checked by the report form itself
(the same fields, the same rules) within the uploader's scope; the result is shown
as a preview; on confirmation the file is checked again and written in one
transaction, all of it or nothing.

A row for a village and date that already has a report corrects that report; a row
equal to it changes nothing. Villages whose latest report crosses the threshold
qualify exactly as through the form (services.follow_latest).
"""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from . import access, audit, locks, rules, services, spreadsheets
from .extensions import db
from .models import (
    Designation,
    PendingImport,
    Report,
    User,
    Village,
    WorkerPotential,
    utcnow,
)
from .villages.forms import ReportForm

REQUIRED = ("code", "as_of", "active_participants", *rules.SEGMENTS, *rules.PAYERS)
OPTIONAL = ("notes",)
# In an exported report history, for people to read; an import passes over them.
INFORMATIVE = ("village", "worker_potential", "coverage")
TEMPLATE_COLUMNS = tuple(
    column
    for column in spreadsheets.REPORT_COLUMNS
    if column.key not in ("worker_potential", "coverage")
)
# The template's example row says this in its notes; a file that still has it is
# refused, so that the example is never imported as a real count.
EXAMPLE_NOTE = _l("EXAMPLE: delete this row before uploading")
EXAMPLE_ROW = {
    "code": "36.03.06.2018",
    "village": "Kresek",
    "as_of": "2026-10-31",
    "active_participants": 4200,
    "bpu": 3000,
    "pu": 1000,
    "jakon": 200,
    "self_paid": 2500,
    "apbd": 1000,
    "apbdes": 500,
    "csr_other": 200,
}
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
CHUNK = 500  # codes per IN (...) when loading what the rows refer to
PENDING_FOR = timedelta(days=1)
SHOWN = 5  # names or rows a message lists before "and N more"


@dataclass
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the column's heading in the reader's language
    value: str
    message: str


@dataclass
class RowChange:
    row: int
    village: Village
    values: services.ReportInput
    report: Report | None  # the report it corrects; None for a new one
    potential: int  # the worker potential in force at its date

    @property
    def coverage_tenths(self) -> int:
        return rules.coverage_tenths(self.values.active_participants, self.potential)


@dataclass
class Check:
    """What an import would do: rows to add and to correct, or why it cannot."""

    file_problem: str | None = None
    problems: list[RowProblem] = field(default_factory=list)
    additions: list[RowChange] = field(default_factory=list)
    corrections: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0
    now_qualifying: int = 0  # villages the committed reports made qualifying
    # Rows whose village and date changed since the preview (found on confirming).
    conflicts: list[RowProblem] = field(default_factory=list)

    @property
    def can_commit(self) -> bool:
        return (
            not self.file_problem
            and not self.problems
            and not self.conflicts
            and self.changes > 0
        )

    @property
    def changes(self) -> int:
        return len(self.additions) + len(self.corrections)


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _header_keys() -> dict[str, str]:
    """Every heading an import recognises, in either language or as the key."""
    names = {}
    for column in spreadsheets.REPORT_COLUMNS:
        names[_normal(column.key)] = column.key
        for locale in current_app.config["LANGUAGES"]:
            names[_normal(spreadsheets.headers([column], locale)[0])] = column.key
    return names


def _label(key: str) -> str:
    return next(str(c.label) for c in spreadsheets.REPORT_COLUMNS if c.key == key)


def some(items: list[str], separator: str = ", ", cut=spreadsheets.echo) -> str:
    """The first few of ``items``, each ``cut`` short, and how many more: a message
    never repeats a file's four million headings, nor a thousand conflicts."""
    shown = separator.join(cut(item) for item in items[:SHOWN])
    if len(items) > SHOWN:
        shown += " " + str(_l("and %(num)s more", num=len(items) - SHOWN))
    return shown


def _columns(header: list[str]) -> tuple[dict[int, str], str | None]:
    """Which column holds which value, or what is wrong with the headings."""
    known = _header_keys()
    positions, unknown = {}, []
    for index, heading in enumerate(header):
        key = known.get(_normal(heading))
        if not heading.strip():
            continue
        if key is None:
            unknown.append(heading)
        elif key in positions.values():
            name = spreadsheets.echo(heading)
            return {}, str(_l("The column %(name)s appears twice.", name=name))
        else:
            positions[index] = key
    missing = [_label(key) for key in REQUIRED if key not in positions.values()]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(str(_l("Missing columns: %(names)s.", names=some(missing))))
        if unknown:
            parts.append(str(_l("Unknown columns: %(names)s.", names=some(unknown))))
        parts.append(str(_l("Use the template's columns.")))
        return {}, " ".join(parts)
    return positions, None


def read(filename: str, content: bytes) -> tuple[list[tuple[int, dict]], str | None]:
    """The file's rows as (row number, {column key: text}), or what is wrong with the
    file as a whole: not a spreadsheet, empty, wrong columns, too many rows, columns
    or characters. The headings are checked before any row is read, and reading
    stops at the first limit passed."""
    limits = spreadsheets.ReadingLimits(rows=current_app.config["IMPORT_MAX_ROWS"])
    try:
        rows = spreadsheets.read_rows(filename, content, limits)
        header = next(rows, None)
        if header is None:
            return [], str(_l("The file is empty."))
        positions, problem = _columns(header[1])
        if problem:
            return [], problem
        records = [
            (number, {key: _cell(row, index) for index, key in positions.items()})
            for number, row in rows
        ]
    except spreadsheets.Refused as refusal:
        return [], refusal_message(refusal)
    if not records:
        return [], str(_l("The file has its columns but no rows."))
    return records, None


def refusal_message(refusal: spreadsheets.Refused) -> str:
    """Why a file was refused as a whole, in the reader's language."""
    if isinstance(refusal, spreadsheets.TooManyBlankRows):
        return str(
            _l(
                "The file has more than %(limit)s empty rows. Delete them and upload "
                "it again.",
                limit=refusal.limit,
            )
        )
    if isinstance(refusal, spreadsheets.TooManyRows):
        limit = refusal.limit
        return str(_l("At most %(limit)s rows in one file; split it.", limit=limit))
    if isinstance(refusal, spreadsheets.TooManyColumns):
        return str(
            _l(
                "Row %(row)s has more than %(limit)s columns. Use the template's "
                "columns.",
                row=refusal.row,
                limit=refusal.limit,
            )
        )
    if isinstance(refusal, spreadsheets.CellTooLong):
        return str(
            _l(
                "Row %(row)s, column %(column)s holds more than %(limit)s characters "
                "(%(start)s).",
                row=refusal.row,
                column=refusal.column,
                limit=refusal.limit,
                start=refusal.start,
            )
        )
    if isinstance(refusal, spreadsheets.TooLargeUnpacked):
        return str(
            _l(
                "This XLSX file unpacks to more data than an import takes. Delete "
                "what is not needed or split it, or save the sheet as CSV."
            )
        )
    if isinstance(refusal, spreadsheets.UnreadableText):
        return str(
            _l(
                "The file's characters cannot be read with confidence: it is not "
                "UTF-8, UTF-16 or Windows-1252 text. Save it from the spreadsheet as "
                "CSV UTF-8, or as XLSX, and upload it again."
            )
        )
    return str(_l("This file is not a spreadsheet: upload CSV or XLSX."))


def check(user: User, filename: str, content: bytes) -> Check:
    """Read and check a file; nothing is written."""
    records, problem = read(filename, content)
    if problem:
        return Check(file_problem=problem)
    return _check_records(user, records)


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _check_records(user: User, records: list[tuple[int, dict]]) -> Check:
    return _summary(len(records), _outcomes(user, records)[0])


def _outcomes(user: User, records: list[tuple[int, dict]]) -> tuple[dict, dict]:
    """Each row's outcome by its number (its problems, its change, or None), and
    the villages the rows name that the user may see."""
    loaded = _load(user, records)
    seen: dict[tuple[str, str], int] = {}  # (code, date) -> the first row with them
    examples = _example_notes()
    form = ReportForm(None, formdata=None, meta={"csrf": False})
    outcomes = {
        number: _check_row(form, number, record, loaded, seen, examples)
        for number, record in records
    }
    return outcomes, loaded[0]


def _summary(rows: int, outcomes: dict) -> Check:
    result = Check(rows=rows)
    for number in sorted(outcomes):
        outcome = outcomes[number]
        if isinstance(outcome, list):
            result.problems.extend(outcome)
        elif outcome is None:
            result.unchanged += 1
        elif outcome.report is None:
            result.additions.append(outcome)
        else:
            result.corrections.append(outcome)
    return result


def _check_row(form, number: int, record: dict, loaded, seen: dict, examples: set):
    """A row's problems (a list), the change it makes, or None if it changes nothing.
    ``form`` is the report form, the one that checks reports typed in the browser."""
    villages, facts, reports = loaded
    code = record["code"]
    if not code:
        return [_problem(number, "code", code, _l("Enter the village code."))]
    village = villages.get(code)
    if village is None:
        message = _l("Not a village registered in the programme in your area.")
        return [_problem(number, "code", code, message)]
    if record.get("notes", "") in examples:
        message = _l("Delete the example row.")
        return [_problem(number, "notes", record["notes"], message)]
    as_of = _iso_day(record["as_of"])
    twin = seen.setdefault((code, as_of), number) if as_of else number
    if twin != number:
        message = _l("Row %(row)s has the same village and date.", row=twin)
        return [_problem(number, "as_of", record["as_of"], message)]
    report = reports.get((code, _parse_day(as_of)))
    formdata = MultiDict({**record, "as_of": as_of})
    if not form.check_another(village, report, formdata, facts[code]):
        return [
            _problem(number, name, record.get(name, ""), message)
            for name, messages in form.errors.items()
            for message in messages
        ]
    values = form.values()
    if report is not None and _same(report, values):
        return None
    return RowChange(
        number, village, values, report, facts[code].potential_on(values.as_of)
    )


def _example_notes() -> set[str]:
    """The example row's note in every language the template comes in."""
    notes = set()
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            notes.add(str(EXAMPLE_NOTE))
    return notes


def _problem(row: int, key: str, value: str, message) -> RowProblem:
    # The value is quoted back cut short: a cell can hold 5,000 characters.
    return RowProblem(row, _label(key), spreadsheets.echo(value), str(message))


def _iso_day(text: str) -> str:
    """31/03/2026 (as Indonesians write it) -> 2026-03-31; anything else unchanged,
    for the form's own date field to accept or refuse."""
    match = DAY_MONTH_YEAR.match(text.strip())
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text.strip()


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _same(report: Report, values: services.ReportInput) -> bool:
    return all(
        getattr(report, name) == getattr(values, name)
        for name in services.REPORT_FIELDS
        if name != "notes"
    ) and (report.notes or None) == ((values.notes or "").strip() or None)


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load(user: User, records) -> tuple[dict, dict, dict]:
    """The villages the rows name that the user may see, and what the report rules
    need of each, in a few queries per 500 villages however many rows there are."""
    codes = sorted({record["code"] for _, record in records if record["code"]})
    days = {_parse_day(_iso_day(record["as_of"])) for _, record in records} - {None}
    villages, facts, reports = {}, {}, {}
    for chunk in _chunks(codes):
        for village in db.session.scalars(
            access.villages_visible_to(user).where(Village.code.in_(chunk))
        ):
            villages[village.code] = village
            facts[village.code] = services.VillageFacts([], None, {})
        found = [code for code in chunk if code in villages]
        if not found:
            continue
        for code, as_of, figure in db.session.execute(
            select(
                WorkerPotential.village_code,
                WorkerPotential.as_of,
                WorkerPotential.worker_potential,
            )
            .where(WorkerPotential.village_code.in_(found))
            .order_by(WorkerPotential.village_code, WorkerPotential.as_of)
        ):
            facts[code].potentials.append((as_of, figure))
        for designation in db.session.scalars(
            select(Designation).where(
                Designation.village_code.in_(found),
                Designation.state == rules.ACTIVE,
            )
        ):
            facts[designation.village_code].locked = designation
        if days:
            # Loaded whole (the reports the file may correct), and afresh: when
            # the confirmation checks again under the lock, a report corrected
            # meanwhile must show its new values and time, not the session's copy.
            for report in db.session.scalars(
                select(Report)
                .where(Report.village_code.in_(found), Report.as_of.in_(days))
                .execution_options(populate_existing=True)
            ):
                facts[report.village_code].report_days[report.as_of] = report.id
                reports[report.village_code, report.as_of] = report
    return villages, facts, reports


def _changed_since(result: Check, since) -> list[RowProblem]:
    """The rows to write whose report, or whose village's designation, is newer
    than the preview: what the uploader confirmed is no longer what they saw."""
    conflicts = []
    changes = sorted(result.additions + result.corrections, key=lambda c: c.row)
    for change in changes:
        report = change.report
        if report is not None and (report.updated_at or report.created_at) >= since:
            message = _l(
                "row %(row)s (%(code)s, %(day)s): its report was logged or corrected "
                "after the preview",
                row=change.row,
                code=change.village.code,
                day=format_date(change.values.as_of),
            )
            conflicts.append(RowProblem(change.row, _label("as_of"), "", str(message)))
    codes = sorted({change.village.code for change in changes})
    designated = set()
    for chunk in _chunks(codes):
        designated.update(
            db.session.scalars(
                select(Designation.village_code).where(
                    Designation.village_code.in_(chunk),
                    Designation.designated_at >= since,
                )
            )
        )
    for change in changes:
        if change.village.code in designated:
            message = _l(
                "row %(row)s (%(code)s): the village was designated after the preview",
                row=change.row,
                code=change.village.code,
            )
            conflicts.append(RowProblem(change.row, _label("code"), "", str(message)))
    return sorted(conflicts, key=lambda conflict: conflict.row)


def conflicts_message(conflicts: list[RowProblem]) -> str:
    """Which rows changed since the preview: a few, and how many more."""
    rows = some([conflict.message for conflict in conflicts], "; ", cut=str)
    return str(
        _l(
            "Some rows changed after the preview, so nothing was written: %(rows)s. "
            "Check the preview and confirm again.",
            rows=rows,
        )
    )


# --- The template ---


def example_row() -> tuple:
    """The template's example: Desa Kresek, in the reader's language."""
    values = {**EXAMPLE_ROW, "notes": str(EXAMPLE_NOTE)}
    return tuple(values.get(column.key, "") for column in TEMPLATE_COLUMNS)


def instructions() -> list[str]:
    """The template's second sheet: how to fill it in."""
    return [
        str(_l("One row per village and date. The first row holds the column names.")),
        str(_l("Village code: the Kemendagri code, e.g. 36.03.06.2018 (Desa Kresek).")),
        str(_l("As of: the date of the count, e.g. 2026-10-31 or 31/10/2026.")),
        str(
            _l(
                "BPU + PU + Jakon and Self-paid + APBD + APBDes + CSR or other must "
                "each add up to the active participants."
            )
        ),
        str(_l("A row for a village and date that already has a report corrects it.")),
        str(_l("The village name is for you; the import reads the code.")),
        str(EXAMPLE_NOTE),
    ]


# --- Keeping the file between preview and confirmation ---


def keep(user: User, filename: str, content: bytes) -> PendingImport:
    """Keep an upload for its preview; uploads older than a day are dropped."""
    db.session.execute(
        delete(PendingImport).where(PendingImport.created_at < utcnow() - PENDING_FOR)
    )
    pending = PendingImport(
        token=secrets.token_urlsafe(24),
        user_id=user.id,
        filename=filename[:200],
        content=content,
    )
    db.session.add(pending)
    db.session.commit()
    return pending


def seen(pending: PendingImport) -> None:
    """The uploader is shown the preview again after a refusal: changes made before
    now are in what they confirm next."""
    pending.created_at = utcnow()
    db.session.commit()


def discard(pending: PendingImport) -> None:
    db.session.delete(pending)
    db.session.commit()


def commit(user: User, pending: PendingImport) -> Check:
    """Check the kept file again and, if every row passes and none of the rows it
    writes changed since the preview, write all its reports in one transaction.
    Returns the check: when it cannot commit, nothing was written.

    The file is checked first without a lock (the long part: every row through the
    report form). Then its villages are locked (``locks.lock_villages``; on SQLite
    the database's write lock) and read afresh, and the rows of every village whose
    revision moved meanwhile (any report, correction, potential or decision raises
    it) are checked again; the rest holds as checked. So the lock is held for the
    writes and little more, and nothing can change those villages in between.
    Reports logged meanwhile for other dates of the file's villages do not stop the
    import; a report logged or corrected for one of its own village and dates, or a
    designation of one of its villages, does (``Check.conflicts``)."""
    records, problem = read(pending.filename, pending.content)
    if problem:
        return Check(file_problem=problem)
    outcomes, villages = _outcomes(user, records)
    revisions = {code: village.revision for code, village in villages.items()}
    locked = locks.lock_villages(revisions)
    moved = {
        code
        for code, revision in revisions.items()
        if code not in locked or locked[code].revision != revision
    }
    if moved:
        again = [
            (number, record) for number, record in records if record["code"] in moved
        ]
        outcomes.update(_outcomes(user, again)[0])
    result = _summary(len(records), outcomes)
    if result.can_commit:
        result.conflicts = _changed_since(result, pending.created_at)
    if not result.can_commit:  # nothing written; the lock goes with the request
        return result
    # Ids rather than related objects: assigning relationships costs more than
    # everything else here when it is done 10,000 times.
    latest: dict[str, tuple[Village, Report]] = {}
    written = []  # (report, its values before or None for a new one)
    for change in result.additions + result.corrections:
        village, report, before = change.village, change.report, None
        if report is None:
            report = Report(village_code=village.code, created_by_id=user.id)
            db.session.add(report)
            # A new report answers the labour office's return, as in the form.
            village.returned_reason = village.returned_at = None
            village.returned_by_id = None
        else:
            before = services.report_snapshot(report)
            report.updated_at, report.updated_by_id = utcnow(), user.id
        services.apply_report(report, change.values, None, change.potential)
        written.append((report, before))
        newest = latest.get(village.code)
        if newest is None or report.as_of > newest[1].as_of:
            latest[village.code] = (village, report)
    db.session.flush()  # one insert for all new reports, which gives them their ids
    for report, before in written:
        audit.record(
            "report.create" if before is None else "report.correct",
            entity=report,
            before=before,
            after=services.report_snapshot(report),
            region_code=report.village_code,
        )
    regencies = {village.regency_code for village, _ in latest.values()}
    thresholds = services.thresholds_by_regency(regencies)
    for village, report in latest.values():
        services.touch(village)
        newer = village.latest_report_date is None or (
            report.as_of >= village.latest_report_date
        )
        if newer:  # else an older report: the village's figures stay as they are
            status = village.status
            services.follow_latest(village, report, thresholds[village.regency_code])
            result.now_qualifying += village.status == rules.QUALIFYING != status
    audit.record(
        "reports.import",
        after={
            "file": pending.filename,
            "added": len(result.additions),
            "corrected": len(result.corrections),
            "unchanged": result.unchanged,
        },
    )
    db.session.delete(pending)
    db.session.commit()
    return result
