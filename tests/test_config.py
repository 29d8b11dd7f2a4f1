import os
import stat
from datetime import timedelta

import pytest

from tests.helpers import app_config
from villagetracker import create_app
from villagetracker.accounts.service import reset_password
from villagetracker.config import ConfigError
from villagetracker.extensions import db
from villagetracker.models import Role


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("VILLAGETRACKER_"):
            monkeypatch.delenv(name)
    return tmp_path


def make(tmp_path, **config):
    """An app whose instance folder and database are in ``tmp_path``."""
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            **config,
        }
    )


def test_production_refuses_to_start_without_a_secret_key(clean_env):
    with pytest.raises(ConfigError, match="VILLAGETRACKER_SECRET_KEY"):
        make(clean_env, ENV="production")


def test_production_refuses_a_short_secret_key(clean_env):
    with pytest.raises(ConfigError, match="at least 32"):
        make(clean_env, ENV="production", SECRET_KEY="secret")


def test_production_starts_with_a_real_secret_key_from_the_environment(
    clean_env, monkeypatch
):
    monkeypatch.setenv("VILLAGETRACKER_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("VILLAGETRACKER_PUBLIC_URL", "https://desasadar.example.id")
    app = make(clean_env)
    assert app.config["ENV"] == "production"
    assert app.config["SECRET_KEY"] == "k" * 40


def test_production_refuses_to_start_without_the_public_address_for_qr_codes(
    clean_env,
):
    with pytest.raises(ConfigError, match="VILLAGETRACKER_PUBLIC_URL"):
        make(clean_env, SECRET_KEY="k" * 40)
    with pytest.raises(ConfigError, match="https://"):
        make(clean_env, SECRET_KEY="k" * 40, PUBLIC_URL="desasadar.example.id")


@pytest.mark.parametrize(
    "pattern",
    [
        "{sequence:03d}/DSJSK/{year}",  # two regencies would share numbers
        "DSJSK/{regency}/{year}",  # no sequence
        "{sequence:03d}/{nomor}",  # unknown field
    ],
)
def test_a_number_pattern_that_could_repeat_refuses_to_start(clean_env, pattern):
    with pytest.raises(ConfigError, match="DESIGNATION_NUMBER_PATTERN"):
        make(clean_env, ENV="development", DESIGNATION_NUMBER_PATTERN=pattern)


def test_development_generates_one_secret_key_into_the_instance_folder(clean_env):
    instance = clean_env / "instance"
    first = make(clean_env, ENV="development", INSTANCE_PATH=str(instance))
    second = make(clean_env, ENV="development", INSTANCE_PATH=str(instance))
    key_file = instance / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_environment_variables_override_the_defaults(clean_env, monkeypatch):
    monkeypatch.setenv("VILLAGETRACKER_ENV", "development")
    monkeypatch.setenv(
        "VILLAGETRACKER_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/vt"
    )
    monkeypatch.setenv("VILLAGETRACKER_PAGE_SIZE", "25")
    app = create_app({"INSTANCE_PATH": str(clean_env / "i")})
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/vt"
    )
    assert app.config["PAGE_SIZE"] == 25


def test_the_test_mapping_wins_over_the_environment(clean_env, monkeypatch):
    monkeypatch.setenv("VILLAGETRACKER_PAGE_SIZE", "25")
    app = make(clean_env, ENV="development", PAGE_SIZE=7)
    assert app.config["PAGE_SIZE"] == 7


def test_the_default_database_is_sqlite_in_the_instance_folder(clean_env):
    app = create_app({"ENV": "development", "INSTANCE_PATH": str(clean_env / "i")})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "sqlite:///" + os.path.join(app.instance_path, "villagetracker.sqlite3")
    )


def test_https_makes_the_cookies_secure(clean_env):
    app = make(clean_env, ENV="development", HTTPS=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert not make(clean_env, ENV="development").config.get("SESSION_COOKIE_SECURE")


def test_session_limits_come_from_the_environment(clean_env, monkeypatch):
    monkeypatch.setenv("VILLAGETRACKER_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("VILLAGETRACKER_SESSION_MAX_HOURS", "8")
    app = make(clean_env, ENV="development")
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)
    assert app.config["SESSION_REFRESH_EACH_REQUEST"] is False


@pytest.mark.parametrize("value", [0, -1, "two hours"])
def test_a_session_limit_that_is_not_a_positive_number_refuses_to_start(
    clean_env, value
):
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        make(clean_env, ENV="development", SESSION_IDLE_MINUTES=value)


PRODUCTION = {"ENV": "production", "PUBLIC_URL": "https://desasadar.example.id"}


def test_production_refuses_to_start_while_a_demo_account_has_the_published_password(
    make_app, make_user
):
    make_user(Role.OFFICER, username="officer.serang", password="desasadar2026")
    make_user(Role.ADMIN, username="admin", password="desasadar2026")
    with pytest.raises(ConfigError, match="admin, officer.serang"):
        make_app(**PRODUCTION)
    assert make_app(ENV="development").config["ENV"] == "development"


def test_production_starts_once_every_demo_password_is_changed(make_app, make_user):
    admin = make_user(Role.ADMIN, username="admin", password="desasadar2026")
    officer = make_user(
        Role.OFFICER, username="officer.serang", password="desasadar2026"
    )
    reset_password(admin, "kopi-tubruk-pagi")
    db.session.commit()
    officer.active = False  # disabled is not enough: it could be enabled again
    db.session.commit()
    with pytest.raises(ConfigError, match="officer.serang"):
        make_app(**PRODUCTION)
    reset_password(officer, "kopi-tubruk-sore")
    db.session.commit()
    assert make_app(**PRODUCTION).config["ENV"] == "production"


def test_production_starts_on_a_database_without_tables_yet(
    make_app, new_database, tmp_path
):
    app = create_app(app_config(new_database(empty=True), tmp_path, **PRODUCTION))
    assert app.config["ENV"] == "production"
