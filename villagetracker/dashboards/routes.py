"""The dashboards: figures for each scope from the country down to a kecamatan, and
the regency's coverage target."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, rules
from ..extensions import db
from ..i18n import BAND_LABELS, format_tenths, local_today
from ..web import charts
from ..web.pagination import paginate, paginate_list
from . import bp, queries, service
from .forms import RegionPotentialForm, TargetForm


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
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    today = local_today()
    seen = queries.overview(current_user, region, sort, descending, today)
    return render_template(
        "dashboards/show.html",
        region=region,
        context=[(r.code, r.name) for r in region.ancestors()] if region else [],
        figures=seen.figures,
        children=paginate_list(seen.children) if seen.children is not None else None,
        villages=paginate(seen.villages) if seen.villages is not None else None,
        sort=sort,
        descending=descending,
        target=seen.target,
        potential=seen.potential,
        progress=seen.progress,
        months=seen.months,
        parts=seen.parts,
        can_set_target=region is not None
        and region.level == "regency"
        and access.can_review(current_user),
        can_record_potential=region is not None
        and region.level in ("regency", "district")
        and access.can_review(current_user),
        today=today,
        **dashboard_charts(seen),
    )


def dashboard_charts(seen: queries.Overview) -> dict:
    """The coverage bands, the designations per month and their running total."""
    bands = [(b, str(BAND_LABELS[b]), seen.figures.bands[b]) for b in rules.BANDS]
    months = [format_date(month.start, "MMM") for month in seen.months]
    return {
        "band_chart": charts.bar_chart(bands),
        "month_chart": charts.column_chart(
            [(name, m.designated) for name, m in zip(months, seen.months, strict=True)]
        ),
        "total_chart": charts.line_chart(
            [(name, m.total) for name, m in zip(months, seen.months, strict=True)]
        ),
    }


@bp.route("/<code>/target", methods=["GET", "POST"])
@login_required
def target(code: str):
    """The labour office (or an admin) sets its regency's coverage target."""
    region = access.get_regency_or_404(current_user, code, to_review=True)
    current = queries.target_of(region.code)
    form = TargetForm()
    if request.method == "GET" and current is not None:
        form.target.data = format_tenths(current.tenths).rstrip("%")
        form.target_date.data = current.day
    if form.validate_on_submit():
        service.set_target(region.code, form.target.tenths, form.target_date.data)
        db.session.commit()
        flash(_("The target of %(name)s is saved.", name=region.name), "success")
        return redirect(url_for(".region", code=region.code))
    return render_template(
        "dashboards/target.html", form=form, region=region, current=current
    ), 400 if form.errors else 200


@bp.route("/<code>/target/remove", methods=["POST"])
@login_required
def remove_target(code: str):
    region = access.get_regency_or_404(current_user, code, to_review=True)
    service.set_target(region.code, None, None)
    db.session.commit()
    flash(_("The target of %(name)s is removed.", name=region.name), "success")
    return redirect(url_for(".region", code=region.code))


@bp.route("/<code>/potential", methods=["GET", "POST"])
@login_required
def potential(code: str):
    """The labour office records its regency's (or a kecamatan's) own worker
    potential: what the coverage target is measured against."""
    levels = ("regency", "district")
    region = access.get_regency_or_404(
        current_user, code, to_review=True, levels=levels
    )
    form = RegionPotentialForm()
    if form.validate_on_submit():
        service.record_region_potential(current_user, region, form.checked.values)
        db.session.commit()
        flash(_("The worker potential of %(name)s is recorded.", name=region.name))
        return redirect(url_for(".region", code=region.code))
    potentials = queries.region_potentials([region.code])
    return render_template(
        "dashboards/potential.html",
        form=form,
        region=region,
        current=potentials.get(region.code),
    ), 400 if form.errors else 200
