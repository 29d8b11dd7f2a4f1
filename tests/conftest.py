"""A fresh app and database for every test, and helpers to make users and log in.

The database is a real SQLite file, or a real PostgreSQL database when
``VILLAGETRACKER_POSTGRES_SERVER`` names a server. Building the schema and loading the
regions takes a moment, so it is done once per session into a template that each test
copies.
"""

import contextvars
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from villagetracker import create_app
from villagetracker.extensions import db
from villagetracker.models import Role
from villagetracker.regions import load_regions, official_rows
from villagetracker.services import AccountScope, create_account

PASSWORD = "correct-horse-battery"
TEST_SECRET = "test-secret-key-" + "x" * 32
# Banten (Kabupaten Tangerang 36.03, Kabupaten Serang 36.04, ...) and Kabupaten
# Bandung (32.04) with its province: enough real regions for scope tests.
TEST_REGION_ROOTS = ("36", "32.04")


def in_test_regions(code: str) -> bool:
    return code == "32" or any(
        code == root or code.startswith(root + ".") for root in TEST_REGION_ROOTS
    )


def app_config(database_url, folder, **overrides) -> dict:
    return {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "EVIDENCE_DIR": str(Path(folder) / "evidence"),
        # Hashing is deliberately slow; the suite hashes hundreds of passwords.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **overrides,
    }


class SQLiteDatabases:
    """Databases as files in a folder; a copy of the template is a copy of its file."""

    def __init__(self, folder: Path):
        self.folder, self.count = folder, 0

    def new(self, template: str | None = None) -> str:
        self.count += 1
        path = self.folder / f"villagetracker-{self.count}.sqlite3"
        if template:
            shutil.copyfile(make_url(template).database, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        Path(make_url(url).database).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    """Databases in a PostgreSQL server (``VILLAGETRACKER_POSTGRES_SERVER``, as set
    by ``.ci/with-postgres``); a copy of the template is made by the server."""

    def __init__(self, server_url: str):
        self.server = make_url(server_url)
        self.engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.count = 0

    def new(self, template: str | None = None) -> str:
        self.count += 1
        name = f"villagetracker_{os.getpid()}_{self.count}"
        statement = f'CREATE DATABASE "{name}"'
        if template:
            # FILE_COPY: a small database copies faster than WAL_LOG writes it.
            source = make_url(template).database
            statement += f' TEMPLATE "{source}" STRATEGY FILE_COPY'
        with self.engine.connect() as connection:
            connection.exec_driver_sql(statement)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.engine.dispose()


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


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as on a server.

    The test itself holds an app context to read the database; without this, a request
    would reuse it and share its ``g`` (the logged-in user, the CSRF token) and its
    database session with the test and with every other client in the test.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(self._open_and_read, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()  # let the test see what the request committed
        return response

    def _open_and_read(self, *args, **kwargs):
        """A streamed body is read in the request's own context, where its generator
        runs on a server; ``was_streamed`` keeps that it came in pieces."""
        response = super().open(*args, **kwargs)
        response.was_streamed = response.is_streamed
        if response.is_streamed:
            response.get_data()
        return response


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
        return create_account(
            username=username or f"{role}{count}",
            full_name=f"Test {role} {count}",
            password=password,
            scope=AccountScope(
                role, None if role == Role.ADMIN else region, list(districts)
            ),
        )

    return make


CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Browser:
    """The Flask test client with the CSRF token a real form would carry."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self) -> str:
        page = self.client.get("/login", follow_redirects=True).get_data(as_text=True)
        return CSRF_FIELD.search(page).group(1)

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.client.post(url, data=data, **kwargs)

    def login(self, user_or_name, password=PASSWORD, **kwargs):
        username = getattr(user_or_name, "username", user_or_name)
        return self.post(
            "/login", {"username": username, "password": password}, **kwargs
        )

    def logout(self):
        return self.post("/logout")


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


# --- A real browser: Debian's chromium driven by Playwright ---

ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots to look at; not in git
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: this machine and many offices have no other network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    path = shutil.which("chromium")
    if path is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("VILLAGETRACKER_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; VILLAGETRACKER_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(make_app):
    """The app served over real HTTP on 127.0.0.1, on the test's database."""
    server = make_server("127.0.0.1", 0, make_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab at 1280 px, set up like a phone in Indonesia, that fails the
    test if the page asks any other host for anything or logs a JavaScript error."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    tab = context.new_page()
    foreign, errors = [], []
    tab.on("request", lambda r: r.url.startswith(live_server) or foreign.append(r.url))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # A page may answer 400 or 404 on purpose; a stylesheet, script or image may not.
    tab.on(
        "response",
        lambda r: (
            r.status >= 400
            and r.request.resource_type != "document"
            and errors.append(f"{r.status} {r.url}")
        ),
    )
    tab.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and errors.append(m.text)
        ),
    )
    tab.base_url = live_server
    yield tab
    context.close()
    assert foreign == [], "requests to other hosts"
    assert errors == [], "errors in the browser console"


def assert_accessible(tab):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    assert results.violations_count == 0, results.generate_report()


def assert_no_sideways_scroll(tab):
    # What sticks out, to say in the failure (scrolling tables may, inside their box).
    too_wide = tab.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
                && !(e.parentElement && e.parentElement.closest('.table-wrap')))
            .map((e) => `${e.tagName}.${e.className} ${e.textContent.slice(0, 30)}`)"""
    )
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        too_wide
    )


def log_in(tab, username):
    tab.goto(tab.base_url + "/login")
    tab.get_by_label("Nama pengguna").fill(username)
    tab.get_by_label("Kata sandi").fill(PASSWORD)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Masuk").click()


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


# --- Real servers the suite starts: Redis (gunicorn: tests/test_rate_limits.py) ---


def servers_required() -> bool:
    """In CI (``VILLAGETRACKER_REQUIRE_SERVERS=1``, or ``CI`` set as CI services set
    it) a missing server program fails its tests instead of skipping them."""
    return os.environ.get("VILLAGETRACKER_REQUIRE_SERVERS") == "1" or os.environ.get(
        "CI", ""
    ).lower() in ("1", "true", "yes")


def require_program(path: str | None, name: str, install: str) -> str:
    """``path`` if the program is there; else skip with the reason, or fail where
    servers are required."""
    if path is None or not Path(path).exists():
        reason = f"{name} is not installed ({install})"
        if servers_required():
            pytest.fail(
                reason + "; in CI (VILLAGETRACKER_REQUIRE_SERVERS=1 or CI) it must run"
            )
        pytest.skip(reason)
    return str(path)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throwaway ``redis-server`` on 127.0.0.1 and a free port: nothing saved to
    disk (``--save ''``, no append-only file), its files in ``folder``."""

    def __init__(self, program: str, folder: Path):
        self.program, self.folder = program, folder
        self.process = None
        for _attempt in range(3):  # the free port may be taken before Redis binds it
            self.port = free_port()
            self.url = f"redis://127.0.0.1:{self.port}"
            if self._start():
                return
        raise RuntimeError(f"redis-server did not start: see {folder / 'redis.log'}")

    def _start(self) -> bool:
        self.process = subprocess.Popen(
            [self.program, "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
            + ["--logfile", str(self.folder / "redis.log"), "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            if self.answers():
                return True
            time.sleep(0.05)
        self.stop()
        return False

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_redis(folder: Path) -> RedisServer:
    """A new RedisServer, or the test skipped/failed when redis-server is missing."""
    program = require_program(
        shutil.which("redis-server"), "redis-server", "apt-get install redis-server"
    )
    return RedisServer(program, folder)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """The URL (``redis://127.0.0.1:PORT``) of a real Redis started for the session
    (one per xdist worker) and stopped after it. Tests that need it empty take
    ``redis_url``."""
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.stop()


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
    from villagetracker import services

    officers = {}

    def make(code, potential=4615, as_of=date(2019, 1, 1), **details):
        regency = code[:5]
        officer = officers.get(regency) or make_user(Role.OFFICER, region=regency)
        officers[regency] = officer
        return services.register_village(
            officer,
            code,
            head_name=details.get("head_name", "Kepala Desa"),
            contact_phone=details.get("contact_phone"),
            notes=details.get("notes"),
            potential=services.PotentialInput(potential, "p3ke", None, as_of),
        )

    return make


def report_values(active, as_of=date(2019, 9, 1), **parts):
    """A consistent report: all BPU and self-paid unless parts say otherwise."""
    from villagetracker import services

    values = {
        "bpu": active,
        "pu": 0,
        "jakon": 0,
        "self_paid": active,
        "apbd": 0,
        "apbdes": 0,
        "csr_other": 0,
        **parts,
    }
    return services.ReportInput(as_of=as_of, active_participants=active, **values)


@pytest.fixture
def log(app):
    """log(village, active, as_of=..., **parts) -> Report, logged by the services."""
    from villagetracker import services

    def make(village, active, as_of=date(2019, 9, 1), **parts):
        return services.log_report(
            village.registered_by, village, report_values(active, as_of, **parts), None
        )

    return make


def report_form(active, as_of="2019-09-01", **fields) -> dict:
    """The fields of the report form as a browser sends them."""
    values = {
        "as_of": as_of,
        "active_participants": str(active),
        "bpu": str(active),
        "pu": "0",
        "jakon": "0",
        "self_paid": str(active),
        "apbd": "0",
        "apbdes": "0",
        "csr_other": "0",
        "notes": "",
    }
    values.update({key: str(value) for key, value in fields.items()})
    return values


# --- What the app prints: PDF text, and the QR codes on its pages ---


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as a reader would copy it."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_qr_codes(data: bytes) -> list[str]:
    """What the QR codes on the PDF's pages say, read from the pages drawn as images
    (as a phone camera would see the printed sheet)."""
    import pypdfium2
    import zxingcpp

    found = []
    document = pypdfium2.PdfDocument(data)
    for page in document:
        image = page.render(scale=3).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    document.close()
    return found
