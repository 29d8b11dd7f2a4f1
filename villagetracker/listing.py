"""Filtering, sorting and labelling lists of villages: query builders over a ``select``
that the access module has already scoped."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, and_, func, or_, select

from . import access, rules, services
from .extensions import db
from .i18n import local_today
from .models import ProgrammeSetting, RegencySetting, Region, User, Village

SORTS = ("coverage", "coverage_asc", "last_report", "name")
STALE_DAYS = 30


@dataclass
class VillageFilters:
    area: str = ""  # a region code: kecamatan, regency or province
    status: str = ""
    band: str = ""
    q: str = ""
    sort: str = "name"
    stale: bool = False

    @classmethod
    def from_args(cls, args) -> "VillageFilters":
        """From a query string, ignoring whatever is not a known value."""
        area = args.get("area", "").strip()
        return cls(
            area=area if rules.is_region_code(area) else "",
            status=args.get("status") if args.get("status") in rules.STATUSES else "",
            band=args.get("band") if args.get("band") in (*rules.BANDS, "none") else "",
            q=args.get("q", "").strip()[:100],
            sort=args.get("sort") if args.get("sort") in SORTS else "name",
            stale=args.get("stale") == "1",
        )

    def args(self, **changes) -> dict:
        """The query-string arguments for links that keep these filters."""
        values = {**self.__dict__, **changes}
        values["stale"] = "1" if values["stale"] else ""
        return {key: value for key, value in values.items() if value}


def effective_threshold():
    """SQL: the threshold in force for each village (its regency's, else the
    programme's). Needs the outer join that ``filtered`` adds."""
    national = select(ProgrammeSetting.threshold_tenths).where(ProgrammeSetting.id == 1)
    return func.coalesce(
        RegencySetting.threshold_tenths,
        national.scalar_subquery(),
        rules.DEFAULT_THRESHOLD_TENTHS,
    )


def with_thresholds(query: Select) -> Select:
    """The join that ``effective_threshold`` and ``band_condition`` need."""
    return query.outerjoin(
        RegencySetting, RegencySetting.regency_code == Village.regency_code
    )


def filtered(query: Select, filters: VillageFilters) -> Select:
    query = with_thresholds(query)
    if filters.area:
        query = query.where(access.within(Village.code, filters.area))
    if filters.status:
        query = query.where(Village.status == filters.status)
    if filters.band == "none":
        query = query.where(Village.coverage_tenths.is_(None))
    elif filters.band:
        query = query.where(band_condition(filters.band))
    if filters.stale:
        cutoff = local_today() - timedelta(days=STALE_DAYS)
        query = query.where(
            or_(
                Village.latest_report_date.is_(None),
                Village.latest_report_date <= cutoff,
            )
        )
    if filters.q:
        text = filters.q
        if rules.CODE_PREFIX.match(text):
            query = query.where(Village.code >= text, Village.code < text + "~")
        else:
            names = select(Region.code).where(
                func.lower(Region.name).contains(text.lower(), autoescape=True),
                Region.level == "village",
            )
            query = query.where(Village.code.in_(names))
    return query.order_by(*_order(filters.sort))


def band_condition(band: str):
    """SQL: the village's latest coverage is in ``band`` (rules.coverage_band)."""
    coverage, threshold = Village.coverage_tenths, effective_threshold()
    return {
        "under_50": coverage < 500,
        "50_75": and_(coverage >= 500, coverage < rules.CLOSE_FROM_TENTHS),
        "75_threshold": and_(coverage >= rules.CLOSE_FROM_TENTHS, coverage < threshold),
        "at_threshold": coverage >= threshold,
    }[band]


def _order(sort: str) -> list:
    coverage = Village.coverage_tenths
    return {
        "coverage": [coverage.desc().nulls_last(), Village.code],
        "coverage_asc": [coverage.asc().nulls_first(), Village.code],
        # The longest without a report first: those are the ones to chase.
        "last_report": [Village.latest_report_date.asc().nulls_first(), Village.code],
        "name": [Village.code],
    }[sort]


def district_choices(user: User) -> list[Region] | None:
    """The kecamatan a user can filter by, or None when the scope is too large for a
    list (an admin types a region code instead)."""
    roots = access.scope_roots(user)
    if roots is None:
        return None
    return list(
        db.session.scalars(
            access.regions_visible_to(user)
            .where(Region.level == "district")
            .order_by(Region.name)
        )
    )


def names_of(codes) -> dict[str, str]:
    """Region names for a set of codes, in one query."""
    codes = set(codes)
    if not codes:
        return {}
    query = select(Region.code, Region.name).where(Region.code.in_(codes))
    return dict(db.session.execute(query).all())


def district_names(villages: list[Village]) -> dict[str, str]:
    return names_of(village.district_code for village in villages)


def thresholds_for(villages: list[Village]) -> dict[str, int]:
    """The threshold in force for each regency among ``villages``, in one query."""
    return services.thresholds_by_regency(
        {village.regency_code for village in villages}
    )


def region_context(code: str) -> list[tuple[str, str]]:
    """(code, name) of the regions above ``code``, from the province down."""
    ancestors = rules.ancestor_codes(code)
    names = names_of(ancestors)
    return [(ancestor, names[ancestor]) for ancestor in ancestors if ancestor in names]
