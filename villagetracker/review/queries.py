"""What the labour office's pages read: the review lists and what each row shows."""

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import joinedload

from .. import access, rules
from ..extensions import db
from ..models import Designation, RegencySetting, Report, User, Village

# The review lists, each a condition on the villages and its order.
LISTS = {
    "queue": (Village.awaits_review, (Village.status_changed_at, Village.code)),
    # The code breaks ties, so that pages neither repeat nor skip a village.
    "returned": (
        Village.returned_at.is_not(None),
        (Village.returned_at.desc(), Village.code),
    ),
    "at_risk": (
        Village.status == rules.Status.AT_RISK,
        (Village.coverage_tenths, Village.code),
    ),
    "designated": (
        Village.status.in_([rules.Status.DESIGNATED, rules.Status.AT_RISK]),
        (Village.status_changed_at.desc(), Village.code),
    ),
}


def review_list(user: User, which: str) -> Select[tuple[Village]]:
    """The villages of one review list in the user's scope, in its order."""
    condition, order = LISTS[which]
    return access.villages_visible_to(user).where(condition).order_by(*order)


def list_counts(user: User) -> dict[str, int]:
    """How many villages each review list holds, in one query."""
    counts = db.session.execute(
        select(*(func.count().filter(cond) for cond, _order in LISTS.values())).where(
            access.in_scope(user, Village.code)
        )
    ).one()
    return dict(zip(LISTS, counts, strict=True))


def latest_officers(villages: list[Village]) -> dict[str, str]:
    """Who logged each village's latest report, in one query."""
    if not villages:
        return {}
    query = (
        select(Report.village_code, User.full_name)
        .join(User, User.id == Report.created_by_id)
        .join(
            Village,
            and_(
                Village.code == Report.village_code,
                Village.latest_report_date == Report.as_of,
            ),
        )
        .where(Report.village_code.in_([v.code for v in villages]))
    )
    return dict(db.session.execute(query).all())


def valid_designations(villages: list[Village]) -> dict[str, Designation]:
    if not villages:
        return {}
    query = select(Designation).where(
        Designation.village_code.in_([v.code for v in villages]),
        Designation.state == rules.ACTIVE,
    )
    return {d.village_code: d for d in db.session.scalars(query)}


def regency_overrides() -> list[RegencySetting]:
    """The regencies with a threshold of their own."""
    return db.session.scalars(
        select(RegencySetting)
        .where(RegencySetting.threshold_tenths.is_not(None))
        .order_by(RegencySetting.regency_code)
    ).all()


def signatory_settings() -> Select[tuple[RegencySetting]]:
    """The regencies with a default signatory, for the admin's page."""
    return (
        select(RegencySetting)
        .where(RegencySetting.signatory_name.is_not(None))
        .order_by(RegencySetting.regency_code)
        .options(joinedload(RegencySetting.regency))
    )
