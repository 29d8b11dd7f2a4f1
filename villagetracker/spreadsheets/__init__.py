"""Spreadsheets: exports of the villages list and the report history, and imports of
reports with their template. Reading an upload is bounded before it is expensive
(``limits``, ``reading``, ``workbook`` and its ``sheet_reader`` process)."""

from datetime import date

from flask import Blueprint
from flask_babel import format_date

bp = Blueprint("spreadsheets", __name__)


@bp.app_template_filter("iso_date")
def iso_date(text: str | None) -> str:
    """A date kept as text (an import's checked row), as the reader writes dates."""
    return format_date(date.fromisoformat(text)) if text else ""


from . import routes, tasks  # noqa: E402,F401
