"""Shell commands: ``flask --app villagetracker regions|users|demo|backup|evidence``."""

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import rules
from .accounts.passwords import password_problem
from .accounts.service import (
    AccountScope,
    account_scope_errors,
    create_account,
    reset_password,
)
from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from .extensions import db
from .models import Region, Role, User
from .regions import loader as regions
from .villages import evidence

regions_cli = AppGroup("regions", help="The official Kemendagri region list.")
users_cli = AppGroup("users", help="Accounts.")
evidence_cli = AppGroup("evidence", help="Evidence files behind reports.")
jobs_cli = AppGroup("jobs", help="The job worker.")


@jobs_cli.command("work")
@click.option("--workers", default=2, show_default=True, help="Jobs run at a time.")
def work_command(workers: int) -> None:
    """Run the job worker: the queued jobs, each in a process of its own, and the
    schedule (stalled jobs each minute, tidying each day). Stops on Ctrl-C or
    SIGTERM once its running jobs end."""
    from .jobs import queue

    if queue.immediate():
        raise click.UsageError("VILLAGETRACKER_QUEUE_URL=immediate has no worker.")
    queue.worker(workers)


@regions_cli.command("load")
def load_regions_command() -> None:
    """Load the shipped region list, or bring the database up to date with it."""
    started = time.perf_counter()
    report = regions.load_regions(regions.official_rows())
    elapsed = time.perf_counter() - started
    for level in rules.LEVELS:
        total = report.added[level] + report.updated[level] + report.unchanged[level]
        line = (
            f"{level:<9} {total:>6,}  added {report.added[level]:,}, "
            f"renamed {report.updated[level]:,}, unchanged {report.unchanged[level]:,}"
        )
        if report.not_in_list[level]:
            line += f", no longer listed (kept) {report.not_in_list[level]:,}"
        click.echo(line)
    click.echo(
        f"{'done' if report.changed else 'already up to date'} in {elapsed:.1f} s"
    )


def _check_password(password: str, username: str) -> None:
    """The rules of every form that sets a password (passwords.py)."""
    problem = password_problem(
        password, username, current_app.config["PASSWORD_MIN_LENGTH"]
    )
    if problem:
        raise click.BadParameter(str(problem), param_hint="'--password'")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--region", "region_code", help="Regency/city code, e.g. 36.03.")
@click.option("--district", "district_codes", multiple=True, help="Limit an officer.")
@click.option("--name", "full_name", help="Full name (defaults to the username).")
@click.password_option(help="Asked for when not given.")
def create_user_command(
    username, role, region_code, district_codes, full_name, password
) -> None:
    """Create an account with a role in a region."""
    username = username.strip().lower()
    if db.session.scalar(User.by_username(username)):
        raise click.UsageError(f"the username {username} is taken")
    _check_password(password, username)
    scope = AccountScope(role, region_code, list(district_codes))
    errors = account_scope_errors(scope)
    if errors:
        raise click.UsageError("; ".join(str(message) for message in errors.values()))
    create_account(
        username=username,
        full_name=full_name or username,
        password=password,
        scope=scope,
    )
    db.session.commit()
    click.echo(
        f"created {role} {username}" + (f" for {region_code}" if region_code else "")
    )


@users_cli.command("password")
@click.argument("username")
@click.password_option(help="Asked for when not given.")
def password_command(username, password) -> None:
    """Give an account a new password (which ends its sessions)."""
    user = db.session.scalar(User.by_username(username))
    if user is None:
        raise click.UsageError(f"there is no account {username.strip().lower()}")
    _check_password(password, user.username)
    reset_password(user, password)
    db.session.commit()
    click.echo(f"new password set for {user.username}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo accounts the first time (never touches existing ones), and print
    the logins. Refused in production: their password is published."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException(
            "refused: VILLAGETRACKER_ENV is production, and the demo accounts' "
            "password is published. Create real accounts with `flask --app "
            "villagetracker users create`, or set VILLAGETRACKER_ENV=development "
            "on a machine for trying the app out."
        )
    if db.session.get(Region, "36.03") is None:
        raise click.ClickException("load the regions first: flask regions load")
    for username, full_name, role, region_code in DEMO_ACCOUNTS:
        if db.session.scalar(User.by_username(username)) is None:
            create_account(
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                scope=AccountScope(role, region_code, []),
            )
    db.session.commit()
    click.echo(f"Demo logins (password for each: {DEMO_PASSWORD}):")
    for username, _name, role, region_code in DEMO_ACCOUNTS:
        click.echo(f"  {username:<20} {role:<9} {region_code or 'Indonesia'}")


@click.command("backup")
@with_appcontext
@click.argument("destination", required=False, type=click.Path(path_type=Path))
def backup_command(destination: Path | None) -> None:
    """Copy the SQLite database, consistently, while the app keeps running.

    DESTINATION is a file or a folder (default: instance/backups/). PostgreSQL is
    backed up with pg_dump instead (see README, Production)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "the database is not SQLite: back PostgreSQL up with pg_dump, e.g. "
            "pg_dump --format=custom --file=villagetracker.dump villagetracker"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"villagetracker-{stamp}.sqlite3"
    if destination is None:
        destination = Path(current_app.instance_path) / "backups" / name
    elif destination.is_dir():
        destination = destination / name
    if destination.exists():
        raise click.ClickException(f"{destination} exists already: nothing was written")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # SQLite's online backup copies the pages of one read transaction: a snapshot, the
    # same whatever the app writes meanwhile (WAL lets the writers go on).
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(destination)
    try:
        source.backup(copy)
        problems = copy.execute("PRAGMA integrity_check").fetchone()[0]
        villages, reports = copy.execute(
            "SELECT (SELECT count(*) FROM village), (SELECT count(*) FROM report)"
        ).fetchone()
    finally:
        copy.close()
        source.close()
    if problems != "ok":
        destination.unlink()
        raise click.ClickException(f"the copy failed its integrity check: {problems}")
    size = destination.stat().st_size / 1e6
    click.echo(
        f"{destination}: {size:,.1f} MB, {villages:,} villages, {reports:,} reports "
        "(integrity check: ok)"
    )


@evidence_cli.command("check")
@click.option("--remove", is_flag=True, help="Delete the files found.")
def evidence_check_command(remove: bool) -> None:
    """List the evidence files that neither a report nor the audit trail names (left
    by a save that was killed before it committed), older than an hour; with
    --remove, delete them."""
    found = list(evidence.unreferenced())
    for path in found:
        if remove:
            path.unlink(missing_ok=True)
        click.echo(f"{'removed' if remove else 'unreferenced'}: {path}")
    size = sum(path.stat().st_size for path in found if path.exists()) / 1e6
    summary = f"{len(found)} file(s) that nothing names"
    if found and not remove:
        summary += f" ({size:,.1f} MB); run with --remove to delete them"
    click.echo(summary)


def init_app(app: Flask) -> None:
    app.cli.add_command(evidence_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(regions_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
