"""Lists of the API a page at a time. A page ends where a cursor says the next one
starts (the last village's code, opaque to the caller), not at an offset: a
village registered or changed meanwhile neither repeats nor skips a row."""

import base64
import binascii

from flask_babel import lazy_gettext as _l
from flask_smorest import abort

from .. import rules
from ..extensions import db
from ..models import Village
from ..villages import queries as village_queries


def villages(user, args: dict) -> dict:
    # As the list page reads them; in code order (sort "name"): the cursor's.
    filters = village_queries.VillageFilters.from_args(args)
    query = village_queries.listed(user, filters)
    after = read_cursor(args.get("cursor"))
    if after is not None:
        query = query.where(Village.code > after)
    limit = args["limit"]
    found = db.session.scalars(query.limit(limit + 1)).all()
    more = len(found) > limit
    found = found[:limit]
    return {
        "items": [village_row(village) for village in found],
        "next_cursor": make_cursor(found[-1].code) if more else None,
    }


def village_row(village: Village) -> dict:
    return {
        "code": village.code,
        "name": village.name,
        "status": village.status,
        "worker_potential": village.worker_potential,
        "active_participants": village.active_participants,
        "coverage_percent": percent(village.coverage_tenths),
        "latest_report_date": village.latest_report_date,
    }


def percent(tenths: int | None) -> float | None:
    """A coverage kept in tenths of a percent (rounded down), as a percent."""
    return None if tenths is None else tenths / 10


def make_cursor(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


def read_cursor(cursor: str | None) -> str | None:
    """The code a cursor starts after; a cursor we did not make is a 422."""
    if not cursor:
        return None
    try:
        code = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        code = ""
    if not rules.is_region_code(code):
        abort(422, errors={"cursor": _l("Not a cursor of this list.")})
    return code


def certificate(designation) -> dict:
    """A designation as the public verification page shows it."""
    replaced = designation.superseded_by
    return {
        "number": designation.number,
        "valid": designation.is_valid,
        "state": designation.state,
        "province": designation.province_name,
        "regency": designation.regency_name,
        "district": designation.district_name,
        "village": designation.village_name,
        "village_kind": designation.village_kind,
        "designated_on": designation.designated_on,
        "coverage_percent": percent(designation.coverage_tenths),
        "active_participants": designation.active_participants,
        "worker_potential": designation.worker_potential,
        "report_as_of": designation.report_as_of,
        "issued_by": designation.office_name,
        "ended_on": designation.ended_at.date() if designation.ended_at else None,
        "end_reason": designation.end_reason,
        "replaced_by": replaced.number if replaced is not None else None,
    }
