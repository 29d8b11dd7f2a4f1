import re
from datetime import date

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import (
    DataRequired,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import TextInput

from .. import evidence, rules, services
from ..designations import Signatory
from ..fields import Filled, IsoDayField, SignatoryFields, at_most, one_of
from ..i18n import SOURCE_LABELS, local_today, parse_whole_number

# The programme has counted participants since BPJS Ketenagakerjaan began in 2014.
EARLIEST_DAY = date(2014, 1, 1)
PHONE = re.compile(r"^\+?[0-9][0-9 -]{6,18}[0-9]$")


class WholeNumberField(Field):
    """A whole number typed as people type it: 4200, 4.200 (id) or 4,200 (en)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, minimum=0, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]  # exactly what was typed, even if it was wrong
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            number = parse_whole_number(text)
        except ValueError as error:
            self.data = None
            raise ValueError(
                {
                    "fraction": _l("Enter a whole number, without decimals."),
                    "negative": _l("Cannot be negative."),
                }.get(str(error), _l("Enter a number, for example 4200."))
            ) from None
        if number < self.minimum:
            raise ValueError(_l("Must be at least %(minimum)s.", minimum=self.minimum))
        if number > rules.MAX_PARTICIPANTS:
            raise ValueError(
                _l(
                    "At most %(maximum)s.",
                    maximum=format_decimal(rules.MAX_PARTICIPANTS),
                )
            )
        self.data = number


class DayField(IsoDayField):
    """A date not in the future, not before the programme existed."""

    def bounds(self) -> tuple:
        return EARLIEST_DAY, local_today()

    def pre_validate(self, form) -> None:
        if self.data is None:
            return
        if self.data > local_today():
            raise ValidationError(_l("The date cannot be in the future."))
        if self.data < EARLIEST_DAY:
            raise ValidationError(_l("The date cannot be before 2014."))


def required_number(label, minimum=0):
    return WholeNumberField(
        label, validators=[Filled(_l("Enter a number."))], minimum=minimum
    )


class PotentialFields:
    worker_potential = WholeNumberField(
        _l("Worker potential"),
        description=_l("Eligible workers in the village: the denominator of coverage."),
        validators=[Filled(_l("Enter the worker potential."))],
        minimum=1,
    )
    source = SelectField(
        _l("Where the number comes from"),
        choices=[SelectChoice(key, label) for key, label in SOURCE_LABELS.items()],
        validators=[DataRequired(_l("Choose a source.")), one_of(SOURCE_LABELS)],
        validate_choice=False,
    )
    source_note = StringField(
        _l("Note on the source"),
        description=_l("Required for another source, e.g. which survey."),
        validators=[at_most(200)],
    )
    potential_as_of = DayField(
        _l("Worker potential as of"),
        validators=[Filled(_l("Enter the date of the number."))],
    )

    def validate_source_note(self, field) -> None:
        if self.source.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Say where the number comes from."))

    def potential(self) -> services.PotentialInput:
        return services.PotentialInput(
            worker_potential=self.worker_potential.data,
            source=self.source.data,
            source_note=self.source_note.data,
            as_of=self.potential_as_of.data,
        )


class DetailsFields:
    head_name = StringField(
        _l("Village head's name"),
        validators=[DataRequired(_l("Enter the village head's name.")), at_most(100)],
    )
    contact_phone = StringField(
        _l("Contact phone (optional)"),
        validators=[
            Optional(),
            Regexp(PHONE, message=_l("Enter a phone number, e.g. 0812 3456 7890.")),
        ],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    notes = TextAreaField(_l("Notes (optional)"), validators=[at_most(2000)])


# Fields are declared in the order the form shows them: the error summary follows it.
class RegionPick:
    region_code = StringField(
        _l("Village (name or code)"),
        description=_l(
            "Type part of the name and choose, or enter the code, e.g. 36.03.06.2018."
        ),
        validators=[DataRequired(_l("Choose a village."))],
        render_kw={"data-typeahead": "village", "autocomplete": "off"},
        filters=[lambda value: value.strip() if value else value],
    )


class RegisterVillageForm(FlaskForm, RegionPick, PotentialFields, DetailsFields):
    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_region_code(self, field) -> None:
        problems = services.registration_problems(self.user, field.data)
        if problems:
            raise ValidationError(problems["region_code"])


class VillageDetailsForm(FlaskForm, DetailsFields):
    pass


class PotentialForm(FlaskForm, PotentialFields):
    def __init__(self, village, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.village = village

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        problems = services.potential_problems(self.village, self.potential())
        for name, message in problems.items():
            getattr(self, name).errors.append(message)
        return not problems


class ReportForm(FlaskForm):
    as_of = DayField(
        _l("As of"), validators=[Filled(_l("Enter the date of the count."))]
    )
    active_participants = required_number(_l("Active participants"))
    bpu = required_number(_l("BPU (informal workers)"))
    pu = required_number(_l("PU (wage earners)"))
    jakon = required_number(_l("Jakon (construction)"))
    self_paid = required_number(_l("Self-paid (mandiri)"))
    apbd = required_number(_l("APBD (regency budget)"))
    apbdes = required_number(_l("APBDes (village budget)"))
    csr_other = required_number(_l("CSR or other"))
    evidence = FileField(
        _l("Evidence (optional)"),
        description=_l("PDF, JPEG or PNG, at most 5 MB."),
        render_kw={
            "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        },
    )
    notes = TextAreaField(_l("Notes (optional)"), validators=[at_most(2000)])

    def __init__(self, village, report=None, *args, **kwargs):
        super().__init__(*args, obj=report, **kwargs)
        self.village = village
        self.report = report
        self.facts = None  # services.VillageFacts, when an import has them already

    def check_another(self, village, report, formdata, facts) -> bool:
        """Validate another set of values with this same form, as an import does for
        each of thousands of rows (building the form anew for each costs more than
        the checks)."""
        self.village, self.report, self.facts = village, report, facts
        self.process(formdata)
        return self.validate()

    def validate_evidence(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            field.data = None
            return
        size, media_type = evidence.measure(upload)
        if size > evidence.MAX_BYTES:
            raise ValidationError(
                _l(
                    "The file is %(size)s MB; at most 5 MB.",
                    size=format_decimal(round(size / 1024 / 1024, 1)),
                )
            )
        if size == 0 or media_type is None:
            raise ValidationError(
                _l(
                    "Only PDF, JPEG or PNG files. This file is none of them, "
                    "whatever its name says."
                )
            )

    def values(self) -> services.ReportInput:
        return services.ReportInput(
            **{name: getattr(self, name).data for name in services.REPORT_FIELDS}
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        values = {
            name: None if getattr(self, name).errors else getattr(self, name).data
            for name in services.REPORT_FIELDS
        }
        problems = services.report_problems(
            self.village, services.ReportInput(**values), self.report, self.facts
        )
        for name, message in problems.items():
            if not getattr(self, name).errors:
                getattr(self, name).errors.append(message)
        valid = valid and not problems
        if not valid and self.evidence.data and not self.evidence.errors:
            self.evidence.errors.append(_l("Choose the file again: it was not kept."))
        return valid


# --- The labour office's decisions on a village ---


class DecisionForm(FlaskForm):
    # The revision of the village the reviewer saw: a decision on a village that has
    # changed since is refused (designations.ReviewConflict).
    seen = HiddenField()


class ApproveForm(DecisionForm, SignatoryFields):
    def signatory(self, office_name: str) -> Signatory:
        return Signatory(
            office_name=office_name,
            name=self.signatory_name.data,
            title=self.signatory_title.data,
        )


def reason_field(who_reads_it) -> TextAreaField:
    return TextAreaField(
        _l("Reason"),
        description=who_reads_it,
        validators=[DataRequired(_l("Give the reason.")), at_most(1000)],
    )


class ReturnForm(DecisionForm):
    reason = reason_field(_l("The officers and the audit trail will read it."))


class EndDesignationForm(FlaskForm):
    reason = reason_field(
        _l("Shown to anyone who verifies the certificate: no names or phone numbers.")
    )
