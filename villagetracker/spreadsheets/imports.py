"""Reports loaded from a spreadsheet, by the job worker. Every row is checked by the
same validation as the report form (``villages.validation.check_report``) within the
uploader's scope; the result is kept row by row (``checked``) and shown as a
preview; on confirmation the rows are written through the same write path as the form
(``villages.service.save_reports``), all of them or none, after the rows of any
village that changed since the check are checked again.

A row for a village and date that already has a report corrects that report; a row
equal to it changes nothing. Villages whose latest report crosses the threshold
qualify exactly as through the form.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l

from .. import locks
from ..models import PendingImport, Report, User
from ..villages import queries as village_queries
from ..villages import service, validation
from ..villages.service import ReportChange
from . import checked, files, messages
from .formats import OLD_HEADINGS, REPORT_COLUMNS
from .limits import echo
from .template import EXAMPLE_NOTE

CHUNK = 500  # codes per IN (...)
CHANGES = ("additions", "corrections")  # the lists of rows that write a report
PROGRESS_EVERY = 500  # rows checked between two words of progress
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Columns added to the template with migration 0006: a file made from the template
# before may leave them out, and counts none there.
ADDED_LATER = ("pmi", "apbd_province", "apbd_regency", "csr", "other")
REQUIRED = (
    "code",
    *(name for name in validation.REPORT_FIELDS if name not in ADDED_LATER),
)
NONE_ADDED_LATER = dict.fromkeys(ADDED_LATER, "0")
LAYOUT = files.Layout("reports", (*REPORT_COLUMNS, *OLD_HEADINGS), REQUIRED)
label = LAYOUT.label


@dataclass
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the column's heading in the reader's language
    value: str
    message: str


@dataclass
class RowChange(ReportChange):
    row: int = 0


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
    # The revision of each village the file names, as checked: the confirmation
    # checks again the rows of those whose revision moved since.
    revisions: dict[str, int] = field(default_factory=dict)

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


def check(user: User, filename: str, content: bytes, say=None) -> Check:
    """Read and check a file; nothing is written. ``say(done, total)`` hears how
    many rows are checked."""
    records, problem = files.read_records(filename, content, LAYOUT)
    if problem:
        return Check(file_problem=problem)
    outcomes, villages = _outcomes(user, records, say)
    result = _summary(len(records), outcomes)
    result.revisions = {code: village.revision for code, village in villages.items()}
    return result


def _outcomes(user: User, records: list[tuple[int, dict]], say=None):
    """Each row's outcome by its number (its problems, its change, or None), and
    the villages the rows name that the user may see."""
    days = {_day(record["as_of"]) for _, record in records} - {None}
    codes = [record["code"] for _, record in records if record["code"]]
    loaded = village_queries.facts_of_villages(user, codes, days)
    seen: dict[tuple[str, date], int] = {}  # (code, day) -> the first row with them
    examples = example_notes()
    outcomes = {}
    for done, (number, record) in enumerate(records, 1):
        outcomes[number] = _check_row(number, record, loaded, seen, examples)
        if say is not None and done % PROGRESS_EVERY == 0:
            say(done, len(records))
    if say is not None:
        say(len(records), len(records))
    return outcomes, loaded.villages


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


def _check_row(number: int, record: dict, loaded, seen: dict, examples: set):
    """A row's problems (a list), the change it makes, or None if it changes nothing."""
    code = record["code"]
    if not code:
        return [_problem(number, "code", code, _l("Enter the village code."))]
    village = loaded.villages.get(code)
    if village is None:
        message = _l("Not a village registered in the programme in your area.")
        return [_problem(number, "code", code, message)]
    if record.get("notes", "") in examples:
        message = _l("Delete the example row.")
        return [_problem(number, "notes", record["notes"], message)]
    day = _day(record["as_of"])
    twin = seen.setdefault((code, day), number) if day else number
    if twin != number:
        message = _l("Row %(row)s has the same village and date.", row=twin)
        return [_problem(number, "as_of", record["as_of"], message)]
    report = loaded.reports.get((code, day))
    typed = {**NONE_ADDED_LATER, **record, "as_of": iso_day(record["as_of"])}
    if report is not None and _same(report, validation.read_report(typed, {})):
        return None  # unchanged, even where a designation locks it
    facts = loaded.facts[code]
    checked = validation.check_report(typed, facts, report)
    if not checked.ok:
        return [
            _problem(number, name, record.get(name, ""), message)
            for name, message in checked.errors.items()
        ]
    values = checked.values
    potential = facts.potential_on(values.as_of)
    return RowChange(village, values, report, potential, row=number)


def iso_day(text: str) -> str:
    """31/03/2026 (as Indonesians write it in a spreadsheet) -> 2026-03-31; anything
    else unchanged, for the validation to accept or refuse."""
    match = DAY_MONTH_YEAR.match(text.strip())
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text.strip()


def _day(text: str) -> date | None:
    """The row's date as the validation reads it, or None if it cannot be read."""
    try:
        return validation.past_day(iso_day(text))
    except validation.Invalid:
        return None


def example_notes() -> set[str]:
    """The example row's note in every language the template comes in."""
    notes = set()
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            notes.add(str(EXAMPLE_NOTE))
    return notes


def _problem(row: int, key: str, value: str, message) -> RowProblem:
    # The value is quoted back cut short: a cell can hold 5,000 characters.
    return RowProblem(row, label(key), echo(value), str(message))


def _same(report: Report, values: validation.ReportInput) -> bool:
    return all(
        getattr(report, name) == getattr(values, name) for name in service.SAVED_FIELDS
    )


def commit(user: User, pending: PendingImport, say=None) -> Check:
    """Write the kept check's reports, all at once, if none of the rows it writes
    changed since the check. Returns the check: when it cannot commit, nothing was
    written. The caller commits.

    The file's villages are locked and read afresh (``locks.lock_villages``; on
    SQLite the database's write lock). The rows of a village whose revision is as
    the check found it (any report, correction, potential or decision raises it)
    are written as checked; the rows of the villages that moved are read from the
    file and checked again. So the lock is held for the writes and little more,
    and nothing can change those villages in between. Reports logged meanwhile for
    other dates of the file's villages do not stop the import; a report logged or
    corrected for one of its own village and dates, or a designation of one of its
    villages, does (``Check.conflicts``)."""
    revisions = (pending.summary or {}).get("revisions", {})
    locked = locks.lock_villages(revisions, names=False)
    moved = {
        code
        for code, revision in revisions.items()
        if code not in locked or locked[code].revision != revision
    }
    kept = [row for row in checked.rows_of(pending, CHANGES) if row.code not in moved]
    reports = village_queries.reports_by_id(
        [row.values["report_id"] for row in kept if row.values["report_id"]]
    )
    outcomes = {row.row: _kept_change(row, locked, reports) for row in kept}
    again = {}
    if moved:
        records, problem = files.read_records(pending.filename, pending.content, LAYOUT)
        if problem:
            return Check(file_problem=problem)
        moved_records = [
            (n, record) for n, record in records if record["code"] in moved
        ]
        again = _outcomes(user, moved_records)[0]
        outcomes.update(again)
    result = _summary(pending.summary["rows"], outcomes)
    result.unchanged = result.rows - result.changes
    if result.can_commit:
        rechecked = [outcome for outcome in again.values() if _is_change(outcome)]
        result.conflicts = changed_since(rechecked, pending.checked_at)
    if not result.can_commit:  # nothing written; the lock goes with the job
        return result
    saved = service.save_reports(user, result.additions + result.corrections, say)
    result.now_qualifying = len(saved.now_qualifying)
    counts = {
        "added": len(result.additions),
        "corrected": len(result.corrections),
        "unchanged": result.unchanged,
    }
    files.record_import(pending, "reports.import", counts)
    return result


def _is_change(outcome) -> bool:
    return outcome is not None and not isinstance(outcome, list)


# --- The check kept row by row (``checked``) ---


def kept_rows(result: Check) -> list[dict]:
    """The check's rows as ``checked.keep`` keeps them."""
    rows = checked.problem_rows(result.problems)
    for name in CHANGES:
        for change in getattr(result, name):
            values = dict(vars(change.values))  # plain values: no deep copy
            values["as_of"] = change.values.as_of.isoformat()
            report = change.report
            values.update(
                report_id=report.id if report is not None else None,
                before=report.active_participants if report is not None else None,
                potential=change.potential,
                coverage_tenths=change.coverage_tenths,
            )
            village = change.village
            rows.append(
                {
                    "list": name,
                    "row": change.row,
                    "code": village.code,
                    "values": values,
                    "revision": village.revision,
                }
            )
    return rows


def kept_summary(result: Check) -> dict:
    return {
        "rows": result.rows,
        "unchanged": result.unchanged,
        "file_problem": result.file_problem,
        "revisions": result.revisions,
    }


def _kept_change(row, villages: dict, reports: dict) -> RowChange:
    values = dict(row.values)
    report_id, potential = values.pop("report_id"), values.pop("potential")
    del values["before"], values["coverage_tenths"]
    values["as_of"] = date.fromisoformat(values["as_of"])
    return RowChange(
        villages[row.code],
        validation.ReportInput(**values),
        reports.get(report_id),
        potential,
        row=row.row,
    )


def changed_since(changes: list[RowChange], since) -> list[RowProblem]:
    """The rows to write whose report, or whose village's designation, is newer
    than the preview: what the uploader confirmed is no longer what they saw."""
    conflicts = []
    changes = sorted(changes, key=lambda change: change.row)
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
            conflicts.append(RowProblem(change.row, label("as_of"), "", str(message)))
    designated = village_queries.designated_since(
        {change.village.code for change in changes}, since
    )
    for change in changes:
        if change.village.code in designated:
            message = _l(
                "row %(row)s (%(code)s): the village was designated after the preview",
                row=change.row,
                code=change.village.code,
            )
            conflicts.append(RowProblem(change.row, label("code"), "", str(message)))
    return sorted(conflicts, key=lambda conflict: conflict.row)


def conflicts_message(conflicts: list[RowProblem]) -> str:
    """Which rows changed since the preview: a few, and how many more."""
    rows = messages.some([conflict.message for conflict in conflicts], "; ", cut=str)
    return str(
        _l(
            "Some rows changed after the preview, so nothing was written: %(rows)s. "
            "Check the preview and confirm again.",
            rows=rows,
        )
    )
