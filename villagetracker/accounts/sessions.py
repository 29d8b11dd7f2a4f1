"""Sessions: who is logged in, for how long, and which browsers an account knows."""

import secrets
import time

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db, login_manager
from ..models import User
from . import bp

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to open that page.")
login_manager.login_message_category = "info"


# Seconds since the epoch, in the signed session: when its user logged in, and (to the
# minute) when they last made a request.
LOGIN_AT, SEEN_AT = "login_at", "seen_at"
# "Last seen" is written back at most this often, so that the cookie is not signed and
# sent again on every request.
SEEN_RESOLUTION_SECONDS = 60


# A browser's own id and the accounts that logged in on it, signed: their failed
# logins count on their own, so a stranger's cannot keep the owner out (throttles).
DEVICE_COOKIE = "known_device"
DEVICE_ACCOUNTS = 5  # a shared office computer: the last few accounts


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device")


def known_device() -> dict:
    """This browser's id and accounts, if its cookie is ours and recent enough."""
    days = current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]
    try:
        found = _device_signer().loads(
            request.cookies.get(DEVICE_COOKIE, ""), max_age=days * 86400
        )
    except BadSignature:
        return {}
    if not isinstance(found, dict) or not isinstance(found.get("users"), list):
        return {}
    return found


def remember_device(response, known: dict, username: str):
    """Mark this browser as one ``username`` logs in from."""
    users = [name for name in known.get("users", []) if name != username]
    value = {
        "id": known.get("id") or secrets.token_urlsafe(12),
        "users": [*users, username][-DEVICE_ACCOUNTS:],
    }
    response.set_cookie(
        DEVICE_COOKIE,
        _device_signer().dumps(value),
        max_age=current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"] * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["HTTPS"],
    )
    return response


@bp.before_app_request
def end_expired_sessions() -> None:
    """Log out a session idle for SESSION_IDLE_MINUTES or older than
    SESSION_MAX_HOURS, whatever its cookie says about its own expiry, and say why on
    the login page. A session without these times (made before they existed, or
    forged without them, which the signature prevents) is ended too."""
    if "_user_id" not in session:
        return
    config = current_app.config
    now = int(time.time())
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        expired = _("Your session has ended. Please log in again.")
    elif now - seen_at > config["SESSION_IDLE_MINUTES"] * 60:
        expired = _(
            "You were logged out after %(minutes)d minutes without activity. "
            "Please log in again.",
            minutes=config["SESSION_IDLE_MINUTES"],
        )
    elif now - login_at > config["SESSION_MAX_HOURS"] * 3600:
        expired = _(
            "You were logged out %(hours)d hours after logging in. "
            "Please log in again.",
            hours=config["SESSION_MAX_HOURS"],
        )
    else:
        if now - seen_at >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        return
    logout_user()
    session.clear()
    flash(expired, "info")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The account behind a session, unless it was disabled or its password reset since
    (the session id carries the account's session version)."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def start(user: User) -> None:
    """A fresh session for ``user``: nothing carried over from before login."""
    session.clear()
    session.permanent = True  # so that it expires (PERMANENT_SESSION_LIFETIME)
    login_user(user)
    session[LOGIN_AT] = session[SEEN_AT] = int(time.time())
