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
from .models import Region, Role, User


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


def regions_visible_to(user: User) -> Select[tuple[Region]]:
    return select(Region).where(in_scope(user, Region.code))


def get_region_or_404(user: User, code: str) -> Region:
    region = db.session.scalar(regions_visible_to(user).where(Region.code == code))
    if region is None:
        abort(404)
    return region


def users_visible_to(user: User) -> Select[tuple[User]]:
    """Accounts the user may manage: all of them for an admin, none for anyone else."""
    query = select(User)
    return query if user.role == Role.ADMIN else query.where(~true())


def get_user_or_404(user: User, user_id: int) -> User:
    account = db.session.scalar(users_visible_to(user).where(User.id == user_id))
    if account is None:
        abort(404)
    return account


def role_required(*roles: Role) -> Callable:
    """Only users of these roles reach the view; others get 403. The answer does not
    depend on any identifier in the URL, so it reveals nothing about what exists."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app) -> None:
    """Templates ask the same rule before they link to a region."""
    app.jinja_env.globals["can_see"] = lambda code: code_in_scope(current_user, code)
