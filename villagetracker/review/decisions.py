"""The labour office's decisions on a village, posted from the village page."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access
from ..extensions import db
from ..villages import pages
from . import bp, queries, service
from .forms import (
    BATCH_LIMIT,
    ApproveForm,
    BatchApproveForm,
    EndDesignationForm,
    ReturnForm,
)
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
        name=village.title,
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
    message = _("%(name)s is returned to its officers.", name=village.title)
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


@bp.route("/review/approve", methods=["GET", "POST"])
@access.reviewers
def approve_batch():
    """Approve several qualifying villages at once: a page lists them (GET, from the
    queue's check boxes) and the reviewer confirms (POST). Numbers are taken in the
    order shown; if one village no longer fits, none is approved."""
    form = BatchApproveForm()
    codes = request.args.getlist("village")[:BATCH_LIMIT] or form.codes()
    villages = queries.awaiting_review(current_user, codes)
    if not villages or len({v.regency_code for v in villages}) > 1:
        flash(_("Choose qualifying villages of one regency or city."), "error")
        return redirect(url_for(".queue"))
    if not form.validate_on_submit():
        return batch_page(form, villages, 400 if form.errors else 200)
    if len(villages) < len(dict.fromkeys(codes)):
        return batch_page(form, villages, 409, str(service.NOT_NOW))
    office = service.signatory_defaults(villages[0].regency_code).office_name
    seen = [(village, request.form.get(f"seen-{village.code}")) for village in villages]
    try:
        done = service.approve_all(current_user, seen, form.signatory(office))
    except ReviewConflict as conflict:
        return batch_page(form, villages, 409, str(conflict.message))
    db.session.commit()
    numbers = {"count": len(done), "first": done[0].number, "last": done[-1].number}
    flash(
        _("%(count)s villages designated, %(first)s to %(last)s.", **numbers), "success"
    )
    return redirect(url_for(".queue"))


def batch_page(form, villages, status: int, conflict: str | None = None):
    """The confirmation page: the villages in the order they will be numbered, the
    signatory (the regency's default, editable), and why nothing was done."""
    if request.method == "GET":
        defaults = service.signatory_defaults(villages[0].regency_code)
        form.signatory_name.data = defaults.name
        form.signatory_title.data = defaults.title
    form.villages.data = " ".join(village.code for village in villages)
    return render_template(
        "review/approve_batch.html", form=form, villages=villages, conflict=conflict
    ), status
