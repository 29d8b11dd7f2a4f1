"""The dashboards, an export and an import in a real Chromium: a phone and a desk
screen, accessibility, print, and a spreadsheet loaded end to end."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.helpers.chromium import (
    assert_accessible,
    assert_no_sideways_scroll,
    log_in,
    screenshot,
)
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import Report, Role, Village

pytestmark = pytest.mark.browser


def test_the_labour_office_sets_its_target_and_reads_its_dashboard(
    page,
    country,
    make_user,
):
    make_user(Role.REVIEWER, region="36.03", username="disnaker")
    log_in(page, "disnaker")
    page.get_by_role("navigation", name="Utama").get_by_role(
        "link", name="Dasbor"
    ).click()
    expect(page.locator("h1")).to_have_text("Kabupaten Tangerang")
    page.get_by_role("link", name="Tetapkan target").click()
    page.get_by_label("Target cakupan (%)").fill("75")
    page.get_by_label("Dicapai pada").fill(f"{local_today().year}-12-31")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".flash")).to_contain_text("Target Kabupaten Tangerang")
    expect(page.locator("#coverage-heading + p")).to_contain_text("peserta aktif")
    # Measured against the regency's own worker potential, once it is recorded.
    expect(page.locator("main")).to_contain_text("belum dicatat")
    page.get_by_role("link", name="Catat potensi tenaga kerjanya").click()
    assert_accessible(page)
    page.get_by_label("Potensi tenaga kerja", exact=True).fill("350.000")
    page.get_by_label("Sumber angka").select_option("p3ke")
    page.get_by_label("Potensi tenaga kerja per tanggal").fill("2026-01-01")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".flash")).to_contain_text("sudah dicatat")
    expect(page.locator("main")).to_contain_text("350.000")
    expect(page.locator("main")).to_contain_text("peserta aktif lagi")
    assert_accessible(page)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_sideways_scroll(page)
        screenshot(page, f"dashboard-regency-{width}")
        # The charts' text is drawn at least 11 px high on every screen.
        sizes = page.eval_on_selector_all(
            ".small-chart text",
            "texts => texts.map(t => t.getBoundingClientRect().height)",
        )
        assert sizes and min(sizes) >= 11, (width, min(sizes))
    page.emulate_media(media="print")
    screenshot(page, "dashboard-regency-print")
    assert page.locator(".small-chart svg").first.is_visible()
    page.emulate_media(media="screen")

    # Sorting by a column, then drilling down to a kecamatan and a village.
    page.get_by_role("link", name="Berisiko", exact=True).click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("table.sortable tbody tr").first).to_contain_text("Kronjo")
    page.locator("table.sortable").get_by_role("link", name="Kronjo").click()
    expect(page.locator("h1")).to_have_text("Kronjo")
    assert_accessible(page)
    page.get_by_role("link", name="Pagenjahan").click()
    expect(page.locator("h1")).to_contain_text("Pagenjahan")


def test_an_admin_drills_from_the_country_to_a_kecamatan(
    page,
    country,
    make_user,
):
    make_user(Role.ADMIN, username="nasional")
    log_in(page, "nasional")
    page.goto(f"{page.base_url}/dashboard/")
    expect(page.locator("h1")).to_have_text("Indonesia")
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 900})
    assert_no_sideways_scroll(page)
    screenshot(page, "dashboard-national-360")
    for name in ("Banten", "Kabupaten Tangerang", "Kresek"):
        page.locator("table.sortable").get_by_role("link", name=name).click()
        expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".breadcrumb")).to_contain_text("Indonesia")


def test_an_officer_exports_then_loads_a_spreadsheet(page, register, log, make_user):
    for code in ("36.03.06.2001", "36.03.06.2003"):
        register(code, potential=1000)
    make_user(Role.OFFICER, region="36.03", username="siti")
    log_in(page, "siti")
    page.goto(f"{page.base_url}/villages/")
    with page.expect_download() as download:
        page.locator(".downloads").get_by_role("link", name="XLSX").first.click()
    workbook = openpyxl.load_workbook(
        io.BytesIO(Path(download.value.path()).read_bytes())
    )
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["36.03.06.2001", "36.03.06.2003"]

    page.get_by_role("link", name="Impor laporan dari lembar kerja").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))  # Indonesian CSV

    def upload(rows):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *rows])
        page.get_by_label("Lembar kerja (CSV atau XLSX)").set_input_files(
            files=[
                {
                    "name": "laporan.csv",
                    "mimeType": "text/csv",
                    "buffer": buffer.getvalue().encode(),
                }
            ]
        )
        page.get_by_role("button", name="Periksa berkas").click()

    def line(code, active, bpu):
        # Under the template's 21 columns: code, name, date, active, 4 segments,
        # 6 payers, the officials by role (left empty) and notes.
        return [code, "", "2025-09-30", active, bpu, 0, 0, 0, active, *[0] * 5] + [
            ""
        ] * 7

    good = line("36.03.06.2001", 950, 950)
    bad = line("36.03.06.2003", 700, 600)
    upload([good, bad])
    expect(page.locator(".error-summary")).to_contain_text("Belum ada yang dapat")
    expect(page.locator("main table")).to_contain_text("BPU")
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_sideways_scroll(page)
    screenshot(page, "import-problems-360")
    page.get_by_role("button", name="Batalkan unggahan").click()

    bad[4] = 700
    upload([good, bad])
    expect(page.get_by_role("button", name="Impor 2 laporan")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "import-preview-360")
    page.get_by_role("button", name="Impor 2 laporan").click()
    expect(page.locator(".flash")).to_contain_text("1 desa kini memenuhi syarat")
    db.session.expire_all()
    assert db.session.get(Village, "36.03.06.2001").status == "qualifying"
    assert db.session.query(Report).count() == 2
