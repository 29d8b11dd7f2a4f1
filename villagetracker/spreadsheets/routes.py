"""Spreadsheets: the villages list and the report history downloaded, and reports or
villages to register loaded from a file (upload, preview, confirm)."""

from contextlib import nullcontext

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import access
from ..extensions import db
from ..i18n import local_today
from ..jobs import pages, service
from ..villages import queries as village_queries
from ..web.errors import render_error
from . import bp, checked, exports, files, formats, template
from .forms import UploadForm, VillagesUploadForm

# Each kind of upload's preview: its template, the lists it shows and the first
# one shown when the file has no problems.
PREVIEWS = {
    "reports": (
        "spreadsheets/preview.html",
        ("problems", "additions", "corrections"),
    ),
    "villages": ("spreadsheets/preview_villages.html", ("problems", "registrations")),
}


def listed_villages():
    """The filters in the query string and the villages of the user's scope they
    select: exactly what the villages list shows."""
    filters = village_queries.VillageFilters.from_args(request.args)
    return filters, village_queries.listed(current_user, filters)


def export_name(what: str, filters) -> str:
    """e.g. desa-36-03-06-2026-11-21: what, the area, the day."""
    return formats.safe_name(f"{what} {filters.area} {local_today().isoformat()}")


@bp.route("/villages/export.<any(csv, xlsx):kind>")
@login_required
def export_villages(kind: str):
    """The villages the list's filter shows, with coverage and status."""
    filters, villages = listed_villages()
    header = formats.headers(formats.VILLAGE_COLUMNS)
    name = export_name(_("villages"), filters)
    rows = exports.village_rows(villages)
    if kind == "csv":
        return formats.csv_response(name, header, rows)
    return formats.xlsx_response(name, _("Villages"), header, rows)


@bp.route("/villages/reports.<any(csv, xlsx):kind>")
@login_required
def export_reports(kind: str):
    """Every report of the villages the list's filter shows: the report history,
    in the columns the import reads. A long one is written by the job worker: this
    page offers to start it."""
    filters, villages = listed_villages()
    query = exports.report_query(villages)
    rows = exports.count(query)
    too_long = exports.too_long(kind, rows)
    if too_long:
        return render_error(400, _("Too many rows for a spreadsheet"), too_long)
    if rows > current_app.config["EXPORT_JOB_ROWS"]:
        return render_template(
            "spreadsheets/export_later.html", rows=rows, kind=kind, filters=filters
        )
    header = formats.headers(formats.REPORT_COLUMNS)
    name = export_name(_("reports"), filters)
    if kind == "csv":
        return formats.csv_response(name, header, exports.report_rows(query))
    rows = exports.report_rows(query)
    return formats.xlsx_response(name, _("Reports"), header, rows)


@bp.route("/villages/reports.<any(csv, xlsx):kind>", methods=["POST"])
@login_required
def export_reports_later(kind: str):
    """The report history written by the job worker, for its page to offer."""
    filters = village_queries.VillageFilters.from_args(request.form)
    name = export_name(_("reports"), filters)
    params = {"filters": filters.args(), "kind": kind, "name": name}
    return pages.start(service.submit("reports.export", current_user, **params))


@bp.route("/imports/", methods=["GET", "POST"])
@access.importers
def upload():
    """Upload a spreadsheet of reports; the preview follows, nothing is written."""
    page = "spreadsheets/upload.html"
    return keep_upload(UploadForm(), "reports", page)


def keep_upload(form, kind: str, template: str):
    """Keep an upload of this kind and have the job worker check it; its page shows
    the check's progress, then the preview. A form with errors: the page again."""
    if form.validate_on_submit():
        name = form.spreadsheet.data.filename
        pending = files.keep(current_user, name, form.content, kind=kind)
        job = service.submit(f"{kind}.check", current_user, pending=pending.id)
        pending.summary = {"job": job.token}
        return pages.start(job)
    return render_template(template, form=form), 400 if form.errors else 200


@bp.route("/imports/template.<any(csv, xlsx):kind>")
@access.importers
def template_file(kind: str):
    """The columns and an example row, in Indonesian or English (?lang=)."""
    return template_download(
        kind,
        template.TEMPLATE_COLUMNS,
        template.example_row,
        template.instructions,
        _l("report template"),
        _l("Reports"),
    )


def template_download(kind: str, columns, example, notes, name, sheet):
    """A template as CSV or XLSX (``notes`` on a second sheet), in the language the
    query string asks for (?lang=), else the reader's."""
    locale = request.args.get("lang")
    if locale not in current_app.config["LANGUAGES"]:
        locale = None
    with force_locale(locale) if locale else nullcontext():
        header = formats.headers(columns)
        rows = iter([example()])
        name = formats.safe_name(str(name))
        if kind == "csv":
            return formats.csv_response(name, header, rows)
        return formats.xlsx_response(name, str(sheet), header, rows, notes=notes())


@bp.route("/imports/<token>")
@access.importers
def preview(token: str):
    """What the kept file would do: rows to add and to correct, or every problem by
    row and column, as its check found them."""
    return preview_page(access.get_pending_import_or_404(current_user, token))


def preview_page(pending, status: int | None = None):
    """The preview of a kept upload, of its kind, showing one of its lists; while
    it is being checked, the check's job."""
    if pending.checked_at is None:
        return redirect(url_for("jobs.show", token=pending.summary["job"]))
    template, lists = PREVIEWS[pending.kind]
    check = checked.Summary.of(pending)
    shown = request.args.get("show")
    if shown not in lists:
        shown = lists[0] if check.problems else lists[1]
    page = checked.page(pending, shown)
    return render_template(
        template, pending=pending, check=check, shown=shown, page=page
    ), status or (400 if check.file_problem else 200)


@bp.route("/imports/<token>/commit", methods=["POST"])
@access.importers
def commit(token: str):
    """Have the job worker write the kept file's reports, all of them or none."""
    pending = access.get_pending_import_or_404(current_user, token)
    return confirm(pending, "reports.commit")


def confirm(pending, kind: str):
    """Queue the confirmation of a kept upload whose check allows it; else its
    preview again, nothing written."""
    if pending.checked_at is not None and not checked.Summary.of(pending).can_commit:
        flash(_("The file does not pass the checks. Nothing was written."), "error")
        return preview_page(pending, 409)
    return pages.start(service.submit(kind, current_user, pending=pending.id))


@bp.route("/imports/<token>/cancel", methods=["POST"])
@access.importers
def cancel(token: str):
    files.discard(access.get_pending_import_or_404(current_user, token))
    db.session.commit()
    flash(_("The upload is discarded. Nothing was written."), "success")
    return redirect(url_for(".upload"))


# --- Villages to register (by those who may register one through the form) ---


@bp.route("/imports/villages/", methods=["GET", "POST"])
@access.village_changers
def upload_villages():
    """Upload a spreadsheet of villages to register with their worker potential and
    officials; the preview follows, nothing is written."""
    page = "spreadsheets/upload_villages.html"
    return keep_upload(VillagesUploadForm(), "villages", page)


@bp.route("/imports/villages/template.<any(csv, xlsx):kind>")
@access.village_changers
def villages_template(kind: str):
    """The columns and an example row, in Indonesian or English (?lang=)."""
    return template_download(
        kind,
        formats.REGISTRATION_COLUMNS,
        template.village_example_row,
        template.village_instructions,
        _l("village registration template"),
        _l("Villages"),
    )


@bp.route("/imports/villages/<token>")
@access.village_changers
def preview_villages(token: str):
    """The villages the kept file would register, or every problem by row and
    column, as its check found them."""
    return preview_page(
        access.get_pending_import_or_404(current_user, token, "villages")
    )


@bp.route("/imports/villages/<token>/commit", methods=["POST"])
@access.village_changers
def commit_villages(token: str):
    """Have the job worker register the kept file's villages, all or none."""
    pending = access.get_pending_import_or_404(current_user, token, "villages")
    return confirm(pending, "villages.commit")


@bp.route("/imports/villages/<token>/cancel", methods=["POST"])
@access.village_changers
def cancel_villages(token: str):
    pending = access.get_pending_import_or_404(current_user, token, "villages")
    files.discard(pending)
    db.session.commit()
    flash(_("The upload is discarded. Nothing was written."), "success")
    return redirect(url_for(".upload_villages"))
