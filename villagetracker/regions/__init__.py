"""Finding and browsing the official regions within one's own scope."""

from flask import Blueprint

bp = Blueprint("regions", __name__, url_prefix="/regions")

from . import routes  # noqa: E402,F401
