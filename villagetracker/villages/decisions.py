"""The labour office's decisions on a village, and its certificates."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, certificates, designations
from ..designations import ReviewConflict
from ..extensions import db
from ..models import Region
from . import bp
from .forms import ApproveForm, EndDesignationForm, ReturnForm
from .routes import village_page


def _decided(village, message: str):
    flash(message, "success")
    return redirect(url_for("villages.show", code=village.code, _anchor="review"))


def _conflict(village, conflict: ReviewConflict, **forms):
    """Say why nothing was done, on the village as it is now, keeping what was typed."""
    db.session.expire_all()
    return village_page(village, 409, str(conflict.message), **forms)


@bp.route("/<code>/approve", methods=["POST"])
@login_required
def approve(code: str):
    """Designate the village: the rule is checked again now, and a village that
    changed since the reviewer loaded the page is not designated."""
    village = access.get_village_or_404(current_user, code, to_review=True)
    form = ApproveForm(prefix="approve")
    if not form.validate_on_submit():
        return village_page(village, 400, approve_form=form)
    regency = db.session.get(Region, village.regency_code)
    office = designations.signatory_defaults(regency).office_name
    try:
        designation = designations.approve(
            current_user, village, form.seen.data, form.signatory(office)
        )
    except ReviewConflict as conflict:
        return _conflict(village, conflict, approve_form=form)
    return _decided(
        village,
        _(
            "%(name)s is designated, number %(number)s. Its certificate can be "
            "printed.",
            name=village.name,
            number=designation.number,
        ),
    )


@bp.route("/<code>/return", methods=["POST"])
@login_required
def return_to_officers(code: str):
    village = access.get_village_or_404(current_user, code, to_review=True)
    form = ReturnForm(prefix="return")
    if not form.validate_on_submit():
        return village_page(village, 400, return_form=form)
    try:
        designations.return_village(
            current_user, village, form.seen.data, form.reason.data
        )
    except ReviewConflict as conflict:
        return _conflict(village, conflict, return_form=form)
    return _decided(
        village, _("%(name)s is returned to its officers.", name=village.name)
    )


def _end_designation(code: str, designation_id: int, action: str):
    designation = access.get_designation_or_404(
        current_user, code, designation_id, to_review=True
    )
    village = designation.village
    form = EndDesignationForm(prefix=action)
    if not form.validate_on_submit():
        return village_page(village, 400, **{f"{action}_form": form})
    end = designations.revoke if action == "revoke" else designations.reopen
    try:
        end(current_user, designation, form.reason.data)
    except ReviewConflict as conflict:
        return _conflict(village, conflict, **{f"{action}_form": form})
    if action == "revoke":
        message = _("Designation %(number)s is revoked.", number=designation.number)
    else:
        message = _(
            "Designation %(number)s is reopened: its reports can be corrected, and "
            "the village can be approved again.",
            number=designation.number,
        )
    return _decided(village, message)


@bp.route(
    "/<code>/designations/<int(max=2147483647):designation_id>/revoke",
    methods=["POST"],
)
@login_required
def revoke(code: str, designation_id: int):
    return _end_designation(code, designation_id, "revoke")


@bp.route(
    "/<code>/designations/<int(max=2147483647):designation_id>/reopen",
    methods=["POST"],
)
@login_required
def reopen(code: str, designation_id: int):
    """Withdraw a designation so that the reports behind it can be corrected."""
    return _end_designation(code, designation_id, "reopen")


def _printable(code: str, designation_id: int):
    """A valid designation in the user's scope, or None with a message: a revoked or
    reopened certificate prints no more."""
    designation = access.get_designation_or_404(current_user, code, designation_id)
    if designation.is_valid:
        return designation
    flash(
        _(
            "Designation %(number)s is no longer valid; its certificate cannot be "
            "printed.",
            number=designation.number,
        ),
        "error",
    )
    return None


@bp.route("/<code>/designations/<int(max=2147483647):designation_id>/certificate")
@login_required
def certificate(code: str, designation_id: int):
    """The certificate's print view (A4 landscape). Looking at it records nothing:
    the official copy is the PDF, made and recorded by the button on this page."""
    designation = _printable(code, designation_id)
    if designation is None:
        return redirect(url_for("villages.show", code=code))
    return certificates.render([designation], for_pdf=False)


@bp.route(
    "/<code>/designations/<int(max=2147483647):designation_id>/certificate.pdf",
    methods=["GET", "POST"],
)
@login_required
def certificate_pdf(code: str, designation_id: int):
    """The certificate as a PDF, from the print view's template, recorded in the
    audit trail as a copy made by this user. Made only by the print view's button
    (a POST): a GET, such as a link from elsewhere, shows the print view instead."""
    designation = _printable(code, designation_id)
    if designation is None:
        return redirect(url_for("villages.show", code=code))
    if request.method == "GET":
        return redirect(
            url_for("villages.certificate", code=code, designation_id=designation_id)
        )
    document = certificates.pdf([designation])
    designations.record_print([designation], "pdf")
    name = f"piagam {designation.number} {designation.village.name}"
    return certificates.download(document, name)
