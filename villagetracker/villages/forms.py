"""The village forms. Their fields draw the inputs and keep what was typed; whether it
can be saved is decided by the plain functions of ``validation``, the same ones the
spreadsheet import calls (``CheckedForm.validate``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput

from .. import rules
from ..i18n import SOURCE_LABELS, local_today
from . import evidence, queries, validation


class TypedField(StringField):
    """A field that keeps exactly what was typed for the validation to read, and shows
    it again when the form comes back with errors."""

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0] if valuelist else ""


class NumberField(TypedField):
    """A whole number typed as people type it: 4200, 4.200 (id) or 4,200 (en)."""

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        super().__init__(label, **kwargs)


class DayField(TypedField):
    """A date from the date picker, which offers only days the rules allow."""

    widget = DateInput()

    def __call__(self, **kwargs):
        kwargs.setdefault("min", rules.EARLIEST_DAY.isoformat())
        kwargs.setdefault("max", local_today().isoformat())
        return super().__call__(**kwargs)

    def _value(self) -> str:
        return self.data.isoformat() if hasattr(self.data, "isoformat") else self.data


class CheckedForm(FlaskForm):
    """A form whose values are checked by a validation function: its problems go next
    to their fields, and ``checked.values`` holds the cleaned values."""

    def check(self, typed: dict) -> validation.Checked:
        raise NotImplementedError

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)  # the CSRF token, an upload
        typed = {name: field.data for name, field in self._fields.items()}
        self.checked = self.check(typed)
        for name, message in self.checked.errors.items():
            self.add_error(name, message)
        return valid and self.checked.ok

    def add_error(self, name: str, message) -> None:
        """``message`` next to field ``name`` (above the form if it has none)."""
        field = self._fields.get(name)
        if field is None:
            self.form_errors.append(str(message))
        elif str(message) not in map(str, field.errors):
            field.errors = [*field.errors, message]


class PotentialFields:
    worker_potential = NumberField(
        _l("Worker potential"),
        description=_l("Eligible workers in the village: the denominator of coverage."),
    )
    source = SelectField(
        _l("Where the number comes from"),
        description=_l(
            "P3KE counts the households of the extreme-poverty register, about the "
            "poorest 40%, not every worker. A village census counts every working-age "
            "resident; BPS gives the statistics office's figure."
        ),
        choices=[SelectChoice(key, label) for key, label in SOURCE_LABELS.items()],
        validate_choice=False,  # validation.read_potential says what is wrong
    )
    source_note = StringField(
        _l("Note on the source"),
        description=_l("Required for another source, e.g. which survey."),
    )
    potential_as_of = DayField(_l("Worker potential as of"))


class OfficialTotals:
    """How many officials a desa has, by role (a kelurahan has none)."""

    perangkat_total = NumberField(_l("Village head and perangkat desa"))
    bpd_total = NumberField(_l("BPD members"))
    rtrw_total = NumberField(_l("RT and RW heads"))


def drop_officials(form, village_kind: str) -> None:
    """A kelurahan has no village officials: their fields are not offered."""
    if not rules.has_village_budget(village_kind):
        for name in validation.OFFICIAL_FIELDS:
            if name in form._fields:
                delattr(form, name)


class DetailsFields(OfficialTotals):
    head_name = StringField(_l("Village head's name"))
    contact_phone = StringField(
        _l("Contact phone (optional)"),
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    notes = TextAreaField(_l("Notes (optional)"))


# Fields are declared in the order the form shows them: the error summary follows it.
class RegionPick:
    region_code = StringField(
        _l("Village (name or code)"),
        description=_l(
            "Type part of the name and choose, or enter the code, e.g. 36.03.06.2018."
        ),
        render_kw={"data-typeahead": "village", "autocomplete": "off"},
    )


class RegisterVillageForm(CheckedForm, RegionPick, PotentialFields, DetailsFields):
    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def check(self, typed: dict) -> validation.Checked:
        return validation.check_registration(typed, self.user)


class VillageDetailsForm(CheckedForm, DetailsFields):
    def __init__(self, village, *args, **kwargs):
        super().__init__(*args, obj=village, **kwargs)
        self.kind = village.kind
        drop_officials(self, self.kind)

    def check(self, typed: dict) -> validation.Checked:
        return validation.check_details(typed, self.kind)


class PotentialForm(CheckedForm, PotentialFields):
    def __init__(self, village, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.village = village

    def check(self, typed: dict) -> validation.Checked:
        return validation.check_potential(typed, self.village)


class ReportForm(CheckedForm):
    as_of = DayField(_l("As of"))
    active_participants = NumberField(_l("Active participants"))
    bpu = NumberField(_l("BPU (informal workers)"))
    pu = NumberField(_l("PU (wage earners)"))
    jakon = NumberField(_l("Jakon (construction)"))
    pmi = NumberField(_l("PMI (migrant workers)"))
    self_paid = NumberField(_l("Self-paid (mandiri)"))
    apbd_province = NumberField(_l("APBD provinsi (province budget)"))
    apbd_regency = NumberField(_l("APBD kabupaten/kota (regency or city budget)"))
    apbdes = NumberField(_l("APBDes (village budget)"))
    csr = NumberField(_l("CSR and donations (e.g. GN Lingkaran)"))
    other = NumberField(_l("Other payer"))
    apbd = NumberField(_l("APBD, level not recorded"))
    csr_other = NumberField(_l("CSR or other, not told apart"))
    perangkat_total = NumberField(_l("Village head and perangkat desa"))
    perangkat_active = NumberField(_l("Village head and perangkat desa, active"))
    bpd_total = NumberField(_l("BPD members"))
    bpd_active = NumberField(_l("BPD members, active"))
    rtrw_total = NumberField(_l("RT and RW heads"))
    rtrw_active = NumberField(_l("RT and RW heads, active"))
    evidence = FileField(
        _l("Evidence (optional)"),
        description=_l("PDF, JPEG or PNG, at most 5 MB."),
        render_kw={
            "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        },
    )
    notes = TextAreaField(_l("Notes (optional)"))

    def __init__(self, village, report=None, *args, **kwargs):
        super().__init__(*args, obj=report, **kwargs)
        self.village = village
        self.report = report
        if village is None:
            return
        if not rules.has_village_budget(village.kind):
            del self.apbdes  # a kelurahan has no village budget: not offered
        drop_officials(self, village.kind)
        for name in rules.OLD_PAYERS:  # offered only to move what a report has
            if not (report is not None and getattr(report, name)):
                delattr(self, name)
        if report is None and not self.is_submitted():
            for name in validation.OFFICIAL_TOTALS:  # as the village last said
                if name in self._fields:
                    self[name].data = getattr(village, name)

    def check(self, typed: dict) -> validation.Checked:
        facts = queries.village_facts(self.village)
        return validation.check_report(typed, facts, self.report)

    def validate_evidence(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            field.data = None
            return
        problem = evidence.problem(upload)
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid and self.evidence.data and not self.evidence.errors:
            self.evidence.errors.append(_l("Choose the file again: it was not kept."))
        return valid
