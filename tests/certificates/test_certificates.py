"""Certificates: the print view, the PDF and its QR code, batch printing for a
ceremony, and what a certificate keeps once issued."""

import sys

from tests.helpers import Browser
from tests.helpers.jobs import followed, job_file, job_token
from tests.helpers.pdf import pdf_pages, pdf_qr_codes
from tests.helpers.review import FIRST_NUMBER, KRESEK, KRONJO, designation, events, text
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import Role
from villagetracker.review import service as review_service

# --- Certificates ---


def test_no_certificate_before_approval(reviewer, qualifying):
    qualifying()
    page = text(reviewer.get(f"/villages/{KRESEK}"))
    assert "certificate" not in page
    assert (
        reviewer.get(f"/villages/{KRESEK}/designations/1/certificate").status_code
        == 404
    )


def test_the_print_view_is_the_certificate_on_a4_landscape(reviewer, designated):
    page = text(
        reviewer.get(f"/villages/{KRESEK}/designations/{designated.id}/certificate")
    )
    for expected in (
        "Desa Sadar Jaminan Sosial Ketenagakerjaan",
        "Desa Kresek",
        "Kecamatan Kresek",
        "Kabupaten Tangerang",
        "Provinsi Banten",
        FIRST_NUMBER,
        "91,0%",
        "Drs. H. Septo Kalnadi, M.M.",
        "Kepala Dinas Ketenagakerjaan Kabupaten Tangerang",
        f"/verify/{designated.token}",
        "<svg",
    ):
        assert expected in page, expected
    css = reviewer.get("/static/css/certificate.css").get_data(as_text=True)
    assert "size: A4 landscape" in css


def test_the_pdf_states_the_designation_and_its_qr_code_opens_the_verification(
    client, reviewer, designated
):
    response = job_file(
        reviewer,
        reviewer.post(
            f"/villages/{KRESEK}/designations/{designated.id}/certificate.pdf"
        ),
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    [page] = pdf_pages(response.data)
    flat = " ".join(page.split())
    for expected in (
        "Desa Sadar Jaminan Sosial Ketenagakerjaan",
        "Desa Kresek",
        "Kecamatan Kresek",
        "Provinsi Banten",
        f"Nomor: {FIRST_NUMBER}",
        "4.200 dari 4.615",
        "91,0%",
        "Drs. H. Septo Kalnadi, M.M.",
        local_today().strftime("%Y"),
    ):
        assert expected in flat, expected
    [url] = pdf_qr_codes(response.data)
    assert url == f"http://localhost/verify/{designated.token}"
    assert ">Sah<" in text(client.get(url.removeprefix("http://localhost")))


def test_the_qr_code_carries_the_public_address_when_one_is_set(
    make_app, login, designated
):
    app = make_app(PUBLIC_URL="https://desasadar.example.id/")
    with app.test_request_context():
        from villagetracker.certificates import documents as certificates

        assert certificates.verification_url(designated) == (
            f"https://desasadar.example.id/verify/{designated.token}"
        )


def test_a4_landscape_in_the_pdf(reviewer, designated):
    from io import BytesIO

    from pypdf import PdfReader

    url = f"/villages/{KRESEK}/designations/{designated.id}/certificate.pdf"
    data = job_file(reviewer, reviewer.post(url)).data
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


# --- Batch printing for a ceremony ---


def test_one_pdf_holds_every_valid_certificate_designated_in_the_range(
    reviewer, qualifying, make_user
):
    admin = make_user(Role.ADMIN)
    signatory = review_service.Signatory("Dinas", "Nama", "Jabatan")
    for code in (KRESEK, KRONJO, "36.03.06.2001"):
        v = qualifying(code)
        review_service.approve(admin, v, str(v.revision), signatory)
        db.session.commit()
    revoked = designation("36.03.06.2001")
    review_service.revoke(admin, revoked, "Keliru.")
    db.session.commit()
    today = local_today().isoformat()
    page = text(reviewer.get(f"/review/certificates?start={today}&end={today}"))
    assert "Unduh PDF (2 piagam)" in page
    assert reviewer.get(f"/review/certificates.pdf?start={today}").status_code == 302
    assert events("certificate.print") == []
    asked = reviewer.post("/review/certificates.pdf", {"start": today, "end": today})
    response = job_file(reviewer, asked)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    assert len(pages) == 2
    assert "Desa Kresek" in pages[0] and FIRST_NUMBER in pages[0]
    assert "Desa Kronjo" in pages[1]
    assert sorted(pdf_qr_codes(response.data)) == sorted(
        f"http://localhost/verify/{designation(code).token}"
        for code in (KRESEK, KRONJO)
    )
    printed = events("certificate.print")
    assert {e.after["format"] for e in printed} == {"batch_pdf"}
    assert len(printed) == 2


def test_a_batch_pdf_link_with_any_query_leads_to_the_batch_page(reviewer, designated):
    for query in ("start=2019-01-01&end=2019-12-31", "endpoint=x", "_method=POST"):
        response = reviewer.get(f"/review/certificates.pdf?{query}")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/review/certificates")


def test_a_batch_outside_the_designations_or_with_bad_dates_says_why(
    reviewer, designated
):
    response = reviewer.post(
        "/review/certificates.pdf", {"start": "2015-01-01", "end": "2015-12-31"}
    )
    assert response.status_code == 400
    assert "Tidak ada piagam sah" in text(response)
    response = reviewer.get("/review/certificates?start=2016-01-01&end=2015-01-01")
    assert response.status_code == 400
    assert "tidak boleh sebelum tanggal pertama" in text(response)
    response = reviewer.post("/review/certificates.pdf", {"start": "kemarin"})
    assert response.status_code == 400


def test_a_batch_over_the_limit_is_refused(
    make_app, login, designated, qualifying, make_user
):
    app = make_app(CERTIFICATE_BATCH_LIMIT=1)
    v = qualifying(KRONJO)
    with app.test_request_context():
        review_service.approve(
            make_user(Role.ADMIN),
            v,
            str(v.revision),
            review_service.Signatory("D", "N", "T"),
        )
        db.session.commit()

    session = Browser(app.test_client())
    user = make_user(Role.REVIEWER)
    session.login(user)
    today = local_today().isoformat()
    response = session.post("/review/certificates.pdf", {"start": today, "end": today})
    assert response.status_code == 400
    assert "Lebih dari 1 piagam" in text(response)


def test_a_server_without_pdf_libraries_says_so_and_keeps_the_print_view(
    reviewer, designated, monkeypatch
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    base = f"/villages/{KRESEK}/designations/{designated.id}/certificate"
    asked = reviewer.post(base + ".pdf")
    assert "belum dapat membuat PDF" in text(followed(reviewer, asked))
    assert reviewer.get(f"/jobs/{job_token(asked)}/file").status_code == 404
    assert reviewer.get(base).status_code == 200


# --- What a second look at the review found ---


def test_a_certificate_keeps_the_names_it_was_issued_with(client, reviewer, designated):
    from villagetracker.models import Region

    db.session.get(Region, KRESEK).name = "Kresek Baru"
    db.session.commit()
    page = text(client.get(f"/verify/{designated.token}"))
    assert "Kresek Baru" not in page and "Kresek" in page
    url = f"/villages/{KRESEK}/designations/{designated.id}/certificate"
    assert "Desa Kresek<" in text(reviewer.get(url))


def test_prints_show_in_the_audit_trail_in_the_readers_language(reviewer, designated):
    reviewer.post(f"/villages/{KRESEK}/designations/{designated.id}/certificate.pdf")
    page = text(reviewer.get(f"/villages/{KRESEK}"))
    assert "Piagam dicetak" in page and "PDF" in page and '"pdf"' not in page
