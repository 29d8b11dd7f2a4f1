"""The village page, which the labour office's decisions show again when one fails."""

from flask import render_template
from flask_login import current_user

from .. import access, criteria
from ..extensions import db
from ..regions.queries import region_context
from ..review import forms as review_forms
from ..review.service import NOT_NOW
from ..web.charts import coverage_chart
from ..web.pagination import paginate
from . import queries


def village_page(village, code: int = 200, conflict: str | None = None, **failed):
    """The village page: its figures, status, designations, report history, chart and
    audit trail; for the labour office, its decisions. A decision form that failed
    is passed in to show its errors and what was typed; if that decision no longer
    fits the village, the page says so instead. The other forms are made fresh."""
    record = queries.record_of(village)
    standing = criteria.standing([village]).get(village.code)
    in_force = (
        standing.criteria if standing else criteria.criteria_for(village.regency_code)
    )
    active = record.valid_designation
    forms = {}
    if access.can_review(current_user):
        forms = review_forms.decision_forms(village, active)
        if any(name not in forms for name in failed):
            conflict, code = conflict or str(NOT_NOW), 409
        forms.update(review_forms.shown_again(village, forms, failed, conflict))
    return render_template(
        "villages/show.html",
        village=village,
        reports=record.reports,
        potentials=record.potentials,
        threshold=in_force.threshold_tenths,
        chart=coverage_chart(record.reports, in_force.threshold_tenths),
        trail=paginate(village.audit_trail()),
        context=region_context(village.code),
        designations=record.designations,
        locked=active,
        conflict=conflict,
        watched=queries.watched_potential_changes([village])[village.code],
        criteria=in_force,
        standing=standing,
        **forms,
    ), code


def refuse(form, problems: dict) -> None:
    """The rules refused the save as the village is now (checked under its lock):
    nothing was saved; the problems go next to their fields, above what was typed.
    The transaction ends first, so the lock is not held while the page is drawn."""
    db.session.rollback()
    for name, message in problems.items():
        form.add_error(name, message)


def form_status(form) -> int:
    return 400 if form.errors else 200
