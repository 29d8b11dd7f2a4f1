"""Accounts: logging in and out, sessions, login throttles, and the administrator's
pages for accounts."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import routes, sessions  # noqa: E402,F401  (registers the views on bp)
