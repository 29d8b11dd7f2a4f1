"""Jobs: long work done by the job worker instead of a web request (an import's check
and confirmation, batch certificates, large exports, villages judged again after a
criteria change), each with a page that shows its progress and its outcome, and the
list of one's own jobs."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from . import routes, texts  # noqa: E402,F401
