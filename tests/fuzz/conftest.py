"""The fuzzed app, served as in production, and the world it holds."""

import pytest

from tests.fuzz.world import build_world
from villagetracker.extensions import db


@pytest.fixture
def fuzz_app(make_app):
    """The app as served: an exception is a 500 page, not an error in the test (the
    exception is kept, to be shown with the request that caused it)."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(fuzz_app, make_user):
    return build_world(make_user)
