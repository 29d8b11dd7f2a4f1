"""What the labour office's pages read: the review lists and what each row shows."""

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from .. import access, rules
from ..extensions import db
from ..i18n import local_today
from ..models import Designation, RegencySetting, Report, User, Village

# The review lists, by the name of their tab.
LIST_NAMES = ("queue", "returned", "at_risk", "designated", "recheck")


def _lists() -> dict:
    """Each review list: a condition on the villages and its order. The code breaks
    ties, so that pages neither repeat nor skip a village."""
    designated = Village.status.in_([rules.Status.DESIGNATED, rules.Status.AT_RISK])
    months = current_app.config["RECHECK_AFTER_MONTHS"]
    recheck_from = rules.months_before(local_today(), months)
    return {
        "queue": (Village.awaits_review, (Village.status_changed_at, Village.code)),
        "returned": (
            Village.returned_at.is_not(None),
            (Village.returned_at.desc(), Village.code),
        ),
        "at_risk": (
            Village.status == rules.Status.AT_RISK,
            (Village.coverage_tenths, Village.code),
        ),
        "designated": (designated, (Village.status_changed_at.desc(), Village.code)),
        # Designated on a count more than a year old: time to verify it again.
        "recheck": (
            and_(designated, Village.latest_report_date <= recheck_from),
            (Village.latest_report_date, Village.code),
        ),
    }


def review_list(user: User, which: str) -> Select[tuple[Village]]:
    """The villages of one review list in the user's scope, in its order."""
    condition, order = _lists()[which]
    return access.villages_visible_to(user).where(condition).order_by(*order)


def list_counts(user: User) -> dict[str, int]:
    """How many villages each review list holds, in one query."""
    lists = _lists()
    counts = db.session.execute(
        select(*(func.count().filter(cond) for cond, _order in lists.values())).where(
            access.in_scope(user, Village.code)
        )
    ).one()
    return dict(zip(lists, counts, strict=True))


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
    """The regencies with criteria of their own."""
    return db.session.scalars(
        select(RegencySetting)
        .where(
            or_(
                RegencySetting.threshold_tenths.is_not(None),
                RegencySetting.official_roles.is_not(None),
                RegencySetting.quota.is_not(None),
            )
        )
        .order_by(RegencySetting.regency_code)
        .options(joinedload(RegencySetting.regency))
    ).all()


def signatory_settings() -> Select[tuple[RegencySetting]]:
    """The regencies with a default signatory, for the admin's page."""
    return (
        select(RegencySetting)
        .where(RegencySetting.signatory_name.is_not(None))
        .order_by(RegencySetting.regency_code)
        .options(joinedload(RegencySetting.regency))
    )


def awaiting_review(user: User, codes: list[str]) -> list[Village]:
    """The villages with these codes that are in the user's scope and wait for
    review, in the order of the codes."""
    found = {
        village.code: village
        for village in db.session.scalars(
            access.villages_visible_to(user).where(
                Village.code.in_(codes), Village.awaits_review
            )
        )
    }
    return [found[code] for code in dict.fromkeys(codes) if code in found]
