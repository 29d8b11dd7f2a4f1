from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func, select

from .. import access, certificates, designations, listing, rules
from ..extensions import db
from ..models import Designation, Report, Role, User, Village
from ..pagination import paginate
from . import bp
from .forms import BatchForm

reviewers = access.role_required(Role.REVIEWER, Role.ADMIN)

# The review lists, each a condition on the villages and its order.
LISTS = {
    "queue": (Village.awaits_review, (Village.status_changed_at, Village.code)),
    # The code breaks ties, so that pages neither repeat nor skip a village.
    "returned": (
        Village.returned_at.is_not(None),
        (Village.returned_at.desc(), Village.code),
    ),
    "at_risk": (
        Village.status == rules.AT_RISK,
        (Village.coverage_tenths, Village.code),
    ),
    "designated": (
        Village.status.in_([rules.DESIGNATED, rules.AT_RISK]),
        (Village.status_changed_at.desc(), Village.code),
    ),
}


@bp.route("/")
@reviewers
def queue():
    """Qualifying villages waiting for a decision, oldest first; and the returned,
    at-risk and designated villages, each a tab."""
    which = request.args.get("list", "queue")
    if which not in LISTS:
        which = "queue"
    condition, order = LISTS[which]
    visible = access.villages_visible_to(current_user)
    page = paginate(visible.where(condition).order_by(*order))
    counts = db.session.execute(
        select(*(func.count().filter(cond) for cond, _order in LISTS.values())).where(
            access.in_scope(current_user, Village.code)
        )
    ).one()
    villages = page.items
    return render_template(
        "review/queue.html",
        which=which,
        page=page,
        counts=dict(zip(LISTS, counts, strict=True)),
        district_names=listing.district_names(villages),
        officers=latest_officers(villages),
        valid=valid_designations(villages),
    )


def latest_officers(villages: list[Village]) -> dict[str, str]:
    """Who logged each village's latest report, in one query."""
    if not villages:
        return {}
    query = (
        select(Report.village_code, User.full_name)
        .join(User, User.id == Report.created_by_id)
        .join(
            Village,
            and_(
                Village.code == Report.village_code,
                Village.latest_report_date == Report.as_of,
            ),
        )
        .where(Report.village_code.in_([v.code for v in villages]))
    )
    return dict(db.session.execute(query).all())


def valid_designations(villages: list[Village]) -> dict[str, Designation]:
    if not villages:
        return {}
    query = select(Designation).where(
        Designation.village_code.in_([v.code for v in villages]),
        Designation.state == rules.ACTIVE,
    )
    return {d.village_code: d for d in db.session.scalars(query)}


def _batch(form: BatchForm):
    return (
        access.designations_visible_to(current_user)
        .where(
            Designation.state == rules.ACTIVE,
            Designation.designated_on.between(form.start.data, form.end.data),
        )
        .order_by(
            Designation.designated_on, Designation.regency_code, Designation.sequence
        )
    )


def _batch_page(form: BatchForm, page=None):
    """The batch page with the form, its errors, and the certificates it found."""
    return render_template(
        "review/batch.html",
        form=form,
        page=page,
        limit=current_app.config["CERTIFICATE_BATCH_LIMIT"],
    ), (400 if form.errors else 200)


@bp.route("/certificates")
@reviewers
def batch():
    """Choose the designation dates; see which certificates a batch PDF will hold."""
    form = BatchForm(request.args)
    if request.args and form.validate():
        return _batch_page(form, paginate(_batch(form)))
    return _batch_page(form)


@bp.route("/certificates.pdf", methods=["GET", "POST"])
@reviewers
def batch_pdf():
    """One PDF of every valid certificate designated in the date range, for a
    ceremony: a page each, in the order of their numbers, recorded in the audit
    trail. Made only by the batch page's button (a POST); a GET shows that page."""
    if request.method == "GET":
        days = {name: request.args.get(name) for name in ("start", "end")}
        return redirect(url_for("review.batch", **days))
    form = BatchForm(request.form)
    if not form.validate():
        return _batch_page(form)
    limit = current_app.config["CERTIFICATE_BATCH_LIMIT"]
    found = db.session.scalars(_batch(form).limit(limit + 1)).all()
    if not found or len(found) > limit:
        form.form_errors.append(
            _("No valid certificate was designated in these days.")
            if not found
            else _("More than %(limit)s certificates: choose fewer days.", limit=limit)
        )
        return _batch_page(form, paginate(_batch(form)))
    document = certificates.pdf(found)
    designations.record_print(
        found,
        "batch_pdf",
        start=form.start.data.isoformat(),
        end=form.end.data.isoformat(),
    )
    return certificates.download(document, f"piagam {form.start.data} {form.end.data}")
