"""Who may see and change what. The only module that knows; every view asks it.

A user's scope is a set of region codes (their regency, or the kecamatan they are
limited to); an admin's scope is the whole country. Anything outside a scope answers
404, the same as something that does not exist, so identifiers do not leak.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Select, and_, or_, select, true

from .extensions import db
from .models import (
    Designation,
    Job,
    PendingImport,
    Region,
    Report,
    Role,
    User,
    Village,
)


def scope_roots(user: User) -> list[str] | None:
    """The codes whose subtrees the user may see; None for the whole country."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.OFFICER and user.districts:
        return [district.code for district in user.districts]
    return [user.region_code] if user.region_code else []


def within(code_column, root: str) -> ColumnElement[bool]:
    """``code_column`` is ``root`` or below it. A range, not LIKE, so that the primary
    key index serves it on SQLite and PostgreSQL alike ('/' sorts right after '.')."""
    return or_(
        code_column == root, and_(code_column > root + ".", code_column < root + "/")
    )


def in_scope(user: User, code_column) -> ColumnElement[bool]:
    """SQL condition: the region code in ``code_column`` is inside the user's scope."""
    roots = scope_roots(user)
    if roots is None:
        return true()
    if not roots:
        return ~true()
    return or_(*(within(code_column, root) for root in roots))


def code_in_scope(user: User, code: str) -> bool:
    """The same rule as ``in_scope`` for one code already in hand."""
    roots = scope_roots(user)
    if roots is None:
        return True
    return any(code == root or code.startswith(root + ".") for root in roots)


def roots_in_scope(user: User, roots: list[str] | None) -> bool:
    """Whether data of the regions ``roots`` (None: the whole country), as a file made
    earlier holds it, is still within the user's scope."""
    if roots is None:
        return scope_roots(user) is None
    return all(code_in_scope(user, code) for code in roots)


def regions_visible_to(user: User) -> Select[tuple[Region]]:
    return select(Region).where(in_scope(user, Region.code))


def get_region_or_404(user: User, code: str) -> Region:
    region = db.session.scalar(regions_visible_to(user).where(Region.code == code))
    if region is None:
        abort(404)
    return region


def get_regency_or_404(
    user: User, code: str, *, to_review: bool = False, levels=("regency",)
) -> Region:
    """A regency or city (or a region of one of ``levels``) in the user's scope (404
    otherwise, also for a region of another level); with ``to_review``, 403 for
    users who do not review."""
    region = get_region_or_404(user, code)
    if region.level not in levels:
        abort(404)
    if to_review and not can_review(user):
        abort(403)
    return region


def villages_visible_to(user: User) -> Select[tuple[Village]]:
    return select(Village).where(in_scope(user, Village.code))


def get_village_or_404(
    user: User, code: str, *, to_change: bool = False, to_review: bool = False
) -> Village:
    """A registered village in the user's scope (404 otherwise). With ``to_change``, the
    user must also be one who changes village data, with ``to_review`` one who reviews
    it (403 otherwise: they can see it)."""
    village = db.session.scalar(villages_visible_to(user).where(Village.code == code))
    if village is None:
        abort(404)
    if (to_change and not can_change_villages(user)) or (
        to_review and not can_review(user)
    ):
        abort(403)
    return village


# Who does what, by role: the decorators below and the loaders' ``to_change`` and
# ``to_review`` ask these sets, and templates ask the same through ``can_*``.
# Field officers register villages and log reports; an admin may step in. The labour
# office reviews and does not change what officers report. Officers, and the labour
# offices that keep their counts in spreadsheets, load reports from a file (every row
# still checked against the uploader's scope).
CHANGERS = frozenset({Role.OFFICER, Role.ADMIN})
REVIEWERS = frozenset({Role.REVIEWER, Role.ADMIN})
IMPORTERS = frozenset({Role.OFFICER, Role.REVIEWER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


def can_change_villages(user: User) -> bool:
    return user.role in CHANGERS


def get_report_or_404(
    user: User, code: str, report_id: int, *, to_change: bool = False
) -> Report:
    """A report of a village in the user's scope (404 otherwise, also for a report of
    another village); with ``to_change``, 403 for users who do not change reports."""
    village = get_village_or_404(user, code)
    report = db.session.scalar(
        select(Report).where(
            Report.id == report_id, Report.village_code == village.code
        )
    )
    if report is None:
        abort(404)
    if to_change and not can_change_villages(user):
        abort(403)
    return report


def can_review(user: User) -> bool:
    return user.role in REVIEWERS


def designations_visible_to(user: User) -> Select[tuple[Designation]]:
    return select(Designation).where(in_scope(user, Designation.village_code))


def get_designation_or_404(
    user: User, code: str, designation_id: int, *, to_review: bool = False
) -> Designation:
    """A designation of a village in the user's scope (404 otherwise, also for one of
    another village); with ``to_review``, 403 for users who do not review."""
    designation = db.session.scalar(
        designations_visible_to(user).where(
            Designation.id == designation_id, Designation.village_code == code
        )
    )
    if designation is None:
        abort(404)
    if to_review and not can_review(user):
        abort(403)
    return designation


def verifiable_designation(*, token: str | None = None, number: str | None = None):
    """The one public lookup: a certificate by the token in its QR code or by its
    printed number, for anyone, without login. What it shows is chosen by the
    verification page, which leaves out every person's name and number."""
    query = select(Designation)
    if token is not None:
        query = query.where(Designation.token == token)
    elif number is not None:
        query = query.where(Designation.number == number)
    else:
        return None
    return db.session.scalar(query)


def can_import_reports(user: User) -> bool:
    return user.role in IMPORTERS


def get_pending_import_or_404(
    user: User, token: str, kind: str = "reports"
) -> PendingImport:
    """An upload waiting for confirmation: only the one who uploaded it sees it, and
    only as what it was uploaded as (a file of reports is never confirmed as villages
    to register, nor the other way round)."""
    pending = db.session.scalar(
        select(PendingImport).where(
            PendingImport.token == token,
            PendingImport.user_id == user.id,
            PendingImport.kind == kind,
        )
    )
    if pending is None:
        abort(404)
    return pending


def get_job_or_404(user: User, token: str) -> Job:
    """A job: only the one who asked for it sees it."""
    job = db.session.scalar(
        select(Job).where(Job.token == token, Job.user_id == user.id)
    )
    if job is None:
        abort(404)
    return job


def get_job_file_or_404(user: User, token: str) -> Job:
    """A job that made a file: its owner's only, and only while the regions the file
    holds data of are still in the owner's scope."""
    job = get_job_or_404(user, token)
    file = (job.outcome or {}).get("file")
    if not file or not roots_in_scope(user, file["roots"]):
        abort(404)
    return job


def users_visible_to(user: User) -> Select[tuple[User]]:
    """Accounts the user may manage: all of them for an admin, none for anyone else."""
    query = select(User)
    return query if user.role == Role.ADMIN else query.where(~true())


def get_user_or_404(user: User, user_id: int) -> User:
    account = db.session.scalar(users_visible_to(user).where(User.id == user_id))
    if account is None:
        abort(404)
    return account


def role_required(roles: frozenset[Role]) -> Callable:
    """Only users of these roles reach the view; others get 403. The answer does not
    depend on any identifier in the URL, so it reveals nothing about what exists.
    Views about one record use the loaders' ``to_change``/``to_review`` instead, so
    that a record outside the scope is a 404 for every role."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# The views' decorators by role.
admins = role_required(ADMINS)
reviewers = role_required(REVIEWERS)
village_changers = role_required(CHANGERS)
importers = role_required(IMPORTERS)


def init_app(app) -> None:
    """Templates ask the same rules before they link to a region or offer a change."""
    app.jinja_env.globals["can_see"] = lambda code: code_in_scope(current_user, code)
    app.jinja_env.globals["can_change_villages"] = lambda: can_change_villages(
        current_user
    )
    app.jinja_env.globals["can_review"] = lambda: can_review(current_user)
    app.jinja_env.globals["can_import_reports"] = lambda: can_import_reports(
        current_user
    )
