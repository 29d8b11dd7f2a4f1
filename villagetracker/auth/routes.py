from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..services import LoginRefused, LoginThrottled, authenticate, record_logout
from . import bp
from .forms import LoginForm

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to open that page.")
login_manager.login_message_category = "info"


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


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send someone on to another host after login.

    Refuses "//host" and "////host" (which browsers read as another host), backslashes
    (which some read as slashes) and control characters (header injection).
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in. Failures say only that the username or password is wrong, and after too
    many the form is refused for a while (429) whether or not the account exists."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.username.data, form.password.data, request.remote_addr or ""
            )
        except LoginThrottled:
            form.form_errors.append(
                _(
                    "Too many failed attempts. Wait %(minutes)d minutes and try again.",
                    minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
                )
            )
            status = 429
        except LoginRefused:
            form.form_errors.append(_("The username or password is not right."))
            status = 401
        else:
            session.clear()  # a fresh session: nothing carried over from before login
            session.permanent = True  # so that it expires (PERMANENT_SESSION_LIFETIME)
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record_logout(current_user._get_current_object())
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
