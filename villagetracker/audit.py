"""The audit trail: every change, login and logout, with who, when, before and after."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from .extensions import db
from .models import AuditEvent, User, utcnow


def record(
    action: str,
    *,
    entity: object | None = None,
    before: dict | None = None,
    after: dict | None = None,
    region_code: str | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits it together
    with the change it describes, so that neither is kept without the other."""
    if actor is None:
        actor = acting_user()
    event = AuditEvent(
        action=action,
        entity_type=type(entity).__name__.lower() if entity is not None else None,
        entity_id=_entity_id(entity),
        before=before,
        after=after,
        region_code=region_code,
        actor_id=actor.id if actor is not None else None,
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def record_many(events: list[dict]) -> None:
    """Many events in one INSERT of many rows (an import's thousands): each a
    mapping of ``action``, ``entity`` as (type, id), ``before``, ``after`` and
    ``region_code``, by the acting user, in the caller's transaction."""
    if not events:
        return
    actor = acting_user()
    address = request.remote_addr if has_request_context() else None
    now = utcnow()
    rows = [
        {
            "at": now,
            "action": event["action"],
            "entity_type": event["entity"][0],
            "entity_id": str(event["entity"][1]),
            "before": event["before"],
            "after": event["after"],
            "region_code": event["region_code"],
            "actor_id": actor.id if actor is not None else None,
            "address": address,
        }
        for event in events
    ]
    db.session.execute(insert(AuditEvent.__table__), rows)  # Core: no ORM per row


def acting_user() -> User | None:
    """Who a change is by: the job's owner in a job, else the logged-in user."""
    if g.get("acting_user") is not None:
        return g.acting_user
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


@contextmanager
def acting(user: User | None) -> Iterator[None]:
    """Changes made inside are by ``user``: a job works for whoever asked for it."""
    g.acting_user = user
    try:
        yield
    finally:
        g.pop("acting_user", None)


def record_change(
    action: str,
    before: dict,
    after: dict,
    *,
    entity: object | None = None,
    region_code: str | None = None,
) -> AuditEvent | None:
    """Record a change of ``before`` into ``after``; nothing when they are the same
    (a form saved without a change is not a change)."""
    if after == before:
        return None
    return record(
        action, entity=entity, before=before, after=after, region_code=region_code
    )


def _entity_id(entity: object | None) -> str | None:
    if entity is None:
        return None
    if getattr(entity, "id", "") is None:
        db.session.flush()  # a new row: its id exists only once it is inserted
    key = getattr(entity, "id", None) or getattr(entity, "code", None)
    return None if key is None else str(key)


def changes(event: AuditEvent) -> list[tuple[str, object, object]]:
    """(field, before, after) for each value the event changed; for a creation, every
    value it set."""
    before, after = event.before or {}, event.after or {}
    keys = list(after) + [key for key in before if key not in after]
    return [
        (key, before.get(key) if event.before is not None else None, after.get(key))
        for key in keys
        if event.before is None or before.get(key) != after.get(key)
    ]
