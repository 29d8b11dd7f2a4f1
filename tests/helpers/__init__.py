"""Plain helpers the tests share: the test password and secret, the test app's
settings, and test clients. Fixtures are in ``tests/conftest.py``; helpers for one
kind of test are in this package's other modules:

- ``databases``: where the suite's databases live;
- ``villages``: report values and report forms;
- ``review``: approving, and reading designations and audit events back;
- ``dashboards``: the villages of the ``country`` fixture;
- ``pdf``: the text and QR codes of a PDF the app made;
- ``servers``: real servers (Redis) and real HTTP sessions against ``live_server``;
- ``chromium``: looking at a page in a real browser (Playwright).
"""

import contextvars
import re
from pathlib import Path

from flask import has_app_context
from flask.testing import FlaskClient

from villagetracker.extensions import db

PASSWORD = "correct-horse-battery"
TEST_SECRET = "test-secret-key-" + "x" * 32


def app_config(database_url, folder, **overrides) -> dict:
    return {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "EVIDENCE_DIR": str(Path(folder) / "evidence"),
        "JOB_FILES_FOLDER": str(Path(folder) / "job-files"),
        # Hashing is deliberately slow; the suite hashes hundreds of passwords.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Jobs run at once in the test's process; tests/jobs runs a real worker.
        "QUEUE_URL": "immediate",
        **overrides,
    }


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
