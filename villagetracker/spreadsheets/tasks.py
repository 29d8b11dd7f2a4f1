"""The spreadsheets' work that the job worker does: an upload checked and kept for its
preview, then confirmed (reports, or villages to register); and exports too large to
send at once."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import access
from ..extensions import db
from ..i18n import format_number
from ..jobs import files
from ..jobs.service import Refused, kind
from ..models import PendingImport
from ..villages import queries as village_queries
from . import checked, confirmation, exports, formats, imports, registrations

# Each kind of upload: its check's module, its preview's endpoint.
UPLOADS = {
    "reports": (imports, "spreadsheets.preview"),
    "villages": (registrations, "spreadsheets.preview_villages"),
}


CHANGED_MEANWHILE = _l("Some villages changed meanwhile.")


def kept_upload(job) -> PendingImport:
    pending = db.session.get(PendingImport, job.params["pending"])
    if pending is None or pending.user_id != job.user_id:
        raise Refused(_("The upload is no longer kept (after a day, or discarded)."))
    return pending


@kind("reports.check")
@kind("villages.check")
def check_upload(job, work) -> None:
    """Read and check every row of an upload, and keep what was found."""
    pending = kept_upload(job)
    preview = check_and_keep(job, pending, work)
    job.outcome = {"next": preview, "follow": True}


def check_and_keep(job, pending: PendingImport, work) -> list:
    """Check every row of the upload as things are now and keep what was found;
    the preview's page (endpoint and values) that shows it."""
    module, preview = UPLOADS[pending.kind]
    found = module.keep_check(job.user, pending, work.say)
    if found.file_problem:  # its page says why; nothing of the file is kept
        pending.content = b""
    return [preview, {"token": pending.token}]


@kind("reports.commit")
def commit_reports(job, work) -> None:
    """Write the checked reports, all or none."""
    pending = kept_upload(job)
    if checked.Summary.of(pending).can_commit:
        try:
            result = confirmation.commit(job.user, pending, work.say)
        except (StaleDataError, IntegrityError):  # a report or decision meanwhile
            _refused(job, pending, CHANGED_MEANWHILE, work)
            return
        if result.can_commit:
            job.outcome = {
                "message": imported_message(result),
                "next": ["villages.index", {"sort": "last_report"}],
                "next_label": _("See the villages"),
            }
            return
        if result.conflicts:
            _refused(
                job, pending, confirmation.conflicts_message(result.conflicts), work
            )
            return
    _refused(job, pending, _("The file no longer passes the checks."), work)


@kind("villages.commit")
def commit_villages(job, work) -> None:
    """Register the file's villages, all or none."""
    pending = kept_upload(job)
    try:
        result = registrations.commit(job.user, pending)
    except IntegrityError:  # one of them registered meanwhile (PostgreSQL)
        _refused(job, pending, CHANGED_MEANWHILE, work)
        return
    if not result.can_commit:
        _refused(job, pending, _("The file no longer passes the checks."), work)
        return
    registered = len(result.registrations)
    job.outcome = {
        "message": ngettext(
            "%(count)s village registered.",
            "%(count)s villages registered.",
            registered,
            count=format_number(registered),
        ),
        "next": ["villages.index", {}],
        "next_label": _("See the villages"),
    }


def _refused(job, pending: PendingImport, why: str, work) -> None:
    """Nothing was written: the file is checked again as things are now, and the
    preview shows it."""
    db.session.rollback()
    preview = check_and_keep(job, pending, work)
    job.outcome = {
        "message": str(why) + " " + _("Nothing was written: check the preview."),
        "failed": True,
        "next": preview,
        "next_label": _("See the preview"),
    }


def imported_message(check) -> str:
    """What the import's job page says it did, its numbers written as the pages
    around it write them (10.000 in Indonesian)."""
    message = _(
        "Imported: %(added)s reports added, %(corrected)s corrected.",
        added=format_number(check.added),
        corrected=format_number(check.corrected),
    )
    if check.now_qualifying:
        message += " " + ngettext(
            "%(count)s village now qualifies.",
            "%(count)s villages now qualify.",
            check.now_qualifying,
            count=format_number(check.now_qualifying),
        )
    return message


@kind("reports.export")
def export_reports(job, work) -> None:
    """The report history of the villages a list's filter shows, too long to send at
    once, written to a file its owner downloads from the job's page."""
    filters = village_queries.VillageFilters.from_args(job.params["filters"])
    query = exports.report_query(village_queries.listed(job.user, filters))
    total = exports.count(query)
    kind, name = job.params["kind"], job.params["name"]
    too_long = exports.too_long(kind, total)  # asked for by a POST of its own
    if too_long:
        raise Refused(too_long)
    work.say(0, total)
    rows = exports.report_rows(query, work.say)
    header = formats.headers(formats.REPORT_COLUMNS)
    mimetype = formats.CSV_TYPE if kind == "csv" else formats.XLSX_TYPE
    with files.writing(job, name, kind, mimetype, roots(job.user, filters)) as path:
        if kind == "csv":
            formats.write_csv(path, header, rows)
        else:
            formats.write_xlsx(path, _("Reports"), header, rows)
    work.say(total)


def roots(user, filters) -> list[str] | None:
    """The regions whose data an export holds: the filter's area, or the user's
    whole scope when the area is wider than it (or none is chosen)."""
    if filters.area and access.code_in_scope(user, filters.area):
        return [filters.area]
    return access.scope_roots(user)
