"""The labour office's journey in a real Chromium: Desa Kresek reaches 91%, the
reviewer approves it, the certificate downloads as a PDF whose text and QR code are
read back, the QR code's page says valid, and after revocation it says revoked."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers.chromium import (
    ARTIFACTS,
    assert_accessible,
    assert_no_sideways_scroll,
    log_in,
    log_out,
    screenshot,
)
from tests.helpers.pdf import pdf_pages, pdf_qr_codes
from villagetracker.extensions import db
from villagetracker.models import Role, Village
from villagetracker.review import service as review_service

pytestmark = pytest.mark.browser

KRESEK = "36.03.06.2018"


def save_pdf_pages_as_pictures(data: bytes, name: str) -> None:
    """The PDF's pages as PNG files beside the screenshots, to look at."""
    import pypdfium2

    ARTIFACTS.mkdir(exist_ok=True)
    document = pypdfium2.PdfDocument(data)
    for number, page in enumerate(document, start=1):
        page.render(scale=1.5).to_pil().save(ARTIFACTS / f"{name}-{number}.png")
    document.close()


def test_kresek_is_approved_printed_verified_and_revoked(
    page, chromium, make_user, register, log
):
    village = register(KRESEK)
    log(village, 3800)  # an earlier report: 82.3%
    make_user(Role.OFFICER, region="36.03", username="siti")
    make_user(Role.REVIEWER, region="36.03", username="disnaker")

    # The officer logs the report that reaches 91%.
    log_in(page, "siti")
    page.goto(f"{page.base_url}/villages/{KRESEK}/reports/new")
    page.get_by_label("Per tanggal").fill("2019-09-25")
    for label in ("Peserta aktif", "BPU (bukan penerima upah)", "Mandiri"):
        page.get_by_label(label, exact=True).fill("4.200")
    for label in (
        "PU (penerima upah)",
        "Jakon (jasa konstruksi)",
        "PMI (pekerja migran)",
        "APBD provinsi (anggaran provinsi)",
        "APBD kabupaten/kota (anggaran kabupaten/kota)",
        "APBDes (anggaran desa)",
        "CSR dan donasi (mis. GN Lingkaran)",
        "Pembayar lain",
    ):
        page.get_by_label(label, exact=True).fill("0")
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator("h1 .status")).to_have_text("Memenuhi syarat")
    expect(page.locator("#review")).to_contain_text("menunggu verifikasi")
    log_out(page)

    # The labour office finds it in its queue and approves it.
    log_in(page, "disnaker")
    page.get_by_role("navigation", name="Utama").get_by_role(
        "link", name="Verifikasi"
    ).click()
    expect(page.locator("main table")).to_contain_text("Kresek")
    expect(page.locator("main table")).to_contain_text("91,0%")
    assert_accessible(page)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_sideways_scroll(page)
        screenshot(page, f"review-queue-{width}")
    page.get_by_role("link", name="Kresek").click()
    page.get_by_label("Nama penanda tangan").fill("Drs. H. Septo Kalnadi, M.M.")
    assert_accessible(page)
    screenshot(page, "review-village-1280")
    page.get_by_role("button", name="Setujui dan beri nomor").click()
    expect(page.locator(".flash")).to_contain_text("001/DSJSK/36.03/")
    expect(page.locator("h1 .status")).to_have_text("Ditetapkan")
    number = page.locator("#review table td").first.inner_text()

    # The print view, as it will be printed, on a desk and on a phone.
    page.get_by_role("link", name="Tampilan cetak").click()
    expect(page.locator(".piagam")).to_contain_text("Desa Kresek")
    assert_accessible(page)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_sideways_scroll(page)
        screenshot(page, f"certificate-print-view-{width}")
    page.emulate_media(media="print")
    screenshot(page, "certificate-print-media")
    page.emulate_media(media="screen")

    # The PDF, drawn by the job worker; its page offers it when it is ready.
    page.get_by_role("button", name="Unduh PDF").click()
    expect(page.get_by_role("heading", name="Menyiapkan PDF piagam")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "certificate-job-360")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh piagam-").click()
    data = Path(download.value.path()).read_bytes()
    save_pdf_pages_as_pictures(data, "certificate-pdf")
    [text] = pdf_pages(data)
    assert "Desa Kresek" in text and number in text
    [url] = pdf_qr_codes(data)
    assert url.startswith(page.base_url + "/verify/")

    # Anyone scanning the QR code: no login, another browser.
    public = chromium.new_context(
        locale="id-ID", viewport={"width": 360, "height": 800}
    )
    phone = public.new_page()
    phone.goto(url)
    expect(phone.locator(".verdict h2")).to_have_text("Sah")
    expect(phone.locator("main")).to_contain_text(number)
    expect(phone.locator("main")).not_to_contain_text("Septo")
    assert_accessible(phone)
    assert_no_sideways_scroll(phone)
    screenshot(phone, "verify-valid-360")

    # The reviewer revokes it; the same page now says so.
    page.goto(f"{page.base_url}/villages/{KRESEK}")
    page.get_by_label("Alasan").last.fill("Salah hitung")  # reopen's reason: not sent
    page.locator("#revoke-reason").fill("Data kepesertaan terbukti ganda.")
    page.get_by_role("button", name="Cabut", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("dicabut")
    phone.reload()
    expect(phone.locator(".verdict h2")).to_have_text("Dicabut")
    expect(phone.locator(".verdict")).to_contain_text(
        "Data kepesertaan terbukti ganda."
    )
    screenshot(phone, "verify-revoked-360")
    public.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_review_pages_fit_the_screen_and_pass_axe(
    page, make_user, register, log, width
):

    admin = make_user(Role.ADMIN, username="admin1")
    for code in (KRESEK, "36.03.07.2001", "36.03.07.2002"):
        village = register(code)
        log(village, 4200)
    kresek = db.session.get(Village, KRESEK)
    review_service.approve(
        admin,
        kresek,
        str(kresek.revision),
        review_service.Signatory("Dinas", "Nama", "Jabatan"),
    )
    db.session.commit()
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "admin1")
    for name, path in [
        ("review-designated", "/review/?list=designated"),
        ("review-village-designated", f"/villages/{KRESEK}"),
        ("review-village-qualifying", "/villages/36.03.07.2001"),
        ("review-queue", "/review/"),
        (
            "review-approve-several",
            "/review/approve?village=36.03.07.2001&village=36.03.07.2002",
        ),
        ("review-recheck", "/review/?list=recheck"),
        ("batch", "/review/certificates?start=2019-01-01&end=2030-01-01"),
        ("signatories", "/admin/signatories?regency=36.03"),
        ("verify-search", "/verify?number=999"),
    ]:
        page.goto(page.base_url + path)
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")
