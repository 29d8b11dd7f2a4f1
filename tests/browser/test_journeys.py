"""Journeys in a real Chromium: what a person sees, at 360 px and 1280 px."""

import pytest
from playwright.sync_api import expect

from tests.helpers.chromium import (
    assert_accessible,
    assert_no_sideways_scroll,
    log_in,
    screenshot,
)
from villagetracker.models import Role

pytestmark = pytest.mark.browser


def test_an_officer_logs_in_finds_their_regency_and_switches_language(page, make_user):
    make_user(Role.OFFICER, region="36.03", username="siti")
    page.goto(page.base_url + "/login")
    assert page.locator("html").get_attribute("lang") == "id"
    assert_accessible(page)
    screenshot(page, "login-1280")

    log_in(page, "siti")
    expect(page.get_by_role("heading", name="Wilayah Anda")).to_be_visible()
    expect(page.locator("main")).to_contain_text("29 kecamatan dan 274 desa/kelurahan.")
    assert_accessible(page)
    screenshot(page, "home-id-1280")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Your area")).to_be_visible()
    expect(page.locator("main")).to_contain_text("29 districts and 274 villages.")
    screenshot(page, "home-en-1280")

    page.get_by_role("link", name="Kabupaten Tangerang").click()
    expect(page.get_by_role("heading", name="Kabupaten Tangerang")).to_be_visible()
    page.get_by_role("link", name="Kresek").first.click()
    expect(page.locator("main")).to_contain_text("36.03.06.2018")

    page.reload()  # the language is remembered
    expect(page.locator("html")).to_have_attribute("lang", "en")


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
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#username-error")).to_be_visible()
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


def test_an_officer_registers_kresek_logs_4200_and_sees_it_qualify(page, make_user):
    make_user(Role.OFFICER, region="36.03", username="siti")
    log_in(page, "siti")
    page.get_by_role("link", name="Daftarkan desa").first.click()
    assert_accessible(page)

    village = page.get_by_label("Desa (nama atau kode)")
    with page.expect_response(lambda r: "/regions/search.json" in r.url):
        village.press_sequentially("kresek", delay=30)
    expect(page.locator("datalist option[value='36.03.06.2018']")).to_be_attached()
    village.fill("36.03.06.2018")  # what choosing the offered option puts in the field
    page.get_by_label("Potensi tenaga kerja", exact=True).fill("4.615")
    page.get_by_label("Sumber angka").select_option("p3ke")
    page.get_by_label("Potensi tenaga kerja per tanggal").fill("2019-01-01")
    page.get_by_label("Nama kepala desa").fill("Kepala Desa Kresek")
    page.get_by_role("button", name="Daftarkan").click()
    expect(page.get_by_role("heading", name="Kresek")).to_be_visible()

    page.get_by_role("link", name="Laporan baru").click()
    page.get_by_label("Per tanggal").fill("2019-09-25")
    page.get_by_label("Peserta aktif").fill("4.200")
    for label, value in [
        ("BPU (bukan penerima upah)", "4.000"),
        ("PU (penerima upah)", "150"),
        ("Jakon (jasa konstruksi)", "50"),
        ("PMI (pekerja migran)", "0"),
        ("Mandiri", "3.000"),
        ("APBD provinsi (anggaran provinsi)", "0"),
        ("APBD kabupaten/kota (anggaran kabupaten/kota)", "1.000"),
        ("APBDes (anggaran desa)", "200"),
        ("CSR dan donasi (mis. GN Lingkaran)", "0"),
        ("Pembayar lain", "0"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    assert_accessible(page)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_sideways_scroll(page)
        screenshot(page, f"report-form-{width}")
    page.get_by_role("button", name="Simpan laporan").click()

    expect(page.locator(".flash")).to_contain_text("kini memenuhi syarat")
    expect(page.locator("h1 .status")).to_have_text("Memenuhi syarat")
    expect(page.locator(".figures")).to_contain_text("91,0%")
    assert_accessible(page)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_sideways_scroll(page)
        screenshot(page, f"village-{width}")


def test_a_bad_report_shows_its_errors_and_keeps_what_was_typed(
    page, make_user, register
):
    register("36.03.06.2018")
    make_user(Role.OFFICER, region="36.03", username="siti")
    log_in(page, "siti")
    page.goto(page.base_url + "/villages/36.03.06.2018/reports/new")
    page.get_by_label("Per tanggal").fill("2019-09-25")
    page.get_by_label("Peserta aktif").fill("5000")
    page.get_by_label("BPU (bukan penerima upah)", exact=True).fill("4000")
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#active_participants-error")).to_contain_text(
        "Melebihi potensi"
    )
    expect(page.get_by_label("Peserta aktif")).to_have_value("5000")
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_sideways_scroll(page)
    screenshot(page, "report-form-errors-360")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_village_lists_fit_the_screen_and_pass_axe(
    page, make_user, register, log, width
):
    village = register("36.03.06.2018")
    log(village, 3800)
    register("36.03.06.2001")
    make_user(Role.ADMIN, username="admin1")
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "admin1")
    for name, path in [
        ("home-admin", "/"),
        ("villages", "/villages/"),
        ("close", "/villages/close"),
        ("threshold", "/admin/threshold"),
        ("potential", "/villages/36.03.06.2018/potential"),
        ("details", "/villages/36.03.06.2018/details"),
        ("register", "/villages/register"),
    ]:
        page.goto(page.base_url + path)
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")
