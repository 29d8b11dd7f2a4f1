"""Certificates drawn as PDFs by the job worker, one or a ceremony's batch: WeasyPrint
takes seconds and tens of megabytes, which a web worker should not hold."""

from datetime import date

from flask_babel import lazy_gettext as _l

from .. import access, rules
from ..extensions import db
from ..jobs import files
from ..jobs.service import Refused, kind
from ..models import Designation
from ..spreadsheets.formats import safe_name
from . import documents, queries

NO_LONGER_VALID = _l("No valid certificate was found: nothing was printed.")
NO_PDF = _l(
    "This server cannot make PDFs yet (it needs the Pango library). Use the print "
    "view and your browser's Print, or ask the administrator."
)


@kind("certificates.one")
def one(job, work) -> None:
    """The PDF of one certificate, if it is still valid and in its owner's scope."""
    query = access.designations_visible_to(job.user).where(
        Designation.id == job.params["designation"],
        Designation.state == rules.ACTIVE,
    )
    designation = db.session.scalar(query)
    if designation is None:
        raise Refused(NO_LONGER_VALID)
    name = f"piagam {designation.number} {designation.village.name}"
    draw(job, work, [designation], name, [designation.village_code], "pdf")


@kind("certificates.batch")
def batch(job, work) -> None:
    """Every valid certificate designated in the job's days in its owner's scope, as
    one PDF for a ceremony."""
    start, end, limit = job.params["start"], job.params["end"], job.params["limit"]
    query = queries.batch(job.user, date.fromisoformat(start), date.fromisoformat(end))
    found = queries.first_of_batch(query, limit)
    if len(found) > limit:
        raise Refused(
            _l("More than %(limit)s certificates: choose fewer days.", limit=limit)
        )
    if not found:
        raise Refused(NO_LONGER_VALID)
    roots = access.scope_roots(job.user)
    draw(
        job,
        work,
        found,
        f"piagam {start} {end}",
        roots,
        "batch_pdf",
        start=start,
        end=end,
    )


def draw(job, work, designations, name, roots, form, **details) -> None:
    """Draw the certificates into the job's file (of data of ``roots``), and record
    the printing in the audit trail with the file."""
    work.say(0, len(designations))
    try:
        with files.writing(
            job, safe_name(name), "pdf", "application/pdf", roots
        ) as path:
            documents.pdf(designations, path, work.say, job.params["site"])
    except documents.PdfUnavailable:
        raise Refused(NO_PDF) from None
    documents.record_print(designations, form, **details)
