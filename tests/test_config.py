import os
import stat

import pytest

from villagetracker import create_app
from villagetracker.config import ConfigError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("VILLAGETRACKER_"):
            monkeypatch.delenv(name)
    return tmp_path


def make(tmp_path, **config):
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", **config})


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
    app = make(clean_env)
    assert app.config["ENV"] == "production"
    assert app.config["SECRET_KEY"] == "k" * 40


def test_development_generates_one_secret_key_into_the_instance_folder(clean_env, app):
    key_file = os.path.join(app.instance_path, "secret_key")
    existed = os.path.exists(key_file)
    first = make(clean_env, ENV="development").config["SECRET_KEY"]
    second = make(clean_env, ENV="development").config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600 or existed


def test_environment_variables_override_the_defaults(clean_env, monkeypatch):
    monkeypatch.setenv("VILLAGETRACKER_ENV", "development")
    monkeypatch.setenv(
        "VILLAGETRACKER_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/vt"
    )
    monkeypatch.setenv("VILLAGETRACKER_PAGE_SIZE", "25")
    app = create_app()
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/vt"
    )
    assert app.config["PAGE_SIZE"] == 25


def test_the_test_mapping_wins_over_the_environment(clean_env, monkeypatch):
    monkeypatch.setenv("VILLAGETRACKER_PAGE_SIZE", "25")
    app = make(clean_env, ENV="development", PAGE_SIZE=7)
    assert app.config["PAGE_SIZE"] == 7


def test_the_default_database_is_sqlite_in_the_instance_folder(clean_env):
    app = create_app({"ENV": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "sqlite:///" + os.path.join(app.instance_path, "villagetracker.sqlite3")
    )


def test_https_makes_the_cookies_secure(clean_env):
    app = make(clean_env, ENV="development", HTTPS=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert not make(clean_env, ENV="development").config.get("SESSION_COOKIE_SECURE")
