"""The labour office's decisions on a village, posted from the village page."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access
from ..extensions import db
from ..villages import pages
from . import bp, service
from .forms import ApproveForm, EndDesignationForm, ReturnForm
from .service import ReviewConflict


def decided(village, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("villages.show", code=village.code, _anchor="review"))


def refused(village, conflict: ReviewConflict, **forms):
    """Say why nothing was done, on the village as it is now, keeping what was typed."""
    db.session.expire_all()
    return pages.village_page(village, 409, str(conflict.message), **forms)


@bp.route("/villages/<code>/approve", methods=["POST"])
@login_required
def approve(code: str):
    """Designate the village: the rule is checked again now, and a village that
    changed since the reviewer loaded the page is not designated."""
    village = access.get_village_or_404(current_user, code, to_review=True)
    form = ApproveForm(prefix="approve")
    if not form.validate_on_submit():
        return pages.village_page(village, 400, approve_form=form)
    office = service.signatory_defaults(village.regency_code).office_name
    try:
        designation = service.approve(
            current_user, village, form.seen.data, form.signatory(office)
        )
    except ReviewConflict as conflict:
        return refused(village, conflict, approve_form=form)
    message = _(
        "%(name)s is designated, number %(number)s. Its certificate can be printed.",
        name=village.name,
        number=designation.number,
    )
    return decided(village, message)


@bp.route("/villages/<code>/return", methods=["POST"])
@login_required
def return_to_officers(code: str):
    village = access.get_village_or_404(current_user, code, to_review=True)
    form = ReturnForm(prefix="return")
    if not form.validate_on_submit():
        return pages.village_page(village, 400, return_form=form)
    try:
        service.return_village(current_user, village, form.seen.data, form.reason.data)
    except ReviewConflict as conflict:
        return refused(village, conflict, return_form=form)
    message = _("%(name)s is returned to its officers.", name=village.name)
    return decided(village, message)


def end_designation(code: str, designation_id: int, action: str):
    designation = access.get_designation_or_404(
        current_user, code, designation_id, to_review=True
    )
    village = designation.village
    form = EndDesignationForm(prefix=action)
    if not form.validate_on_submit():
        return pages.village_page(village, 400, **{f"{action}_form": form})
    end = service.revoke if action == "revoke" else service.reopen
    try:
        end(current_user, designation, form.reason.data)
    except ReviewConflict as conflict:
        return refused(village, conflict, **{f"{action}_form": form})
    if action == "revoke":
        message = _("Designation %(number)s is revoked.", number=designation.number)
    else:
        message = _(
            "Designation %(number)s is reopened: its reports can be corrected, and "
            "the village can be approved again.",
            number=designation.number,
        )
    return decided(village, message)


@bp.route(
    "/villages/<code>/designations/<int(max=2147483647):designation_id>/revoke",
    methods=["POST"],
)
@login_required
def revoke(code: str, designation_id: int):
    return end_designation(code, designation_id, "revoke")


@bp.route(
    "/villages/<code>/designations/<int(max=2147483647):designation_id>/reopen",
    methods=["POST"],
)
@login_required
def reopen(code: str, designation_id: int):
    """Withdraw a designation so that the reports behind it can be corrected."""
    return end_designation(code, designation_id, "reopen")
