from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import (
    access,
    designations,
    evidence,
    exports,
    listing,
    rules,
    services,
    spreadsheets,
)
from ..charts import coverage_chart
from ..errors import render_error
from ..extensions import db
from ..i18n import format_number, local_today
from ..models import Designation, Region
from ..pagination import paginate
from . import bp
from .forms import (
    ApproveForm,
    EndDesignationForm,
    PotentialForm,
    RegisterVillageForm,
    ReportForm,
    ReturnForm,
    VillageDetailsForm,
)


def _status(form) -> int:
    return 400 if form.errors else 200


def changed_meanwhile(form) -> None:
    """Someone changed the village between the form's check and its save (a reviewer's
    decision, another report): nothing was saved; say so above what was typed."""
    db.session.rollback()
    form.form_errors.append(str(designations.CHANGED))


def refuse(form, refused: services.Refused) -> None:
    """The rules refused the save as the village is now (checked under its lock):
    nothing was saved; the problems go next to their fields, above what was typed."""
    db.session.rollback()
    for name, message in refused.problems.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(str(message))
        else:
            field.errors = [*field.errors, str(message)]


def listed_villages(**fixed):
    """The filters in the query string (with ``fixed`` ones on top) and the villages
    of the user's scope they select: the list, its variants and its downloads."""
    filters = listing.VillageFilters.from_args(request.args)
    for name, value in fixed.items():
        setattr(filters, name, value)
    return filters, listing.filtered(access.villages_visible_to(current_user), filters)


@bp.route("/")
@login_required
def index():
    """The villages in the user's scope: filtered, searched, sorted, paginated."""
    filters, query = listed_villages()
    page = paginate(query)
    return render_template(
        "villages/index.html",
        page=page,
        filters=filters,
        districts=listing.district_choices(current_user),
        district_names=listing.district_names(page.items),
    )


@bp.route("/export.<any(csv, xlsx):kind>")
@login_required
def export(kind: str):
    """The villages the list's filter shows, with coverage and status."""
    filters, villages = listed_villages()
    header = spreadsheets.headers(spreadsheets.VILLAGE_COLUMNS)
    name = export_name(_("villages"), filters)
    rows = exports.village_rows(villages)
    if kind == "csv":
        return spreadsheets.csv_response(name, header, rows)
    return spreadsheets.xlsx_response(name, _("Villages"), header, rows)


@bp.route("/reports.<any(csv, xlsx):kind>")
@login_required
def export_reports(kind: str):
    """Every report of the villages the list's filter shows: the report history,
    in the columns the import reads."""
    filters, villages = listed_villages()
    query = exports.report_query(villages)
    header = spreadsheets.headers(spreadsheets.REPORT_COLUMNS)
    name = export_name(_("reports"), filters)
    if kind == "csv":
        return spreadsheets.csv_response(name, header, exports.report_rows(query))
    rows = exports.count(query)
    if rows >= spreadsheets.XLSX_MAX_ROWS:
        return render_error(
            400,
            _("Too many rows for a spreadsheet"),
            _(
                "%(rows)s reports are more than a spreadsheet holds. Narrow the "
                "filter, or download CSV.",
                rows=format_number(rows),
            ),
        )
    return spreadsheets.xlsx_response(
        name, _("Reports"), header, exports.report_rows(query)
    )


def export_name(what: str, filters) -> str:
    """e.g. desa-36-03-06-2026-11-21: what, the area, the day."""
    return spreadsheets.safe_name(f"{what} {filters.area} {local_today().isoformat()}")


@bp.route("/close")
@login_required
def close():
    """Villages from 75% up to their threshold, closest first, with how many more
    active participants each needs."""
    filters, query = listed_villages(band="75_threshold", sort="coverage")
    page = paginate(query)
    return render_template(
        "villages/close.html",
        page=page,
        filters=filters,
        districts=listing.district_choices(current_user),
        district_names=listing.district_names(page.items),
        thresholds=listing.thresholds_for(page.items),
    )


@bp.route("/register", methods=["GET", "POST"])
@login_required
def register():
    if not access.can_change_villages(current_user):
        abort(403)
    form = RegisterVillageForm(current_user)
    if request.method == "GET" and request.args.get("code"):
        form.region_code.data = request.args["code"][:13]
    if form.validate_on_submit():
        village = services.register_village(
            current_user,
            form.region_code.data,
            head_name=form.head_name.data,
            contact_phone=form.contact_phone.data,
            notes=form.notes.data,
            potential=form.potential(),
        )
        flash(_("%(name)s is registered.", name=village.name), "success")
        return redirect(url_for("villages.show", code=village.code))
    return render_template("villages/register.html", form=form), _status(form)


@bp.route("/<code>")
@login_required
def show(code: str):
    """A village: its figures, status, designations, report history, chart and audit
    trail; for the labour office, its decisions."""
    village = access.get_village_or_404(current_user, code)
    return village_page(village)


def village_page(village, status: int = 200, conflict: str | None = None, **failed):
    """The village page. A decision form that failed is passed in to show its errors
    and what was typed; if that decision no longer fits the village, the page says so
    instead. The other forms are made fresh."""
    reports = db.session.scalars(village.reports()).all()
    threshold = services.threshold_for(village.regency_code)
    designation_list = db.session.scalars(
        village.designations().options(selectinload(Designation.superseded_by))
    ).all()
    active = next((d for d in designation_list if d.is_valid), None)
    forms = {}
    if access.can_review(current_user):
        forms = decision_forms(village, active)
        if any(name not in forms for name in failed):
            conflict, status = conflict or str(designations.NOT_NOW), 409
        for name, form in failed.items():
            if name in forms:
                if conflict and hasattr(form, "seen"):
                    # Shown the village as it is now, the reviewer may decide again.
                    form.seen.data = str(village.revision)
                forms[name] = form
    return render_template(
        "villages/show.html",
        village=village,
        reports=reports,
        potentials=db.session.scalars(village.potentials()).all(),
        threshold=threshold,
        chart=coverage_chart(reports, threshold),
        trail=paginate(village.audit_trail()),
        context=listing.region_context(village.code),
        designations=designation_list,
        locked=active,
        conflict=conflict,
        **forms,
    ), status


def decision_forms(village, active) -> dict:
    """The forms the labour office may use on the village as it is now."""
    forms = {}
    seen = str(village.revision)
    if village.awaits_review:
        regency = db.session.get(Region, village.regency_code)
        defaults = designations.signatory_defaults(regency)
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


@bp.route("/<code>/details", methods=["GET", "POST"])
@login_required
def details(code: str):
    village = access.get_village_or_404(current_user, code, to_change=True)
    form = VillageDetailsForm(obj=village)
    if form.validate_on_submit():
        try:
            services.update_village_details(
                village,
                head_name=form.head_name.data,
                contact_phone=form.contact_phone.data,
                notes=form.notes.data,
            )
        except StaleDataError:
            changed_meanwhile(form)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("villages.show", code=village.code))
    return render_template(
        "villages/details.html", form=form, village=village
    ), _status(form)


@bp.route("/<code>/potential", methods=["GET", "POST"])
@login_required
def potential(code: str):
    """Record a new worker potential; the old ones stay in the history."""
    village = access.get_village_or_404(current_user, code, to_change=True)
    form = PotentialForm(village)
    if form.validate_on_submit():
        try:
            services.record_potential(current_user, village, form.potential())
        except services.Refused as refused:
            refuse(form, refused)
        else:
            flash(_("Worker potential recorded."), "success")
            return redirect(url_for("villages.show", code=village.code))
    return render_template(
        "villages/potential.html", form=form, village=village
    ), _status(form)


@bp.route("/<code>/reports/new", methods=["GET", "POST"])
@login_required
def new_report(code: str):
    village = access.get_village_or_404(current_user, code, to_change=True)
    form = ReportForm(village)
    return _save_report(form, village, None)


@bp.route(
    "/<code>/reports/<int(max=2147483647):report_id>/edit", methods=["GET", "POST"]
)
@login_required
def edit_report(code: str, report_id: int):
    """Correct a report. The old values stay in the audit trail."""
    report = access.get_report_or_404(current_user, code, report_id, to_change=True)
    locked = services.locking_designation(report.village)
    if locked is not None and report.as_of <= locked.report_as_of:
        flash(str(services.locked_message(locked)), "error")
        return redirect(url_for("villages.show", code=code))
    form = ReportForm(report.village, report)
    return _save_report(form, report.village, report)


def _save_report(form: ReportForm, village, report):
    if form.validate_on_submit():
        status_before = village.status
        stored = evidence.store(form.evidence.data) if form.evidence.data else None
        try:
            if report is None:
                services.log_report(current_user, village, form.values(), stored)
            else:
                services.correct_report(current_user, report, form.values(), stored)
        except services.Refused as refused:  # e.g. designated since the form was read
            refuse(form, refused)
        else:
            if village.status == rules.QUALIFYING != status_before:
                flash(
                    _(
                        "%(name)s reached the threshold: it is now qualifying.",
                        name=village.name,
                    ),
                    "success",
                )
            else:
                flash(_("Report saved."), "success")
            return redirect(url_for("villages.show", code=village.code))
    return render_template(
        "villages/report_form.html", form=form, village=village, report=report
    ), _status(form)


@bp.route("/<code>/reports/<int(max=2147483647):report_id>/evidence")
@login_required
def report_evidence(code: str, report_id: int):
    """The evidence file, only for those who may see the village."""
    report = access.get_report_or_404(current_user, code, report_id)
    if not report.evidence_file:
        abort(404)
    path = evidence.path_of(report.evidence_file)
    if not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=report.evidence_type,
        as_attachment=True,
        download_name=report.evidence_name or "evidence",
    )
