"""What region pages and lists read: searches within a scope and region names; and
which villages of the official list a user may register."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from .. import access, rules
from ..extensions import db
from ..models import Region, User, Village

CHUNK = 500  # codes per IN (...)


def search(query: Select, text: str, level: str | None = None) -> Select:
    """Narrow a ``select`` of regions (already scoped by the access module) to those
    whose code starts with ``text`` or whose name contains it, largest regions first."""
    text = text.strip()
    if rules.CODE_PREFIX.match(text):
        # A code prefix: a range on the primary key, served by its index.
        query = query.where(Region.code >= text, Region.code < text + "~")
    else:
        query = query.where(
            func.lower(Region.name).contains(text.lower(), autoescape=True)
        )
    if level in rules.LEVELS:
        query = query.where(Region.level == level)
    return query.order_by(func.length(Region.code), Region.name, Region.code)


def context_labels(found: Iterable[Region]) -> dict[str, str]:
    """For each region, the names above it, nearest first ('Kresek, Kabupaten Tangerang,
    Banten'), read in one query for a whole page of regions."""
    found = list(found)
    wanted = {code for region in found for code in rules.ancestor_codes(region.code)}
    names = {}
    if wanted:
        query = select(Region.code, Region.name).where(Region.code.in_(wanted))
        names = dict(db.session.execute(query).all())
    return {
        region.code: ", ".join(
            names[code]
            for code in reversed(rules.ancestor_codes(region.code))
            if code in names
        )
        for region in found
    }


def names_of(codes) -> dict[str, str]:
    """Region names for a set of codes, in one query."""
    codes = set(codes)
    if not codes:
        return {}
    query = select(Region.code, Region.name).where(Region.code.in_(codes))
    return dict(db.session.execute(query).all())


def district_names(villages: list[Village]) -> dict[str, str]:
    """The kecamatan of each village in a list, by code."""
    return names_of(village.district_code for village in villages)


def region_context(code: str) -> list[tuple[str, str]]:
    """(code, name) of the regions above ``code``, from the province down."""
    ancestors = rules.ancestor_codes(code)
    names = names_of(ancestors)
    return [(ancestor, names[ancestor]) for ancestor in ancestors if ancestor in names]


def district_choices(user: User) -> list[Region] | None:
    """The kecamatan a user can filter by, or None when the scope is too large for a
    list (an admin types a region code instead)."""
    if access.scope_roots(user) is None:
        return None
    return list(
        db.session.scalars(
            access.regions_visible_to(user)
            .where(Region.level == "district")
            .order_by(Region.name)
        )
    )


def children_in_scope(user: User, region: Region) -> Select[tuple[Region]]:
    """The regions directly below ``region`` that the user may see."""
    return region.children().where(access.in_scope(user, Region.code))


def registered_among(user: User, regions: list[Region]) -> set[str]:
    """The codes of ``regions`` that are villages registered in the programme."""
    query = (
        access.villages_visible_to(user)
        .where(Village.code.in_([region.code for region in regions]))
        .with_only_columns(Village.code)
    )
    return set(db.session.scalars(query))


@dataclass
class Registrable:
    """What the registration rule (``villages.validation.registration_problems``)
    needs to know of some codes, for one user: which are villages in their scope,
    and which of those are registered in the programme already."""

    villages: dict[str, Region]  # by code
    registered: set[str]


def registrable(user: User, codes: Iterable[str]) -> Registrable:
    """The registration rule's facts for one code (the form) or for a whole file at
    once: two queries per 500 codes, however many rows a file has."""
    found = Registrable({}, set())
    codes = sorted(set(codes))
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        # The level is told in Python: asked in SQL, SQLite takes the index on
        # (level, name) and reads all 83,762 villages instead of 500 by code.
        regions = access.regions_visible_to(user).where(Region.code.in_(chunk))
        found.villages.update(
            (region.code, region)
            for region in db.session.scalars(regions)
            if region.level == "village"
        )
        registered = select(Village.code).where(Village.code.in_(chunk))
        found.registered.update(db.session.scalars(registered))
    return found


def first_matches(user: User, text: str, level: str | None, limit: int):
    """The type-ahead's answer: at most ``limit`` regions in scope matching ``text``."""
    query = search(access.regions_visible_to(user), text, level).limit(limit)
    return list(db.session.scalars(query))
