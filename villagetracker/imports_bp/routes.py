from contextlib import nullcontext

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms.validators import ValidationError

from .. import access, imports, spreadsheets
from ..extensions import db
from ..pagination import paginate_list
from . import bp

LISTS = ("problems", "additions", "corrections")


class UploadForm(FlaskForm):
    spreadsheet = FileField(
        _l("Spreadsheet (CSV or XLSX)"),
        description=_l("With the template's columns, at most 20,000 rows."),
        render_kw={"accept": ".csv,.xlsx"},
    )

    def validate_spreadsheet(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            raise ValidationError(_l("Choose a file."))
        limit = current_app.config["IMPORT_MAX_BYTES"]
        self.content = upload.read(limit + 1)
        if len(self.content) > limit:
            raise ValidationError(
                _l("The file is larger than %(size)s MB.", size=limit // 1024 // 1024)
            )
        _, problem = imports.read(upload.filename, self.content)
        if problem:
            raise ValidationError(problem)


def importer_only() -> None:
    if not access.can_import_reports(current_user):
        abort(403)


@bp.route("/", methods=["GET", "POST"])
@login_required
def upload():
    """Upload a spreadsheet of reports; the preview follows, nothing is written."""
    importer_only()
    form = UploadForm()
    if form.validate_on_submit():
        pending = imports.keep(
            current_user, form.spreadsheet.data.filename, form.content
        )
        return redirect(url_for(".preview", token=pending.token))
    status = 400 if form.errors else 200
    return render_template("imports/upload.html", form=form), status


@bp.route("/template.<any(csv, xlsx):kind>")
@login_required
def template(kind: str):
    """The columns and an example row, in Indonesian or English (?lang=)."""
    importer_only()
    locale = request.args.get("lang")
    if locale not in current_app.config["LANGUAGES"]:
        locale = None
    with force_locale(locale) if locale else nullcontext():
        header = spreadsheets.headers(imports.TEMPLATE_COLUMNS)
        rows = [imports.example_row()]
        name = spreadsheets.safe_name(_("report template"))
        if kind == "csv":
            return spreadsheets.csv_response(name, header, iter(rows))
        return spreadsheets.xlsx_response(
            name, _("Reports"), header, iter(rows), notes=imports.instructions()
        )


@bp.route("/<token>")
@login_required
def preview(token: str):
    """What the kept file would do: rows to add and to correct, or every problem by
    row and column. Checked again on each view, against the data as it is now."""
    importer_only()
    pending = access.get_pending_import_or_404(current_user, token)
    check = imports.check(current_user, pending.filename, pending.content)
    return preview_page(pending, check)


def preview_page(pending, check, status: int = 200):
    shown = request.args.get("show")
    if shown not in LISTS:
        shown = "problems" if check.problems else "additions"
    return render_template(
        "imports/preview.html",
        pending=pending,
        check=check,
        shown=shown,
        page=paginate_list(getattr(check, shown)),
    ), status


@bp.route("/<token>/commit", methods=["POST"])
@login_required
def commit(token: str):
    importer_only()
    pending = access.get_pending_import_or_404(current_user, token)
    try:
        check = imports.commit(current_user, pending)
    except (StaleDataError, IntegrityError):  # a report or decision came meanwhile
        db.session.rollback()
        flash(
            _(
                "Some villages changed meanwhile. Nothing was written: check the "
                "preview and confirm again."
            ),
            "error",
        )
        return redirect(url_for(".preview", token=token))
    if check.conflicts:
        # What they now see is the preview to confirm: it is checked from here on.
        imports.seen(pending)
        flash(imports.conflicts_message(check.conflicts), "error")
        return redirect(url_for(".preview", token=token))
    if not check.can_commit:
        flash(_("The file no longer passes the checks. Nothing was written."), "error")
        return preview_page(pending, check, 409)
    flash(
        _(
            "Imported: %(added)s reports added, %(corrected)s corrected.",
            added=len(check.additions),
            corrected=len(check.corrections),
        )
        + (
            " "
            + ngettext(
                "%(num)s village now qualifies.",
                "%(num)s villages now qualify.",
                check.now_qualifying,
            )
            if check.now_qualifying
            else ""
        ),
        "success",
    )
    return redirect(url_for("villages.index", sort="last_report"))


@bp.route("/<token>/cancel", methods=["POST"])
@login_required
def cancel(token: str):
    importer_only()
    imports.discard(access.get_pending_import_or_404(current_user, token))
    flash(_("The upload is discarded. Nothing was written."), "success")
    return redirect(url_for(".upload"))
