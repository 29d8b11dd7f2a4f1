"""The labour office's forms: its decisions on a village, and the administrator's
settings it works by (thresholds, signatories)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from ..extensions import db
from ..models import Region
from ..web.fields import (
    OfficeField,
    PercentField,
    RegencyCodeField,
    SignatoryFields,
    at_most,
)
from .service import Signatory, signatory_defaults

BATCH_LIMIT = 100  # villages approved at once: a page of the queue, and then some


class DecisionForm(FlaskForm):
    # The revision of the village the reviewer saw: a decision on a village that has
    # changed since is refused (service.ReviewConflict).
    seen = HiddenField()


class ApproveForm(DecisionForm, SignatoryFields):
    def signatory(self, office_name: str) -> Signatory:
        return Signatory(
            office_name=office_name,
            name=self.signatory_name.data,
            title=self.signatory_title.data,
        )


class BatchApproveForm(ApproveForm):
    """Several villages approved at once: their codes in the order shown, each with
    the revision the reviewer saw (``seen-<code>``, outside the form's fields)."""

    villages = HiddenField()

    def codes(self) -> list[str]:
        return (self.villages.data or "").split()[:BATCH_LIMIT]


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


def decision_forms(village, active) -> dict:
    """The forms the labour office may use on the village as it is now, by the name
    the village page shows them under."""
    forms = {}
    seen = str(village.revision)
    if village.awaits_review:
        defaults = signatory_defaults(village.regency_code)
        forms["approve_form"] = ApproveForm(
            formdata=None,
            prefix="approve",
            seen=seen,
            signatory_name=defaults.name,
            signatory_title=defaults.title,
        )
        forms["return_form"] = ReturnForm(formdata=None, prefix="return", seen=seen)
    if active is not None:
        forms["revoke_form"] = EndDesignationForm(formdata=None, prefix="revoke")
        forms["reopen_form"] = EndDesignationForm(formdata=None, prefix="reopen")
    return forms


def shown_again(village, forms: dict, failed: dict, conflict) -> dict:
    """The failed decision forms that still fit the village, with what was typed;
    after a conflict, set to decide on the village as it is now."""
    again = {}
    for name, form in failed.items():
        if name in forms:
            if conflict and hasattr(form, "seen"):
                form.seen.data = str(village.revision)
            again[name] = form
    return again


# --- The administrator's settings ---


class ThresholdForm(FlaskForm):
    threshold = PercentField(
        _l("Programme threshold (%)"),
        validators=[DataRequired(_l("Enter the threshold."))],
    )


class RegencyThresholdForm(FlaskForm, RegencyCodeField):
    threshold = PercentField(
        _l("Its own threshold (%)"),
        description=_l("Leave empty to follow the programme threshold again."),
    )


class SignatoryForm(FlaskForm, RegencyCodeField, OfficeField, SignatoryFields):
    """What a regency's certificates carry by default."""

    def fill(self, regency_code: str) -> None:
        """Start from what the regency's certificates carry now."""
        regency = db.session.get(Region, regency_code)
        if regency is None or regency.level != "regency":
            return
        defaults = signatory_defaults(regency.code)
        self.regency_code.data = regency.code
        self.office_name.data = defaults.office_name
        self.signatory_name.data = defaults.name
        self.signatory_title.data = defaults.title

    def signatory(self) -> Signatory:
        return Signatory(
            self.office_name.data, self.signatory_name.data, self.signatory_title.data
        )
