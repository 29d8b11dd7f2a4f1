from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from .. import rules
from ..i18n import local_today
from ..villages.values import day_problem
from ..web.fields import Filled, IsoDayField


class DesignationDayField(IsoDayField):
    """A day on which certificates may have been designated."""

    def bounds(self) -> tuple:
        return rules.EARLIEST_DAY, local_today()

    def pre_validate(self, form) -> None:
        problem = self.data and day_problem(self.data)
        if problem:
            raise ValidationError(problem)


class BatchForm(FlaskForm):
    """The designation dates of the certificates to print together (a GET form)."""

    class Meta:
        csrf = False  # it only reads

    start = DesignationDayField(
        _l("Designated from"), validators=[Filled(_l("Enter the first day."))]
    )
    end = DesignationDayField(
        _l("Designated until"), validators=[Filled(_l("Enter the last day."))]
    )

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The last day cannot be before the first."))
