"""What the jobs' pages say of a job: its title by kind, and how far it is."""

from flask_babel import lazy_gettext as _l

from ..i18n import format_number
from . import bp

TITLES = {
    "reports.check": _l("Checking a spreadsheet of reports"),
    "reports.commit": _l("Importing reports"),
    "villages.check": _l("Checking a spreadsheet of villages"),
    "villages.commit": _l("Registering villages"),
    "certificates.one": _l("Making a certificate's PDF"),
    "certificates.batch": _l("Making a ceremony's certificates as a PDF"),
    "reports.export": _l("Writing the report history"),
    "daily": _l("The day's tidying"),
    "criteria.set": _l("Setting the designation criteria"),
}
STATES = {
    "queued": _l("Waiting for the job worker…"),
    "running": _l("Working…"),
    "done": _l("Done."),
    "failed": _l("Failed."),
}


@bp.app_template_global()
def job_title(job) -> str:
    return str(TITLES[job.kind])


@bp.app_template_global()
def job_state_text(job, done: int, total: int | None) -> str:
    """e.g. "Working… 4,500 of 10,000 (45%)": what the status line announces."""
    text = str(STATES[job.state])
    if job.state == "running" and total:
        text += " " + str(
            _l(
                "%(done)s of %(total)s (%(percent)s%%)",
                done=format_number(done),
                total=format_number(total),
                percent=done * 100 // total,
            )
        )
    return text
