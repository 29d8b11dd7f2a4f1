"""Certificates (piagam): the print view, the PDF, batches for a ceremony, and the
public verification that their QR codes lead to."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import routes, tasks  # noqa: E402,F401
