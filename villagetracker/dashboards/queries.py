"""The roll-ups behind the dashboards: a scope's figures, its child regions' figures
and its designations over time. Each is one SQL aggregate over the rows the access
module lets the user see, never a loop over villages in Python."""

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, func, select

from .. import access, rules, status
from ..extensions import db
from ..models import (
    Designation,
    RegencySetting,
    Region,
    RegionPotential,
    Report,
    User,
    Village,
)

# Every status but the first counts villages of that status; "registered" counts all.
COUNTS = ("registered", *list(rules.Status)[1:])
TOTALS = ("worker_potential", "active_participants", "no_report")
BAND_COLUMNS = tuple("band_" + band for band in rules.BANDS)
FIGURES = (*COUNTS, *TOTALS, *BAND_COLUMNS)
CHILD_SORTS = ("name", *COUNTS, "worker_potential", "active_participants", "coverage")


@dataclass(frozen=True)
class Figures:
    registered: int = 0
    qualifying: int = 0
    designated: int = 0
    at_risk: int = 0
    worker_potential: int = 0  # the latest figure of every registered village
    active_participants: int = 0  # from each village's latest report (none: 0)
    no_report: int = 0  # registered villages without a report yet
    band_under_50: int = 0
    band_50_75: int = 0
    band_75_threshold: int = 0
    band_at_threshold: int = 0

    @classmethod
    def from_row(cls, row) -> "Figures":
        values = row._mapping
        return cls(**{name: int(values[name] or 0) for name in FIGURES})

    @property
    def coverage_tenths(self) -> int | None:
        """Active participants of all villages over their worker potential."""
        if not self.worker_potential:
            return None
        return rules.coverage_tenths(self.active_participants, self.worker_potential)

    @property
    def bands(self) -> dict[str, int]:
        return {band: getattr(self, "band_" + band) for band in rules.BANDS}

    @classmethod
    def total(cls, parts: list["Figures"]) -> "Figures":
        """The figures of regions that together make up a scope: their sums."""
        return cls(
            **{name: sum(getattr(part, name) for part in parts) for name in FIGURES}
        )


def _count_where(condition, label: str):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(label)


@functools.cache
def _figure_columns() -> tuple:
    """The aggregate columns of ``Figures``: built once, as they never change (building
    a dozen CASE expressions costs more than the regency's SQL itself)."""
    return (
        func.count(Village.code).label("registered"),
        *(_count_where(Village.status == s, s) for s in COUNTS[1:]),
        func.coalesce(func.sum(Village.worker_potential), 0).label("worker_potential"),
        func.coalesce(func.sum(Village.active_participants), 0).label(
            "active_participants"
        ),
        _count_where(Village.coverage_tenths.is_(None), "no_report"),
        *(
            _count_where(status.band_condition(band), "band_" + band)
            for band in rules.BANDS
        ),
    )


def _scoped(query: Select, user: User, region_code: str | None) -> Select:
    query = status.with_thresholds(query.select_from(Village))
    query = query.where(access.in_scope(user, Village.code))
    if region_code:
        query = query.where(access.within(Village.code, region_code))
    return query


def figures(user: User, region_code: str | None = None) -> Figures:
    """The figures of the villages in ``region_code`` (or the whole scope) that the
    user may see."""
    row = db.session.execute(_scoped(select(*_figure_columns()), user, region_code))
    return Figures.from_row(row.one())


def breakdown(user: User, region_code: str | None = None) -> dict[str, int]:
    """The active participants of the scope's villages by segment and by who pays,
    summed over each village's latest report, in one query."""
    names = (*rules.SEGMENTS, *rules.ALL_PAYERS)
    query = _scoped(
        select(*(func.coalesce(func.sum(getattr(Report, n)), 0) for n in names)),
        user,
        region_code,
    ).join(
        Report,
        and_(
            Report.village_code == Village.code,
            Report.as_of == Village.latest_report_date,
        ),
    )
    return dict(zip(names, map(int, db.session.execute(query).one()), strict=True))


# --- The child regions' table ---

# The column of a village that names its region at each level.
_REGION_OF_VILLAGE = {
    "province": func.substr(Village.code, 1, 2),
    "regency": Village.regency_code,
    "district": Village.district_code,
}
# Below a kecamatan come villages: ``villages_of`` lists them.
_LEVEL_BELOW = {"province": "regency", "regency": "district"}


@dataclass(frozen=True)
class Target:
    tenths: int
    day: date


@dataclass(frozen=True)
class ChildRegion:
    code: str
    name: str
    level: str
    kind: str | None
    figures: Figures
    target: Target | None
    potential: RegionPotential | None = None  # its own, which the target is of

    def progress(self, today: date) -> rules.TargetProgress | None:
        return target_progress(self.figures, self.target, self.potential, today)


def target_progress(
    figures: Figures, target: Target | None, potential, today: date
) -> rules.TargetProgress | None:
    """How far a region is from its target: its active participants over its own
    worker potential. None without a target or without that potential: the
    registered villages' potential alone would call a target reached that is not."""
    if target is None or potential is None:
        return None
    return rules.target_progress(
        figures.active_participants,
        potential.worker_potential,
        target.tenths,
        target.day,
        today,
    )


def child_regions(
    user: User, region: Region | None, sort: str = "name", descending: bool = False
) -> Select:
    """The regions one level below ``region`` (provinces below the country; for a
    user limited to some kecamatan, those kecamatan), each with its figures and its
    target, sorted in SQL. Regions without a registered village are listed too.

    They partition the scope: every visible village of ``region`` lies in one of
    them, so their figures add up to the scope's (``Figures.total``) and the one
    grouped scan serves both the table and the totals."""
    region_code = region.code if region is not None else None
    roots = access.scope_roots(user)
    if region is None and roots is None:
        children, level = Region.level == "province", "province"
    elif region is None:
        children = Region.code.in_(roots)
        level = rules.level_of(roots[0]) if roots else "district"
    else:
        children, level = Region.parent_code == region.code, _LEVEL_BELOW[region.level]
    key = _REGION_OF_VILLAGE[level]
    totals = (
        _scoped(select(key.label("code"), *_figure_columns()), user, region_code)
        .group_by(key)
        .subquery()
    )
    coverage = (
        totals.c.active_participants
        * rules.PER_TENTH
        / func.nullif(totals.c.worker_potential, 0)
    )
    order = {"name": Region.name, "coverage": coverage} | {
        name: func.coalesce(totals.c[name], 0) for name in CHILD_SORTS[1:-1]
    }
    column = order.get(sort, Region.name)
    column = column.desc().nulls_last() if descending else column.asc().nulls_first()
    return (
        select(
            Region.code,
            Region.name,
            Region.level,
            Region.kind,
            *(totals.c[name] for name in FIGURES),
            RegencySetting.target_tenths,
            RegencySetting.target_date,
        )
        .outerjoin(totals, totals.c.code == Region.code)
        .outerjoin(RegencySetting, RegencySetting.regency_code == Region.code)
        .where(children, access.in_scope(user, Region.code))
        .order_by(column, Region.code)
    )


def child_region(row, potential: RegionPotential | None = None) -> ChildRegion:
    return ChildRegion(
        code=row.code,
        name=row.name,
        level=row.level,
        kind=row.kind,
        figures=Figures.from_row(row),
        target=Target(row.target_tenths, row.target_date)
        if row.target_tenths
        else None,
        potential=potential,
    )


VILLAGE_SORTS = ("name", "worker_potential", "active_participants", "coverage")


def villages_of(user: User, district: Region, sort: str, descending: bool) -> Select:
    """The registered villages of a kecamatan: the bottom of the drill-down."""
    column = {
        "worker_potential": Village.worker_potential,
        "active_participants": Village.active_participants,
        "coverage": Village.coverage_tenths,
    }.get(sort, Village.code)
    column = column.desc().nulls_last() if descending else column.asc().nulls_first()
    return (
        access.villages_visible_to(user)
        .where(access.within(Village.code, district.code))
        .order_by(column, Village.code)
    )


# --- Designations over time ---


@dataclass(frozen=True)
class Month:
    start: date
    designated: int  # valid designations dated in this month
    total: int  # valid designations dated up to the end of this month


def first_of_months_back(today: date, months: int) -> date:
    """The first day of the month ``months - 1`` months before today's."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def designations_by_month(
    user: User, region_code: str | None, today: date, months: int = 12
) -> list[Month]:
    """Valid designations per month for the last ``months`` months, and the running
    total: the last total is the number of villages designated now. Counted per day in
    SQL (at most a year of days), then summed into months."""
    first = first_of_months_back(today, months)
    scoped = select(func.count()).select_from(Designation)
    conditions = [
        access.in_scope(user, Designation.village_code),
        Designation.state == rules.ACTIVE,
    ]
    if region_code:
        conditions.append(access.within(Designation.village_code, region_code))
    before = db.session.scalar(
        scoped.where(*conditions, Designation.designated_on < first)
    )
    per_day = db.session.execute(
        select(Designation.designated_on, func.count())
        .where(*conditions, Designation.designated_on >= first)
        .group_by(Designation.designated_on)
    ).all()
    counts: dict[date, int] = {}
    for day, count in per_day:
        start = day.replace(day=1)
        counts[start] = counts.get(start, 0) + count
    result, total = [], before
    for offset in range(months):
        start = first_of_months_back(today, months - offset)
        total += counts.get(start, 0)
        result.append(Month(start, counts.get(start, 0), total))
    return result


def target_of(regency_code: str) -> Target | None:
    setting = db.session.get(RegencySetting, regency_code)
    if setting is None or not setting.target_tenths:
        return None
    return Target(setting.target_tenths, setting.target_date)


# --- One dashboard page ---


@dataclass
class Overview:
    """What a dashboard shows of a scope: its figures, the regions below it (or, for
    a kecamatan, a query of its villages), its target and its months."""

    figures: Figures
    children: list[ChildRegion] | None
    villages: Select | None
    target: Target | None
    potential: RegionPotential | None  # the region's own worker potential
    progress: rules.TargetProgress | None
    months: list[Month]
    parts: dict[str, int]  # active participants by segment and by who pays


def overview(
    user: User, region: Region | None, sort: str, descending: bool, today: date
) -> Overview:
    """The dashboard of ``region`` (None: the user's whole scope)."""
    code = region.code if region is not None else None
    level = region.level if region is not None else None
    rows, villages = [], None
    if level == "district":
        villages = villages_of(user, region, sort, descending)
    else:
        # A few dozen regions at most (38 provinces; a regency's kecamatan): all of
        # them are read and summed into the scope's figures.
        rows = db.session.execute(child_regions(user, region, sort, descending)).all()
    # The region's own worker potential and its children's, in one query.
    codes = [row.code for row in rows] + ([code] if code else [])
    potentials = region_potentials(codes)
    if level == "district":
        children, totals = None, figures(user, code)
    else:
        children = [child_region(row, potentials.get(row.code)) for row in rows]
        totals = Figures.total([child.figures for child in children])
    target = target_of(code) if level == "regency" else None
    potential = potentials.get(code) if code else None
    progress = target_progress(totals, target, potential, today)
    months = designations_by_month(user, code, today)
    parts = breakdown(user, code)
    return Overview(
        totals, children, villages, target, potential, progress, months, parts
    )


def region_potentials(codes: list[str]) -> dict[str, RegionPotential]:
    """The latest worker potential of each of these regions that has one."""
    found = {}
    for potential in db.session.scalars(RegionPotential.latest_of(codes)):
        found[potential.region_code] = potential  # the latest comes last
    return found
