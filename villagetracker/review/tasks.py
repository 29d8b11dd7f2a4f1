"""The review area's work that the job worker does: designation criteria set, and
every village they govern judged again, in one transaction."""

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import status
from ..i18n import format_number
from ..jobs.service import kind


@kind("criteria.set")
def set_criteria(job, work) -> None:
    """Set the criteria the job was asked for and judge again every village they
    govern, all or nothing (the job commits once); its outcome says how many
    villages changed status, in the language of the one who asked."""
    changed = status.set_criteria(
        job.params["criteria"], job.params["regency_code"], work.say
    )
    job.outcome = {
        "message": ngettext(
            "Criteria saved; %(count)s village changed status.",
            "Criteria saved; %(count)s villages changed status.",
            changed,
            count=format_number(changed),
        ),
        "next": ["review.threshold", {}],
        "next_label": _("Back to the criteria"),
    }
