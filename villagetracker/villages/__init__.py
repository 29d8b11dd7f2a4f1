"""Villages: registration, worker potential, reports and their evidence."""

from flask import Blueprint, current_app

from .. import rules
from ..i18n import local_today

bp = Blueprint("villages", __name__, url_prefix="/villages")


@bp.app_template_global()
def needed(village, threshold_tenths: int) -> int:
    """More active participants the village needs, against its worker potential now:
    one rule for this figure on the village page and the close-to-threshold list."""
    return rules.participants_needed(
        village.active_participants or 0, village.worker_potential, threshold_tenths
    )


@bp.app_template_global()
def stale(village) -> bool:
    """The village's coverage is as of a report older than STALE_AFTER_MONTHS."""
    months = current_app.config["STALE_AFTER_MONTHS"]
    return rules.is_stale(village.latest_report_date, local_today(), months)


from . import routes  # noqa: E402,F401
