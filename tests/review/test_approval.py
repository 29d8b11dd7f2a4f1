"""The labour office's review queue, approval and its number (two reviewers at
once included), the signatory an admin keeps, and the audit trail of decisions.
Fixtures (``reviewer``, ``qualifying``, ``designated`` ...) are in conftest.py."""

import re
from datetime import date

import lxml.html
from sqlalchemy import func, select

from tests.helpers import CSRF_FIELD
from tests.helpers.review import (
    CIKANDE,
    FIRST_NUMBER,
    KRESEK,
    KRONJO,
    YEAR,
    approve,
    designation,
    events,
    text,
    village,
)
from tests.helpers.servers import http_session, post_at_once
from tests.helpers.villages import report_form
from villagetracker import rules
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import Designation, RegencySetting, Report, Role
from villagetracker.review import service as review_service

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
    assert village().status == rules.Status.DESIGNATED
    page = text(reviewer.get(f"/villages/{KRESEK}"))
    assert FIRST_NUMBER in page and "Tampilan cetak" in page


def test_approval_needs_the_signatory_and_keeps_what_was_typed(reviewer, qualifying):
    qualifying()
    response = approve(reviewer, signatory_name="", signatory_title="Kepala Dinas X")
    assert response.status_code == 400
    page = text(response)
    assert "Isi nama penanda tangan." in page
    assert 'value="Kepala Dinas X"' in page
    assert designation() is None and village().status == rules.Status.QUALIFYING


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
    assert village().status == rules.Status.QUALIFYING
    assert events("review.approve") == []
    # Looked at again, it can be approved; the number given back was never used.
    assert approve(reviewer).status_code == 302
    assert designation().number == FIRST_NUMBER


def test_approval_rechecks_the_criteria_at_that_moment(reviewer, qualifying):
    qualifying()
    # The regency's threshold rises to 95% without the villages being re-evaluated
    # (as if it changed between the page and the click).
    db.session.add(RegencySetting(regency_code="36.03", threshold_tenths=950))
    db.session.commit()
    response = approve(reviewer)
    assert response.status_code == 409
    assert "tidak lagi memenuhi kriteria" in text(response)
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
        d = review_service.approve(
            reviewer,
            village(),
            str(village().revision),
            review_service.Signatory("D", "N", "T"),
        )
        db.session.commit()
        assert d.number == f"DSJSK-36-36.03-{YEAR}-0001"


def test_numbers_are_per_regency_and_per_year(app, qualifying, make_user):
    reviewer = make_user(Role.ADMIN)
    signatory = review_service.Signatory("Dinas", "Nama", "Jabatan")
    numbers = []
    with app.test_request_context():
        for code in (KRESEK, KRONJO, CIKANDE):
            v = qualifying(code)
            numbers.append(
                review_service.approve(reviewer, v, str(v.revision), signatory).number
            )
            db.session.commit()
    assert numbers == [
        FIRST_NUMBER,
        f"002/DSJSK/36.03/{YEAR}",
        f"001/DSJSK/36.04/{YEAR}",
    ]


# --- Two reviewers at once, over real HTTP against the real database ---


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


def test_a_lowered_potential_that_made_a_village_qualify_is_shown_to_the_reviewer(
    reviewer, officer, register, log
):
    """1,000 of 1,200 is 83.3%; the potential lowered to 1,100 makes it 90.9%: the
    queue and the village page say so, with who, when and the source."""
    village = register(KRESEK, potential=1200, as_of=date(2019, 1, 1))
    log(village, 1000, as_of=date(2019, 9, 1))
    assert KRESEK not in text(reviewer.get("/review/"))
    form = {
        "worker_potential": "1100",
        "source": "census",
        "potential_as_of": "2019-06-01",
    }
    response = officer.post(f"/villages/{KRESEK}/potential", form)
    assert response.status_code == 302
    queue = text(reviewer.get("/review/"))
    assert KRESEK in queue
    assert "1.200" in queue and "1.100" in queue and "diturunkan" in queue
    page = lxml.html.fromstring(text(reviewer.get(f"/villages/{KRESEK}")))
    [notice] = page.cssselect("#potential-changes li")
    words = notice.text_content()
    assert "1.200" in words and "1.100" in words and "Sensus desa" in words
    assert officer.user.full_name in words


def test_a_designation_on_a_count_over_a_year_old_is_listed_for_re_verification(
    reviewer, register, log
):
    today = local_today()
    for code, months in ((KRESEK, 12), ("36.03.06.2003", 11)):
        village = register(code, as_of=date(2019, 1, 1))
        log(village, 4200, as_of=rules.months_before(today, months))
        assert approve(reviewer, code).status_code == 302
    page = text(reviewer.get("/review/?list=recheck"))
    assert f"/villages/{KRESEK}" in page
    assert "/villages/36.03.06.2003" not in page


def test_without_an_admins_signatory_the_last_one_who_signed_is_offered(
    reviewer, qualifying
):
    """The regency's signatory is typed once, at its first approval, and offered
    (editable) at the next."""

    def offered(code):
        page = lxml.html.fromstring(text(reviewer.get(f"/villages/{code}")))
        return page.get_element_by_id("approve-signatory_name").value

    qualifying()
    assert offered(KRESEK) == ""
    assert approve(reviewer, signatory_name="Hj. Siti Aminah, S.E.").status_code == 302
    qualifying("36.03.06.2003")
    assert offered("36.03.06.2003") == "Hj. Siti Aminah, S.E."


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


# --- What a second look at the review found ---


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


# --- Several villages at once ---


def batch_form(session, codes, **fields):
    """The confirmation page's form as the reviewer's browser sends it back."""
    query = "&".join(f"village={code}" for code in codes)
    page = session.get(f"/review/approve?{query}")
    assert page.status_code == 200, text(page)
    html = lxml.html.fromstring(text(page))
    form = {
        element.name: element.value or ""
        for element in html.cssselect("form[method=post] input[type=hidden]")
    }
    form.update(fields)
    return form, html


def test_a_reviewer_approves_several_villages_numbered_in_the_order_shown(
    reviewer, qualifying
):
    codes = ["36.03.06.2003", KRESEK, "36.03.06.2001"]
    for code in codes:
        qualifying(code)
    form, page = batch_form(
        reviewer, codes, signatory_name="Nama", signatory_title="Kepala Dinas"
    )
    shown = [cell.text_content() for cell in page.cssselect("tbody tr td:nth-child(2)")]
    assert all(code in cell for code, cell in zip(codes, shown, strict=True))
    response = reviewer.post("/review/approve", form)
    assert response.status_code == 302
    assert "3 desa ditetapkan" in text(reviewer.get("/review/"))
    numbers = [designation(code).number for code in codes]
    assert numbers == [f"{n:03d}/DSJSK/36.03/{YEAR}" for n in (1, 2, 3)]
    assert len(events("review.approve")) == 3
    assert all(village(code).status == rules.Status.DESIGNATED for code in codes)


def test_if_one_village_changed_since_the_list_none_is_approved_and_no_number_is_used(
    reviewer, officer, qualifying
):
    codes = [KRESEK, "36.03.06.2003"]
    for code in codes:
        qualifying(code)
    form, _page = batch_form(reviewer, codes, signatory_name="N", signatory_title="K")
    # Meanwhile the officers log a new report for the second village.
    officer.post("/villages/36.03.06.2003/reports/new", report_form(4300, "2019-10-01"))
    response = reviewer.post("/review/approve", form)
    assert response.status_code == 409
    assert "Tidak ada yang disimpan" in text(response)
    assert "Cisoka" in text(response) or "36.03.06.2003" in text(response)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Designation)) == 0
    assert approve(reviewer, KRESEK).status_code == 302
    assert designation(KRESEK).number == FIRST_NUMBER  # the number was given back


def test_two_reviewers_approving_overlapping_batches_at_once_number_without_gaps(
    live_server, make_user, qualifying
):
    codes = [f"36.03.06.{n}" for n in (2001, 2003, 2007, 2009)]
    for code in codes:
        qualifying(code)
    batches = [codes[:3], codes[1:]]
    requests = []
    for batch in batches:
        send = http_session(
            live_server, make_user(Role.REVIEWER, region="36.03").username
        )
        _status, page = send(
            "/review/approve?" + "&".join(f"village={c}" for c in batch)
        )
        html = lxml.html.fromstring(page)
        form = {
            e.name: e.value or ""
            for e in html.cssselect("form[method=post] input[type=hidden]")
        }
        form.update(signatory_name="Nama", signatory_title="Jabatan")
        requests.append((send, "/review/approve", form))
    statuses = post_at_once(requests)
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    winner = batches[statuses.index(302)]
    sequences = sorted(db.session.scalars(select(Designation.sequence)))
    assert sequences == list(range(1, len(winner) + 1))
    assert {d.village_code for d in db.session.scalars(select(Designation))} == set(
        winner
    )


def test_a_batch_is_of_one_regency(login, qualifying):
    admin, _ = login(Role.ADMIN)
    qualifying(KRESEK)
    qualifying(CIKANDE)
    response = admin.get(f"/review/approve?village={KRESEK}&village={CIKANDE}")
    assert response.status_code == 302
    assert "satu kabupaten" in text(admin.get("/review/"))
