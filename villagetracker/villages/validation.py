"""Checking a village's registration, worker potential and reports before anything is
written: plain functions that take a mapping of what was typed (or read from a file,
or sent by a client) and return the cleaned values, or the problems by field in the
reader's language. The web forms, the spreadsheet import and any API call these same
functions; WTForms only draws the fields and checks the CSRF token.

A value that cannot be read is reported and left out of the later checks that need
it, so that a person sees every problem at once.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from .. import access, rules
from ..extensions import db
from ..i18n import format_number, local_today, parse_whole_number
from ..models import Region, Report, User, Village
from ..status import locked_message, locking_designation
from . import queries

PHONE = re.compile(r"^\+?[0-9][0-9 -]{6,18}[0-9]$")
NOTES_CHARACTERS = 2000
REPORT_FIELDS = ("as_of", "active_participants", *rules.SEGMENTS, *rules.PAYERS)


class Invalid(ValueError):
    """A value that cannot be taken, with the message to show next to its field."""


@dataclass
class Checked:
    """What a check found: the cleaned values, or the problems by field."""

    values: object | None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class PotentialInput:
    worker_potential: int
    source: str
    source_note: str | None
    as_of: date


@dataclass
class DetailsInput:
    head_name: str
    contact_phone: str | None
    notes: str | None


@dataclass
class Registration:
    region_code: str
    details: DetailsInput
    potential: PotentialInput


@dataclass
class ReportInput:
    as_of: date
    active_participants: int
    bpu: int
    pu: int
    jakon: int
    self_paid: int
    apbd: int
    apbdes: int
    csr_other: int
    notes: str | None = None


# --- Reading one value ---


def whole_number(text: str, minimum: int = 0) -> int:
    """A whole number typed as people type it: 4200, 4.200 (id) or 4,200 (en)."""
    try:
        number = parse_whole_number(text)
    except ValueError as error:
        raise Invalid(
            {
                "fraction": _l("Enter a whole number, without decimals."),
                "negative": _l("Cannot be negative."),
            }.get(str(error), _l("Enter a number, for example 4200."))
        ) from None
    if number < minimum:
        raise Invalid(_l("Must be at least %(minimum)s.", minimum=minimum))
    if number > rules.MAX_PARTICIPANTS:
        raise Invalid(
            _l("At most %(maximum)s.", maximum=format_decimal(rules.MAX_PARTICIPANTS))
        )
    return number


def past_day(text: str) -> date:
    """A date as the date picker sends it (2026-10-31), not in the future and not
    before the programme existed."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Invalid(_l("Enter a date like 2026-11-21.")) from None
    problem = day_problem(day)
    if problem:
        raise Invalid(problem)
    return day


def day_problem(day: date) -> str | None:
    """Why a day cannot be the date of a count or a figure, or None."""
    if day > local_today():
        return _l("The date cannot be in the future.")
    if day < rules.EARLIEST_DAY:
        return _l("The date cannot be before 2014.")
    return None


def at_most(characters: int) -> Callable[[str], str]:
    def read(text: str) -> str:
        if len(text) > characters:
            raise Invalid(_l("At most %(max)d characters.", max=characters))
        return text

    return read


def _take(data: Mapping, errors: dict, name: str, read, missing=None):
    """The value of ``name`` read by ``read``, or None with its problem in
    ``errors``. Nothing but white space counts as missing: an error when
    ``missing`` says what to ask for, else None (an optional field)."""
    text = data.get(name)
    text = "" if text is None else str(text)
    if not text.strip():
        if missing is not None:
            errors[name] = missing
        return None
    try:
        return read(text.strip())
    except Invalid as problem:
        errors[name] = problem.args[0]
        return None


def _optional_text(data: Mapping, errors: dict, name: str, characters: int):
    return _take(data, errors, name, at_most(characters))


# --- A village's worker potential, details and registration ---


def read_potential(data: Mapping, errors: dict) -> PotentialInput:
    """The worker potential's fields, read; their problems go into ``errors``."""
    figure = _take(
        data,
        errors,
        "worker_potential",
        lambda text: whole_number(text, minimum=1),
        _l("Enter the worker potential."),
    )
    source = _take(data, errors, "source", _one_source, _l("Choose a source."))
    note = _optional_text(data, errors, "source_note", 200)
    if source == "other" and note is None and "source_note" not in errors:
        errors["source_note"] = _l("Say where the number comes from.")
    as_of = _take(
        data, errors, "potential_as_of", past_day, _l("Enter the date of the number.")
    )
    return PotentialInput(figure, source, note, as_of)


def _one_source(text: str) -> str:
    if text not in rules.POTENTIAL_SOURCES:
        raise Invalid(_l("Choose one of the options."))
    return text


def check_potential(data: Mapping, village: Village) -> Checked:
    """A new worker potential for ``village``, as the village is now."""
    errors: dict[str, str] = {}
    potential = read_potential(data, errors)
    if errors:
        return Checked(None, errors)
    errors.update(potential_problems(village, potential))
    return Checked(None if errors else potential, errors)


def potential_problems(village: Village, potential: PotentialInput) -> dict[str, str]:
    """A new worker potential may not fall below the active participants of a report
    it would govern, nor change the figure a report locked by a designation is
    measured against (even one dated after it, if it becomes the earliest)."""
    current = queries.potential_pairs(village)
    ordered = sorted(
        {**dict(current), potential.as_of: potential.worker_potential}.items()
    )
    locked = locking_designation(village)
    reports = queries.reports_of(village)
    if locked is not None and any(
        rules.potential_in_force(ordered, report.as_of)
        != rules.potential_in_force(current, report.as_of)
        for report in reports
        if locked.locks(report.as_of)
    ):
        return {"potential_as_of": locked_message(locked)}
    for report in reports:
        if report.active_participants > rules.potential_in_force(ordered, report.as_of):
            return {
                "worker_potential": _l(
                    "The report of %(day)s counts %(active)s active participants, more "
                    "than this worker potential.",
                    day=format_date(report.as_of),
                    active=format_number(report.active_participants),
                )
            }
    return {}


def read_details(data: Mapping, errors: dict) -> DetailsInput:
    head = _take(
        data, errors, "head_name", at_most(100), _l("Enter the village head's name.")
    )
    phone = _take(data, errors, "contact_phone", _phone)
    notes = _optional_text(data, errors, "notes", NOTES_CHARACTERS)
    return DetailsInput(head, phone, notes)


def _phone(text: str) -> str:
    if not PHONE.match(text):
        raise Invalid(_l("Enter a phone number, e.g. 0812 3456 7890."))
    return text


def check_details(data: Mapping) -> Checked:
    errors: dict[str, str] = {}
    details = read_details(data, errors)
    return Checked(None if errors else details, errors)


def check_registration(data: Mapping, user: User) -> Checked:
    """A village to register by ``user``: one of the official list, in their scope,
    not registered yet; with its first worker potential and its details."""
    errors: dict[str, str] = {}
    code = _take(data, errors, "region_code", str, _l("Choose a village."))
    if code is not None:
        errors.update(registration_problems(user, code))
    potential = read_potential(data, errors)
    details = read_details(data, errors)
    if errors:
        return Checked(None, errors)
    return Checked(Registration(code, details, potential))


def registration_problems(user: User, region_code: str) -> dict[str, str]:
    """Why this code cannot be registered by this user; empty if it can."""
    region = db.session.scalar(
        access.regions_visible_to(user).where(Region.code == region_code)
    )
    if region is None or region.level != "village":
        return {"region_code": _l("Choose a village in your area from the list.")}
    if db.session.get(Village, region.code) is not None:
        return {"region_code": _l("%(name)s is already registered.", name=region.name)}
    return {}


# --- Reports ---


def read_report(data: Mapping, errors: dict) -> ReportInput:
    """A report's fields, read (None where a value cannot be); problems to
    ``errors``."""
    values = {
        "as_of": _take(
            data, errors, "as_of", past_day, _l("Enter the date of the count.")
        )
    }
    for name in REPORT_FIELDS[1:]:
        values[name] = _take(data, errors, name, whole_number, _l("Enter a number."))
    values["notes"] = _optional_text(data, errors, "notes", NOTES_CHARACTERS)
    return ReportInput(**values)


def check_report(
    data: Mapping, facts: queries.VillageFacts, report: Report | None = None
) -> Checked:
    """A new report (or a correction of ``report``) of a village whose ``facts`` are
    given: its values, read, then held against the rules."""
    errors: dict[str, str] = {}
    if not rules.has_village_budget(facts.kind) and not str(data.get("apbdes") or ""):
        data = {**data, "apbdes": "0"}  # not asked of a kelurahan
    values = read_report(data, errors)
    for name, message in report_problems(values, facts, report).items():
        errors.setdefault(name, message)
    return Checked(None if errors else values, errors)


def report_problems(
    data: ReportInput, facts: queries.VillageFacts, report: Report | None = None
) -> dict[str, str]:
    """What the rules refuse in a report (or a correction of ``report``), by field
    (the first problem of each); a value that could not be read is None and only
    the rules that need it are skipped. Checked again by the write under the
    village's lock."""
    problems: dict[str, str] = {}
    for name, message in _rule_problems(data, facts, report):
        problems.setdefault(name, message)
    return problems


def _rule_problems(
    data: ReportInput, facts: queries.VillageFacts, report: Report | None
) -> list[tuple[str, str]]:
    locked = facts.locked
    if locked is not None:
        for day in (data.as_of, report.as_of if report else None):
            if day is not None and locked.locks(day):
                return [("as_of", locked_message(locked))]
    problems = []
    if data.as_of is not None:
        other = facts.report_days.get(data.as_of)
        if other is not None and (report is None or other != report.id):
            message = _l(
                "There is already a report for %(day)s. Correct that one instead.",
                day=format_date(data.as_of),
            )
            problems.append(("as_of", message))
    first = facts.potentials[0][0] if facts.potentials else None
    if data.as_of is not None and first is not None and data.as_of < first:
        message = _l(
            "The village's worker potential is recorded from %(day)s: a report cannot "
            "be dated before it. Record the worker potential of that time first.",
            day=format_date(first),
        )
        return [*problems, ("as_of", message)]
    if data.apbdes and not rules.has_village_budget(facts.kind):
        message = _l(
            "A kelurahan has no village budget (APBDes): count them elsewhere."
        )
        problems.append(("apbdes", message))
    if data.active_participants is None:
        return problems
    if data.as_of is not None:
        in_force = facts.potential_on(data.as_of)
        if data.active_participants > in_force:
            message = _l(
                "More than the worker potential in force on that date (%(potential)s).",
                potential=format_number(in_force),
            )
            problems.append(("active_participants", message))
    return problems + _breakdown_problems(data)


def _breakdown_problems(data: ReportInput) -> list[tuple[str, str]]:
    problems = []
    for first, group, label in (
        ("bpu", rules.SEGMENTS, _l("BPU + PU + Jakon")),
        ("self_paid", rules.PAYERS, _l("Self-paid + APBD + APBDes + CSR/other")),
    ):
        parts = {name: getattr(data, name) for name in group}
        if None in parts.values():
            continue
        if rules.breakdown_problems(data.active_participants, parts):
            message = _l(
                "%(parts)s add up to %(sum)s, not %(total)s.",
                parts=label,
                sum=format_number(sum(parts.values())),
                total=format_number(data.active_participants),
            )
            problems.append((first, message))
    return problems
