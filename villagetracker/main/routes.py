from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..i18n import LANGUAGE_COOKIE
from ..regions.queries import district_names
from ..villages import queries as village_queries
from ..web.redirects import safe_next
from . import bp

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
@login_required
def home():
    """The user's area: the regions at the top of their scope, with how many districts
    and villages lie inside it, and the villages to act on."""
    home = village_queries.home(current_user)
    return render_template(
        "main/home.html",
        home=home,
        district_names=district_names(home.villages),
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
