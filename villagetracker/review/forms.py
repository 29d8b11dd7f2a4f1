"""The labour office's forms: its decisions on a village, and the administrator's
settings it works by (thresholds, signatories)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from .. import rules
from ..extensions import db
from ..i18n import PAYER_LABELS, format_tenths
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


# The officials a criterion may require: the village head and perangkat desa, then
# also the BPD, then also the RT and RW heads (rules.OFFICIAL_ROLES, in order).
OFFICIALS_CHOICES = [
    SelectChoice("", _l("Not a criterion")),
    SelectChoice("perangkat", _l("Village head and perangkat desa")),
    SelectChoice("perangkat,bpd", _l("… and the BPD members")),
    SelectChoice(
        "perangkat,bpd,rtrw", _l("… and the BPD members, and the RT and RW heads")
    ),
]
FOLLOW = "follow"


def payer_choices():
    return [SelectChoice("", _l("Any payer"))] + [
        SelectChoice(payer, PAYER_LABELS[payer]) for payer in rules.PAYERS
    ]


class CriteriaFields:
    official_roles = SelectField(
        _l("Village officials who must all be active participants"),
        description=_l("Applies to a desa; a kelurahan has no perangkat desa."),
        choices=OFFICIALS_CHOICES,
        default="",
    )
    quota = StringField(
        _l("Active participants each village needs at least"),
        description=_l("A quota per village, e.g. 10. Leave empty for none."),
        render_kw={"inputmode": "numeric"},
    )
    quota_payer = SelectField(_l("Counted from"), choices=[], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quota_payer.choices = payer_choices()

    def validate_quota(self, field) -> None:
        text = (field.data or "").strip()
        if text and not (text.isdigit() and int(text) <= rules.MAX_PARTICIPANTS):
            raise ValidationError(_l("Enter a whole number, e.g. 10."))

    def criteria(self) -> dict:
        """The values to set (``status.set_criteria``); None follows the
        programme's."""
        quota = (self.quota.data or "").strip()
        roles = self.official_roles.data
        return {
            "threshold_tenths": self.threshold.tenths,
            "official_roles": None if roles == FOLLOW else roles,
            "quota": int(quota) if quota else self.no_quota,
            "quota_payer": (self.quota_payer.data or None) if quota else None,
        }


class ThresholdForm(CriteriaFields, FlaskForm):
    threshold = PercentField(
        _l("Programme threshold (%)"),
        validators=[DataRequired(_l("Enter the threshold."))],
    )
    no_quota = 0

    def fill(self, criteria: rules.Criteria) -> None:
        self.threshold.data = format_tenths(criteria.threshold_tenths).rstrip("%")
        self.official_roles.data = ",".join(criteria.official_roles)
        self.quota.data = str(criteria.quota) if criteria.quota else ""
        self.quota_payer.data = criteria.quota_payer or ""


class RegencyThresholdForm(CriteriaFields, FlaskForm, RegencyCodeField):
    threshold = PercentField(
        _l("Its own threshold (%)"),
        description=_l("Leave empty to follow the programme threshold again."),
    )
    no_quota = None  # an empty quota follows the programme's

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        follow = SelectChoice(FOLLOW, _l("As the programme"))
        self.official_roles.choices = [follow, *OFFICIALS_CHOICES]
        if not self.official_roles.raw_data:  # not sent: as the programme
            self.official_roles.data = FOLLOW
        self.quota.description = _l(
            "Leave empty to follow the programme; 0 for no quota here."
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
