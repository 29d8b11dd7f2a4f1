import sqlite3
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func

from tests.helpers import PASSWORD, app_config
from tests.helpers.villages import registration
from villagetracker import create_app
from villagetracker.accounts import service as account_service
from villagetracker.extensions import db
from villagetracker.models import Role, User
from villagetracker.regions.loader import load_regions, official_rows
from villagetracker.villages import service as village_service


def test_users_create_makes_an_account_in_a_region(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Siti",
            "--role",
            "reviewer",
            "--region",
            "36.03",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(User.by_username("siti"))
    assert (user.role, user.region_code) == ("reviewer", "36.03")
    assert user.check_password("a-long-password")


def test_users_create_asks_for_the_password_when_not_given(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "budi",
            "--role",
            "officer",
            "--region",
            "36.04",
            "--district",
            "36.04.15",
        ],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(User.by_username("budi"))
    assert [d.code for d in user.districts] == ["36.04.15"]


def test_users_create_refuses_a_bad_scope_or_a_short_password(runner):
    bad_region = runner.invoke(
        args=[
            "users",
            "create",
            "x1",
            "--role",
            "officer",
            "--region",
            "36.03.06",
            "--password",
            "a-long-password",
        ]
    )
    assert bad_region.exit_code != 0 and "kabupaten atau kota" in bad_region.output
    short = runner.invoke(
        args=["users", "create", "x2", "--role", "admin", "--password", "short"]
    )
    assert short.exit_code != 0 and "paling sedikit 10" in short.output  # at least
    assert db.session.scalar(User.by_username("x1")) is None
    assert db.session.scalar(User.by_username("x2")) is None


def test_demo_creates_the_accounts_once_and_prints_the_logins(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "officer.tangerang" in first.output and "desasadar2026" in first.output
    officer = db.session.scalar(User.by_username("officer.tangerang"))
    officer_hash = officer.password_hash
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert (
        db.session.scalar(User.by_username("officer.tangerang")).password_hash
        == officer_hash
    )
    users = {
        u.username: (u.role, u.region_code) for u in db.session.scalars(db.select(User))
    }
    assert users == {
        "admin": ("admin", None),
        "reviewer.tangerang": ("reviewer", "36.03"),
        "officer.tangerang": ("officer", "36.03"),
        "officer.serang": ("officer", "36.04"),
    }


# --- backup ---


def sqlite_app(path, tmp_path):
    """An app on a SQLite file of its own, whatever database the suite runs on: the
    backup command copies SQLite databases only."""
    app = create_app(app_config(f"sqlite:///{path}", tmp_path))
    with app.app_context():
        db.create_all()
        load_regions(
            row for row in official_rows() if row["code"][:5] in ("36", "36.03")
        )
        db.engine.dispose()
    return app


def test_backup_copies_a_consistent_snapshot_while_reports_are_written(tmp_path):
    """A writer keeps adding a report and moving the village's latest report date in
    one transaction each; every copy made meanwhile holds both or neither."""
    live = tmp_path / "live.sqlite3"
    app = sqlite_app(live, tmp_path)
    with app.app_context():
        village_service.register_village(
            account_service.create_account(
                username="siti",
                full_name="Siti",
                password=PASSWORD,
                scope=account_service.AccountScope(Role.OFFICER, "36.03", []),
            ),
            registration("36.03.06.2018"),
        )
        db.session.commit()
        db.engine.dispose()
    stop = threading.Event()
    written = []

    def write_reports():
        connection = sqlite3.connect(live, timeout=30, isolation_level=None)
        day = date(2020, 1, 1)
        while not stop.is_set():
            day += timedelta(days=1)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "INSERT INTO report (village_code, as_of, active_participants, bpu, "
                "pu, jakon, self_paid, apbd, apbdes, csr_other, worker_potential, "
                "coverage_tenths, created_at) VALUES ('36.03.06.2018', ?, 10, 10, 0, "
                "0, 10, 0, 0, 0, 4615, 2, '2026-01-01')",
                (day.isoformat(),),
            )
            connection.execute(
                "UPDATE village SET latest_report_date = ?", (day.isoformat(),)
            )
            connection.execute("COMMIT")
            written.append(day)
        connection.close()

    writer = threading.Thread(target=write_reports)
    writer.start()
    try:
        copies = []
        for number in range(5):
            while len(written) < 50 * (number + 1):
                time.sleep(0.01)
            copies.append(tmp_path / f"copy-{number}.sqlite3")
            result = app.test_cli_runner().invoke(args=["backup", str(copies[-1])])
            assert result.exit_code == 0, result.output
            assert "integrity check: ok" in result.output
    finally:
        stop.set()
        writer.join()
    counts = []
    for copy in copies:
        connection = sqlite3.connect(copy)
        latest, count, newest = connection.execute(
            "SELECT (SELECT latest_report_date FROM village), "
            "(SELECT count(*) FROM report), (SELECT max(as_of) FROM report)"
        ).fetchone()
        connection.close()
        assert latest == newest
        counts.append(count)
    assert counts == sorted(counts) and counts[0] >= 50 and counts[-1] <= len(written)


def test_backup_names_its_copy_and_never_overwrites_one(tmp_path):
    app = sqlite_app(tmp_path / "live.sqlite3", tmp_path)
    folder = tmp_path / "backups"
    folder.mkdir()
    result = app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    (copy,) = folder.iterdir()
    assert copy.name.startswith("villagetracker-") and copy.suffix == ".sqlite3"
    again = app.test_cli_runner().invoke(args=["backup", str(copy)])
    assert again.exit_code != 0
    assert "exists already" in again.output


def test_backup_of_postgresql_says_to_use_pg_dump(tmp_path):
    app = create_app(
        app_config("postgresql+psycopg://nobody@127.0.0.1:1/villagetracker", tmp_path)
    )
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code != 0
    assert "pg_dump" in result.output


# --- passwords and the demo accounts ---


@pytest.mark.parametrize("password", ["1234567890", "aaaaaaaaaa", "password12"])
def test_users_create_refuses_a_weak_password(runner, password):
    result = runner.invoke(
        args=["users", "create", "rina", "--role", "admin", "--password", password]
    )
    assert result.exit_code != 0
    assert "--password" in result.output
    assert db.session.scalar(User.by_username("rina")) is None


def test_users_password_sets_a_new_password_under_the_same_rules(runner, make_user):
    user = make_user(Role.OFFICER, username="siti")
    weak = runner.invoke(args=["users", "password", "siti", "--password", "password12"])
    assert weak.exit_code != 0
    assert db.session.get(User, user.id).check_password(PASSWORD)
    done = runner.invoke(
        args=["users", "password", "Siti", "--password", "kopi-tubruk-pagi"]
    )
    assert done.exit_code == 0, done.output
    assert db.session.get(User, user.id).check_password("kopi-tubruk-pagi")
    missing = runner.invoke(
        args=["users", "password", "nobody", "--password", "kopi-tubruk-pagi"]
    )
    assert missing.exit_code != 0 and "nobody" in missing.output


def test_demo_refuses_in_production_and_creates_nothing(make_app):
    production = make_app(ENV="production", PUBLIC_URL="https://desasadar.example.id")
    result = production.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert "desasadar2026" not in result.output.replace("published", "")
    with production.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(User)) == 0
