from villagetracker.extensions import db
from villagetracker.models import User


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
    assert short.exit_code != 0 and "at least 10" in short.output
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
