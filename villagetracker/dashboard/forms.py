from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import DateField
from wtforms.validators import InputRequired, ValidationError

from ..fields import PercentField
from ..i18n import local_today


class DayAheadField(DateField):
    """A date from <input type="date">, today or later."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def __call__(self, **kwargs):
        kwargs.setdefault("min", local_today().isoformat())
        return super().__call__(**kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date like 2026-12-31.")) from None

    def pre_validate(self, form) -> None:
        if self.data is not None and self.data < local_today():
            raise ValidationError(_l("The date has passed: choose a date ahead."))


class TargetForm(FlaskForm):
    target = PercentField(
        _l("Coverage target (%)"),
        description=_l("Of the worker potential of the registered villages, e.g. 75."),
        validators=[InputRequired(_l("Enter the target."))],
        lowest=1,
    )
    target_date = DayAheadField(
        _l("To be reached by"), validators=[InputRequired(_l("Enter the date."))]
    )
