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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..models import PendingImport, Report, User
from ..villages import queries as village_queries
from ..villages import service, validation
from ..villages.service import ReportChange
from . import checked, files, reading
from .formats import OLD_HEADINGS, REPORT_COLUMNS
from .limits import echo
from .template import EXAMPLE_NOTE

BLOCK = 2_000  # rows checked, or written, at a time
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
    """What an import would do: how many rows it adds and corrects, or why it
    cannot. The rows themselves are kept block by block (``checked``)."""

    file_problem: str | None = None
    problems: list[RowProblem] = field(default_factory=list)
    added: int = 0
    corrected: int = 0
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
        return not self.refused and self.changes > 0

    @property
    def refused(self) -> bool:
        return bool(self.file_problem or self.problems or self.conflicts)

    @property
    def changes(self) -> int:
        return self.added + self.corrected

    def count(self, outcomes: dict) -> tuple[list[RowProblem], list[RowChange]]:
        """A block's outcomes (by row number) counted: its problems and its changes,
        in the file's order."""
        problems, changes = [], []
        for number in sorted(outcomes):
            outcome = outcomes[number]
            if isinstance(outcome, list):
                problems += outcome
            elif outcome is None:
                self.unchanged += 1
            else:
                changes.append(outcome)
                self.added += outcome.report is None
                self.corrected += outcome.report is not None
        self.problems += problems
        return problems, changes


def check(user: User, filename: str, content: bytes, say=None, keep=None) -> Check:
    """Read and check a file; nothing is written. ``BLOCK`` rows at a time, with the
    facts of their villages: a country's file is never held whole. ``keep(problems,
    changes)`` hears each block's; ``say(done, total)`` how many rows are checked."""
    result, seen, examples = Check(), {}, example_notes()
    about = reading.rows_about(filename, content)
    try:
        for block in blocks(files.records(filename, content, LAYOUT)):
            outcomes, villages = outcomes_of(user, block, seen, examples)
            problems, changes = result.count(outcomes)
            for code, village in villages.items():  # as its first rows saw it
                result.revisions.setdefault(code, village.revision)
            if keep is not None:
                keep(problems, changes)
            result.rows += len(block)
            _say(say, result.rows, None if about is None else max(about, result.rows))
    except files.Unreadable as problem:
        return Check(file_problem=str(problem))
    _say(say, result.rows, result.rows)
    return result


def keep_check(user: User, pending: PendingImport, say=None) -> Check:
    """Check an upload as things are now and keep what was found for its preview,
    in place of any earlier check."""

    def keep(problems: list[RowProblem], changes: list[RowChange]) -> None:
        checked.add(pending, kept_rows(problems, changes))

    checked.clear(pending)
    found = check(user, pending.filename, pending.content, say, keep)
    if found.file_problem:
        checked.clear(pending)  # the blocks read before it
    counts = {
        "problems": len(found.problems),
        "additions": found.added,
        "corrections": found.corrected,
    }
    checked.sum_up(pending, kept_summary(found), counts)
    return found


def blocks(records: Iterable) -> Iterator[list]:
    block = []
    for record in records:
        block.append(record)
        if len(block) == BLOCK:
            yield block
            block = []
    if block:
        yield block


def outcomes_of(user: User, block: list[tuple[int, dict]], seen: dict, examples: set):
    """Each row's outcome by its number (its problems, its change, or None), and
    the villages the rows name that the user may see. ``seen``: (code, day) -> the
    first row with them, over the whole file."""
    days = {_day(record["as_of"]) for _, record in block} - {None}
    codes = [record["code"] for _, record in block if record["code"]]
    loaded = village_queries.facts_of_villages(user, codes, days)
    outcomes = {
        number: _check_row(number, record, loaded, seen, examples)
        for number, record in block
    }
    return outcomes, loaded.villages


def _say(say, done: int, total: int | None) -> None:
    if say is not None:
        say(done, total)


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


# --- The check kept row by row (``checked``) ---


def kept_rows(problems: list[RowProblem], changes: list[RowChange]) -> list[dict]:
    """A block's rows as ``checked.add`` keeps them."""
    rows = checked.problem_rows(problems)
    for change in changes:
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
                "list": "additions" if report is None else "corrections",
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
