"""Reading one typed value, as every check of ``validation`` does: a whole number as
people type it, a past day, a bounded text; an unreadable value becomes the message
to show next to its field."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from .. import rules
from ..i18n import local_today, parse_whole_number


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


def take(data: Mapping, errors: dict, name: str, read, missing=None):
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


def optional_text(data: Mapping, errors: dict, name: str, characters: int):
    return take(data, errors, name, at_most(characters))
