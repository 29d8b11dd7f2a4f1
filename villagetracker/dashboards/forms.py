from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from ..i18n import local_today
from ..villages import validation
from ..villages.forms import CheckedForm, PotentialFields
from ..web.fields import Filled, IsoDayField, PercentField


class DayAheadField(IsoDayField):
    """A date today or later."""

    unreadable = _l("Enter a date like 2026-12-31.")

    def bounds(self) -> tuple:
        return local_today(), None

    def pre_validate(self, form) -> None:
        if self.data is not None and self.data < local_today():
            raise ValidationError(_l("The date has passed: choose a date ahead."))


class TargetForm(FlaskForm):
    target = PercentField(
        _l("Coverage target (%)"),
        description=_l("Of the worker potential of the registered villages, e.g. 75."),
        validators=[Filled(_l("Enter the target."))],
        lowest=1,
    )
    target_date = DayAheadField(
        _l("To be reached by"), validators=[Filled(_l("Enter the date."))]
    )


class RegionPotentialForm(CheckedForm, PotentialFields):
    """A regency's or kecamatan's own worker potential, read as a village's is."""

    def check(self, typed: dict) -> validation.Checked:
        errors: dict[str, str] = {}
        potential = validation.read_potential(typed, errors)
        return validation.Checked(None if errors else potential, errors)
