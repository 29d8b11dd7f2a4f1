"""One way to page through a list, safe for whatever page number a URL carries."""

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from ..extensions import db

# Far beyond any real list (83,762 villages at 10 a page is 8,377 pages), and small
# enough that the offset never overflows a database integer.
MAX_PAGE = 100_000


def requested_page() -> int:
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def _page(per_page: int | None) -> dict:
    """The requested page: past the end it is empty, never an error."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    return {
        "page": requested_page(),
        "per_page": per_page,
        "max_per_page": per_page,
        "error_out": False,
    }


def paginate(query: Select, per_page: int | None = None):
    """The requested page of ``query``, a select of model objects."""
    return db.paginate(query, count=True, **_page(per_page))


class ListPagination(Pagination):
    """Pages of a list already in memory (a dashboard's child regions, summed in one
    pass)."""

    def _query_items(self) -> list:
        items = self._query_args["items"]
        return items[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list, per_page: int | None = None) -> ListPagination:
    return ListPagination(items=items, **_page(per_page))
