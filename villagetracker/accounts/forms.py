"""The forms of the accounts area: logging in, and the administrator's account pages."""

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    Regexp,
    ValidationError,
)

from ..extensions import db
from ..i18n import ROLE_LABELS
from ..models import Role, User
from ..web.fields import at_most
from . import throttles
from .passwords import password_problem
from .service import AccountScope, account_scope_errors


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter your username.")), at_most(50)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), at_most(200)],
        render_kw={"autocomplete": "current-password"},
    )


USERNAME = re.compile(r"^[a-z0-9._-]{3,50}$")


def password_acceptable(form, field) -> None:
    """Long enough, not the username, not common, not a plain run (passwords.py). The
    username is the form's own field, or the account's for a reset."""
    username = getattr(form, "account_username", None)
    if username is None and "username" in form:
        username = form.username.data
    problem = password_problem(
        field.data or "", username or "", current_app.config["PASSWORD_MIN_LENGTH"]
    )
    if problem:
        raise ValidationError(problem)


def split_codes(text: str | None) -> list[str]:
    """'36.03.06, 36.03.07' or one per line: the codes, without repeats, in order."""
    codes = [code for code in re.split(r"[\s,;]+", text or "") if code]
    return list(dict.fromkeys(codes))


# WTForms orders fields by when they were declared, and the error summary follows that
# order: declare them in the order the form shows them.
class UsernameField:
    username = StringField(
        _l("Username"),
        description=_l(
            "3 to 50 lowercase letters, digits, dots, dashes or underscores."
        ),
        validators=[
            DataRequired(_l("Enter a username.")),
            Regexp(
                USERNAME, message=_l("Use 3 to 50 lowercase letters, digits, . _ or -.")
            ),
        ],
        filters=[lambda value: value.strip().lower() if value else value],
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )

    def validate_username(self, field) -> None:
        if db.session.scalar(select(User.id).where(User.username == field.data)):
            raise ValidationError(_l("This username is taken."))


class AccountForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the person's name.")), at_most(100)],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired(_l("Choose a role."))],
        validate_choice=False,  # account_scope_errors says what is wrong with a role
    )
    region_code = StringField(
        _l("Regency or city (code)"),
        description=_l(
            "For example 36.03 for Kabupaten Tangerang. Empty for an admin."
        ),
        validators=[at_most(13)],
        render_kw={"data-typeahead": "regency", "autocomplete": "off"},
    )
    district_codes = StringField(
        _l("Limited to districts (codes, optional)"),
        description=_l(
            "Field officers only: kecamatan codes separated by commas, e.g. 36.03.06."
        ),
        validators=[at_most(500)],
    )

    def scope(self) -> AccountScope:
        return AccountScope(
            role=self.role.data,
            region_code=(self.region_code.data or "").strip() or None,
            district_codes=split_codes(self.district_codes.data),
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in account_scope_errors(self.scope()).items():
            getattr(self, name).errors.append(message)
            valid = False
        return valid


class EditAccountForm(AccountForm):
    active = BooleanField(_l("Active (may log in)"))

    def show_districts(self, account: User) -> None:
        """The districts an account is limited to, as the field shows them."""
        self.district_codes.data = ", ".join(d.code for d in account.districts)

    def may_save(self, account: User, admin: User) -> bool:
        """An admin cannot lock themselves out: their own account stays an active
        admin (else the error is put on the form)."""
        if account.id == admin.id and (
            not self.active.data or self.role.data != Role.ADMIN
        ):
            self.active.errors.append(
                _l("You cannot disable or demote your own account.")
            )
            return False
        return True


class PasswordFields:
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter a password.")), password_acceptable],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class NewAccountForm(UsernameField, AccountForm, PasswordFields):
    pass


class PasswordForm(FlaskForm, PasswordFields):
    """A new password for an existing account (``account_username`` is its name)."""

    def __init__(self, *args, account_username: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_username = account_username


class ClearThrottleForm(FlaskForm):
    """Which throttle to clear: the fields of its row on the throttles page."""

    kind = HiddenField(validators=[AnyOf(throttles.KINDS)])
    username = HiddenField(validators=[at_most(50)])
    address = HiddenField(validators=[at_most(45)])

    def throttle(self) -> tuple[str, str | None, str | None] | None:
        """(kind, username, address) of the throttle to clear, each part only where
        the kind has it; None when a part the kind needs is missing."""
        kind = self.kind.data
        username = (self.username.data or "").strip().lower() or None
        address = (self.address.data or "").strip() or None
        if (kind != throttles.ADDRESS and username is None) or (
            kind != throttles.ACCOUNT and address is None
        ):
            return None
        return (
            kind,
            None if kind == throttles.ADDRESS else username,
            None if kind == throttles.ACCOUNT else address,
        )
