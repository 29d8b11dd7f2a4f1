"""Villages: registration, worker potential, reports and their evidence."""

from flask import Blueprint

from .. import rules

bp = Blueprint("villages", __name__, url_prefix="/villages")


@bp.app_template_global()
def needed(village, threshold_tenths: int) -> int:
    """More active participants the village needs, against its worker potential now:
    one rule for this figure on the village page and the close-to-threshold list."""
    return rules.participants_needed(
        village.active_participants or 0, village.worker_potential, threshold_tenths
    )


from . import routes  # noqa: E402,F401
