"""Journeys in a real Chromium: what a person sees, at 360 px and 1280 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import PASSWORD, screenshot

from villagetracker.models import Role

pytestmark = pytest.mark.browser


def assert_accessible(tab):
    results = Axe().run(tab)
    assert results.violations_count == 0, results.generate_report()


def assert_no_sideways_scroll(tab):
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(tab, username):
    tab.goto(tab.base_url + "/login")
    tab.get_by_label("Nama pengguna").fill(username)
    tab.get_by_label("Kata sandi").fill(PASSWORD)
    tab.get_by_role("button", name="Masuk").click()


def test_an_officer_logs_in_finds_their_regency_and_switches_language(page, make_user):
    make_user(Role.OFFICER, region="36.03", username="siti")
    page.goto(page.base_url + "/login")
    assert page.locator("html").get_attribute("lang") == "id"
    assert_accessible(page)
    screenshot(page, "login-1280")

    log_in(page, "siti")
    assert page.get_by_role("heading", name="Wilayah Anda").is_visible()
    assert "29 kecamatan dan 274 desa/kelurahan." in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "home-id-1280")

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Your area").is_visible()
    assert "29 districts and 274 villages." in page.inner_text("main")
    screenshot(page, "home-en-1280")

    page.get_by_role("link", name="Kabupaten Tangerang").click()
    assert page.get_by_role("heading", name="Kabupaten Tangerang").is_visible()
    page.get_by_role("link", name="Kresek").first.click()
    assert "36.03.06.2018" in page.inner_text("main")

    page.reload()  # the language is remembered
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_pages_fit_the_screen_and_pass_axe(page, make_user, width):
    make_user(Role.ADMIN, username="admin1")
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(page.base_url + "/login")
    assert_no_sideways_scroll(page)
    screenshot(page, f"login-{width}")
    log_in(page, "admin1")
    for name, path in [
        ("home", "/"),
        ("regions", "/regions/?q=kresek"),
        ("regency", "/regions/36.03"),
        ("users", "/admin/users"),
        ("new-user", "/admin/users/new"),
    ]:
        page.goto(page.base_url + path)
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")


def test_form_errors_show_at_the_top_and_next_to_the_field(page, make_user):
    make_user(Role.ADMIN, username="admin1")
    log_in(page, "admin1")
    page.goto(page.base_url + "/admin/users/new")
    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_role("button", name="Simpan").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#username-error").is_visible()
    assert page.get_by_label("Nama lengkap").input_value() == "Budi Santoso"
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "new-user-errors-360")


def test_region_type_ahead_offers_regions_in_scope(page, make_user):
    make_user(Role.OFFICER, region="36.03", username="siti")
    log_in(page, "siti")
    with page.expect_response(lambda r: "/regions/search.json" in r.url):
        page.locator("#region-q").fill("kres")
    options = page.locator("datalist option")
    options.first.wait_for(state="attached")
    labels = [options.nth(i).get_attribute("label") for i in range(options.count())]
    assert any("36.03.06.2018" in label for label in labels)
    assert not any("Madiun" in label for label in labels)
