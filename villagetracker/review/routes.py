"""The review lists, and the administrator's settings the review works by."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, criteria
from ..extensions import db
from ..jobs import pages
from ..jobs import service as jobs_service
from ..regions.queries import district_names
from ..villages import queries as village_queries
from ..web.pagination import paginate
from . import bp, queries, service
from .forms import RegencyThresholdForm, SignatoryForm, ThresholdForm


@bp.route("/review/")
@access.reviewers
def queue():
    """Qualifying villages waiting for a decision, oldest first; and the returned,
    at-risk and designated villages, each a tab."""
    which = request.args.get("list", "queue")
    if which not in queries.LIST_NAMES:
        which = "queue"
    page = paginate(queries.review_list(current_user, which))
    return render_template(
        "review/queue.html",
        which=which,
        page=page,
        counts=queries.list_counts(current_user),
        district_names=district_names(page.items),
        officers=queries.latest_officers(page.items),
        valid=queries.valid_designations(page.items),
        watched=village_queries.watched_potential_changes(page.items),
        standing=criteria.standing(page.items),
    )


@bp.route("/admin/threshold", methods=["GET", "POST"])
@access.admins
def threshold():
    """The programme's designation criteria and the regencies' own. A change is a
    job: it is audited and judges again every village it governs, all at once."""
    form = ThresholdForm(prefix="national")
    regency_form = RegencyThresholdForm(prefix="regency")
    if request.method == "GET":
        form.fill(criteria.programme_criteria())
    elif "national-threshold" in request.form and form.validate_on_submit():
        return criteria_job(form.criteria(), None)
    elif "regency-regency_code" in request.form and regency_form.validate_on_submit():
        return criteria_job(regency_form.criteria(), regency_form.regency_code.data)
    overrides = queries.regency_overrides()
    return render_template(
        "review/threshold.html",
        form=form,
        regency_form=regency_form,
        overrides=overrides,
        criteria_of=criteria.criteria_by_regency(s.regency_code for s in overrides),
    ), 400 if form.errors or regency_form.errors else 200


def criteria_job(values: dict, regency_code: str | None):
    """The validated criteria set, and the villages judged again, by the job
    worker (``review.tasks``); its page shows how far it is."""
    job = jobs_service.submit(
        "criteria.set", current_user, criteria=values, regency_code=regency_code
    )
    return pages.start(job)


@bp.route("/admin/signatories", methods=["GET", "POST"])
@access.admins
def signatories():
    """Each regency's issuing office and signatory, printed on its certificates."""
    form = SignatoryForm()
    if request.method == "GET" and request.args.get("regency"):
        form.fill(request.args["regency"][:13])
    if form.validate_on_submit():
        service.set_signatory_defaults(form.regency, form.signatory())
        db.session.commit()
        flash(_("Signatory saved for %(name)s.", name=form.regency.name), "success")
        return redirect(url_for("review.signatories"))
    page = paginate(queries.signatory_settings())
    return render_template("review/signatories.html", form=form, page=page), (
        400 if form.errors else 200
    )
