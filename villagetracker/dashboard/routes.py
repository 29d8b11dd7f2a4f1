from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, charts, dashboards, rules, services
from ..extensions import db
from ..i18n import BAND_LABELS, format_tenths, local_today
from ..pagination import paginate, paginate_list
from . import bp
from .forms import TargetForm


@bp.route("/")
@login_required
def index():
    """The user's whole scope: the country for an admin, else their regency (or the
    kecamatan an officer is limited to)."""
    roots = access.scope_roots(current_user)
    if roots is not None and len(roots) == 1:
        return redirect(url_for(".region", code=roots[0]))
    return dashboard(None)


@bp.route("/<code>")
@login_required
def region(code: str):
    region = access.get_region_or_404(current_user, code)
    if region.level == "village":  # the bottom of the drill-down is the village page
        return redirect(url_for("villages.show", code=region.code))
    return dashboard(region)


def dashboard(region):
    """One page for every level: the figures, the target (of a regency), the charts
    and the table of the regions below (of the villages, for a kecamatan)."""
    code = region.code if region is not None else None
    level = region.level if region is not None else None
    today = local_today()
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    children = villages = None
    if level == "district":
        figures = dashboards.figures(current_user, code)
        query = dashboards.villages_of(current_user, region, sort, descending)
        villages = paginate(query)
    else:
        # A few dozen regions at most (38 provinces; a regency's kecamatan): all of
        # them are read, summed into the scope's figures, and paginated here.
        query = dashboards.child_regions(current_user, region, sort, descending)
        rows = [dashboards.child_region(row) for row in db.session.execute(query)]
        figures = dashboards.Figures.total([row.figures for row in rows])
        children = paginate_list(rows)
    target = dashboards.target_of(code) if level == "regency" else None
    progress = target and rules.target_progress(
        figures.active_participants,
        figures.worker_potential,
        target.tenths,
        target.day,
        today,
    )
    months = dashboards.designations_by_month(current_user, code, today)
    bands = [(b, str(BAND_LABELS[b]), figures.bands[b]) for b in rules.BANDS]
    return render_template(
        "dashboard/show.html",
        region=region,
        context=[(r.code, r.name) for r in region.ancestors()] if region else [],
        figures=figures,
        children=children,
        villages=villages,
        sort=sort,
        descending=descending,
        target=target,
        progress=progress,
        months=months,
        band_chart=charts.bar_chart(bands),
        month_chart=charts.column_chart(
            [(format_date(m.start, "MMM"), m.designated) for m in months]
        ),
        total_chart=charts.line_chart(
            [(format_date(m.start, "MMM"), m.total) for m in months]
        ),
        can_set_target=level == "regency" and access.can_review(current_user),
        today=today,
    )


def regency_to_target(code: str):
    """A regency in the user's scope whose target the user may set."""
    region = access.get_region_or_404(current_user, code)
    if region.level != "regency":
        abort(404)
    if not access.can_review(current_user):
        abort(403)
    return region


@bp.route("/<code>/target", methods=["GET", "POST"])
@login_required
def target(code: str):
    """The labour office (or an admin) sets its regency's coverage target."""
    region = regency_to_target(code)
    current = dashboards.target_of(region.code)
    form = TargetForm()
    if request.method == "GET" and current is not None:
        form.target.data = format_tenths(current.tenths).rstrip("%")
        form.target_date.data = current.day
    if form.validate_on_submit():
        services.set_target(region.code, form.target.tenths, form.target_date.data)
        flash(_("The target of %(name)s is saved.", name=region.name), "success")
        return redirect(url_for(".region", code=region.code))
    return render_template(
        "dashboard/target.html", form=form, region=region, current=current
    ), 400 if form.errors else 200


@bp.route("/<code>/target/remove", methods=["POST"])
@login_required
def remove_target(code: str):
    region = regency_to_target(code)
    services.set_target(region.code, None, None)
    flash(_("The target of %(name)s is removed.", name=region.name), "success")
    return redirect(url_for(".region", code=region.code))
