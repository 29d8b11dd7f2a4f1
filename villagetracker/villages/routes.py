"""The field officers' pages: village lists, registration, details, worker potential,
reports and their evidence."""

from functools import partial

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, criteria, rules, status
from ..extensions import db
from ..i18n import why_not_yet
from ..regions.queries import district_choices, district_names
from ..web.pagination import paginate
from . import bp, evidence, queries, service
from .forms import PotentialForm, RegisterVillageForm, ReportForm, VillageDetailsForm
from .pages import form_status, refuse, village_page


def village_list(template: str, **fixed):
    """A list of the villages in the user's scope that the query string's filters
    (with ``fixed`` ones on top) select, a page at a time, with what each still
    misses of the criteria in force."""
    filters = queries.VillageFilters.from_args(request.args)
    for name, value in fixed.items():
        setattr(filters, name, value)
    page = paginate(queries.listed(current_user, filters))
    return render_template(
        template,
        page=page,
        filters=filters,
        districts=district_choices(current_user),
        district_names=district_names(page.items),
        standing=criteria.standing(page.items),
    )


@bp.route("/")
@login_required
def index():
    """The villages in the user's scope: filtered, searched, sorted, paginated."""
    return village_list("villages/index.html")


@bp.route("/close")
@login_required
def close():
    """Villages from 75% coverage that do not qualify yet, those missing least first,
    with what each still misses."""
    close = {"close": True, "band": "", "sort": "missing"}
    return village_list("villages/close.html", **close)


@bp.route("/register", methods=["GET", "POST"])
@access.village_changers
def register():
    form = RegisterVillageForm(current_user)
    if request.method == "GET" and request.args.get("code"):
        form.region_code.data = request.args["code"][:13]
    if form.validate_on_submit():
        village = service.register_village(current_user, form.checked.values)
        db.session.commit()
        flash(_("%(name)s is registered.", name=village.title), "success")
        return redirect(url_for("villages.show", code=village.code))
    return render_template("villages/register.html", form=form), form_status(form)


@bp.route("/<code>")
@login_required
def show(code: str):
    """A village: its figures, status, designations, report history, chart and audit
    trail; for the labour office, its decisions."""
    return village_page(access.get_village_or_404(current_user, code))


@bp.route("/<code>/details", methods=["GET", "POST"])
@login_required
def details(code: str):
    village = access.get_village_or_404(current_user, code, to_change=True)
    form = VillageDetailsForm(village)
    save = partial(service.update_details, village)
    return save_village_form(form, village, "villages/details.html", save)


@bp.route("/<code>/potential", methods=["GET", "POST"])
@login_required
def potential(code: str):
    """Record a new worker potential; the old ones stay in the history."""
    village = access.get_village_or_404(current_user, code, to_change=True)
    form = PotentialForm(village)
    save = partial(service.record_potential, current_user, village)
    message = _("Worker potential recorded.")
    return save_village_form(form, village, "villages/potential.html", save, message)


def save_village_form(form, village, template: str, save, message=None):
    """Save a village's form through ``save``; what the rules refuse now, under the
    village's lock, goes next to its field with what was typed kept."""
    if form.validate_on_submit():
        try:
            save(form.checked.values)
        except service.Refused as refused:
            refuse(form, refused.problems)
        else:
            db.session.commit()
            flash(message or _("Saved."), "success")
            return redirect(url_for("villages.show", code=village.code))
    return render_template(template, form=form, village=village), form_status(form)


@bp.route("/<code>/reports/new", methods=["GET", "POST"])
@login_required
def new_report(code: str):
    village = access.get_village_or_404(current_user, code, to_change=True)
    return save_report(ReportForm(village), village, None)


@bp.route(
    "/<code>/reports/<int(max=2147483647):report_id>/edit", methods=["GET", "POST"]
)
@login_required
def edit_report(code: str, report_id: int):
    """Correct a report. The old values stay in the audit trail."""
    report = access.get_report_or_404(current_user, code, report_id, to_change=True)
    locked = status.designation_locking(report.village, report.as_of)
    if locked is not None:
        flash(str(status.locked_message(locked)), "error")
        return redirect(url_for("villages.show", code=code))
    return save_report(ReportForm(report.village, report), report.village, report)


def save_report(form: ReportForm, village, report):
    """Log or correct a report from the form; say so when the village now qualifies."""
    if not form.validate_on_submit():
        return report_page(form, village, report)
    status_before = village.status
    stored = evidence.store(form.evidence.data) if form.evidence.data else None
    values = form.checked.values
    try:
        if report is None:
            service.log_report(current_user, village, values, stored)
        else:
            service.correct_report(current_user, report, values, stored)
    except service.Refused as refused:  # e.g. designated since the form was read
        refuse(form, refused.problems)
        return report_page(form, village, report)
    db.session.commit()
    flash(saved_message(village, status_before), "success")
    return redirect(url_for("villages.show", code=village.code))


def saved_message(village, status_before: str) -> str:
    """Saved; and whether the village now qualifies, or what it still misses."""
    if village.status == rules.Status.QUALIFYING != status_before:
        return _(
            "%(name)s meets the criteria: it is now qualifying.", name=village.title
        )
    judged = criteria.standing([village]).get(village.code)
    missing = why_not_yet(judged.verdicts) if judged else ""
    if village.status == rules.Status.REGISTERED and missing:
        return _("Report saved. Not qualifying yet: %(missing)s.", missing=missing)
    return _("Report saved.")


def report_page(form, village, report):
    return render_template(
        "villages/report_form.html",
        form=form,
        village=village,
        report=report,
        criteria=criteria.criteria_for(village.regency_code),
    ), form_status(form)


@bp.route("/<code>/reports/<int(max=2147483647):report_id>/evidence")
@login_required
def report_evidence(code: str, report_id: int):
    """The evidence file, only for those who may see the village."""
    report = access.get_report_or_404(current_user, code, report_id)
    path = evidence.path_of(report.evidence_file) if report.evidence_file else None
    if path is None or not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=report.evidence_type,
        as_attachment=True,
        download_name=report.evidence_name or "evidence",
    )
