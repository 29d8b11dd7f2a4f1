"""What the accounts pages read: the accounts an administrator may manage."""

from sqlalchemy import Select, func, or_

from .. import access
from ..models import User


def accounts_matching(user: User, text: str) -> Select[tuple[User]]:
    """The accounts ``user`` may manage whose username or name contains ``text``
    (all of them for an empty text), by username."""
    query = access.users_visible_to(user).order_by(User.username)
    if not text:
        return query
    pattern = text.lower()
    return query.where(
        or_(
            User.username.contains(pattern, autoescape=True),
            func.lower(User.full_name).contains(pattern, autoescape=True),
        )
    )
