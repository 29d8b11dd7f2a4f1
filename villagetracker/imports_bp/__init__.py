"""Loading reports from a spreadsheet: upload, preview, confirm."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from . import routes  # noqa: E402,F401
