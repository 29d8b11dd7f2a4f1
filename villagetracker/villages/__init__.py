"""Villages: registration, worker potential, reports and their evidence."""

from flask import Blueprint, current_app

from .. import rules
from ..i18n import local_today

bp = Blueprint("villages", __name__, url_prefix="/villages")


@bp.app_template_global()
def stale(village) -> bool:
    """The village's coverage is as of a report older than STALE_AFTER_MONTHS."""
    months = current_app.config["STALE_AFTER_MONTHS"]
    return rules.is_stale(village.latest_report_date, local_today(), months)


from . import routes  # noqa: E402,F401
