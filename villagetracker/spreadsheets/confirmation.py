"""An import's confirmation: the reports its kept check found written, all of them or
none, after the rows of any village that changed since the check are checked again
(``imports``)."""

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from .. import locks
from ..models import PendingImport, User
from ..villages import queries as village_queries
from ..villages import service, validation
from . import checked, files, imports, messages
from .imports import (
    LAYOUT,
    Check,
    RowChange,
    RowProblem,
    blocks,
    example_notes,
    label,
    outcomes_of,
)

CHANGES = ("additions", "corrections")  # the kept lists of rows that write a report


def commit(user: User, pending: PendingImport, say=None) -> Check:
    """Write the kept check's reports, all of them, if none of the rows it writes
    changed since the check; ``say(done, total)`` hears how many are written. The
    caller commits, or, when the result cannot commit, rolls back: the blocks
    written before a problem was found go with it.

    The file's villages are locked and read afresh (``locks.lock_village_rows``; on
    SQLite the database's write lock). The rows of a village whose revision is as
    the check found it (any report, correction, potential or decision raises it)
    are written as checked, ``imports.BLOCK`` at a time; the rows of the villages that
    moved are read from the file and checked again, first without writing. So the
    lock is held for the writes and little more, and nothing can change those
    villages in between. Reports logged meanwhile for other dates of the file's
    villages do not stop the import; a report logged or corrected for one of its
    own village and dates, or a designation of one of its villages, does
    (``Check.conflicts``)."""
    revisions = (pending.summary or {}).get("revisions", {})
    locked = locks.lock_village_rows(revisions, *village_queries.IMPORTED)
    moved = {
        code
        for code, revision in revisions.items()
        if code not in locked or locked[code].revision != revision
    }
    result = Check(rows=pending.summary["rows"])
    total = checked.Summary.of(pending).changes
    if moved:
        try:
            for outcomes in _checked_again(user, pending, moved):
                changes = result.count(outcomes)[1]
                result.conflicts += changed_since(changes, pending.checked_at)
        except files.Unreadable as problem:
            result.file_problem = str(problem)
        if result.refused:
            return result
    done = 0
    for rows in checked.rows_of(pending, CHANGES, imports.BLOCK):
        rows = [row for row in rows if row.code not in moved]
        reports = village_queries.reports_by_id(
            [row.values["report_id"] for row in rows if row.values["report_id"]]
        )
        changes = [_kept_change(row, locked, reports) for row in rows]
        result.count({change.row: change for change in changes})
        done = _write(user, changes, result, done, say, total)
    for outcomes in _checked_again(user, pending, moved) if moved else ():
        changes = [outcomes[n] for n in sorted(outcomes) if _is_change(outcomes[n])]
        done = _write(user, changes, result, done, say, total)
    if not result.can_commit:
        return result
    result.unchanged = result.rows - result.changes
    counts = {
        "added": result.added,
        "corrected": result.corrected,
        "unchanged": result.unchanged,
    }
    files.record_import(pending, "reports.import", counts)
    return result


def _checked_again(user: User, pending: PendingImport, moved: set[str]):
    """The outcomes of the file's rows of the villages that moved since the check,
    checked again as things are now, a block at a time."""
    records = files.records(pending.filename, pending.content, LAYOUT)
    records = (record for record in records if record[1]["code"] in moved)
    seen, examples = {}, example_notes()
    for block in blocks(records):
        yield outcomes_of(user, block, seen, examples)[0]


def _write(user: User, changes: list, result: Check, done: int, say, total) -> int:
    """A block's changes written (``service.save_reports``); how many are, so far."""
    if changes:
        saved = service.save_reports(user, changes)
        result.now_qualifying += len(saved.now_qualifying)
    done += len(changes)
    if say is not None:
        say(done, max(total, done))
    return done


def _is_change(outcome) -> bool:
    return outcome is not None and not isinstance(outcome, list)


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
