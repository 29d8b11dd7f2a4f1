"""A real browser: Debian's chromium driven by Playwright (the ``chromium`` and
``page`` fixtures are in ``tests/browser/conftest.py``), and what the browser tests
check on every page."""

from pathlib import Path

from tests.helpers import PASSWORD

# Screenshots to look at (tests/artifacts/, not in git).
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
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


def log_out(tab):
    with tab.expect_navigation():
        tab.get_by_role("button", name="Keluar").click()


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
