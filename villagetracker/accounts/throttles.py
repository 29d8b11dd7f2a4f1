"""Failed logins and who must wait before trying again.

The policy (config.py, LOGIN_*): a stranger must not lock a real user out. One account
from one address waits after a few failures; one account from everywhere, and one
address for every account, wait only after many, and then only where the account has
not logged in before, so its owner still gets in from their usual office or phone.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from .. import audit
from ..extensions import db
from ..models import AuditEvent, LoginFailure, User

ACCOUNT_AND_ADDRESS = "account_address"
ACCOUNT = "account"
ADDRESS = "address"
KINDS = (ACCOUNT_AND_ADDRESS, ACCOUNT, ADDRESS)


@dataclass(frozen=True)
class Throttle:
    """Logins refused until a time: for one account from one address, for one account
    (from addresses it has not logged in from), or for one address (for the accounts
    that have not logged in from it)."""

    kind: str
    username: str | None
    address: str | None
    until: datetime
    failures: int = 0


def limit_and_window(kind: str) -> tuple[int, timedelta]:
    """How many failures within how long start a throttle of this kind."""
    config = current_app.config
    if kind == ACCOUNT_AND_ADDRESS:
        return (
            config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"],
            timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
        )
    if kind == ACCOUNT:
        return (
            config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
            timedelta(minutes=config["LOGIN_ACCOUNT_WINDOW_MINUTES"]),
        )
    return (
        config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
    )


def _keys(kind: str, username: str | None, address: str | None) -> list:
    keys = []
    if kind in (ACCOUNT_AND_ADDRESS, ACCOUNT):
        keys.append(LoginFailure.username == username)
    if kind in (ACCOUNT_AND_ADDRESS, ADDRESS):
        keys.append(LoginFailure.address == address)
    return keys


def _until(
    kind: str,
    username: str | None,
    address: str | None,
    now: datetime,
    but: LoginFailure | None = None,
) -> datetime | None:
    """When fewer than the limit of failures will be left in the window (the time the
    limit-th most recent one grows too old), or None if there are fewer already."""
    limit, window = limit_and_window(kind)
    query = (
        select(LoginFailure.at)
        .where(*_keys(kind, username, address), LoginFailure.at >= now - window)
        .order_by(LoginFailure.at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    if but is not None:
        query = query.where(LoginFailure.id != but.id)
    oldest_that_counts = db.session.scalar(query)
    return None if oldest_that_counts is None else oldest_that_counts + window


def has_logged_in_from(username: str, address: str, now: datetime) -> bool:
    """Whether this account logged in from this address lately (the audit trail
    keeps every login with its address)."""
    days = current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]
    query = (
        select(AuditEvent.id)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            User.username == username,
            AuditEvent.action == "login",
            AuditEvent.address == address,
            AuditEvent.at >= now - timedelta(days=days),
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None


def source_key(address: str, device: str | None = None) -> str:
    """What failures are counted by besides the account: a browser the account has
    logged in from (its own count, which no stranger can add to), else the address;
    an IPv6 address by its /64, which one subscriber gets whole and could otherwise
    step through to escape the count."""
    if device:
        return f"device:{device}"[:45]
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return address[:45]
    if found.version == 4:
        return str(found)
    if found.ipv4_mapped is not None:  # ::ffff:10.0.0.1 is 10.0.0.1
        return str(found.ipv4_mapped)
    return str(ipaddress.ip_network(f"{found}/64", strict=False))


def throttle_for(
    attempt: LoginFailure, now: datetime, address: str, known: bool = False
) -> Throttle | None:
    """The throttle that refuses this attempt (already recorded, so that parallel
    guesses count each other; it does not count against itself), or None. Its
    ``address`` is the counting key (``source_key``); ``address`` the request's.
    The ceilings spare a known browser and an address the account logged in from."""
    username, source = attempt.username, attempt.address
    until = _until(ACCOUNT_AND_ADDRESS, username, source, now, attempt)
    if until is not None:
        return Throttle(ACCOUNT_AND_ADDRESS, username, source, until)
    if known:
        return None
    ceilings = [
        Throttle(kind, username, source, until)
        for kind in (ACCOUNT, ADDRESS)
        if (until := _until(kind, username, source, now, attempt)) is not None
    ]
    if ceilings and not has_logged_in_from(username, address, now):
        return max(ceilings, key=lambda throttle: throttle.until)
    return None


def active_throttles(now: datetime) -> list[Throttle]:
    """Every throttle in force, the one that lasts longest first, with its failures."""
    found = []
    for kind in KINDS:
        limit, window = limit_and_window(kind)
        columns = [
            column
            for column, used in (
                (LoginFailure.username, kind != ADDRESS),
                (LoginFailure.address, kind != ACCOUNT),
            )
            if used
        ]
        groups = db.session.execute(
            select(*columns, func.count())
            .where(LoginFailure.at >= now - window)
            .group_by(*columns)
            .having(func.count() >= limit)
        ).all()
        for *key, failures in groups:
            username = key[0] if kind != ADDRESS else None
            address = key[-1] if kind != ACCOUNT else None
            until = _until(kind, username, address, now)
            if until is not None:
                found.append(Throttle(kind, username, address, until, failures))
    return sorted(found, key=lambda throttle: throttle.until, reverse=True)


def clear_throttle(kind: str, username: str | None, address: str | None) -> int:
    """Forget the failures behind a throttle (an administrator's decision, audited);
    the audit trail keeps each failed login. Returns how many were forgotten."""
    forgotten = db.session.execute(
        delete(LoginFailure).where(*_keys(kind, username, address))
    ).rowcount
    audit.record(
        "login.throttle_cleared",
        after={
            "kind": kind,
            "username": username,
            "address": address,
            "failures": forgotten,
        },
    )
    return forgotten
