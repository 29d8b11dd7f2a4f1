"""What the certificate pages read: a batch of valid designations, and what a public
verification may look up."""

from datetime import date

from sqlalchemy import Select

from .. import access, rules
from ..extensions import db
from ..models import Designation, User


def batch(user: User, start: date, end: date) -> Select[tuple[Designation]]:
    """The valid designations in the user's scope designated from ``start`` to
    ``end``, in the order of their numbers."""
    return (
        access.designations_visible_to(user)
        .where(
            Designation.state == rules.ACTIVE,
            Designation.designated_on.between(start, end),
        )
        .order_by(
            Designation.designated_on, Designation.regency_code, Designation.sequence
        )
    )


def first_of_batch(query: Select, limit: int) -> list[Designation]:
    """At most ``limit`` + 1 designations of a batch: one more tells it is too many."""
    return db.session.scalars(query.limit(limit + 1)).all()


def verifiable(number: str) -> Designation | None:
    """A certificate by its printed number, as typed or in capitals."""
    designation = access.verifiable_designation(number=number)
    if designation is None and number.upper() != number:
        designation = access.verifiable_designation(number=number.upper())
    return designation
