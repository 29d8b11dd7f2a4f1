"""The demo accounts: their published password must never open a production server."""

import click
from flask import Flask
from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError

from .config import ConfigError
from .extensions import db
from .models import Role, User

# Printed by `flask demo` and in the README: anyone can read it.
DEMO_PASSWORD = "desasadar2026"
DEMO_ACCOUNTS = [
    ("admin", "Admin Nasional", Role.ADMIN, None),
    ("reviewer.tangerang", "Disnaker Kabupaten Tangerang", Role.REVIEWER, "36.03"),
    ("officer.tangerang", "Petugas Lapangan Tangerang", Role.OFFICER, "36.03"),
    ("officer.serang", "Petugas Lapangan Serang", Role.OFFICER, "36.04"),
]


def accounts_with_the_demo_password() -> list[str]:
    """The demo accounts whose password is still the published one. Only the
    demo usernames are checked: four hashes, not every account's."""
    names = [username for username, *_rest in DEMO_ACCOUNTS]
    # Disabled ones too: an administrator could enable one again while the app runs.
    users = db.session.scalars(
        select(User).where(User.username.in_(names)).order_by(User.username)
    )
    return [user.username for user in users if user.check_password(DEMO_PASSWORD)]


def published_password_problem(app: Flask) -> str | None:
    """Why this production app must not start (a demo account still opens
    with the published password), or None. A database without the tables yet (before
    `flask db upgrade`), or not reachable, has no such account to find."""
    with app.app_context():
        try:
            if not inspect(db.engine).has_table(User.__tablename__):
                return None
            found = accounts_with_the_demo_password()
        except OperationalError as error:
            app.logger.warning("demo passwords not checked: %s", error)
            return None
        finally:
            db.session.remove()
    if not found:
        return None
    return (
        f"The account(s) {', '.join(found)} still have the published demo password. "
        "Give each a new password (flask --app villagetracker users password NAME) "
        "or disable it before serving in production."
    )


def refuse_published_passwords(app: Flask) -> None:
    """In production, raise ConfigError while a demo account opens with the published
    password. Shell commands other than `flask run` still load the app, so that the
    operator can give those accounts new passwords (`flask users password`)."""
    if app.config["ENV"] != "production":
        return
    command = click.get_current_context(silent=True)
    if command is not None and command.info_name != "run":
        return
    problem = published_password_problem(app)
    if problem:
        raise ConfigError(problem)
