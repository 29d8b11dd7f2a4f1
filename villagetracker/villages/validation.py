"""Checking a village's registration, worker potential and reports before anything is
written: plain functions that take a mapping of what was typed (or read from a file,
or sent by a client) and return the cleaned values, or the problems by field in the
reader's language. The web forms, the spreadsheet import and any API call these same
functions; WTForms only draws the fields and checks the CSRF token.

A value that cannot be read is reported and left out of the later checks that need
it, so that a person sees every problem at once.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from .. import rules
from ..i18n import format_number
from ..models import Report, User, Village
from ..regions.queries import Registrable, registrable
from ..status import locked_message, locking_designation
from . import queries
from .values import (  # noqa: F401 (Invalid, past_day: for the import's rows)
    Checked,
    Invalid,
    at_most,
    optional_text,
    past_day,
    take,
    whole_number,
)

PHONE = re.compile(r"^\+?[0-9][0-9 -]{6,18}[0-9]$")
NOTES_CHARACTERS = 2000
# What a report must give; old payers and the officials may be left out.
REPORT_FIELDS = ("as_of", "active_participants", *rules.SEGMENTS, *rules.PAYERS)
OFFICIAL_TOTALS = tuple(f"{role}_total" for role in rules.OFFICIAL_ROLES)
OFFICIAL_FIELDS = tuple(
    f"{role}_{count}" for role in rules.OFFICIAL_ROLES for count in ("total", "active")
)


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
    # How many officials the village has, by role; None where not known.
    perangkat_total: int | None = None
    bpd_total: int | None = None
    rtrw_total: int | None = None


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
    pmi: int
    self_paid: int
    apbd_province: int
    apbd_regency: int
    apbdes: int
    csr: int
    other: int
    apbd: int = 0  # rules.OLD_PAYERS
    csr_other: int = 0
    perangkat_total: int | None = None
    perangkat_active: int | None = None
    bpd_total: int | None = None
    bpd_active: int | None = None
    rtrw_total: int | None = None
    rtrw_active: int | None = None
    notes: str | None = None

    def officials(self) -> dict[str, tuple[int | None, int | None]]:
        return {
            role: (getattr(self, f"{role}_total"), getattr(self, f"{role}_active"))
            for role in rules.OFFICIAL_ROLES
        }


# --- A village's worker potential, details and registration ---


def read_potential(data: Mapping, errors: dict) -> PotentialInput:
    """The worker potential's fields, read; their problems go into ``errors``."""
    figure = take(
        data,
        errors,
        "worker_potential",
        lambda text: whole_number(text, minimum=1),
        _l("Enter the worker potential."),
    )
    source = take(data, errors, "source", _one_source, _l("Choose a source."))
    note = optional_text(data, errors, "source_note", 200)
    if source == "other" and note is None and "source_note" not in errors:
        errors["source_note"] = _l("Say where the number comes from.")
    as_of = take(
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
    head = take(
        data, errors, "head_name", at_most(100), _l("Enter the village head's name.")
    )
    phone = take(data, errors, "contact_phone", _phone)
    notes = optional_text(data, errors, "notes", NOTES_CHARACTERS)
    totals = [take(data, errors, name, whole_number) for name in OFFICIAL_TOTALS]
    return DetailsInput(head, phone, notes, *totals)


def _phone(text: str) -> str:
    if not PHONE.match(text):
        raise Invalid(_l("Enter a phone number, e.g. 0812 3456 7890."))
    return text


def check_details(data: Mapping, kind: str) -> Checked:
    """A village's details; ``kind`` says whether it has village officials."""
    errors: dict[str, str] = {}
    details = read_details(data, errors)
    errors.update(officials_refused(details, kind, OFFICIAL_TOTALS))
    return Checked(None if errors else details, errors)


def officials_refused(values, kind: str, names: tuple[str, ...]) -> dict[str, str]:
    """A kelurahan has no village officials: none may be given for it."""
    if rules.has_village_budget(kind):
        return {}
    message = _l("A kelurahan has no village officials (perangkat desa).")
    return {name: message for name in names if getattr(values, name) is not None}


def check_registration(
    data: Mapping, user: User, known: Registrable | None = None
) -> Checked:
    """A village to register by ``user``: one of the official list, in their scope,
    not registered yet; with its first worker potential and its details. ``known``
    is what the rule needs of the code, looked up for a whole file at once by an
    import (``regions.queries.registrable`` for ``user``); without it, the form's one
    code is looked up the same way."""
    errors: dict[str, str] = {}
    code = take(data, errors, "region_code", str, _l("Choose a village."))
    if code is not None:
        if known is None:
            known = registrable(user, [code])
        errors.update(registration_problems(known, code))
    potential = read_potential(data, errors)
    details = read_details(data, errors)
    if code is not None and "region_code" not in errors:
        kind = rules.village_kind(code)
        errors.update(officials_refused(details, kind, OFFICIAL_TOTALS))
    if errors:
        return Checked(None, errors)
    return Checked(Registration(code, details, potential))


def registration_problems(known: Registrable, region_code: str) -> dict[str, str]:
    """Why this code cannot be registered by the user ``known`` was looked up for;
    empty if it can."""
    region = known.villages.get(region_code)
    if region is None:
        return {"region_code": _l("Choose a village in your area from the list.")}
    if region_code in known.registered:
        return {"region_code": _l("%(name)s is already registered.", name=region.name)}
    return {}


# --- Reports ---

# Asked of every row of an import: made once.
ENTER_THE_DATE = _l("Enter the date of the count.")
ENTER_A_NUMBER = _l("Enter a number.")


def read_report(data: Mapping, errors: dict) -> ReportInput:
    """A report's fields, read (None where a value cannot be); problems to
    ``errors``."""
    values = {"as_of": take(data, errors, "as_of", past_day, ENTER_THE_DATE)}
    for name in REPORT_FIELDS[1:]:
        values[name] = take(data, errors, name, whole_number, ENTER_A_NUMBER)
    for name in rules.OLD_PAYERS:
        values[name] = take(data, errors, name, whole_number) or 0
    for name in OFFICIAL_FIELDS:
        values[name] = take(data, errors, name, whole_number)
    values["notes"] = optional_text(data, errors, "notes", NOTES_CHARACTERS)
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
    problems += officials_refused(data, facts.kind, OFFICIAL_FIELDS).items()
    problems += _officials_problems(data)
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


def _officials_problems(data: ReportInput) -> list[tuple[str, str]]:
    """Officials by role: how many there are and how many are active, both or
    neither; no more active than there are, nor than the village's participants."""
    problems = []
    for role, (total, active) in data.officials().items():
        if (total is None) != (active is None):
            message = _l("Give both how many there are and how many are active.")
            problems.append(
                (f"{role}_{'active' if active is None else 'total'}", message)
            )
        elif total is not None and active > total:
            message = _l("More active than there are (%(total)s).", total=total)
            problems.append((f"{role}_active", message))
    enrolled = sum(active or 0 for _total, active in data.officials().values())
    if data.active_participants is not None and enrolled > data.active_participants:
        message = _l(
            "%(officials)s officials are active, more than the village's %(active)s "
            "active participants.",
            officials=format_number(enrolled),
            active=format_number(data.active_participants),
        )
        problems.append(("perangkat_active", message))
    return problems


def _breakdown_problems(data: ReportInput) -> list[tuple[str, str]]:
    problems = []
    for first, group, label in (
        ("bpu", rules.SEGMENTS, _l("BPU + PU + Jakon + PMI")),
        ("self_paid", rules.ALL_PAYERS, _l("The payers")),
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
