"""The villages list and the report history as spreadsheets: exactly the villages a
list's filter shows (a select the access module has scoped), read from the database
in batches as the download is written."""

from collections.abc import Iterator
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import STATUS_LABELS, format_number
from ..models import Region, Report, Village
from ..rules import village_title
from . import formats
from .formats import REPORT_COLUMNS

BATCH = 2000
# A report's own columns, in the order of formats.REPORT_COLUMNS.
REPORT_FIGURES = tuple(
    column.key
    for column in REPORT_COLUMNS
    if column.key not in ("code", "village", "coverage", "notes")
)


def _stream(query: Select):
    return db.session.execute(query.execution_options(yield_per=BATCH))


def _percent(tenths: int | None) -> Decimal | None:
    return None if tenths is None else Decimal(tenths).scaleb(-1)  # 910 -> 91.0


def _names(level: str) -> dict[str, str]:
    query = select(Region.code, Region.name).where(Region.level == level)
    return dict(db.session.execute(query).all())


def village_rows(villages: Select) -> Iterator[tuple]:
    """One row per village of ``villages`` (a filtered ``select(Village)``), in its
    order, with the columns of formats.VILLAGE_COLUMNS."""
    place, district = aliased(Region), aliased(Region)
    query = (
        villages.with_only_columns(
            Village.code,
            place.name,
            district.name,
            Village.regency_code,
            Village.worker_potential,
            Village.active_participants,
            Village.coverage_tenths,
            Village.status,
            Village.latest_report_date,
        )
        .join(place, place.code == Village.code)
        .join(district, district.code == Village.district_code)
    )
    # Regencies and provinces are few (514 and 38): named from one small query each
    # instead of two more joins on every row.
    regencies, provinces = _names("regency"), _names("province")
    statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
    for row in _stream(query):
        yield (
            row[0],
            village_title(row[0], row[1]),
            row[2],
            regencies.get(row[3], ""),
            provinces.get(row[0][:2], ""),
            row[4],
            row[5],
            _percent(row[6]),
            statuses[row[7]],
            row[8],
        )


def report_query(villages: Select) -> Select:
    """Every report of the villages in ``villages``, village by village, oldest
    first."""
    codes = villages.with_only_columns(Village.code).order_by(None)
    place = aliased(Region)
    return (
        select(
            Report.village_code,
            place.name,
            *(getattr(Report, name) for name in REPORT_FIGURES),
            Report.coverage_tenths,
            Report.notes,
        )
        .join(place, place.code == Report.village_code)
        .where(Report.village_code.in_(codes.scalar_subquery()))
        .order_by(Report.village_code, Report.as_of)
    )


def too_long(kind: str, rows: int) -> str | None:
    """Why ``rows`` reports cannot be a file of ``kind``, if they cannot: more than a
    spreadsheet holds."""
    if kind != "xlsx" or rows < formats.XLSX_MAX_ROWS:
        return None
    return _(
        "%(rows)s reports are more than a spreadsheet holds. Narrow the filter, "
        "or download CSV.",
        rows=format_number(rows),
    )


def count(query: Select) -> int:
    return db.session.scalar(
        select(func.count()).select_from(query.order_by(None).subquery())
    )


def report_rows(query: Select, say=None) -> Iterator[tuple]:
    """The rows of ``report_query``, with the columns of formats.REPORT_COLUMNS;
    ``say(rows so far)`` at each batch, for a job's progress."""
    for count, row in enumerate(_stream(query), start=1):
        code, name, *figures, coverage, notes = row
        yield (
            code,
            village_title(code, name),
            *figures,
            _percent(coverage),
            notes or "",
        )
        if say and count % BATCH == 0:
            say(count)
