"""A browser-like HTTP session for the benchmark: cookies, CSRF tokens, uploads."""

import http.cookiejar
import io
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf(page: str) -> str:
    return CSRF.search(page).group(1)


class Session:
    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=900) as response:
            return response.read()

    def token(self, path: str) -> str:
        return csrf(self.get(path).decode())

    def post(self, path: str, form: dict) -> tuple[int, str, bytes]:
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.base + path, data, timeout=900) as response:
            return response.status, response.url, response.read()

    def log_in(self, username: str, password: str) -> None:
        form = {"csrf_token": self.token("/login")}
        _status, url, _page = self.post(
            "/login", {**form, "username": username, "password": password}
        )
        if url.endswith("/login"):
            raise RuntimeError(f"could not log in as {username}")

    def upload(self, path: str, fields: dict, name: str, content: bytes):
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for key, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="spreadsheet"; '
            f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        )
        body.write(content + f"\r\n--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            self.base + path,
            data=body.getvalue(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=900) as response:
            return response.status, response.url, response.read()

    def wait_for_job(self, url: str, timeout: float = 900) -> dict:
        """The state of the job whose page is ``url`` (where a request that queued
        it led), asked as its page asks, once it has ended."""
        path = url.removeprefix(self.base).split("?")[0]
        if not path.startswith("/jobs/"):
            raise RuntimeError(f"not a job's page: {url}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = json.loads(self.get(path + ".json"))
            if state["state"] in ("done", "failed"):
                if state["state"] == "failed":
                    raise RuntimeError(f"job {path} failed: {state['text']}")
                return {**state, "page": path}
            time.sleep(0.1)
        raise RuntimeError(f"job {path} did not end in {timeout} s")
