"""Real servers the suite starts (Redis; gunicorn in
``tests/certificates/test_rate_limits.py``), and sessions over real HTTP against
them or ``live_server``."""

import os
import shutil
import socket
import subprocess
import threading
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener

import pytest

from tests.helpers import CSRF_FIELD, PASSWORD


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


# --- Several people at once, over real HTTP against the real database ---


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see the 302 itself


def http_session(base: str, username: str):
    """A logged-in session over real HTTP: (open(path, form) -> status, page)."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirects)

    def send(path, form=None):
        data = None if form is None else urlencode(form).encode()
        try:
            response = opener.open(base + path, data=data, timeout=30)
            return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    _status, page = send("/login")
    token = CSRF_FIELD.search(page).group(1)
    status, _page = send(
        "/login", {"csrf_token": token, "username": username, "password": PASSWORD}
    )
    assert status == 302
    return send


def post_at_once(requests):
    """Send (send, path, form) requests from their own threads, released together."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, send, path, form):
        barrier.wait()
        results[index] = send(path, form)[0]

    threads = [
        threading.Thread(target=run, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
