"""Form pieces shared by every area, with messages in our catalogues: WTForms ships
no Indonesian, so none of its built-in English messages may reach a page."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields import DateField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from ..extensions import db
from ..i18n import format_tenths, parse_percent_tenths
from ..models import Region


def at_most(characters: int) -> Length:
    return Length(max=characters, message=_l("At most %(max)d characters."))


class Filled(InputRequired):
    """Something other than white space was typed. WTForms' InputRequired takes " "
    for an answer, and a number or date field that reads white space as nothing
    would then pass on None to be saved: a missing value must be an error here."""

    def __call__(self, form, field) -> None:
        typed = field.raw_data[0] if field.raw_data else ""
        if isinstance(typed, str) and not typed.strip():
            field.errors[:] = []  # "enter a date like ..." says less than "enter it"
            raise StopValidation(self.message)
        super().__call__(form, field)


def one_of(values) -> AnyOf:
    """For a SelectField with validate_choice=False (its own message is English)."""
    return AnyOf(list(values), message=_l("Choose one of the options."))


# Fields shared by several forms, declared here in the order the forms show them (the
# error summary follows the order in which fields were created).
class RegencyCodeField:
    regency_code = StringField(
        _l("Regency or city (code)"),
        validators=[
            DataRequired(_l("Enter the code of a regency or city, e.g. 36.03."))
        ],
        render_kw={"data-typeahead": "regency", "autocomplete": "off"},
        filters=[lambda value: value.strip() if value else value],
    )

    def validate_regency_code(self, field) -> None:
        region = db.session.get(Region, field.data or "")
        if region is None or region.level != "regency":
            raise ValidationError(
                _l("Enter the code of a regency or city, e.g. 36.03.")
            )
        self.regency = region


class OfficeField:
    office_name = StringField(
        _l("Issuing office"),
        description=_l("E.g. Dinas Ketenagakerjaan Kabupaten Tangerang."),
        validators=[DataRequired(_l("Enter the issuing office.")), at_most(150)],
    )


class SignatoryFields:
    signatory_name = StringField(
        _l("Signatory's name"),
        description=_l("As printed under the signature, with titles."),
        validators=[DataRequired(_l("Enter the signatory's name.")), at_most(100)],
    )
    signatory_title = StringField(
        _l("Signatory's position"),
        validators=[DataRequired(_l("Enter the signatory's position.")), at_most(150)],
    )


class PercentField(StringField):
    """A percentage typed as "90" or "92,5", kept in tenths (``tenths``), between
    ``lowest`` and ``highest`` tenths: a threshold from 50%, a target from 1%."""

    def __init__(self, label=None, validators=None, lowest=500, highest=1000, **kw):
        kw.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kw)
        self.lowest, self.highest = lowest, highest

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.tenths = None
        if self.data and self.data.strip():
            try:
                self.tenths = parse_percent_tenths(self.data)
            except ValueError:
                raise ValueError(_l("Enter a percentage like 90 or 92,5.")) from None
            if not self.lowest <= self.tenths <= self.highest:
                raise ValueError(
                    _l(
                        "Between %(lowest)s and %(highest)s.",
                        lowest=format_tenths(self.lowest),
                        highest=format_tenths(self.highest),
                    )
                )


class IsoDayField(DateField):
    """A date from <input type="date"> (YYYY-MM-DD) between the ``bounds`` a
    subclass gives, which the browser's date picker also shows; our own message for a
    date that cannot be read (WTForms' is English)."""

    unreadable = _l("Enter a date like 2026-11-21.")

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def bounds(self) -> tuple:
        """(earliest, latest) allowed, each a date or None."""
        return None, None

    def __call__(self, **kwargs):
        earliest, latest = self.bounds()
        if earliest is not None:
            kwargs.setdefault("min", earliest.isoformat())
        if latest is not None:
            kwargs.setdefault("max", latest.isoformat())
        return super().__call__(**kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.unreadable) from None
