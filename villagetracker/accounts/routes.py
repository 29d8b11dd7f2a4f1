"""Logging in and out, and the administrator's pages for accounts and login
throttles."""

import math
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from .. import access
from ..extensions import db
from ..models import utcnow
from ..web.pagination import paginate
from ..web.redirects import safe_next
from . import bp, queries, service, sessions, throttles
from .forms import (
    ClearThrottleForm,
    EditAccountForm,
    LoginForm,
    NewAccountForm,
    PasswordForm,
)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in. Failures say only that the username or password is wrong, and after too
    many the form is refused for a while (429) whether or not the account exists."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), form_status(form)
    known = sessions.known_device()
    username = form.username.data.strip().lower()
    device = known.get("id") if username in known.get("users", []) else None
    address = request.remote_addr or ""
    try:
        user = service.authenticate(username, form.password.data, address, device)
    except service.LoginThrottled as refused:
        db.session.commit()  # the refusal is recorded
        return throttled(form, refused.until)
    except service.LoginRefused:
        db.session.commit()
        form.form_errors.append(_("The username or password is not right."))
        return render_template("accounts/login.html", form=form), 401
    db.session.commit()
    sessions.start(user)
    target = safe_next(request.args.get("next")) or url_for("main.home")
    return sessions.remember_device(redirect(target), known, user.username)


def form_status(form) -> int:
    """400 for a form sent with errors, 200 for one shown fresh."""
    return 400 if form.errors or request.method == "POST" else 200


def throttled(form, until):
    """The login page refusing for a while, saying until when (429, Retry-After)."""
    wait = max(until - utcnow(), timedelta(seconds=1))
    form.form_errors.append(
        _(
            "Too many failed attempts. Try again after %(time)s "
            "(in %(minutes)d minutes).",
            time=format_time(until, "short"),
            minutes=math.ceil(wait.total_seconds() / 60),
        )
    )
    headers = {"Retry-After": str(math.ceil(wait.total_seconds()))}
    return render_template("accounts/login.html", form=form), 429, headers


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    service.record_logout(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


# --- The administrator's pages ---


@bp.route("/admin/users")
@access.admins
def users():
    """Every account, searchable by username or name, a page at a time."""
    text = request.args.get("q", "").strip()[:100]
    page = paginate(queries.accounts_matching(current_user, text))
    return render_template("accounts/users.html", page=page, q=text)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@access.admins
def new_user():
    form = NewAccountForm()
    if form.validate_on_submit():
        user = service.create_account(
            username=form.username.data,
            full_name=form.full_name.data,
            password=form.password.data,
            scope=form.scope(),
        )
        db.session.commit()
        flash(_("Account %(username)s created.", username=user.username), "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), (
        400 if form.errors else 200
    )


@bp.route("/admin/users/<int(max=2147483647):user_id>/edit", methods=["GET", "POST"])
@access.admins
def edit_user(user_id: int):
    """Change an account's name, role, region or whether it may log in. Disabling ends
    the account's sessions at its next request."""
    user = access.get_user_or_404(current_user, user_id)
    form = EditAccountForm(obj=user)
    if request.method == "GET":
        form.show_districts(user)
    if form.validate_on_submit() and form.may_save(user, current_user):
        service.update_account(
            user,
            full_name=form.full_name.data,
            active=form.active.data,
            scope=form.scope(),
        )
        db.session.commit()
        flash(_("Account %(username)s saved.", username=user.username), "success")
        return redirect(url_for("accounts.users"))
    return account_page(user, form, PasswordForm(formdata=None, prefix="pw"))


def account_page(user, form, password_form):
    """An account's page: its details and the password reset, with any errors."""
    errors = form.errors or password_form.errors
    return render_template(
        "accounts/user_form.html", form=form, user=user, password_form=password_form
    ), (400 if errors else 200)


@bp.route("/admin/users/<int(max=2147483647):user_id>/password", methods=["POST"])
@access.admins
def reset_password(user_id: int):
    user = access.get_user_or_404(current_user, user_id)
    password_form = PasswordForm(prefix="pw", account_username=user.username)
    if password_form.validate_on_submit():
        service.reset_password(user, password_form.password.data)
        db.session.commit()
        flash(
            _("New password set for %(username)s.", username=user.username), "success"
        )
        return redirect(url_for("accounts.users"))
    form = EditAccountForm(obj=user, formdata=None)
    form.show_districts(user)
    return account_page(user, form, password_form)


@bp.route("/admin/throttles")
@access.admins
def login_throttles():
    """The login throttles in force: whose logins from where are refused, after how
    many failures, until when; each can be cleared."""
    return render_template(
        "accounts/throttles.html",
        throttles=throttles.active_throttles(utcnow()),
    )


@bp.route("/admin/throttles/clear", methods=["POST"])
@access.admins
def clear_login_throttle():
    """Forget the failures behind one throttle, e.g. for a user who calls because
    they locked themselves out; audited."""
    form = ClearThrottleForm()
    if not form.validate_on_submit() or form.throttle() is None:
        flash(_("That throttle could not be cleared."), "error")
        return redirect(url_for("accounts.login_throttles"))
    kind, username, address = form.throttle()
    throttles.clear_throttle(kind, username, address)
    db.session.commit()
    flash(
        _(
            "Throttle cleared: %(who)s may try again.",
            who=" @ ".join(part for part in (username, address) if part),
        ),
        "success",
    )
    return redirect(url_for("accounts.login_throttles"))
