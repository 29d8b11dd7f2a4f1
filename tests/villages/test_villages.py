"""Field officers register villages, record worker potential and log reports; the
village is flagged the moment its coverage reaches the threshold."""

import io
from datetime import date, timedelta

import lxml.html
import pytest
from sqlalchemy import func, select

from tests.helpers.villages import report_form
from villagetracker import criteria, rules
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import AuditEvent, Report, Role, Village, WorkerPotential
from villagetracker.review import service as review_service
from villagetracker.villages import evidence

KRESEK = "36.03.06.2018"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

REGISTRATION = {
    "region_code": KRESEK,
    "worker_potential": "4615",
    "source": "p3ke",
    "source_note": "",
    "potential_as_of": "2019-01-01",
    "head_name": "Kepala Desa Kresek",
    "contact_phone": "0812 3456 7890",
    "notes": "",
}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def actions(code=KRESEK):
    query = select(AuditEvent.action).where(AuditEvent.region_code == code)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def officer(login):
    session, _ = login(Role.OFFICER, region="36.03")
    return session


@pytest.fixture
def kresek(officer):
    assert officer.post("/villages/register", REGISTRATION).status_code == 302
    return db.session.get(Village, KRESEK)


# --- Registering ---


def test_an_officer_registers_desa_kresek_with_its_worker_potential(officer):
    response = officer.post("/villages/register", REGISTRATION)
    assert response.headers["Location"] == f"/villages/{KRESEK}"
    village = db.session.get(Village, KRESEK)
    assert (village.worker_potential, village.status) == (4615, "registered")
    assert (village.district_code, village.regency_code) == ("36.03.06", "36.03")
    potential = db.session.scalar(select(WorkerPotential))
    assert (potential.source, potential.as_of) == ("p3ke", date(2019, 1, 1))
    assert actions() == ["village.register"]


def test_the_worker_potential_may_be_typed_with_indonesian_grouping(officer):
    officer.post("/villages/register", {**REGISTRATION, "worker_potential": "4.615"})
    assert db.session.get(Village, KRESEK).worker_potential == 4615


def test_a_village_is_registered_once(officer, kresek):
    response = officer.post("/villages/register", REGISTRATION)
    assert response.status_code == 400
    assert "Kresek sudah terdaftar." in response.get_data(as_text=True)
    assert count(Village) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region_code": "36.03.06"}, "region_code"),  # a kecamatan, not a village
        ({"region_code": "99.99.99.9999"}, "region_code"),
        ({"worker_potential": "0"}, "worker_potential"),
        ({"worker_potential": "-10"}, "worker_potential"),
        ({"worker_potential": "4615.5"}, "worker_potential"),
        ({"worker_potential": "banyak"}, "worker_potential"),
        ({"worker_potential": "20000000"}, "worker_potential"),
        ({"source": "rumour"}, "source"),
        ({"source": "other", "source_note": ""}, "source_note"),
        ({"potential_as_of": "2019-02-30"}, "potential_as_of"),
        ({"potential_as_of": "2999-01-01"}, "potential_as_of"),
        ({"head_name": ""}, "head_name"),
        ({"contact_phone": "call me"}, "contact_phone"),
    ],
)
def test_bad_registrations_are_refused_next_to_the_field_and_nothing_is_saved(
    officer, changes, field
):
    response = officer.post("/villages/register", {**REGISTRATION, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page
    assert f'href="#{field}"' in page  # in the summary at the top
    assert 'value="Kepala Desa Kresek"' in page or field == "head_name"
    assert count(Village) == count(WorkerPotential) == 0


def test_a_reviewer_does_not_register_villages(login):
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    assert reviewer.post("/villages/register", REGISTRATION).status_code == 403
    assert count(Village) == 0


# --- Reports and the flag ---


def test_4200_of_4615_makes_kresek_qualifying_at_once(officer, kresek):
    response = officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200))
    assert response.status_code == 302
    village = db.session.get(Village, KRESEK)
    assert (village.status, village.coverage_tenths) == ("qualifying", 910)
    assert (village.active_participants, village.latest_report_date) == (
        4200,
        date(2019, 9, 1),
    )
    assert actions() == ["village.register", "report.create", "village.status"]
    page = officer.get(f"/villages/{KRESEK}").get_data(as_text=True)
    assert "91,0%" in page and "Memenuhi syarat" in page


def test_coverage_from_a_report_three_months_old_is_shown_as_stale(officer, kresek):
    """Participants lapse after three unpaid months: a count that old no longer says
    who is active, and the village page and lists say so; a fresh count does not."""
    today = local_today()
    old = rules.months_before(today, 3)
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200, old.isoformat()))
    page = lxml.html.fromstring(officer.get(f"/villages/{KRESEK}").get_data())
    assert page.cssselect("dd.stale")
    assert page.cssselect(".notice-warning")
    listed = officer.get("/villages/").get_data(as_text=True)
    assert "usang" in listed  # "stale", in the list's coverage column
    fresh = rules.months_before(today, 3) + timedelta(days=1)
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200, str(fresh)))
    page = lxml.html.fromstring(officer.get(f"/villages/{KRESEK}").get_data())
    assert not page.cssselect("dd.stale")
    assert "usang" not in officer.get("/villages/").get_data(as_text=True)


def test_4153_of_4615_stays_registered_and_4154_qualifies(officer, kresek):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4153, "2019-06-01"))
    assert db.session.get(Village, KRESEK).status == "registered"
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4154, "2019-07-01"))
    assert db.session.get(Village, KRESEK).status == "qualifying"


def test_a_qualifying_village_whose_latest_report_falls_below_goes_back(
    officer, kresek
):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200, "2019-06-01"))
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4000, "2019-07-01"))
    assert db.session.get(Village, KRESEK).status == "registered"


def test_an_older_report_logged_late_does_not_move_the_status(officer, kresek):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4000, "2019-07-01"))
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4300, "2019-05-01"))
    village = db.session.get(Village, KRESEK)
    assert (village.status, village.active_participants) == ("registered", 4000)


def test_a_designated_village_falling_below_becomes_at_risk(
    officer, kresek, log, make_user
):
    village = db.session.get(Village, KRESEK)
    log(village, 4200)
    review_service.approve(
        make_user(Role.ADMIN),
        village,
        str(village.revision),
        review_service.Signatory("Dinas", "Nama", "Jabatan"),
    )
    db.session.commit()
    log(village, 4000, as_of=date(2019, 10, 1))
    assert db.session.get(Village, KRESEK).status == "at_risk"


BAD_REPORTS = [
    ({"active_participants": "4700"}, "active_participants", "Melebihi potensi"),
    ({"active_participants": "-1"}, "active_participants", "Tidak boleh negatif"),
    ({"active_participants": "4200,5"}, "active_participants", "tanpa desimal"),
    ({"active_participants": "empat ribu"}, "active_participants", "Masukkan angka"),
    ({"active_participants": "10000001"}, "active_participants", "Paling banyak"),
    ({"active_participants": ""}, "active_participants", "Masukkan angka."),
    ({"as_of": "2099-01-01"}, "as_of", "masa depan"),
    ({"as_of": "01/09/2019"}, "as_of", "Masukkan tanggal"),
    ({"as_of": "2013-12-31"}, "as_of", "sebelum 2014"),
    ({"bpu": "4000"}, "bpu", "berjumlah 4.000, bukan 4.200"),
    (
        {"self_paid": "4100", "apbd_regency": "200"},
        "self_paid",
        "berjumlah 4.300, bukan 4.200",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_REPORTS)
def test_bad_reports_are_refused_with_the_form_kept_and_nothing_saved(
    officer, kresek, changes, field, message
):
    form = report_form(4200, notes="dicatat di balai desa", **changes)
    response = officer.post(f"/villages/{KRESEK}/reports/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and message in page
    assert f'href="#{field}"' in page
    assert "dicatat di balai desa" in page  # what was typed is kept
    if field != "active_participants":
        assert 'value="4200"' in page
    assert count(Report) == 0
    assert db.session.get(Village, KRESEK).status == "registered"


REPORT_NUMBERS = (
    "active_participants",
    "bpu",
    "pu",
    "jakon",
    "pmi",
    "self_paid",
    "apbd_province",
    "apbd_regency",
    "apbdes",
    "csr",
    "other",
)


@pytest.mark.parametrize("blank", [" ", "\t", "\u00a0 "])
@pytest.mark.parametrize("field", REPORT_NUMBERS)
def test_a_report_number_of_only_white_space_is_missing_not_a_server_error(
    officer, kresek, field, blank
):
    form = report_form(4200, notes="dicatat di balai desa", **{field: blank})
    response = officer.post(f"/villages/{KRESEK}/reports/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and "Masukkan angka." in page
    assert "dicatat di balai desa" in page  # what was typed is kept
    assert "Sudah ada laporan" not in page  # not mistaken for a taken date
    assert count(Report) == 0


def test_a_worker_potential_of_only_white_space_is_missing(officer, kresek):
    for url, form in [
        ("/villages/register", {**REGISTRATION, "region_code": "36.03.06.2001"}),
        (
            f"/villages/{KRESEK}/potential",
            {**REGISTRATION, "potential_as_of": "2020-01-01"},
        ),
    ]:
        response = officer.post(url, {**form, "worker_potential": " \t"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, url
        assert 'id="worker_potential-error"' in page
        assert "Masukkan potensi tenaga kerja." in page
    assert count(Village) == 1 and count(WorkerPotential) == 1


def test_a_report_date_of_only_white_space_is_missing(officer, kresek):
    response = officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200, " "))
    assert response.status_code == 400
    assert 'id="as_of-error"' in response.get_data(as_text=True)
    assert "Masukkan tanggal penghitungan." in response.get_data(as_text=True)
    assert count(Report) == 0


def test_a_second_report_for_the_same_date_is_refused(officer, kresek):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4000))
    response = officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200))
    assert response.status_code == 400
    assert "Sudah ada laporan untuk" in response.get_data(as_text=True)
    assert count(Report) == 1


def upload(content, name):
    return (io.BytesIO(content), name)


def test_evidence_is_stored_outside_static_and_served_to_those_who_see_the_village(
    app, officer, kresek, login
):
    form = {**report_form(4200), "evidence": upload(PDF, "daftar-peserta.pdf")}
    assert officer.post(f"/villages/{KRESEK}/reports/new", form).status_code == 302
    report = db.session.scalar(select(Report))
    assert report.evidence_type == "application/pdf"
    assert report.evidence_name == "daftar-peserta.pdf"
    stored = evidence.path_of(report.evidence_file)
    assert stored.read_bytes() == PDF and "static" not in stored.parts
    assert app.config["EVIDENCE_DIR"] in str(evidence.path_of(report.evidence_file))
    url = f"/villages/{KRESEK}/reports/{report.id}/evidence"
    download = officer.get(url)
    assert download.status_code == 200 and download.data == PDF
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    assert reviewer.get(url).status_code == 200
    outsider, _ = login(Role.OFFICER, region="36.04")
    assert outsider.get(url).status_code == 404


def test_a_png_is_accepted_as_evidence(officer, kresek):
    form = {**report_form(4200), "evidence": upload(PNG, "foto.png")}
    assert officer.post(f"/villages/{KRESEK}/reports/new", form).status_code == 302
    assert db.session.scalar(select(Report.evidence_type)) == "image/png"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "laporan.pdf", "bukan salah satunya"),  # disguised
        (b"", "kosong.pdf", "bukan salah satunya"),
        (PDF + b"\x00" * (5 * 1024 * 1024), "besar.pdf", "paling besar 5 MB"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_saved(
    officer, kresek, content, name, message
):
    form = {**report_form(4200), "evidence": upload(content, name)}
    response = officer.post(f"/villages/{KRESEK}/reports/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="evidence-error"' in page and message in page
    assert count(Report) == 0


def test_correcting_a_report_keeps_the_old_values_in_the_audit_trail(officer, kresek):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4000))
    report = db.session.scalar(select(Report))
    response = officer.post(
        f"/villages/{KRESEK}/reports/{report.id}/edit", report_form(4200)
    )
    assert response.status_code == 302
    assert db.session.get(Report, report.id).active_participants == 4200
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "report.correct")
    )
    assert event.before["active_participants"] == 4000
    assert event.after["active_participants"] == 4200
    assert db.session.get(Village, KRESEK).status == "qualifying"
    page = officer.get(f"/villages/{KRESEK}").get_data(as_text=True)
    assert "<del>4.000</del>" in page and "Laporan dikoreksi" in page


def test_a_correction_may_keep_its_own_date(officer, kresek):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4000))
    report = db.session.scalar(select(Report))
    form = report_form(4100, notes="angka dari BPJS")
    response = officer.post(f"/villages/{KRESEK}/reports/{report.id}/edit", form)
    assert response.status_code == 302


def test_there_is_no_way_to_delete_a_report(app):
    methods = {m for rule in app.url_map.iter_rules() for m in rule.methods}
    assert "DELETE" not in methods
    assert not [r for r in app.url_map.iter_rules() if "delete" in r.rule]


# --- Worker potential over time ---


def test_reports_are_measured_against_the_potential_in_force_at_their_date(
    officer, kresek
):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200, "2019-09-01"))
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {
            "worker_potential": "5000",
            "source": "census",
            "potential_as_of": "2020-01-01",
        },
    )
    assert response.status_code == 302
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4400, "2020-06-01"))
    reports = {r.as_of: r for r in db.session.scalars(select(Report))}
    assert (
        reports[date(2019, 9, 1)].worker_potential,
        reports[date(2019, 9, 1)].coverage_tenths,
    ) == (4615, 910)
    assert (
        reports[date(2020, 6, 1)].worker_potential,
        reports[date(2020, 6, 1)].coverage_tenths,
    ) == (5000, 880)
    village = db.session.get(Village, KRESEK)
    assert (village.worker_potential, village.status) == (5000, "registered")
    assert count(WorkerPotential) == 2  # the history is kept


def test_a_backdated_potential_re_measures_the_reports_it_governs(officer, kresek):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200, "2019-09-01"))
    officer.post(
        f"/villages/{KRESEK}/potential",
        {
            "worker_potential": "4300",
            "source": "bps",
            "potential_as_of": "2019-06-01",
        },
    )
    report = db.session.scalar(select(Report))
    assert (report.worker_potential, report.coverage_tenths) == (4300, 976)


def test_a_potential_below_the_participants_already_reported_is_refused(
    officer, kresek
):
    officer.post(f"/villages/{KRESEK}/reports/new", report_form(4200, "2019-09-01"))
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {
            "worker_potential": "4000",
            "source": "bps",
            "potential_as_of": "2019-06-01",
        },
    )
    assert response.status_code == 400
    assert "mencatat 4.200 peserta aktif" in response.get_data(as_text=True)
    assert count(WorkerPotential) == 1


# --- The threshold ---


def test_raising_the_threshold_re_evaluates_every_village_and_is_audited(
    login, register, log
):
    kresek = register(KRESEK)
    log(kresek, 4200)  # 91.0%
    serang = register("36.04.15.2001", potential=1000)
    log(serang, 960)  # 96.0%
    admin, _ = login(Role.ADMIN)
    response = admin.post("/admin/threshold", {"national-threshold": "95"})
    assert response.status_code == 302
    job_page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kriteria disimpan; 1 desa berubah status." in job_page
    assert db.session.get(Village, KRESEK).status == "registered"
    assert db.session.get(Village, "36.04.15.2001").status == "qualifying"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "criteria.set")
    )
    assert (event.before["threshold_tenths"], event.after["threshold_tenths"]) == (
        None,
        950,
    )


def test_a_regency_threshold_overrides_the_programme_for_its_villages_only(
    login, register, log
):
    log(register(KRESEK), 4200)  # 91.0%
    log(register("36.04.15.2001", potential=1000), 910)  # 91.0%
    admin, _ = login(Role.ADMIN)
    response = admin.post(
        "/admin/threshold",
        {"regency-regency_code": "36.03", "regency-threshold": "92,5"},
    )
    assert response.status_code == 302
    assert db.session.get(Village, KRESEK).status == "registered"
    assert db.session.get(Village, "36.04.15.2001").status == "qualifying"
    assert criteria.criteria_for("36.03").threshold_tenths == 925
    admin.post(
        "/admin/threshold", {"regency-regency_code": "36.03", "regency-threshold": ""}
    )
    assert db.session.get(Village, KRESEK).status == "qualifying"


@pytest.mark.parametrize("value", ["abc", "49", "101", "90,55", ""])
def test_a_bad_threshold_is_refused(login, value):
    admin, _ = login(Role.ADMIN)
    response = admin.post("/admin/threshold", {"national-threshold": value})
    assert response.status_code == 400
    assert criteria.programme_criteria().threshold_tenths == 900


# --- Lists ---


@pytest.fixture
def several(register, log):
    """Six villages of Kecamatan Kresek and one of Kronjo, at various coverages."""
    today = (
        local_today()
    )  # the app's "days ago" count in Jakarta, not the machine's zone
    figures = {
        "36.03.06.2001": (1000, 950, 5),  # 95.0%, qualifying
        "36.03.06.2003": (1000, 800, 40),  # 80.0%, close: needs 100
        "36.03.06.2007": (1000, 899, 10),  # 89.9%, close: needs 1
        "36.03.06.2009": (1000, 600, 100),  # 60.0%
        "36.03.06.2011": (1000, 100, 3),  # 10.0%
        "36.03.07.2001": (2000, 1700, 1),  # 85.0% in Kronjo: close, needs 100
    }
    for code, (potential, active, days_ago) in figures.items():
        log(
            register(code, potential=potential),
            active,
            as_of=today - timedelta(days=days_ago),
        )
    register("36.03.06.2013")  # no report yet
    return figures


def codes_on(page):
    import re

    return re.findall(r'href="/villages/(\d\d\.\d\d\.\d\d\.\d{4})"', page)


def test_the_list_filters_by_kecamatan_status_and_band(officer, several):
    assert len(codes_on(officer.get("/villages/").get_data(as_text=True))) == 7
    page = officer.get("/villages/?area=36.03.07").get_data(as_text=True)
    assert codes_on(page) == ["36.03.07.2001"]
    page = officer.get("/villages/?status=qualifying").get_data(as_text=True)
    assert codes_on(page) == ["36.03.06.2001"]
    page = officer.get("/villages/?band=50_75").get_data(as_text=True)
    assert codes_on(page) == ["36.03.06.2009"]
    page = officer.get("/villages/?band=none").get_data(as_text=True)
    assert codes_on(page) == ["36.03.06.2013"]


def test_the_list_searches_by_name_or_code(officer, several):
    page = officer.get("/villages/?q=36.03.07").get_data(as_text=True)
    assert codes_on(page) == ["36.03.07.2001"]
    page = officer.get("/villages/?q=kronjo").get_data(as_text=True)
    assert codes_on(page) == ["36.03.07.2001"]


def test_the_list_sorts_by_coverage_and_by_last_report(officer, several):
    page = officer.get("/villages/?sort=coverage").get_data(as_text=True)
    assert codes_on(page)[:3] == ["36.03.06.2001", "36.03.06.2007", "36.03.07.2001"]
    page = officer.get("/villages/?sort=last_report").get_data(as_text=True)
    assert codes_on(page)[:3] == ["36.03.06.2013", "36.03.06.2009", "36.03.06.2003"]
    assert "100 hari yang lalu" in page


def test_the_list_shows_the_stale_villages(officer, several):
    page = officer.get("/villages/?stale=1").get_data(as_text=True)
    assert sorted(codes_on(page)) == ["36.03.06.2003", "36.03.06.2009", "36.03.06.2013"]


def test_the_list_is_paginated(app, officer, several):
    app.config["PAGE_SIZE"] = 3
    first = codes_on(officer.get("/villages/").get_data(as_text=True))
    third = codes_on(officer.get("/villages/?page=3").get_data(as_text=True))
    assert len(first) == 3 and len(third) == 1
    assert officer.get("/villages/?page=99").status_code == 200


def test_close_to_qualifying_lists_75_percent_up_ranked_by_what_each_misses(
    officer, several
):
    page = officer.get("/villages/close").get_data(as_text=True)
    # 06.2007 misses 1 participant; 06.2003 (80%) and 07.2001 (85%) 100 each: the
    # fewest missing first, whatever the coverage, then by code.
    assert codes_on(page) == ["36.03.06.2007", "36.03.06.2003", "36.03.07.2001"]
    rows = page.split("<tbody>")[1]
    assert "<strong>kurang 1 peserta aktif</strong>" in rows
    assert "<strong>kurang 100 peserta aktif</strong>" in rows


def test_the_officers_home_shows_statuses_stale_and_newest_qualifying(officer, several):
    page = officer.get("/").get_data(as_text=True)
    assert "Desa yang baru memenuhi syarat" in page
    assert "Tanpa laporan 30 hari atau lebih" in page
    assert (
        'href="/villages/?status=qualifying"><span class="tile-number">1</span>' in page
    )
    assert "Belum ada laporan" in page  # 36.03.06.2013 has never reported


def test_the_village_page_shows_history_chart_and_audit_trail(officer, kresek, log):
    log(kresek, 3500, as_of=date(2019, 6, 1))
    log(kresek, 4200, as_of=date(2019, 9, 1))
    page = officer.get(f"/villages/{KRESEK}").get_data(as_text=True)
    assert "<svg" in page and "<polyline" in page
    assert page.count("<circle") == 2
    assert "75,8%" in page and "91,0%" in page
    assert "Riwayat laporan" in page and "Jejak audit" in page
    assert "Desa didaftarkan" in page and "Status berubah" in page


def test_the_village_page_and_the_close_list_agree_on_what_is_needed(
    officer, kresek, log
):
    log(kresek, 3800)  # 82.3% of 4,615: 4,154 reach 90%, so 354 more
    page = officer.get(f"/villages/{KRESEK}").get_data(as_text=True)
    assert "<dt>Kekurangan</dt><dd>354</dd>" in page
    close = officer.get("/villages/close").get_data(as_text=True)
    assert "<strong>kurang 354 peserta aktif</strong>" in close
