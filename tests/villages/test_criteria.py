"""Designation criteria as programme and regency settings: all officials enrolled, a
quota per village (perhaps from one payer); every village they touch judged again;
each criterion shown met or not with what is missing, on the village page, the lists
and the review queue."""

from sqlalchemy import select

from tests.helpers.villages import report_form
from villagetracker import criteria, rules, status
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, Report, Role, Village
from villagetracker.villages import queries, validation

KRESEK = "36.03.06.2018"
CISOKA = "36.03.06.2003"
SERANG = "36.04.15.2001"  # another regency
BALARAJA = "36.03.01.1001"  # a kelurahan


def officials(total, active, role="perangkat"):
    return {f"{role}_total": total, f"{role}_active": active}


def officials_for_tangerang(admin, roles="perangkat"):
    return admin.post(
        "/admin/threshold",
        {"regency-regency_code": "36.03", "regency-official_roles": roles},
    )


def test_an_admin_turns_on_officials_for_a_regency_and_its_villages_are_judged_again(
    login, register, log
):
    log(register(KRESEK), 4200, **officials(12, 11))  # 91.0%, 11 of 12 officials
    log(register(SERANG, potential=1000), 950)  # 95.0%, officials not recorded
    admin, _ = login(Role.ADMIN)
    response = officials_for_tangerang(admin)
    assert response.status_code == 302  # to the job's page, which says what it did
    job_page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kriteria disimpan; 1 desa berubah status." in job_page
    kresek = db.session.get(Village, KRESEK)
    assert (kresek.status, kresek.officials_missing) == ("registered", 1)
    assert db.session.get(Village, SERANG).status == "qualifying"  # not governed
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "criteria.set")
    )
    assert event.before["official_roles"] is None
    assert event.after == {
        "threshold_tenths": None,
        "official_roles": "perangkat",
        "quota": None,
        "quota_payer": None,
        "regency_code": "36.03",
    }
    # Back to the programme's criteria: Kresek qualifies again.
    admin.post(
        "/admin/threshold",
        {"regency-regency_code": "36.03", "regency-official_roles": "follow"},
    )
    assert db.session.get(Village, KRESEK).status == "qualifying"


def test_the_programme_criteria_govern_regencies_that_do_not_set_their_own(
    login, register, log
):
    log(register(KRESEK), 4200, apbdes=5, self_paid=4195)
    log(register(SERANG, potential=1000), 950, apbdes=12, self_paid=938)
    admin, _ = login(Role.ADMIN)
    response = admin.post(
        "/admin/threshold",
        {
            "national-threshold": "90",
            "national-official_roles": "",
            "national-quota": "10",
            "national-quota_payer": "apbdes",
        },
    )
    assert response.status_code == 302
    assert criteria.programme_criteria() == rules.Criteria(900, (), 10, "apbdes")
    assert db.session.get(Village, KRESEK).status == "registered"  # 5 of 10 APBDes
    assert db.session.get(Village, KRESEK).participants_missing == 5
    assert db.session.get(Village, SERANG).status == "qualifying"
    # A regency sets no quota of its own ("0"): Kresek qualifies there.
    admin.post(
        "/admin/threshold",
        {"regency-regency_code": "36.03", "regency-quota": "0"},
    )
    assert criteria.criteria_for("36.03").quota == 0
    assert db.session.get(Village, KRESEK).status == "qualifying"
    page = admin.get("/admin/threshold").get_data(as_text=True)
    assert (
        "Minimal 10 peserta aktif yang dibayar oleh APBDes"
        not in page.split("regency-heading")[1].split("<form")[0]
    )


def test_a_bad_quota_is_refused_next_to_its_field(login):
    admin, _ = login(Role.ADMIN)
    response = admin.post(
        "/admin/threshold", {"national-threshold": "90", "national-quota": "sepuluh"}
    )
    assert response.status_code == 400
    assert "Masukkan bilangan bulat" in response.get_data(as_text=True)
    assert criteria.programme_criteria() == rules.Criteria()


def test_the_village_page_says_what_is_missing_for_each_criterion(login, register, log):
    kresek = register(KRESEK)
    status.set_criteria({"official_roles": "perangkat", "quota": 5000}, "36.03")
    db.session.commit()
    log(kresek, 4200, **officials(12, 9))
    officer, _ = login(Role.OFFICER, region="36.03")
    page = officer.get(f"/villages/{KRESEK}").get_data(as_text=True)
    criteria_part = page.split('id="criteria"')[1].split("</section>")[0]
    assert "Cakupan minimal 90,0%: <strong>terpenuhi</strong>" in criteria_part
    assert "3 aparatur desa belum menjadi peserta" in criteria_part
    assert "Minimal 5.000 peserta aktif: <strong>kurang 800 peserta aktif" in (
        criteria_part
    )
    village = db.session.get(Village, KRESEK)
    assert (village.participants_missing, village.officials_missing) == (800, 3)


def test_the_close_list_ranks_by_what_is_missing_officials_included(
    login, register, log
):
    status.set_criteria({"official_roles": "perangkat"}, "36.03")
    db.session.commit()
    log(register(KRESEK), 4200, **officials(12, 11))  # 91%, 1 official missing
    log(register(CISOKA, potential=1000), 950, **officials(10, 7))  # 3 missing
    log(register("36.03.06.2007", potential=1000), 890, **officials(10, 10))  # 10
    officer, _ = login(Role.OFFICER, region="36.03")
    page = officer.get("/villages/close").get_data(as_text=True)
    rows = page.split("<tbody>")[1]
    order = [rows.index(code) for code in (KRESEK, CISOKA, "36.03.06.2007")]
    assert order == sorted(order)
    assert "1 aparatur desa belum menjadi peserta" in rows
    assert "kurang 10 peserta aktif" in rows
    # The villages list says it too, under the status.
    listed = officer.get("/villages/").get_data(as_text=True)
    assert "3 aparatur desa belum menjadi peserta" in listed


def test_officials_not_recorded_are_named_as_such(login, register, log):
    status.set_criteria({"official_roles": "perangkat,bpd"}, "36.03")
    db.session.commit()
    log(register(KRESEK), 4200, **officials(12, 12))  # BPD not recorded
    village = db.session.get(Village, KRESEK)
    assert (village.status, village.officials_missing) == ("registered", None)
    officer, _ = login(Role.OFFICER, region="36.03")
    page = officer.get(f"/villages/{KRESEK}").get_data(as_text=True)
    assert "Aparatur belum dicatat dalam laporan terakhir" in page


# --- The report form's officials ---


def test_a_desa_report_form_offers_officials_with_the_villages_count(login, register):
    register(KRESEK, officials=(12, 9, 30))
    status.set_criteria({"official_roles": "perangkat"}, "36.03")
    db.session.commit()
    officer, _ = login(Role.OFFICER, region="36.03")
    page = officer.get(f"/villages/{KRESEK}/reports/new").get_data(as_text=True)
    assert 'name="perangkat_total"' in page and 'value="12"' in page
    assert 'name="rtrw_active"' in page
    assert "Wajib di sini" in page and "kepala desa dan perangkat desa" in page
    response = officer.post(
        f"/villages/{KRESEK}/reports/new",
        report_form(4200, perangkat_total=12, perangkat_active=12),
    )
    assert response.status_code == 302
    assert db.session.get(Village, KRESEK).status == "qualifying"


def test_officials_are_checked_against_their_counts_and_the_participants(
    login, register
):
    register(KRESEK)
    officer, _ = login(Role.OFFICER, region="36.03")
    cases = [
        (officials(12, 13), "perangkat_active", "Lebih banyak yang aktif"),
        ({"perangkat_total": "12"}, "perangkat_active", "Isi keduanya"),
        ({"bpd_active": "3"}, "bpd_total", "Isi keduanya"),
        (officials(100, 100), "perangkat_active", "lebih banyak daripada 50"),
    ]
    for fields, name, message in cases:
        form = report_form(50, **fields)
        response = officer.post(f"/villages/{KRESEK}/reports/new", form)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, fields
        assert f'id="{name}-error"' in page and message in page, fields
    assert db.session.scalar(select(Report)) is None


def test_a_kelurahan_is_offered_no_officials_and_no_officials_criterion(
    login, register, log
):
    status.set_criteria({"official_roles": "perangkat,bpd,rtrw"}, "36.03")
    db.session.commit()
    kelurahan = register(BALARAJA, potential=1000)
    officer, _ = login(Role.OFFICER, region="36.03")
    page = officer.get(f"/villages/{BALARAJA}/reports/new").get_data(as_text=True)
    assert 'name="perangkat_total"' not in page and "Aparatur desa" not in page
    # Sent anyway (as a file or a client might), officials are refused for it.
    facts = queries.village_facts(kelurahan)
    checked = validation.check_report(report_form(950, **officials(5, 5)), facts)
    assert "Kelurahan tidak memiliki aparatur desa" in str(
        checked.errors["perangkat_total"]
    )
    log(kelurahan, 950)
    assert db.session.get(Village, BALARAJA).status == "qualifying"
    page = officer.get(f"/villages/{BALARAJA}").get_data(as_text=True)
    assert (
        "Kelurahan Balaraja" in page
        and "aparatur" not in page.split('id="criteria"')[1].split("</section>")[0]
    )


def test_the_details_form_records_how_many_officials_a_desa_has(login, register):
    register(KRESEK)
    officer, _ = login(Role.OFFICER, region="36.03")
    response = officer.post(
        f"/villages/{KRESEK}/details",
        {"head_name": "Kepala", "perangkat_total": "12", "bpd_total": "9"},
    )
    assert response.status_code == 302
    village = db.session.get(Village, KRESEK)
    assert (village.perangkat_total, village.bpd_total, village.rtrw_total) == (
        12,
        9,
        None,
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "village.update")
    )
    assert (event.before["perangkat_total"], event.after["perangkat_total"]) == (
        None,
        12,
    )


# --- Payers and segments ---


def test_a_report_from_before_payers_were_told_apart_is_shown_and_kept_as_it_was(
    login, register, log
):
    kresek = register(KRESEK)
    report = log(kresek, 4200, self_paid=3000, apbd=1000, csr_other=200)
    officer, _ = login(Role.OFFICER, region="36.03")
    page = officer.get(f"/villages/{KRESEK}").get_data(as_text=True)
    assert "APBD, tingkat tidak dicatat 1.000" in page
    assert "CSR atau lainnya, tidak dibedakan 200" in page
    form = officer.get(f"/villages/{KRESEK}/reports/{report.id}/edit").get_data(
        as_text=True
    )
    assert 'name="apbd"' in form and 'name="csr_other"' in form
    assert "sebelum pembayar dibedakan" in form
    # Moved to the province's budget and to CSR: the old figures are gone.
    response = officer.post(
        f"/villages/{KRESEK}/reports/{report.id}/edit",
        report_form(
            4200,
            self_paid=3000,
            apbd_province=1000,
            csr=200,
            apbd=0,
            csr_other=0,
        ),
    )
    assert response.status_code == 302
    db.session.refresh(report)
    assert (report.apbd, report.apbd_province, report.csr, report.csr_other) == (
        0,
        1000,
        200,
        0,
    )
    new = officer.get(f"/villages/{KRESEK}/reports/new").get_data(as_text=True)
    assert 'name="apbd"' not in new and 'name="apbd_province"' in new


def test_the_dashboard_shows_who_the_participants_are_and_who_pays(
    login, register, log
):
    log(register(KRESEK), 4200, bpu=4000, pmi=200, self_paid=3000, apbd_regency=1200)
    log(register(CISOKA, potential=1000), 500, self_paid=400, apbd=100)
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    page = reviewer.get("/dashboard/36.03").get_data(as_text=True)
    part = page.split('id="parts-heading"')[1].split("</section>")[0]
    assert '<th scope="row">PMI</th><td class="num">200</td>' in part
    assert 'APBD kabupaten/kota</th><td class="num">1.200</td>' in part
    assert 'APBD, tingkat tidak dicatat</th><td class="num">100</td>' in part
    assert 'Mandiri</th><td class="num">3.400</td>' in part


def test_registration_records_the_officials_a_desa_has_and_refuses_them_for_a_kelurahan(
    login,
):
    officer, _ = login(Role.OFFICER, region="36.03")
    form = {
        "worker_potential": "4615",
        "source": "p3ke",
        "potential_as_of": "2019-01-01",
        "head_name": "Kepala",
        "perangkat_total": "12",
        "bpd_total": "9",
        "rtrw_total": "30",
    }
    page = officer.get("/villages/register").get_data(as_text=True)
    assert 'name="perangkat_total"' in page and "Hanya untuk desa" in page
    response = officer.post("/villages/register", {**form, "region_code": KRESEK})
    assert response.status_code == 302
    village = db.session.get(Village, KRESEK)
    assert (village.perangkat_total, village.bpd_total, village.rtrw_total) == (
        12,
        9,
        30,
    )
    response = officer.post("/villages/register", {**form, "region_code": BALARAJA})
    assert response.status_code == 400
    assert "Kelurahan tidak memiliki aparatur desa" in response.get_data(as_text=True)
    assert db.session.get(Village, BALARAJA) is None
