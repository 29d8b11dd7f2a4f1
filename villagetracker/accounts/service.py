"""Accounts: logging in and out, and the administrator's changes to accounts. Each
function writes its change with its audit record and flushes; the request commits."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..extensions import db
from ..models import LoginFailure, Region, Role, User, utcnow
from . import throttles


@cache
def _unknown_user_hash(method: str) -> str:
    """Checked when the username is unknown, so that a wrong username takes as long to
    refuse as a wrong password and the timing does not tell which accounts exist."""
    return generate_password_hash("no such user, no such password", method)


class LoginRefused(Exception):
    """The username and password do not open an account (whichever part was wrong)."""


class LoginThrottled(LoginRefused):
    """Too many recent failures for this account from this address (or for this
    account, or this address, where the account has not logged in before)."""

    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until


def authenticate(
    username: str, password: str, address: str, device: str | None = None
) -> User:
    """The active account with this username and password, or LoginRefused
    (LoginThrottled, with the time to try again, while a throttle refuses it).
    ``device`` is the id of a browser this account has logged in from before (a
    signed cookie): its attempts count on their own, so no stranger's failures,
    from anywhere, keep the owner out of their own phone or computer.

    The caller commits whatever the outcome: a refusal is recorded too."""
    username = username.strip().lower()[:50]
    config = current_app.config
    # The attempt is committed before anything is checked, so that parallel guesses
    # count each other; a successful login removes it again. The one commit of its
    # own in the services: a later one would let guesses in parallel slip through.
    now = utcnow()
    source = throttles.source_key(address, device)
    attempt = LoginFailure(username=username, address=source, at=now)
    db.session.add(attempt)
    db.session.commit()
    throttle = throttles.throttle_for(attempt, now, address, known=device is not None)
    if throttle is not None:
        # A refused attempt is no guess: not counting it keeps the time shown true.
        db.session.delete(attempt)
        audit.record(
            "login.throttled", after={"username": username, "limit": throttle.kind}
        )
        raise LoginThrottled(throttle.until)

    user = db.session.scalar(User.by_username(username))
    if user is None:
        check_password_hash(
            _unknown_user_hash(config["PASSWORD_HASH_METHOD"]), password
        )
        reason = "unknown"
    elif not user.check_password(password):
        reason = "password"
    elif not user.active:
        reason = "disabled"
    else:
        # The owner's own typos from here no longer count against them.
        db.session.execute(
            delete(LoginFailure).where(
                LoginFailure.username == username,
                LoginFailure.address == attempt.address,
            )
        )
        user.last_login_at = utcnow()
        audit.record("login", entity=user, actor=user)
        return user
    audit.record("login.failed", after={"username": username, "reason": reason})
    raise LoginRefused


def record_logout(user: User) -> None:
    """Log out: raising the session version also voids any copy of the session cookie
    (sessions live in signed cookies, so forgetting it in one browser is not enough)."""
    user.session_version += 1
    audit.record("logout", entity=user, actor=user)


@dataclass
class AccountScope:
    role: str
    region_code: str | None
    district_codes: list[str]


def account_scope_errors(scope: AccountScope) -> dict[str, str]:
    """What is wrong with a role and region together, by form field; empty if nothing.

    An admin covers the country and has no region; a reviewer or officer has one
    regency/city; only an officer may be limited to kecamatan, all inside that regency.
    """
    errors: dict[str, str] = {}
    if scope.role not in set(Role):
        errors["role"] = _l("Choose a role.")
        return errors
    if scope.role == Role.ADMIN:
        if scope.region_code or scope.district_codes:
            errors["region_code"] = _l(
                "An admin covers the whole country: leave empty."
            )
        return errors
    region = db.session.get(Region, scope.region_code) if scope.region_code else None
    if region is None or region.level != "regency":
        errors["region_code"] = _l("Enter the code of a regency or city, e.g. 36.03.")
        return errors
    if scope.district_codes and scope.role != Role.OFFICER:
        errors["district_codes"] = _l(
            "Only a field officer can be limited to districts."
        )
    for code in scope.district_codes:
        district = db.session.get(Region, code)
        if district is None or district.parent_code != region.code:
            errors["district_codes"] = _l(
                "%(code)s is not a district of %(regency)s.",
                code=code,
                regency=region.name,
            )
            break
    return errors


def account_snapshot(user: User) -> dict:
    """What the audit trail keeps of an account: never the password hash."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "region_code": user.region_code,
        "district_codes": [d.code for d in user.districts],
        "active": user.active,
    }


def _districts(codes: list[str]) -> list[Region]:
    if not codes:
        return []
    return list(db.session.scalars(select(Region).where(Region.code.in_(codes))))


def create_account(
    *, username: str, full_name: str, password: str, scope: AccountScope
) -> User:
    """A new account; the caller has validated the scope and the password length."""
    user = User(
        username=username.strip().lower(),
        full_name=full_name.strip(),
        role=scope.role,
        region_code=scope.region_code or None,
        districts=_districts(scope.district_codes),
        password_hash="",
        session_version=0,
    )
    user.set_password(password)
    db.session.add(user)
    audit.record(
        "user.create",
        entity=user,
        after=account_snapshot(user),
        region_code=user.region_code,
    )
    db.session.flush()
    return user


def update_account(
    user: User, *, full_name: str, active: bool, scope: AccountScope
) -> None:
    before = account_snapshot(user)
    user.full_name = full_name.strip()
    user.role = scope.role
    user.region_code = scope.region_code or None
    user.districts = _districts(scope.district_codes)
    if user.active and not active:
        user.session_version += 1  # end the sessions of a disabled account
    user.active = active
    audit.record_change(
        "user.update",
        before,
        account_snapshot(user),
        entity=user,
        region_code=user.region_code,
    )


def reset_password(user: User, password: str) -> None:
    """A new password, which also ends every session the account has open."""
    user.set_password(password)
    audit.record("user.password_reset", entity=user, region_code=user.region_code)
