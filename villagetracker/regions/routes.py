from flask import current_app, jsonify, render_template, request
from flask_login import current_user, login_required

from .. import access
from ..i18n import kind_label
from ..web.pagination import paginate
from . import bp, queries

MAX_QUERY_LENGTH = 100


def _search_text() -> str:
    return request.args.get("q", "").strip()[:MAX_QUERY_LENGTH]


@bp.route("/")
@login_required
def index():
    """Search regions by name or code with a plain form: works without JavaScript."""
    text, level = _search_text(), request.args.get("level") or None
    page, context = None, {}
    if text:
        query = queries.search(access.regions_visible_to(current_user), text, level)
        page = paginate(query)
        context = queries.context_labels(page.items)
    return render_template(
        "regions/index.html", q=text, level=level, page=page, context=context
    )


@bp.route("/search.json")
@login_required
def search_json():
    """Type-ahead: at most REGION_SEARCH_LIMIT regions in scope matching ``q``."""
    text = _search_text()
    if len(text) < 2:
        return jsonify(results=[])
    found = queries.first_matches(
        current_user,
        text,
        request.args.get("level"),
        current_app.config["REGION_SEARCH_LIMIT"],
    )
    context = queries.context_labels(found)
    results = [
        {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "kind": kind_label(region),
            "context": context[region.code],
        }
        for region in found
    ]
    return jsonify(results=results)


@bp.route("/<code>")
@login_required
def show(code: str):
    """One region in scope and the regions directly below it, a page at a time."""
    region = access.get_region_or_404(current_user, code)
    children = paginate(queries.children_in_scope(current_user, region))
    registered = queries.registered_among(current_user, children.items)
    return render_template(
        "regions/show.html", region=region, children=children, registered=registered
    )
