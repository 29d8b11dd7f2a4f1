"""One way to page through a list, safe for whatever page number a URL carries."""

from flask import current_app, request
from sqlalchemy import Select

from .extensions import db

# Far beyond any real list (83,762 villages at 10 a page is 8,377 pages), and small
# enough that the offset never overflows a database integer.
MAX_PAGE = 100_000


def requested_page() -> int:
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def paginate(query: Select, per_page: int | None = None):
    """The requested page of ``query``: past the end it is empty, never an error."""
    return db.paginate(
        query,
        page=requested_page(),
        per_page=per_page or current_app.config["PAGE_SIZE"],
        max_per_page=per_page or current_app.config["PAGE_SIZE"],
        error_out=False,
        count=True,
    )
