"""Villages registered from a spreadsheet: a regency's villages in one go, with their
worker potential (its source and date) and their officials. Every row is checked by
the registration form's own rule (``villages.validation.check_registration``) within
the uploader's scope; the result is shown as a preview; on confirmation the file is
checked again and each village written through the form's write path
(``villages.service.register_village``), all of them or none.

What the rule needs of the file's codes (which are villages in the uploader's scope,
which are registered already) is looked up for the whole file at once, a few queries
per 500 rows, and handed to the rule instead of a query per row.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import locks, rules
from ..extensions import db
from ..i18n import SOURCE_LABELS
from ..models import PendingImport, Region, User
from ..regions import queries as region_queries
from ..villages import service, validation
from . import checked, files
from .files import normal
from .formats import REGISTRATION_COLUMNS
from .imports import RowProblem, example_notes, iso_day
from .limits import echo

PROGRESS_EVERY = 500  # rows checked between two words of progress
REQUIRED = ("code", "head_name", "worker_potential", "source", "potential_as_of")
LAYOUT = files.Layout("villages", REGISTRATION_COLUMNS, REQUIRED)
# The validation's field names that differ from the file's column keys.
COLUMN_OF = {"region_code": "code"}


@dataclass
class RowRegistration:
    row: int  # as the spreadsheet numbers it: the header is row 1
    region: Region
    values: validation.Registration


@dataclass
class Check:
    """What an import of villages would do: the villages to register, or why it
    cannot."""

    file_problem: str | None = None
    problems: list[RowProblem] = field(default_factory=list)
    registrations: list[RowRegistration] = field(default_factory=list)
    rows: int = 0

    @property
    def can_commit(self) -> bool:
        return not self.file_problem and not self.problems and bool(self.registrations)


def check(user: User, filename: str, content: bytes, say=None) -> Check:
    """Read and check a file; nothing is written. ``say(done, total)`` hears how
    many rows are checked."""
    records, problem = files.read_records(filename, content, LAYOUT)
    if problem:
        return Check(file_problem=problem)
    return _checked(user, records, say)


@dataclass
class _FileFacts:
    """What checking one file's rows needs, looked up once for all of them."""

    user: User
    known: region_queries.Registrable  # the rule's facts of every code in the file
    sources: dict[str, str]  # a source as written -> its key
    examples: set[str]  # the example row's note in every language
    seen: dict[str, int] = field(default_factory=dict)  # code -> its first row


def _checked(user: User, records: list[tuple[int, dict]], say=None) -> Check:
    codes = {record["code"].strip() for _number, record in records} - {""}
    known = region_queries.registrable(user, codes)
    facts = _FileFacts(user, known, _source_keys(), example_notes())
    result = Check(rows=len(records))
    for done, (number, record) in enumerate(records, 1):
        outcome = _check_row(number, record, facts)
        if isinstance(outcome, RowRegistration):
            result.registrations.append(outcome)
        else:
            result.problems += outcome
        if say is not None and done % PROGRESS_EVERY == 0:
            say(done, len(records))
    return result


def _check_row(number: int, record: dict, facts: _FileFacts):
    """A row's village to register, or its problems (a list)."""
    if record.get("notes", "") in facts.examples:
        return [_problem(number, "notes", record, _l("Delete the example row."))]
    code = record["code"].strip()
    twin = facts.seen.setdefault(code, number) if code else number
    if twin != number:
        message = _l("Row %(row)s has the same village code.", row=twin)
        return [_problem(number, "code", record, message)]
    typed = {
        **record,
        "region_code": code,
        "source": facts.sources.get(normal(record["source"]), record["source"]),
        "potential_as_of": iso_day(record["potential_as_of"]),
    }
    checked = validation.check_registration(typed, facts.user, facts.known)
    if checked.ok:
        return RowRegistration(number, facts.known.villages[code], checked.values)
    return [
        _problem(number, COLUMN_OF.get(name, name), record, message)
        for name, message in _worded(checked.errors, record, facts.known).items()
    ]


def _source_keys() -> dict[str, str]:
    """A worker potential's source as a file may write it: the key (p3ke, census,
    bps, other) or the form's label in either language, whole or without its
    bracket ("P3KE", "Sensus desa"), in any case."""
    names = {}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            for key, label in SOURCE_LABELS.items():
                names[normal(str(label))] = key
                names[normal(str(label).split(" (")[0])] = key
    names.update((key, key) for key in rules.POTENTIAL_SOURCES)
    return names


def _worded(errors: dict, record: dict, known: region_queries.Registrable) -> dict:
    """The rule's problems, worded for a file where the form's words are for a
    list to choose from (a village, a source): the same rule, other words."""
    errors = dict(errors)
    if "region_code" in errors:
        code = record["code"].strip()
        if not code:
            errors["region_code"] = _l("Enter the village code.")
        elif code not in known.villages:
            errors["region_code"] = _l("No village of your area has this code.")
    if "source" in errors and record["source"].strip():
        errors["source"] = _l(
            "Write one of: %(keys)s, or the source's name from the template's "
            "instructions.",
            keys=", ".join(rules.POTENTIAL_SOURCES),
        )
    return errors


def _problem(row: int, key: str, record: dict, message) -> RowProblem:
    # The value is quoted back cut short: a cell can hold 5,000 characters.
    return RowProblem(row, LAYOUT.label(key), echo(record.get(key, "")), str(message))


def kept_rows(result: Check) -> list[dict]:
    """The check's rows as ``checked.keep`` keeps them."""
    rows = checked.problem_rows(result.problems)
    for registration in result.registrations:
        details, potential = registration.values.details, registration.values.potential
        values = {
            "name": registration.region.name,
            "head_name": details.head_name,
            "worker_potential": potential.worker_potential,
            "source": potential.source,
            "as_of": potential.as_of.isoformat(),
        }
        code = registration.region.code
        rows.append(
            {
                "list": "registrations",
                "row": registration.row,
                "code": code,
                "values": values,
            }
        )
    return rows


def kept_summary(result: Check) -> dict:
    return {"rows": result.rows, "file_problem": result.file_problem}


def keep_check(user: User, pending: PendingImport, say=None) -> Check:
    """Check an upload as things are now and keep what was found for its preview."""
    found = check(user, pending.filename, pending.content, say)
    checked.keep(pending, kept_rows(found), kept_summary(found))
    return found


def commit(user: User, pending: PendingImport) -> Check:
    """Check the kept file again and, if every row passes, register all its villages
    at once. (The check is quick, a second for a regency: unlike the reports' it is
    not kept for the confirmation.) Returns the check: when it cannot commit,
    nothing was written. The caller commits.

    The file is checked first without a lock (the long part: every row through the
    registration rule). Then the database's write lock is taken
    (``locks.begin_writing``: on SQLite, where two writers would otherwise both
    pass), the rows' villages are looked up afresh and held against the same rule,
    and the villages are written. On PostgreSQL a village registered by someone
    else in between fails the insert (IntegrityError): the caller rolls back, and
    nothing is written either."""
    records, problem = files.read_records(pending.filename, pending.content, LAYOUT)
    if problem:
        return Check(file_problem=problem)
    result = _checked(user, records)
    if not result.can_commit:
        return result
    locks.begin_writing()
    codes = [row.region.code for row in result.registrations]
    now = region_queries.registrable(user, codes)
    for row in result.registrations:
        code = row.region.code
        result.problems += [
            RowProblem(row.row, LAYOUT.label("code"), code, str(message))
            for message in validation.registration_problems(now, code).values()
        ]
    if result.problems:  # nothing written; the lock goes with the request
        return result
    for row in result.registrations:
        service.register_village(user, row.values)
    counts = {"registered": len(result.registrations)}
    files.record_import(pending, "villages.import", counts)
    db.session.flush()
    return result
