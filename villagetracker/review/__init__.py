"""The labour office's area: the review queue, its decisions on villages, and the
settings it works by (thresholds, signatories)."""

from flask import Blueprint

bp = Blueprint("review", __name__)

from . import decisions, routes, tasks  # noqa: E402,F401
