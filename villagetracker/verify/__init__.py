"""Public verification of certificates: no login, nothing personal, rate-limited."""

from flask import Blueprint

bp = Blueprint("verify", __name__, url_prefix="/verify")

from . import routes  # noqa: E402,F401
