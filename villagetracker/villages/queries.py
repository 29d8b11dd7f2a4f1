"""What the village pages and lists read: filters and sorting over a ``select`` the
access module has scoped, the figures of the officer's home page, and what the
report rules need to know of a village."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import selectinload

from .. import access, rules, status
from ..extensions import db, plain_rows
from ..i18n import local_today
from ..models import Designation, Region, Report, User, Village, WorkerPotential

SORTS = ("coverage", "coverage_asc", "last_report", "name", "missing")
STATUSES = tuple(rules.Status)  # Python 3.11 cannot ask "text in Status"
CHUNK = 500  # codes per IN (...)


@dataclass
class VillageFacts:
    """What the report rules need to know of a village besides the report: loaded
    for one village by the form, for thousands at once by a spreadsheet import
    (``queries.village_facts``, ``queries.facts_of_villages``)."""

    potentials: list[tuple[date, int]]  # (as of, figure), oldest first
    locked: Designation | None  # the valid designation, whose reports are locked
    report_days: dict[date, int]  # the village's reports by date (at least those asked)
    kind: str = "desa"  # desa, desa_adat or kelurahan (rules.village_kind)

    def potential_on(self, day: date) -> int:
        return rules.potential_in_force(self.potentials, day)


@dataclass
class VillageFilters:
    area: str = ""  # a region code: kecamatan, regency or province
    status: str = ""
    band: str = ""
    q: str = ""
    sort: str = "name"
    overdue: bool = False
    close: bool = False  # from 75% coverage and not qualifying: the close list

    @classmethod
    def from_args(cls, args) -> "VillageFilters":
        """From a query string, ignoring whatever is not a known value."""
        area = args.get("area", "").strip()
        return cls(
            area=area if rules.is_region_code(area) else "",
            status=args.get("status")
            if args.get("status") in tuple(rules.Status)
            else "",
            band=args.get("band") if args.get("band") in (*rules.BANDS, "none") else "",
            q=args.get("q", "").strip()[:100],
            sort=args.get("sort") if args.get("sort") in SORTS else "name",
            overdue=args.get("stale") == "1",
        )

    def args(self, **changes) -> dict:
        """The query-string arguments for links that keep these filters."""
        values = {**self.__dict__, **changes}
        values["stale"] = "1" if values.pop("overdue") else ""
        values.pop("close")  # the close list's own page, not a filter to carry
        return {key: value for key, value in values.items() if value}


def filtered(query: Select, filters: VillageFilters) -> Select:
    query = status.with_thresholds(query)
    if filters.area:
        query = query.where(access.within(Village.code, filters.area))
    if filters.status:
        query = query.where(Village.status == filters.status)
    if filters.band == "none":
        query = query.where(Village.coverage_tenths.is_(None))
    elif filters.band:
        query = query.where(status.band_condition(filters.band))
    if filters.overdue:
        query = query.where(
            or_(
                Village.latest_report_date.is_(None),
                Village.latest_report_date <= rules.overdue_since(local_today()),
            )
        )
    if filters.q:
        query = query.where(_matching(filters.q))
    if filters.close:
        query = query.where(
            Village.status == rules.Status.REGISTERED,
            Village.coverage_tenths >= rules.CLOSE_FROM_TENTHS,
        )
    return query.order_by(*_order(filters.sort))


def _matching(text: str):
    if rules.CODE_PREFIX.match(text):
        return (Village.code >= text) & (Village.code < text + "~")
    names = select(Region.code).where(
        func.lower(Region.name).contains(text.lower(), autoescape=True),
        Region.level == "village",
    )
    return Village.code.in_(names)


def _order(sort: str) -> list:
    coverage = Village.coverage_tenths
    return {
        "coverage": [coverage.desc().nulls_last(), Village.code],
        "coverage_asc": [coverage.asc().nulls_first(), Village.code],
        # The longest without a report first: those are the ones to chase.
        "last_report": [Village.latest_report_date.asc().nulls_first(), Village.code],
        "name": [Village.code],
        # What the criteria still miss: participants, then officials not enrolled.
        "missing": [
            Village.participants_missing.asc().nulls_last(),
            Village.officials_missing.asc().nulls_last(),
            Village.code,
        ],
    }[sort]


def listed(user: User, filters: VillageFilters) -> Select[tuple[Village]]:
    """The villages of the user's scope that ``filters`` select, in their order."""
    return filtered(access.villages_visible_to(user), filters)


# --- The officer's home page ---


@dataclass
class Home:
    """What the home page shows of the user's scope."""

    areas: list[Region]
    counts: dict[str, int]  # regions by level: district, village
    status_counts: dict[str, int]
    review_waiting: int
    overdue: object  # a page of villages longest without a report
    overdue_filter: VillageFilters
    newest_qualifying: list[Village]
    returned: list[Village]

    @property
    def villages(self) -> list[Village]:
        return [*self.overdue.items, *self.newest_qualifying, *self.returned]


def home(user: User) -> Home:
    """The regions at the top of the user's scope and how many districts and villages
    lie inside; the villages by status; and the villages to act on."""
    visible = access.villages_visible_to(user)
    overdue_filter = VillageFilters(overdue=True, sort="last_report")
    return Home(
        areas=_areas(user),
        counts=_grouped(
            Region.level,
            Region.code,
            user,
            Region.level.in_(("district", "village")),
        ),
        status_counts=_grouped(Village.status, Village.code, user),
        review_waiting=db.session.scalar(
            select(func.count())
            .select_from(Village)
            .where(access.in_scope(user, Village.code), Village.awaits_review)
        ),
        overdue=db.paginate(
            filtered(visible, overdue_filter), page=1, per_page=10, error_out=False
        ),
        overdue_filter=overdue_filter,
        newest_qualifying=db.session.scalars(
            visible.where(Village.status == rules.Status.QUALIFYING)
            .order_by(Village.status_changed_at.desc())
            .limit(5)
        ).all(),
        # Sent back by the labour office: the officers see why until a new report.
        returned=db.session.scalars(
            visible.where(Village.returned_at.is_not(None))
            .order_by(Village.returned_at.desc())
            .limit(10)
        ).all(),
    )


def _areas(user: User) -> list[Region]:
    roots = access.scope_roots(user)
    if roots is None:
        query = select(Region).where(Region.level == "province")
    else:
        query = access.regions_visible_to(user).where(Region.code.in_(roots))
    return db.session.scalars(query.order_by(Region.code)).all()


def _grouped(column, code_column, user: User, *conditions) -> dict[str, int]:
    """How many rows of the user's scope have each value of ``column``."""
    query = (
        select(column, func.count())
        .where(access.in_scope(user, code_column), *conditions)
        .group_by(column)
    )
    return dict(db.session.execute(query).all())


# --- One village ---


@dataclass
class VillageRecord:
    """A village's history for its page: reports, potentials and designations."""

    reports: list[Report]
    potentials: list[WorkerPotential]
    designations: list[Designation]

    @property
    def valid_designation(self) -> Designation | None:
        return next((d for d in self.designations if d.is_valid), None)


def record_of(village: Village) -> VillageRecord:
    return VillageRecord(
        reports=reports_of(village),
        potentials=db.session.scalars(village.potentials()).all(),
        designations=db.session.scalars(
            village.designations().options(selectinload(Designation.superseded_by))
        ).all(),
    )


def reports_of(village: Village) -> list[Report]:
    """The village's reports, newest first."""
    return db.session.scalars(village.reports()).all()


def potential_pairs(village: Village) -> list[tuple[date, int]]:
    """(as of, figure) of every worker potential of the village, oldest first."""
    return [
        (p.as_of, p.worker_potential) for p in db.session.scalars(village.potentials())
    ]


def village_facts(village: Village) -> VillageFacts:
    days = select(Report.as_of, Report.id).where(Report.village_code == village.code)
    return VillageFacts(
        potentials=potential_pairs(village),
        locked=status.locking_designation(village),
        report_days=dict(db.session.execute(days).all()),
        kind=rules.village_kind(village.code),
    )


@dataclass
class Loaded:
    """The villages a file names that the uploader may see (their code, revision
    and return, as plain rows), what the report rules need of each, and their
    reports for the file's dates (plain rows of every column)."""

    villages: dict[str, Row]
    facts: dict[str, VillageFacts]
    reports: dict[tuple[str, date], Row]


# What an import needs of a village: its revision, and whether it was returned.
IMPORTED = (Village.code, Village.revision, Village.returned_at)


def facts_of_villages(user: User, codes: Iterable[str], days: set[date]) -> Loaded:
    """``village_facts`` for thousands of villages at once: a few queries of plain
    rows per 500 villages. The reports are read as the database has them now: when
    an import's confirmation checks again under the lock, a report corrected
    meanwhile shows its new values and time."""
    loaded = Loaded({}, {}, {})
    codes = sorted(set(codes))
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        query = access.villages_visible_to(user).where(Village.code.in_(chunk))
        for village in plain_rows(query.with_only_columns(*IMPORTED)):
            loaded.villages[village.code] = village
            kind = rules.village_kind(village.code)
            loaded.facts[village.code] = VillageFacts([], None, {}, kind)
        found = [code for code in chunk if code in loaded.villages]
        if found:
            _load_facts(loaded, found, days)
    return loaded


def _load_facts(loaded: Loaded, codes: list[str], days: set[date]) -> None:
    for code, as_of, figure in plain_rows(
        select(
            WorkerPotential.village_code,
            WorkerPotential.as_of,
            WorkerPotential.worker_potential,
        )
        .where(WorkerPotential.village_code.in_(codes))
        .order_by(WorkerPotential.village_code, WorkerPotential.as_of)
    ):
        loaded.facts[code].potentials.append((as_of, figure))
    for designation in db.session.scalars(
        select(Designation).where(
            Designation.village_code.in_(codes), Designation.state == rules.ACTIVE
        )
    ):
        loaded.facts[designation.village_code].locked = designation
    if not days:
        return
    table = Report.__table__
    for report in plain_rows(
        select(table).where(table.c.village_code.in_(codes), table.c.as_of.in_(days))
    ):
        loaded.facts[report.village_code].report_days[report.as_of] = report.id
        loaded.reports[report.village_code, report.as_of] = report


def reports_by_id(ids: list[int]) -> dict[int, Row]:
    """These reports as the database has them now, by id, as plain rows: a few
    queries however many."""
    found, table = {}, Report.__table__
    for start in range(0, len(ids), CHUNK):
        query = select(table).where(table.c.id.in_(ids[start : start + CHUNK]))
        found.update((report.id, report) for report in plain_rows(query))
    return found


def designated_since(codes: Iterable[str], since) -> set[str]:
    """Which of these villages have a designation made at or after ``since``."""
    codes, found = sorted(set(codes)), set()
    for start in range(0, len(codes), CHUNK):
        found.update(
            db.session.scalars(
                select(Designation.village_code).where(
                    Designation.village_code.in_(codes[start : start + CHUNK]),
                    Designation.designated_at >= since,
                )
            )
        )
    return found


# --- Changes of the worker potential, for the reviewer ---


@dataclass(frozen=True)
class PotentialChange:
    """One worker potential replacing the one before it (by their dates)."""

    before: int
    after: int
    as_of: date
    source: str
    recorded_at: datetime
    recorded_by: str | None

    @property
    def lowered(self) -> bool:
        return self.after < self.before


def watched_potential_changes(villages: list[Village]) -> dict[str, list]:
    """For each village, the changes of its worker potential a reviewer must see
    (``rules.potential_change_to_watch``), newest first, in one query."""
    figures: dict[str, list] = {village.code: [] for village in villages}
    query = (
        select(WorkerPotential, User.full_name)
        .outerjoin(User, User.id == WorkerPotential.recorded_by_id)
        .where(WorkerPotential.village_code.in_(list(figures)))
        .order_by(WorkerPotential.village_code, WorkerPotential.as_of)
    )
    for potential, name in db.session.execute(query):
        figures[potential.village_code].append((potential, name))
    watched = {}
    for village in villages:
        qualified = (
            village.status_changed_at.date()
            if village.status == rules.Status.QUALIFYING
            else None
        )
        changes = [
            PotentialChange(
                earlier.worker_potential,
                later.worker_potential,
                later.as_of,
                later.source,
                later.recorded_at,
                name,
            )
            for (earlier, _name), (later, name) in zip(
                figures[village.code], figures[village.code][1:], strict=False
            )
            if later.worker_potential != earlier.worker_potential
        ]
        watched[village.code] = [
            change
            for change in reversed(changes)
            if rules.potential_change_to_watch(
                change.before, change.after, change.recorded_at.date(), qualified
            )
        ]
    return watched
