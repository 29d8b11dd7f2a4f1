from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from ..fields import Filled
from ..villages.forms import DayField


class BatchForm(FlaskForm):
    """The designation dates of the certificates to print together (a GET form)."""

    class Meta:
        csrf = False  # it only reads

    start = DayField(
        _l("Designated from"), validators=[Filled(_l("Enter the first day."))]
    )
    end = DayField(
        _l("Designated until"), validators=[Filled(_l("Enter the last day."))]
    )

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The last day cannot be before the first."))
