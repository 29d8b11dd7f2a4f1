from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import access, listing, rules
from ..auth.routes import safe_next
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE
from ..models import Region, Village
from . import bp

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
@login_required
def home():
    """The user's area: the regions at the top of their scope, with how many districts
    and villages lie inside it."""
    roots = access.scope_roots(current_user)
    if roots is None:
        areas = db.session.scalars(
            select(Region).where(Region.level == "province").order_by(Region.code)
        ).all()
    else:
        areas = db.session.scalars(
            access.regions_visible_to(current_user)
            .where(Region.code.in_(roots))
            .order_by(Region.code)
        ).all()
    counts = dict(
        db.session.execute(
            select(Region.level, func.count())
            .where(access.in_scope(current_user, Region.code))
            .where(Region.level.in_(["district", "village"]))
            .group_by(Region.level)
        ).all()
    )
    review_waiting = db.session.scalar(
        select(func.count())
        .select_from(Village)
        .where(access.in_scope(current_user, Village.code))
        .where(Village.awaits_review)
    )
    status_counts = dict(
        db.session.execute(
            select(Village.status, func.count())
            .where(access.in_scope(current_user, Village.code))
            .group_by(Village.status)
        ).all()
    )
    visible = access.villages_visible_to(current_user)
    stale_filter = listing.VillageFilters(stale=True, sort="last_report")
    stale = db.paginate(
        listing.filtered(visible, stale_filter), page=1, per_page=10, error_out=False
    )
    newest_qualifying = db.session.scalars(
        visible.where(Village.status == rules.QUALIFYING)
        .order_by(Village.status_changed_at.desc())
        .limit(5)
    ).all()
    # Sent back by the labour office: the officers see why until a new report.
    returned = db.session.scalars(
        visible.where(Village.returned_at.is_not(None))
        .order_by(Village.returned_at.desc())
        .limit(10)
    ).all()
    shown = [*stale.items, *newest_qualifying, *returned]
    return render_template(
        "main/home.html",
        areas=areas,
        counts=counts,
        status_counts=status_counts,
        stale=stale,
        stale_filter=stale_filter,
        newest_qualifying=newest_qualifying,
        returned=returned,
        review_waiting=review_waiting,
        district_names=listing.district_names(shown),
    )


@bp.route("/language", methods=["POST"])
def set_language():
    """The language switch in the header: remembered in a cookie for a year."""
    language = request.form.get("lang", "")
    target = safe_next(request.form.get("next")) or url_for("main.home")
    response = redirect(target)
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["HTTPS"],
        )
    return response
