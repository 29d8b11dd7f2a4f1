"""A fresh app and database for every test, users of each role, logged-in clients,
villages with reports and designations: the fixtures every area's tests share.

The database is a real SQLite file, or a real PostgreSQL database when
``VILLAGETRACKER_POSTGRES_SERVER`` names a server. Building the schema and loading the
regions takes a moment, so it is done once per session into a template that each test
copies. Plain helpers (the test password, CSRF-aware clients, report forms ...) are in
``tests/helpers``; the real browser's fixtures in ``tests/browser/conftest.py``.
"""

import os
import subprocess
import sys
import threading
from datetime import date

import pytest
from werkzeug.serving import make_server

from tests.helpers import (
    PASSWORD,
    TEST_SECRET,
    Browser,
    IsolatedClient,
    app_config,
)
from tests.helpers.dashboards import BANDUNG, SERANG, TANGERANG
from tests.helpers.databases import PostgresDatabases, SQLiteDatabases, in_test_regions
from tests.helpers.review import KRESEK, approve, designation
from tests.helpers.servers import start_redis
from tests.helpers.villages import registration, report_values
from villagetracker import create_app
from villagetracker.accounts.service import AccountScope, create_account
from villagetracker.extensions import db
from villagetracker.jobs import queue
from villagetracker.models import Role
from villagetracker.regions.loader import load_regions, official_rows
from villagetracker.villages import service as village_service


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """Where the suite's databases live: SQLite files, or a PostgreSQL server when
    ``VILLAGETRACKER_POSTGRES_SERVER`` names one (``make test DB=postgres``)."""
    server = os.environ.get("VILLAGETRACKER_POSTGRES_SERVER")
    if server:
        found = PostgresDatabases(server)
    else:
        found = SQLiteDatabases(tmp_path_factory.mktemp("databases"))
    yield found
    found.close()


@pytest.fixture(scope="session")
def template_database(databases, tmp_path_factory):
    """The schema and the test regions, built once and copied for every test."""
    url = databases.new()
    app = create_app(app_config(url, tmp_path_factory.mktemp("template")))
    with app.app_context():
        db.create_all()
        load_regions(row for row in official_rows() if in_test_regions(row["code"]))
        db.engine.dispose()  # checkpoints SQLite's WAL; PostgreSQL copies need no user
    yield url
    databases.drop(url)


@pytest.fixture
def new_database(databases, template_database):
    """new_database(empty=False) -> URL: another database of the suite's kind, with the
    test regions (or empty), dropped after the test."""
    made = []

    def make(empty=False):
        made.append(databases.new(None if empty else template_database))
        return made[-1]

    yield make
    for url in made:
        databases.drop(url)


@pytest.fixture
def database_url(new_database):
    return new_database()


@pytest.fixture
def make_app(database_url, tmp_path):
    """make_app(**config): another app on the test's database, with other settings."""

    def make(**overrides):
        app = create_app(app_config(database_url, tmp_path, **overrides))
        app.test_client_class = IsolatedClient
        return app

    return make


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """make_user(role, region="36.03", districts=(), username=None, password=...)"""
    count = 0

    def make(
        role=Role.OFFICER,
        region="36.03",
        districts=(),
        username=None,
        password=PASSWORD,
    ):
        nonlocal count
        count += 1
        written = create_account(
            username=username or f"{role}{count}",
            full_name=f"Test {role} {count}",
            password=password,
            scope=AccountScope(
                role, None if role == Role.ADMIN else region, list(districts)
            ),
        )
        db.session.commit()
        return written

    return make


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def login(app, make_user):
    """login(role, **make_user_args) -> (Browser, user): a fresh client logged in."""

    def log_in(role=Role.OFFICER, **kwargs):
        user = make_user(role, **kwargs)
        session = Browser(app.test_client())
        response = session.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return session, user

    return log_in


# --- Real servers the suite starts: the app over HTTP, Redis, job workers ---


@pytest.fixture
def served_config():
    """Settings of the app ``live_server`` serves beyond the test's own: a module
    overrides it (a real job queue, say)."""
    return {}


@pytest.fixture
def live_server(make_app, served_config):
    """The app served over real HTTP on 127.0.0.1, on the test's database."""
    server = make_server("127.0.0.1", 0, make_app(**served_config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """The URL (``redis://127.0.0.1:PORT``) of a real Redis started for the session
    (one per xdist worker) and stopped after it. Tests that need it empty take
    ``redis_url``."""
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path):
    """A real job queue's storage, on each kind there is: a SQLite file (``make
    run``), then a throwaway Redis (production)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
        return
    redis = start_redis(tmp_path)
    yield redis.url + "/0"
    redis.stop()


@pytest.fixture
def real_queue(app, make_app, queue_url, database_url):
    """The queue on ``queue_url`` for this process's requests, and
    ``start(stalled_after=60)`` to start a real worker (``flask jobs work``) on it;
    afterwards jobs run at once again, as in the rest of the suite."""
    make_app(QUEUE_URL=queue_url)  # binds the one queue to the real storage
    workers = []

    def start(stalled_after: int = 60):
        env = {
            **os.environ,
            "VILLAGETRACKER_ENV": "testing",
            "VILLAGETRACKER_SECRET_KEY": TEST_SECRET,
            "VILLAGETRACKER_DATABASE_URL": database_url,
            "VILLAGETRACKER_QUEUE_URL": queue_url,
            "VILLAGETRACKER_JOB_FILES_FOLDER": app.config["JOB_FILES_FOLDER"],
            "VILLAGETRACKER_JOB_STALLED_AFTER_SECONDS": str(stalled_after),
        }
        command = [sys.executable, "-m", "flask", "--app", "villagetracker"]
        worker = subprocess.Popen(
            [*command, "jobs", "work", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
    queue.huey.immediate = True


@pytest.fixture
def redis_url(redis_server):
    """The session's Redis, emptied before this test."""
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushall()
    client.close()
    return redis_server


# --- Villages in the programme ---


@pytest.fixture
def register(app, make_user):
    """register(code, potential=4615, as_of=date(2019, 1, 1)) -> Village, made by the
    services as an officer of the village's regency would."""

    officers = {}

    def make(code, potential=4615, as_of=date(2019, 1, 1), **details):
        regency = code[:5]
        officer = officers.get(regency) or make_user(Role.OFFICER, region=regency)
        officers[regency] = officer
        written = village_service.register_village(
            officer, registration(code, potential, as_of, **details)
        )
        db.session.commit()
        return written

    return make


@pytest.fixture
def log(app):
    """log(village, active, as_of=..., **parts) -> Report, logged by the services."""

    def make(village, active, as_of=date(2019, 9, 1), **parts):
        written = village_service.log_report(
            village.registered_by, village, report_values(active, as_of, **parts), None
        )
        db.session.commit()
        return written

    return make


# --- The labour office's review: a qualifying Kresek and its designation ---


@pytest.fixture
def officer(login):
    """A Browser logged in as an officer of Kabupaten Tangerang; ``.user`` is the
    account. (Modules whose officer needs more, a village or English, override it.)"""
    session, user = login(Role.OFFICER, region="36.03")
    session.user = user
    return session


@pytest.fixture
def reviewer(login):
    """A Browser logged in as a reviewer of Kabupaten Tangerang's labour office;
    ``.user`` is the account."""
    session, user = login(Role.REVIEWER, region="36.03")
    session.user = user
    return session


@pytest.fixture
def qualifying(register, log):
    """qualifying(code=KRESEK, active=4200): a registered village with a report of
    ``active`` of 4,615 on 1 September 2019 (4,200 is 91.0%)."""

    def make(code=KRESEK, active=4200):
        village = register(code)
        log(village, active)
        return village

    return make


@pytest.fixture
def designated(reviewer, qualifying):
    """Kresek qualifying and approved by ``reviewer``: its Designation, numbered
    ``FIRST_NUMBER``. (tests/test_access.py has its own, for every village.)"""
    qualifying()
    assert approve(reviewer).status_code == 302
    return designation()


# --- A country of villages for the dashboards ---


@pytest.fixture
def country(register, log, login):
    """Villages in Kabupaten Tangerang, Kabupaten Serang (Banten) and Kabupaten
    Bandung (Jawa Barat), two of them designated by the labour office and one of
    those since fallen below the threshold."""
    villages = {}
    for code, potential, active in TANGERANG + SERANG + BANDUNG:
        villages[code] = register(code, potential=potential)
        if active is not None:
            log(villages[code], active, as_of=date(2019, 9, 1))
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    for code in ("36.03.06.2018", "36.03.07.2002"):
        assert approve(reviewer, code).status_code == 302
    log(villages["36.03.07.2002"], 2000, as_of=date(2019, 10, 1))  # 66.6%: at risk
    db.session.expire_all()
    return villages
