"""A real browser: Debian's chromium driven by Playwright, and a fresh tab on the
app served over HTTP for each test."""

import os
import shutil

import pytest

from tests.helpers.chromium import CHROMIUM_FLAGS


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
