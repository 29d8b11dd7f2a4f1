"""Figures for each scope, from the country down to a kecamatan, and regency targets."""

from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/dashboard")

from . import routes  # noqa: E402,F401
