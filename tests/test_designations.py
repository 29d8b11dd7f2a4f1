"""The labour office: the review queue, approval and its number, returning, locking,
revoking and reopening, certificates (print view and PDF), batch printing, public
verification, and the audit trail of all of it."""

import re
import sys
import threading
from datetime import date, datetime
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener
from zoneinfo import ZoneInfo

import pytest
from conftest import CSRF_FIELD, PASSWORD, pdf_pages, pdf_qr_codes, report_form
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from villagetracker import designations, rules
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import (
    AuditEvent,
    Designation,
    RegencySetting,
    Report,
    Role,
    Village,
)

KRESEK = "36.03.06.2018"
KRONJO = "36.03.07.2001"
CIKANDE = "36.04.15.2001"
# The year of designations made today in Jakarta (local_today needs an app).
YEAR = datetime.now(ZoneInfo("Asia/Jakarta")).year
FIRST_NUMBER = f"001/DSJSK/36.03/{YEAR}"


@pytest.fixture
def officer(login):
    session, user = login(Role.OFFICER, region="36.03")
    session.user = user
    return session


@pytest.fixture
def reviewer(login):
    session, user = login(Role.REVIEWER, region="36.03")
    session.user = user
    return session


@pytest.fixture
def qualifying(register, log):
    """qualifying(code=KRESEK, active=4200): a registered village with a report of
    ``active`` of 4,615 on 1 September 2019 (4,200 is 91.0%)."""

    def make(code=KRESEK, active=4200):
        village = register(code)
        log(village, active)
        return village

    return make


def village(code=KRESEK) -> Village:
    return db.session.get(Village, code)


def approve(session, code=KRESEK, seen=None, **fields):
    values = {
        "approve-seen": str(village(code).revision) if seen is None else seen,
        "approve-signatory_name": "Drs. H. Septo Kalnadi, M.M.",
        "approve-signatory_title": "Kepala Dinas Ketenagakerjaan Kabupaten Tangerang",
    }
    values.update({f"approve-{key}": value for key, value in fields.items()})
    return session.post(f"/villages/{code}/approve", values)


def designation(code=KRESEK) -> Designation | None:
    return db.session.scalar(
        select(Designation)
        .where(Designation.village_code == code)
        .order_by(Designation.id.desc())
    )


def events(action) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    )


def text(response) -> str:
    return response.get_data(as_text=True)


# --- The review queue ---


def test_the_queue_lists_qualifying_villages_oldest_first_with_who_reported(
    reviewer, qualifying, register, log
):
    kresek = qualifying(KRESEK)
    kronjo = qualifying(KRONJO)
    # Kronjo qualified first: it waited longest.
    kronjo.status_changed_at = kresek.status_changed_at.replace(year=2020)
    db.session.commit()
    log(register("36.03.06.2001", potential=1000), 100)  # registered, not in the queue
    page = text(reviewer.get("/review/"))
    assert page.index("Kronjo") < page.index("Kresek")
    assert "36.03.06.2001" not in page
    assert kresek.registered_by.full_name in page  # the officer who logged the report
    assert "91,0%" in page
    assert "Menunggu verifikasi (2)" in page


def test_the_village_page_shows_a_reviewer_the_reports_evidence_and_decisions(
    reviewer, qualifying
):
    qualifying()
    page = text(reviewer.get(f"/villages/{KRESEK}"))
    for expected in ("Setujui penetapan", "Kembalikan ke petugas", "Riwayat laporan"):
        assert expected in page
    # The officer sees the state, not the decisions.


def test_an_officer_sees_no_decision_forms(officer, qualifying):
    qualifying()
    page = text(officer.get(f"/villages/{KRESEK}"))
    assert "menunggu verifikasi Dinas Ketenagakerjaan" in page
    assert "Setujui penetapan" not in page and "/approve" not in page


# --- Approval ---


def test_approving_kresek_designates_it_with_the_first_number_of_the_year(
    reviewer, qualifying
):
    qualifying()
    response = approve(reviewer)
    assert response.status_code == 302
    d = designation()
    assert d.number == FIRST_NUMBER
    assert (d.sequence, d.year, d.regency_code) == (1, YEAR, "36.03")
    assert d.designated_on == local_today()
    assert (d.active_participants, d.worker_potential, d.coverage_tenths) == (
        4200,
        4615,
        910,
    )
    assert d.threshold_tenths == 900
    assert d.signatory_name == "Drs. H. Septo Kalnadi, M.M."
    assert d.office_name == "Dinas Ketenagakerjaan Kabupaten Tangerang"
    assert len(d.token) >= 32 and d.token not in d.number
    assert village().status == rules.DESIGNATED
    page = text(reviewer.get(f"/villages/{KRESEK}"))
    assert FIRST_NUMBER in page and "Tampilan cetak" in page


def test_approval_needs_the_signatory_and_keeps_what_was_typed(reviewer, qualifying):
    qualifying()
    response = approve(reviewer, signatory_name="", signatory_title="Kepala Dinas X")
    assert response.status_code == 400
    page = text(response)
    assert "Isi nama penanda tangan." in page
    assert 'value="Kepala Dinas X"' in page
    assert designation() is None and village().status == rules.QUALIFYING


def test_approving_a_village_that_changed_since_the_page_was_loaded_changes_nothing(
    reviewer, officer, qualifying
):
    qualifying()
    seen = str(village().revision)
    # Meanwhile the officer logs a newer report, still over the threshold.
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4300, as_of="2019-10-01")
    )
    response = approve(reviewer, seen=seen)
    assert response.status_code == 409
    assert "Desa ini berubah sejak halaman dibuka" in text(response)
    assert designation() is None
    assert village().status == rules.QUALIFYING
    assert events("review.approve") == []
    # Looked at again, it can be approved; the number given back was never used.
    assert approve(reviewer).status_code == 302
    assert designation().number == FIRST_NUMBER


def test_approval_rechecks_the_threshold_at_that_moment(reviewer, qualifying):
    qualifying()
    # The regency's threshold rises to 95% without the villages being re-evaluated
    # (as if it changed between the page and the click).
    db.session.add(RegencySetting(regency_code="36.03", threshold_tenths=950))
    db.session.commit()
    response = approve(reviewer)
    assert response.status_code == 409
    assert "tidak lagi mencapai ambang" in text(response)
    assert designation() is None


def test_a_registered_or_designated_village_cannot_be_approved(reviewer, qualifying):
    qualifying(active=4000)  # 86.6%: registered
    response = approve(reviewer)
    assert response.status_code == 409
    assert "Hanya desa yang memenuhi syarat" in text(response)
    assert designation() is None


def test_a_designation_number_follows_the_configured_pattern(
    make_app, qualifying, make_user
):
    qualifying()
    app = make_app(
        DESIGNATION_NUMBER_PATTERN="DSJSK-{province}-{regency}-{year}-{sequence:04d}"
    )
    reviewer = make_user(Role.REVIEWER)
    with app.test_request_context():
        d = designations.approve(
            reviewer,
            village(),
            str(village().revision),
            designations.Signatory("D", "N", "T"),
        )
        assert d.number == f"DSJSK-36-36.03-{YEAR}-0001"


def test_numbers_are_per_regency_and_per_year(app, qualifying, make_user):
    reviewer = make_user(Role.ADMIN)
    signatory = designations.Signatory("Dinas", "Nama", "Jabatan")
    numbers = []
    with app.test_request_context():
        for code in (KRESEK, KRONJO, CIKANDE):
            v = qualifying(code)
            numbers.append(
                designations.approve(reviewer, v, str(v.revision), signatory).number
            )
    assert numbers == [
        FIRST_NUMBER,
        f"002/DSJSK/36.03/{YEAR}",
        f"001/DSJSK/36.04/{YEAR}",
    ]


# --- Two reviewers at once, over real HTTP against the real database ---


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see the 302 itself


def http_session(base: str, username: str):
    """A logged-in session over real HTTP: (open(path, form) -> status, page)."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirects)

    def send(path, form=None):
        data = None if form is None else urlencode(form).encode()
        try:
            response = opener.open(base + path, data=data, timeout=30)
            return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    _status, page = send("/login")
    token = CSRF_FIELD.search(page).group(1)
    status, _page = send(
        "/login", {"csrf_token": token, "username": username, "password": PASSWORD}
    )
    assert status == 302
    return send


def post_at_once(requests):
    """Send (send, path, form) requests from their own threads, released together."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, send, path, form):
        barrier.wait()
        results[index] = send(path, form)[0]

    threads = [
        threading.Thread(target=run, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def approval_form(send, code):
    """The approval form as the reviewer's browser has it: token and revision."""
    _status, page = send(f"/villages/{code}")
    token = CSRF_FIELD.search(page).group(1)
    seen = re.search(r'name="approve-seen" type="hidden" value="(\d+)"', page).group(1)
    return {
        "csrf_token": token,
        "approve-seen": seen,
        "approve-signatory_name": "Nama",
        "approve-signatory_title": "Jabatan",
    }


def test_two_reviewers_approving_the_same_village_at_once_give_one_designation(
    live_server, make_user, qualifying
):
    qualifying()
    sessions = [
        http_session(live_server, make_user(Role.REVIEWER, region="36.03").username)
        for _ in range(2)
    ]
    forms = [approval_form(send, KRESEK) for send in sessions]
    statuses = post_at_once(
        [
            (send, f"/villages/{KRESEK}/approve", form)
            for send, form in zip(sessions, forms, strict=True)
        ]
    )
    db.session.expire_all()
    assert sorted(statuses) == [302, 409]
    assert db.session.scalar(select(func.count()).select_from(Designation)) == 1
    assert designation().number == FIRST_NUMBER
    assert len(events("review.approve")) == 1


def test_concurrent_approvals_in_one_regency_number_without_gaps_or_repeats(
    live_server, make_user, qualifying
):
    codes = [f"36.03.06.{n}" for n in (2001, 2003, 2007, 2009, 2011, 2013)]
    for code in codes:
        qualifying(code)
    requests = []
    for code in codes:
        send = http_session(
            live_server, make_user(Role.REVIEWER, region="36.03").username
        )
        requests.append((send, f"/villages/{code}/approve", approval_form(send, code)))
    assert post_at_once(requests) == [302] * len(codes)
    db.session.expire_all()
    sequences = sorted(db.session.scalars(select(Designation.sequence)))
    assert sequences == [1, 2, 3, 4, 5, 6]
    numbers = set(db.session.scalars(select(Designation.number)))
    assert numbers == {f"{n:03d}/DSJSK/36.03/{YEAR}" for n in range(1, 7)}


# --- Returning a village to its officers ---


def test_a_returned_village_shows_the_reason_to_its_officers_until_a_new_report(
    reviewer, officer, qualifying
):
    qualifying()
    reason = "Bukti kepesertaan tidak terbaca; unggah ulang daftar peserta."
    response = reviewer.post(
        f"/villages/{KRESEK}/return",
        {"return-seen": str(village().revision), "return-reason": reason},
    )
    assert response.status_code == 302
    assert village().returned_reason == reason
    assert village().status == rules.QUALIFYING
    assert reason in text(officer.get("/"))
    assert reason in text(officer.get(f"/villages/{KRESEK}"))
    assert KRESEK not in text(reviewer.get("/review/"))  # out of the queue
    assert KRESEK in text(reviewer.get("/review/?list=returned"))
    # A correction does not answer it; a new report does.
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4250, as_of="2019-10-01")
    )
    assert village().returned_reason is None
    assert reason not in text(officer.get("/"))
    assert KRESEK in text(reviewer.get("/review/"))


def test_returning_needs_a_reason(reviewer, qualifying):
    qualifying()
    response = reviewer.post(
        f"/villages/{KRESEK}/return",
        {"return-seen": str(village().revision), "return-reason": "  "},
    )
    assert response.status_code == 400
    assert "Isi alasannya." in text(response)
    assert village().returned_reason is None


# --- Reports behind a designation are locked ---


@pytest.fixture
def designated(reviewer, qualifying):
    qualifying()
    assert approve(reviewer).status_code == 302
    return designation()


def test_the_reports_behind_a_designation_are_locked(officer, designated):
    report = db.session.scalar(select(Report).where(Report.village_code == KRESEK))
    edit = f"/villages/{KRESEK}/reports/{report.id}/edit"
    response = officer.get(edit)
    assert response.status_code == 302
    assert "terkunci" in text(officer.get(f"/villages/{KRESEK}"))
    response = officer.post(edit, report_form(4000))
    assert response.status_code == 302
    assert db.session.get(Report, report.id).active_participants == 4200
    # Nor can a report or a worker potential be slipped in behind it.
    response = officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4000, as_of="2019-08-01")
    )
    assert response.status_code == 400 and "terkunci" in text(response)
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {"worker_potential": "5000", "source": "p3ke", "potential_as_of": "2019-06-01"},
    )
    assert response.status_code == 400 and "terkunci" in text(response)
    # Reports after it are the monitoring that goes on.
    response = officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4300, as_of="2019-12-01")
    )
    assert response.status_code == 302


def test_reopening_unlocks_the_reports_and_a_new_approval_gives_a_new_number(
    reviewer, officer, designated
):
    response = reviewer.post(
        f"/villages/{KRESEK}/designations/{designated.id}/reopen",
        {"reopen-reason": "Salah ketik jumlah peserta BPU."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert designated.state == rules.REOPENED
    assert village().status == rules.QUALIFYING
    report = db.session.scalar(select(Report).where(Report.village_code == KRESEK))
    response = officer.post(
        f"/villages/{KRESEK}/reports/{report.id}/edit", report_form(4210)
    )
    assert response.status_code == 302
    assert approve(reviewer).status_code == 302
    assert designation().number == f"002/DSJSK/36.03/{YEAR}"
    assert designation().active_participants == 4210
    [event] = events("designation.reopen")
    assert event.actor.id == reviewer.user.id
    assert event.before == {
        "state": "active",
        "status": "designated",
        "returned_reason": None,
    }
    assert event.after["end_reason"] == "Salah ketik jumlah peserta BPU."


# --- Revocation, at risk, re-designation ---


def test_a_designated_village_falling_below_is_listed_at_risk_with_revocation_suggested(
    reviewer, officer, designated
):
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(3900, as_of="2019-12-01")
    )
    assert village().status == rules.AT_RISK
    page = text(reviewer.get("/review/?list=at_risk"))
    assert KRESEK in page and "Cabut?" in page
    assert "Penetapan berisiko" in text(officer.get(f"/villages/{KRESEK}"))


def test_revoking_needs_a_reason_and_the_certificate_then_verifies_as_revoked(
    client, reviewer, officer, designated
):
    url = f"/villages/{KRESEK}/designations/{designated.id}/revoke"
    assert reviewer.post(url, {"revoke-reason": ""}).status_code == 400
    assert designation().state == rules.ACTIVE
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(3900, as_of="2019-12-01")
    )
    assert (
        reviewer.post(url, {"revoke-reason": "Cakupan turun ke 84,5%."}).status_code
        == 302
    )
    db.session.expire_all()
    assert designated.state == rules.REVOKED
    assert village().status == rules.REGISTERED  # 3,900 of 4,615 is below 90%
    page = text(client.get(f"/verify/{designated.token}"))
    assert "Dicabut" in page and "Cakupan turun ke 84,5%." in page
    assert ">Sah<" not in page
    # No more printing of it.
    certificate = f"/villages/{KRESEK}/designations/{designated.id}/certificate.pdf"
    response = reviewer.post(certificate)
    assert response.status_code == 302
    assert "tidak dapat dicetak" in text(reviewer.get(f"/villages/{KRESEK}"))
    [event] = events("designation.revoke")
    assert (event.before["state"], event.after["state"]) == ("active", "revoked")


def test_a_re_designation_gets_a_new_number_and_the_old_certificate_points_to_it(
    client, reviewer, officer, designated
):
    url = f"/villages/{KRESEK}/designations/{designated.id}/revoke"
    reviewer.post(url, {"revoke-reason": "Data peserta diperiksa ulang."})
    assert village().returned_reason == "Data peserta diperiksa ulang."
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4300, as_of="2019-12-01")
    )
    assert approve(reviewer).status_code == 302
    new = designation()
    assert new.number == f"002/DSJSK/36.03/{YEAR}" and new.id != designated.id
    page = text(client.get(f"/verify/{designated.token}"))
    assert "Dicabut" in page and new.number in page
    assert ">Sah<" in text(client.get(f"/verify/{new.token}"))


def test_two_active_designations_of_one_village_are_refused_by_the_database(
    designated,
):
    copy = Designation(
        **{
            column.name: getattr(designated, column.name)
            for column in Designation.__table__.columns
            if column.name not in ("id", "number", "token", "sequence")
        },
        number="X",
        token="Y",
        sequence=99,
    )
    db.session.add(copy)
    with pytest.raises(IntegrityError, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


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
    response = reviewer.post(
        f"/villages/{KRESEK}/designations/{designated.id}/certificate.pdf"
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
        from villagetracker import certificates

        assert certificates.verification_url(designated) == (
            f"https://desasadar.example.id/verify/{designated.token}"
        )


def test_a4_landscape_in_the_pdf(reviewer, designated):
    from io import BytesIO

    from pypdf import PdfReader

    data = reviewer.post(
        f"/villages/{KRESEK}/designations/{designated.id}/certificate.pdf"
    ).data
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


# --- Batch printing for a ceremony ---


def test_one_pdf_holds_every_valid_certificate_designated_in_the_range(
    reviewer, qualifying, make_user
):
    admin = make_user(Role.ADMIN)
    signatory = designations.Signatory("Dinas", "Nama", "Jabatan")
    for code in (KRESEK, KRONJO, "36.03.06.2001"):
        v = qualifying(code)
        designations.approve(admin, v, str(v.revision), signatory)
    revoked = designation("36.03.06.2001")
    designations.revoke(admin, revoked, "Keliru.")
    today = local_today().isoformat()
    page = text(reviewer.get(f"/review/certificates?start={today}&end={today}"))
    assert "Unduh PDF (2 piagam)" in page
    assert reviewer.get(f"/review/certificates.pdf?start={today}").status_code == 302
    assert events("certificate.print") == []
    response = reviewer.post("/review/certificates.pdf", {"start": today, "end": today})
    assert response.status_code == 200
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
        designations.approve(
            make_user(Role.ADMIN),
            v,
            str(v.revision),
            designations.Signatory("D", "N", "T"),
        )
    from conftest import Browser

    session = Browser(app.test_client())
    user = make_user(Role.REVIEWER)
    session.login(user)
    today = local_today().isoformat()
    response = session.post("/review/certificates.pdf", {"start": today, "end": today})
    assert response.status_code == 400
    assert "Lebih dari 1 piagam" in text(response)


# --- Public verification ---


def test_verification_shows_the_certificate_and_nothing_personal(
    client, officer, designated
):
    village().contact_phone = "0812 3456 7890"
    db.session.commit()
    page = text(client.get(f"/verify/{designated.token}"))
    for expected in (
        ">Sah<",
        "Kresek",
        "Tangerang",
        "Banten",
        FIRST_NUMBER,
        "91,0%",
        "Dinas Ketenagakerjaan Kabupaten Tangerang",
    ):
        assert expected in page, expected
    for personal in (
        "0812",
        village().head_name,
        officer.user.full_name,
        designated.approved_by.full_name,
        "Septo",
    ):
        assert personal not in page, personal


def test_verification_by_number_finds_the_certificate(client, designated):
    response = client.get("/verify?" + urlencode({"number": FIRST_NUMBER.lower()}))
    assert response.status_code == 200 and ">Sah<" in text(response)
    response = client.get("/verify?" + urlencode({"number": "999/DSJSK/36.03/2026"}))
    assert response.status_code == 404
    assert "Tidak ada piagam dengan nomor 999/DSJSK/36.03/2026" in text(response)
    assert client.get("/verify/not-a-token").status_code == 404


def test_verification_is_rate_limited(make_app, designated):
    client = make_app(VERIFY_RATE_LIMIT="3 per minute").test_client()
    statuses = [client.get(f"/verify/{designated.token}").status_code for _ in range(3)]
    statuses.append(client.get("/verify?number=x").status_code)  # one budget for both
    assert statuses == [200, 200, 200, 429]
    assert "Terlalu banyak permintaan" in text(client.get("/verify"))


# --- Signatories kept by an admin ---


def test_an_admin_sets_a_regencys_signatory_and_approval_offers_it(
    login, reviewer, qualifying
):
    admin, _ = login(Role.ADMIN)
    form = {
        "regency_code": "36.03",
        "office_name": "Dinas Tenaga Kerja Kabupaten Tangerang",
        "signatory_name": "Dr. Nama Kepala",
        "signatory_title": "Kepala Dinas",
    }
    assert admin.post("/admin/signatories", form).status_code == 302
    qualifying()
    page = text(reviewer.get(f"/villages/{KRESEK}"))
    assert 'value="Dr. Nama Kepala"' in page
    assert approve(reviewer, signatory_name="Dr. Nama Kepala").status_code == 302
    assert designation().office_name == "Dinas Tenaga Kerja Kabupaten Tangerang"
    [event] = events("signatory.set")
    assert event.after["signatory_name"] == "Dr. Nama Kepala"
    response = admin.post("/admin/signatories", {**form, "regency_code": "36.03.06"})
    assert response.status_code == 400
    assert 'value="Dinas Tenaga Kerja Kabupaten Tangerang"' in text(response)


# --- The audit trail ---


def test_every_decision_and_print_is_audited_with_who_before_and_after(
    reviewer, designated
):
    [event] = events("review.approve")
    assert event.actor.id == reviewer.user.id
    assert event.region_code == KRESEK
    assert event.before == {"status": "qualifying"}
    assert (
        event.after["number"] == FIRST_NUMBER and event.after["status"] == "designated"
    )
    certificate = f"/villages/{KRESEK}/designations/{designated.id}/certificate"
    reviewer.get(certificate)
    reviewer.get(certificate + ".pdf")
    assert events("certificate.print") == []  # looking at it is not making a copy
    reviewer.post(certificate + ".pdf")
    [printed] = events("certificate.print")
    assert printed.actor.id == reviewer.user.id
    assert printed.after == {"number": FIRST_NUMBER, "format": "pdf"}
    page = text(reviewer.get(f"/villages/{KRESEK}"))
    assert "Penetapan disetujui" in page and "Piagam dicetak" in page


def test_a_village_designated_before_the_designation_date_rule_uses_today(designated):
    assert designated.designated_on == local_today() >= date(2026, 1, 1)


def test_a_server_without_pdf_libraries_says_so_and_keeps_the_print_view(
    reviewer, designated, monkeypatch
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    base = f"/villages/{KRESEK}/designations/{designated.id}/certificate"
    response = reviewer.post(base + ".pdf")
    assert response.status_code == 503
    assert "belum dapat membuat PDF" in text(response)
    assert reviewer.get(base).status_code == 200


# --- What a second look at the review found ---


def test_a_potential_dated_after_a_locked_report_may_not_re_measure_it(
    officer, register, log, reviewer
):
    """A report dated before every worker potential is measured against the earliest
    one; a new potential that becomes the earliest would change a locked report."""
    kresek = register(KRESEK, potential=4615, as_of=date(2019, 12, 1))
    log(kresek, 4200, as_of=date(2019, 9, 1))
    assert approve(reviewer).status_code == 302
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {"worker_potential": "9000", "source": "p3ke", "potential_as_of": "2019-10-01"},
    )
    assert response.status_code == 400 and "terkunci" in text(response)
    assert db.session.get(Report, designation().report_id).coverage_tenths == 910
    # One that governs only later reports is fine.
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {"worker_potential": "4700", "source": "p3ke", "potential_as_of": "2020-01-01"},
    )
    assert response.status_code == 302


def test_new_evidence_on_the_latest_report_counts_as_a_change_of_the_village(
    reviewer, officer, qualifying
):
    qualifying()
    seen = str(village().revision)
    report = db.session.scalar(select(Report).where(Report.village_code == KRESEK))
    response = officer.post(
        f"/villages/{KRESEK}/reports/{report.id}/edit",
        report_form(4200, notes="Daftar peserta diganti."),
    )
    assert response.status_code == 302
    assert approve(reviewer, seen=seen).status_code == 409


def test_after_a_refusal_the_page_offers_the_decision_again_on_the_village_as_is(
    reviewer, officer, qualifying
):
    qualifying()
    seen = str(village().revision)
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4300, as_of="2019-10-01")
    )
    page = text(approve(reviewer, seen=seen))
    fresh = re.search(r'name="approve-seen" type="hidden" value="(\d+)"', page).group(1)
    assert fresh == str(village().revision) != seen
    assert approve(reviewer, seen=fresh).status_code == 302


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
