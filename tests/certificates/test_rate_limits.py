"""Rate limits hold across server workers: public verification is counted in Redis,
which every gunicorn worker shares, not in each worker's memory (issue 12, point 9).

These tests start real servers on 127.0.0.1: redis-server (the ``redis_server``
fixture in conftest.py) and gunicorn with two workers serving the test's database.
"""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from tests.helpers import TEST_SECRET, app_config
from tests.helpers.servers import free_port, require_program, start_redis
from villagetracker import create_app
from villagetracker.config import ConfigError
from villagetracker.extensions import db
from villagetracker.models import Role
from villagetracker.review import service as review_service

ROOT = Path(__file__).resolve().parents[2]
KRESEK = "36.03.06.2018"
WORKERS = 2
LIMIT = 30  # the shipped VERIFY_RATE_LIMIT, "30 per minute"
REQUESTS = 50


class Gunicorn:
    """``gunicorn --workers 2`` serving the app as in production, its settings in
    ``VILLAGETRACKER_*`` variables, and an access log naming the worker (pid) that
    served each request."""

    def __init__(self, folder: Path, database_url: str, store: str):
        program = require_program(
            Path(sys.executable).parent / "gunicorn",
            "gunicorn",
            "pip install '.[server]'",
        )
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.access_log = folder / "access.log"
        self.error_log = folder / "gunicorn.log"
        environment = {
            "PATH": "/usr/bin:/bin",
            "VILLAGETRACKER_ENV": "production",
            "VILLAGETRACKER_SECRET_KEY": TEST_SECRET,
            "VILLAGETRACKER_DATABASE_URL": database_url,
            "VILLAGETRACKER_PUBLIC_URL": self.base,
            "VILLAGETRACKER_EVIDENCE_DIR": str(folder / "evidence"),
            "VILLAGETRACKER_RATELIMIT_STORAGE_URI": store,
        }
        self.process = subprocess.Popen(
            [program, "--workers", str(WORKERS), "--worker-class", "sync"]
            + ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
            + ["--access-logfile", str(self.access_log)]
            + ["--access-logformat", "%(p)s %(s)s %(U)s"]
            + ["--error-logfile", str(self.error_log)]
            + ["villagetracker:create_app()"],
            env=environment,
        )
        try:
            self._wait_for_both_workers()
        except BaseException:
            self.stop()
            raise

    def _wait_for_both_workers(self) -> None:
        """Until both workers have served a page (an unlimited one), so that the
        burst below meets two workers, not one still starting."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("gunicorn stopped:\n" + self.error_log.read_text())
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda _: self.status("/login"), range(4)))
            if len(self.workers_serving("/login")) == WORKERS:
                return
            time.sleep(0.2)
        pytest.fail("both workers did not answer:\n" + self.error_log.read_text())

    def status(self, path: str) -> tuple[int, str | None]:
        """The status of a GET on a new connection, and its Retry-After header."""
        try:
            with urlopen(self.base + path, timeout=30) as response:
                return response.status, response.headers.get("Retry-After")
        except HTTPError as error:
            return error.code, error.headers.get("Retry-After")
        except OSError:
            return 0, None  # not listening yet

    def workers_serving(self, prefix: str) -> set[str]:
        """The pids of the workers that served a path starting with ``prefix``."""
        if not self.access_log.exists():
            return set()
        entries = [
            line.split(" ", 2) for line in self.access_log.read_text().splitlines()
        ]
        # pid, status, path; a line still being written may be short
        return {
            entry[0]
            for entry in entries
            if len(entry) == 3 and entry[2].startswith(prefix)
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def serve(database_url, tmp_path):
    """serve(store) -> Gunicorn on the test's database, rate limits counted in
    ``store``; stopped after the test."""
    servers = []

    def start(store: str) -> Gunicorn:
        folder = tmp_path / f"gunicorn-{len(servers)}"
        folder.mkdir()
        servers.append(Gunicorn(folder, database_url, store))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def certificate(app, register, log, make_user):
    """(token, number) of Desa Kresek's certificate, designated by the services."""
    village = register(KRESEK)
    log(village, 4200)  # 91.0% of 4,615: qualifying
    reviewer = make_user(Role.REVIEWER, region="36.03")
    designation = review_service.approve(
        reviewer,
        village,
        str(village.revision),
        review_service.Signatory(
            "Dinas Ketenagakerjaan Kabupaten Tangerang",
            "Drs. H. Septo Kalnadi, M.M.",
            "Kepala Dinas",
        ),
    )
    db.session.commit()
    return designation.token, designation.number


def verify_burst(server: Gunicorn, certificate) -> list[tuple[int, str | None]]:
    """REQUESTS verifications from one address, by QR code and by number in turn,
    ten at a time, each on its own connection (so both workers serve them)."""
    token, number = certificate
    paths = [
        f"/verify/{token}" if index % 2 else "/verify?" + urlencode({"number": number})
        for index in range(REQUESTS)
    ]
    with ThreadPoolExecutor(10) as pool:
        return list(pool.map(server.status, paths))


def test_thirty_verifications_a_minute_hold_across_two_workers_sharing_redis(
    serve, certificate, redis_url
):
    server = serve(redis_url)
    answers = verify_burst(server, certificate)
    statuses = [status for status, _ in answers]
    assert len(server.workers_serving("/verify")) == WORKERS  # both counted
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == REQUESTS - LIMIT
    waits = [int(wait) for status, wait in answers if status == 429]
    assert all(1 <= wait <= 60 for wait in waits), waits


def test_demonstration_counted_in_each_workers_memory_more_than_thirty_get_through(
    serve, certificate
):
    """The failure the shared store fixes, shown on purpose (it proves the test
    above can fail): with ``memory://`` each of the two workers allows 30, so more
    than 30 of the same requests succeed."""
    server = serve("memory://")
    statuses = [status for status, _ in verify_burst(server, certificate)]
    assert len(server.workers_serving("/verify")) == WORKERS
    assert LIMIT < statuses.count(200) <= WORKERS * LIMIT, statuses
    assert statuses.count(200) + statuses.count(429) == REQUESTS


def test_a_rate_limit_store_that_does_not_answer_stops_the_app_at_start(
    database_url, tmp_path
):
    nowhere = f"redis://:secret-password@127.0.0.1:{free_port()}"
    config = app_config(database_url, tmp_path, RATELIMIT_STORAGE_URI=nowhere)
    with pytest.raises(ConfigError, match="does not answer") as refused:
        create_app(config)
    assert "secret-password" not in str(refused.value)


def test_when_redis_goes_away_verification_answers_and_counts_in_memory(
    make_app, certificate, tmp_path
):
    """Once running, a Redis that stops is no reason to fail every verification:
    each worker counts alone until it is back."""
    token, _ = certificate
    redis = start_redis(tmp_path)
    try:
        settings = {"RATELIMIT_STORAGE_URI": redis.url}
        client = make_app(VERIFY_RATE_LIMIT="3 per minute", **settings).test_client()
        before = [client.get(f"/verify/{token}").status_code for _ in range(2)]
    finally:
        redis.stop()
    after = [client.get(f"/verify/{token}").status_code for _ in range(4)]
    assert before == [200, 200]
    assert after == [200, 200, 200, 429]
