from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from .. import access, designations, services, throttles
from ..extensions import db
from ..i18n import format_tenths
from ..models import RegencySetting, Region, Role, User, utcnow
from ..pagination import paginate
from . import bp
from .forms import (
    ClearThrottleForm,
    EditAccountForm,
    NewAccountForm,
    PasswordForm,
    RegencyThresholdForm,
    SignatoryForm,
    ThresholdForm,
)

admin_only = access.role_required(Role.ADMIN)


@bp.route("/users")
@admin_only
def users():
    """Every account, searchable by username or name, a page at a time."""
    text = request.args.get("q", "").strip()[:100]
    query = access.users_visible_to(current_user).order_by(User.username)
    if text:
        pattern = text.lower()
        query = query.where(
            or_(
                User.username.contains(pattern, autoescape=True),
                func.lower(User.full_name).contains(pattern, autoescape=True),
            )
        )
    page = paginate(query)
    return render_template("admin/users.html", page=page, q=text)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = NewAccountForm()
    if form.validate_on_submit():
        user = services.create_account(
            username=form.username.data,
            full_name=form.full_name.data,
            password=form.password.data,
            scope=form.scope(),
        )
        flash(_("Account %(username)s created.", username=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), (
        400 if form.errors else 200
    )


@bp.route("/users/<int(max=2147483647):user_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int):
    """Change an account's name, role, region or whether it may log in. Disabling ends
    the account's sessions at its next request."""
    user = access.get_user_or_404(current_user, user_id)
    form = EditAccountForm(obj=user)
    if request.method == "GET":
        form.district_codes.data = ", ".join(d.code for d in user.districts)
    if form.validate_on_submit():
        if user.id == current_user.id and (
            not form.active.data or form.role.data != Role.ADMIN
        ):
            form.active.errors.append(
                _("You cannot disable or demote your own account.")
            )
        else:
            services.update_account(
                user,
                full_name=form.full_name.data,
                active=form.active.data,
                scope=form.scope(),
            )
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    password_form = PasswordForm(formdata=None, prefix="pw")
    return render_template(
        "admin/user_form.html", form=form, user=user, password_form=password_form
    ), (400 if form.errors else 200)


@bp.route("/users/<int(max=2147483647):user_id>/password", methods=["POST"])
@admin_only
def reset_password(user_id: int):
    user = access.get_user_or_404(current_user, user_id)
    password_form = PasswordForm(prefix="pw", account_username=user.username)
    if password_form.validate_on_submit():
        services.reset_password(user, password_form.password.data)
        flash(
            _("New password set for %(username)s.", username=user.username), "success"
        )
        return redirect(url_for("admin.users"))
    form = EditAccountForm(obj=user, formdata=None)
    form.district_codes.data = ", ".join(d.code for d in user.districts)
    return render_template(
        "admin/user_form.html", form=form, user=user, password_form=password_form
    ), 400


@bp.route("/threshold", methods=["GET", "POST"])
@admin_only
def threshold():
    """The programme threshold and the regencies' own thresholds. A change is audited
    and re-evaluates every village it governs at once."""
    form = ThresholdForm(prefix="national")
    regency_form = RegencyThresholdForm(prefix="regency")
    if request.method == "GET":
        form.threshold.data = format_tenths(services.programme_threshold()).rstrip("%")
    elif "national-threshold" in request.form and form.validate_on_submit():
        changed = services.set_threshold(form.threshold.tenths)
        flash(
            _("Threshold saved; %(count)s villages changed status.", count=changed),
            "success",
        )
        return redirect(url_for("admin.threshold"))
    elif "regency-regency_code" in request.form and regency_form.validate_on_submit():
        changed = services.set_threshold(
            regency_form.threshold.tenths, regency_form.regency_code.data
        )
        flash(
            _("Threshold saved; %(count)s villages changed status.", count=changed),
            "success",
        )
        return redirect(url_for("admin.threshold"))
    overrides = db.session.scalars(
        select(RegencySetting)
        .where(RegencySetting.threshold_tenths.is_not(None))
        .order_by(RegencySetting.regency_code)
    ).all()
    status = 400 if form.errors or regency_form.errors else 200
    return render_template(
        "admin/threshold.html",
        form=form,
        regency_form=regency_form,
        overrides=overrides,
    ), status


@bp.route("/signatories", methods=["GET", "POST"])
@admin_only
def signatories():
    """Each regency's issuing office and signatory, printed on its certificates."""
    form = SignatoryForm()
    if request.method == "GET" and request.args.get("regency"):
        regency = db.session.get(Region, request.args["regency"][:13])
        if regency is not None and regency.level == "regency":
            defaults = designations.signatory_defaults(regency)
            form.regency_code.data = regency.code
            form.office_name.data = defaults.office_name
            form.signatory_name.data = defaults.name
            form.signatory_title.data = defaults.title
    if form.validate_on_submit():
        designations.set_signatory_defaults(
            form.regency,
            designations.Signatory(
                form.office_name.data,
                form.signatory_name.data,
                form.signatory_title.data,
            ),
        )
        flash(_("Signatory saved for %(name)s.", name=form.regency.name), "success")
        return redirect(url_for("admin.signatories"))
    page = paginate(
        select(RegencySetting)
        .where(RegencySetting.signatory_name.is_not(None))
        .order_by(RegencySetting.regency_code)
        .options(joinedload(RegencySetting.regency))
    )
    return render_template("admin/signatories.html", form=form, page=page), (
        400 if form.errors else 200
    )


@bp.route("/throttles")
@admin_only
def login_throttles():
    """The login throttles in force: whose logins from where are refused, after how
    many failures, until when; each can be cleared."""
    return render_template(
        "admin/throttles.html",
        throttles=throttles.active_throttles(utcnow()),
    )


@bp.route("/throttles/clear", methods=["POST"])
@admin_only
def clear_login_throttle():
    """Forget the failures behind one throttle, e.g. for a user who calls because
    they locked themselves out; audited."""
    form = ClearThrottleForm()
    kind = form.kind.data
    username = (form.username.data or "").strip().lower() or None
    address = (form.address.data or "").strip() or None
    if (
        not form.validate_on_submit()
        or (kind != throttles.ADDRESS and username is None)
        or (kind != throttles.ACCOUNT and address is None)
    ):
        flash(_("That throttle could not be cleared."), "error")
        return redirect(url_for("admin.login_throttles"))
    if kind == throttles.ADDRESS:
        username = None
    if kind == throttles.ACCOUNT:
        address = None
    throttles.clear_throttle(kind, username, address)
    flash(
        _(
            "Throttle cleared: %(who)s may try again.",
            who=" @ ".join(part for part in (username, address) if part),
        ),
        "success",
    )
    return redirect(url_for("admin.login_throttles"))
