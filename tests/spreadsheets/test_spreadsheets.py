"""Exports of the villages list and the report history (CSV and XLSX), and the import
of reports from a spreadsheet: preview, all-or-nothing commit, round trip."""

import csv
import io
from datetime import date
from decimal import Decimal

import lxml.html
import openpyxl
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.helpers import PASSWORD, Browser, app_config
from tests.helpers.jobs import followed
from tests.helpers.review import approve
from tests.helpers.villages import registration, report_form
from villagetracker import create_app, rules
from villagetracker.accounts import service as account_service
from villagetracker.dashboards import queries as dashboards
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, PendingImport, Report, Role, Village
from villagetracker.spreadsheets import formats, imports, tasks
from villagetracker.spreadsheets.template import TEMPLATE_COLUMNS
from villagetracker.villages import service as village_service
from villagetracker.villages import validation

KRESEK = "36.03.06.2018"
TANGERANG = {
    # code: (worker potential, [(as of, active participants), ...])
    "36.03.06.2001": (1000, [(date(2025, 1, 31), 700), (date(2025, 6, 30), 950)]),
    "36.03.06.2003": (1000, [(date(2025, 6, 30), 800)]),
    "36.03.06.2009": (1000, [(date(2025, 1, 31), 400), (date(2025, 6, 30), 600)]),
    "36.03.07.2001": (2000, []),
    "36.03.07.2002": (3000, [(date(2025, 6, 30), 2790)]),
}
CIKANDE = "36.04.15.2001"  # Kabupaten Serang: outside a Tangerang officer's area


@pytest.fixture
def tangerang(register, log):
    villages = {}
    for code, (potential, reports) in TANGERANG.items():
        villages[code] = register(code, potential=potential)
        for as_of, active in reports:
            log(villages[code], active, as_of=as_of, bpu=active - 10, pu=10)
    register(CIKANDE, potential=1500)
    return villages


@pytest.fixture
def officer(login):
    session, user = login(Role.OFFICER, region="36.03")
    session.user = user
    return session


def csv_rows(response) -> list[list[str]]:
    """A CSV download's rows: `;` separated in Indonesian, `,` in English."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data().decode("utf-8-sig")
    first = text.split("\r\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Report)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def upload(session, content: bytes, name="laporan.csv"):
    return session.post(
        "/imports/",
        {"spreadsheet": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


# --- Exports ---


def test_the_villages_export_has_exactly_the_filtered_list_in_the_users_language(
    tangerang, officer
):
    rows = csv_rows(officer.get("/villages/export.csv?area=36.03.06&sort=coverage"))
    assert rows[0][:3] == ["Kode desa", "Desa", "Kecamatan"]
    assert [row[0] for row in rows[1:]] == [
        "36.03.06.2001",
        "36.03.06.2003",
        "36.03.06.2009",
    ]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Kode desa"] == "36.03.06.2001"
    assert first["Kabupaten/kota"] == "Kabupaten Tangerang"
    assert first["Provinsi"] == "Banten"
    assert (first["Peserta aktif"], first["Potensi tenaga kerja"]) == ("950", "1000")
    assert first["Cakupan (%)"] == "95,0"  # as Excel set to Indonesian reads it
    assert first["Status"] == "Memenuhi syarat"

    officer.post("/language", {"lang": "en"})
    text = officer.get("/villages/export.csv?area=36.03.06&sort=coverage").get_data()
    assert text.decode("utf-8-sig").startswith("Village code,Village,District,")
    assert ",95.0," in text.decode()
    rows = xlsx_rows(officer.get("/villages/export.xlsx?area=36.03.06&sort=coverage"))
    assert rows[0][:3] == ["Village code", "Village", "District"]
    assert [row[0] for row in rows[1:]] == [
        "36.03.06.2001",
        "36.03.06.2003",
        "36.03.06.2009",
    ]
    assert rows[1][7] == 95 and rows[1][8] == "Qualifying"
    assert rows[1][9].date() == date(2025, 6, 30)


def test_an_export_never_holds_villages_outside_the_users_area(tangerang, officer):
    rows = csv_rows(officer.get("/villages/export.csv"))
    assert len(rows) == 1 + len(TANGERANG)
    assert CIKANDE not in {row[0] for row in rows}
    assert csv_rows(officer.get("/villages/export.csv?area=36.04")) == rows[:1]
    assert csv_rows(officer.get("/villages/reports.csv?area=36.04")) == [
        csv_rows(officer.get("/villages/reports.csv"))[0]
    ]


def test_a_large_export_is_streamed(tangerang, officer):
    response = officer.get("/villages/export.csv")
    assert response.was_streamed
    assert response.headers["Content-Disposition"].startswith("attachment;")
    response = officer.get("/villages/reports.xlsx")
    assert response.headers["Content-Length"] == str(len(response.get_data()))


def test_the_report_history_export_lists_every_report_of_the_filtered_villages(
    tangerang, officer
):
    rows = csv_rows(officer.get("/villages/reports.csv?area=36.03.06"))
    want = [
        (code, as_of.isoformat(), str(active))
        for code, (_, reports) in sorted(TANGERANG.items())
        if code.startswith("36.03.06.")
        for as_of, active in reports
    ]
    assert [(row[0], row[2], row[3]) for row in rows[1:]] == want
    xlsx = xlsx_rows(officer.get("/villages/reports.xlsx?area=36.03.06"))
    # Numbers as numbers: rust_xlsxwriter writes 700 as <v>700.0</v>, which Excel
    # shows as 700 and openpyxl reads as a float.
    assert [(r[0], r[2].date().isoformat(), f"{r[3]:g}") for r in xlsx[1:]] == want


def test_an_xlsx_is_written_to_any_file_as_a_job_would_write_it(app, tmp_path):
    """``write_xlsx`` writes to a path or an open binary file: the header in bold,
    numbers and dates as such, text a spreadsheet would run kept as text, an empty
    cell empty, and notes on a second sheet, a line each."""
    header = ["Kode desa", "Peserta aktif", "Cakupan (%)", "Per tanggal", "Catatan"]
    rows = [
        ("36.03.06.2001", 950, Decimal("95.5"), date(2025, 6, 30), '=HYPERLINK("x")'),
        ("36.03.06.2003", 0, None, None, "-"),
    ]
    with app.test_request_context():
        formats.write_xlsx(tmp_path / "desa.xlsx", "Desa", header, iter(rows))
        buffer = io.BytesIO()
        formats.write_xlsx(buffer, "Templat", header, iter([]), notes=["Satu", "=dua"])

    workbook = openpyxl.load_workbook(tmp_path / "desa.xlsx")
    [sheet] = workbook.worksheets
    assert sheet.title == "Desa"
    assert [cell.value for cell in sheet[1]] == header
    assert all(cell.font.b for cell in sheet[1])
    code, active, coverage, as_of, notes = sheet[2]
    assert (code.value, active.value, coverage.value) == ("36.03.06.2001", 950, 95.5)
    assert as_of.is_date and as_of.value.date() == date(2025, 6, 30)
    assert as_of.number_format == "yyyy-mm-dd"
    assert notes.value == '\'=HYPERLINK("x")' and notes.data_type == "s"
    assert [cell.value for cell in sheet[3]] == ["36.03.06.2003", 0, None, None, "'-"]
    assert not any(cell.font.b for cell in sheet[2])

    template = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet, instructions = template.worksheets
    assert [row for row in sheet.iter_rows(values_only=True)][0] == tuple(header)
    assert instructions.title == "Petunjuk"
    lines = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert lines == ["Satu", "'=dua"]
    assert not instructions["A1"].font.b


def test_a_history_too_long_for_a_spreadsheet_asks_for_a_narrower_filter(
    tangerang, officer, monkeypatch
):
    monkeypatch.setattr("villagetracker.spreadsheets.formats.XLSX_MAX_ROWS", 5)
    response = officer.get("/villages/reports.xlsx")
    assert response.status_code == 400
    assert "CSV" in response.get_data(as_text=True)
    assert csv_rows(officer.get("/villages/reports.csv"))  # CSV has no such limit


def test_text_that_a_spreadsheet_would_run_is_kept_as_text(register, log, officer):
    village = register(KRESEK)
    log(village, 4200, as_of=date(2025, 6, 30))
    report = db.session.scalar(select(Report))
    report.notes = '=HYPERLINK("http://example.com")'
    db.session.commit()
    rows = csv_rows(officer.get("/villages/reports.csv"))
    assert rows[1][-1] == '\'=HYPERLINK("http://example.com")'
    # Read back, the apostrophe goes: the note round-trips unchanged.
    from villagetracker.spreadsheets.limits import ReadingLimits
    from villagetracker.spreadsheets.reading import read_rows

    read = list(read_rows("x.csv", to_csv(rows), ReadingLimits(rows=10)))
    assert read[1][1][-1] == report.notes


# --- The template ---


@pytest.mark.parametrize(
    ("lang", "first", "note"),
    [
        ("id", "Kode desa", "CONTOH: hapus baris ini sebelum mengunggah"),
        ("en", "Village code", "EXAMPLE: delete this row before uploading"),
    ],
)
def test_the_template_has_the_columns_and_an_example_row_in_both_languages(
    officer, lang, first, note
):
    rows = csv_rows(officer.get(f"/imports/template.csv?lang={lang}"))
    assert rows[0][0] == first and len(rows[0]) == len(TEMPLATE_COLUMNS) == 21
    assert rows[1][0] == KRESEK and rows[1][-1] == note
    workbook = openpyxl.load_workbook(
        io.BytesIO(officer.get(f"/imports/template.xlsx?lang={lang}").get_data())
    )
    sheet = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    assert sheet[0] == rows[0]
    assert sheet[1][0] == KRESEK and sheet[1][3] == 4200
    assert len(workbook.worksheets) == 2  # and a sheet of instructions


def test_the_template_uploaded_as_it_is_asks_to_delete_the_example(register, officer):
    register(KRESEK)
    template = officer.get("/imports/template.xlsx").get_data()
    response = upload(officer, template, "templat.xlsx")
    preview = officer.get(response.headers["Location"])
    text = preview.get_data(as_text=True)
    assert "Hapus baris contoh." in text
    assert "Impor 1 laporan" not in text


# --- Import: preview, then all or nothing ---


def template_header(session) -> list[str]:
    return csv_rows(session.get("/imports/template.csv"))[0]


def row(code, as_of, active, notes="", **parts) -> list:
    """A row under the template's columns (TEMPLATE_COLUMNS, in their order)."""
    values = {"code": code, "village": "", "as_of": as_of, "notes": notes}
    values.update(active_participants=active, bpu=active, self_paid=active)
    values.update(parts)
    blank = {key: "" for key in validation.OFFICIAL_FIELDS}  # not recorded
    values = {**blank, **values}
    return [values.get(column.key, 0) for column in TEMPLATE_COLUMNS]


def preview_of(session, content: bytes, name="laporan.csv"):
    response = upload(session, content, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    token = response.headers["Location"].rsplit("/", 1)[1]
    return token, session.get(response.headers["Location"])


def test_an_import_shows_what_it_would_do_then_writes_it_all(tangerang, officer):
    header = template_header(officer)
    content = to_csv(
        [
            header,
            row("36.03.06.2003", "2025-09-30", 920),  # a new report: now 92.0%
            row("36.03.06.2009", "2025-06-30", 650, notes="dikoreksi"),  # corrects
            row("36.03.06.2001", "2025-06-30", 950, bpu=940, pu=10),  # unchanged
            row("36.03.07.2001", "31/08/2025", 1000),  # a first report
        ]
    )
    before = counts()
    token, preview = preview_of(officer, content)
    text = preview.get_data(as_text=True)
    assert counts() == before  # a preview writes nothing
    assert "Impor 3 laporan" in text
    tree = preview_tiles(text)
    assert tree == [2, 1, 1, 0]  # add, correct, unchanged, problems

    response = officer.post(f"/imports/{token}/commit")
    assert response.status_code == 302
    db.session.expire_all()
    reports, events = counts()
    assert reports == before[0] + 2
    village = db.session.get(Village, "36.03.06.2003")
    assert (village.status, village.coverage_tenths) == (rules.Status.QUALIFYING, 920)
    corrected = db.session.scalar(
        select(Report).where(
            Report.village_code == "36.03.06.2009", Report.as_of == date(2025, 6, 30)
        )
    )
    assert (corrected.active_participants, corrected.notes) == (650, "dikoreksi")
    kronjo = db.session.get(Village, "36.03.07.2001")
    assert (kronjo.latest_report_date, kronjo.coverage_tenths) == (
        date(2025, 8, 31),
        500,
    )
    actions = [
        e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ][-(events - before[1]) :]
    assert sorted(actions) == sorted(
        ["report.create", "report.create", "report.correct", "village.status"]
        + ["reports.import"]
    )
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0
    outcome = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 desa kini memenuhi syarat." in outcome


def preview_tiles(text: str) -> list[int]:
    tree = lxml.html.fromstring(text)
    return [int(t.text.replace(".", "")) for t in tree.cssselect(".tile-number")]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("id", "Diimpor: 10.000 laporan ditambahkan, 1.200 dikoreksi. 2.500 desa"),
        ("en", "Imported: 10,000 reports added, 1,200 corrected. 2,500 villages"),
    ],
)
def test_an_imports_outcome_writes_its_numbers_as_the_pages_do(app, lang, said):
    """The job's page says "10.000 laporan" beside a preview that said 10.000."""
    check = imports.Check(added=10_000, corrected=1200, now_qualifying=2500)
    with app.test_request_context(), force_locale(lang):
        assert tasks.imported_message(check).startswith(said)


def test_a_report_crossing_the_threshold_flags_the_village_as_the_form_would(
    tangerang, officer
):
    """The same report, once through the form and once through an import, on two
    villages alike: the same status, coverage and audit events."""
    officer.post(
        "/villages/36.03.06.2003/reports/new", report_form(905, as_of="2025-09-30")
    )
    token, _ = preview_of(
        officer,
        to_csv([template_header(officer), row("36.03.06.2009", "2025-09-30", 905)]),
    )
    officer.post(f"/imports/{token}/commit")
    db.session.expire_all()
    by_form = db.session.get(Village, "36.03.06.2003")
    by_import = db.session.get(Village, "36.03.06.2009")
    for attribute in ("status", "coverage_tenths", "active_participants"):
        assert getattr(by_form, attribute) == getattr(by_import, attribute)
    assert by_import.status == rules.Status.QUALIFYING

    def trail(code):
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.region_code == code, AuditEvent.id > 0)
            .order_by(AuditEvent.id)
        ).all()
        return [(e.action, e.after) for e in events if e.action != "village.register"]

    form_trail, import_trail = trail("36.03.06.2003"), trail("36.03.06.2009")
    assert form_trail[-2:][0][0] == import_trail[-2:][0][0] == "report.create"
    assert form_trail[-1] == import_trail[-1]  # village.status, same values
    assert form_trail[-1][0] == "village.status"


@pytest.mark.parametrize(
    ("content", "name", "why"),
    [
        (b"%PDF-1.7\n\x00\x01binary", "laporan.csv", "bukan lembar kerja"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "foto.png", "bukan lembar kerja"),
        (b"PK\x03\x04broken zip", "laporan.xlsx", "bukan lembar kerja"),
        (b"", "kosong.csv", "Berkasnya kosong"),
        (b"desa,tanggal,jumlah\n36.03.06.2003,2025-09-30,900\n", "x.csv", "kurang"),
        ("\ufeffKode desa\n".encode(), "x.csv", "Kolom yang kurang"),
    ],
)
def test_a_file_that_cannot_be_read_changes_nothing_and_says_why(
    tangerang, officer, content, name, why
):
    before = counts()
    response = followed(officer, upload(officer, content, name))
    assert response.status_code == 400
    assert why in response.get_data(as_text=True)
    assert counts() == before
    # The upload stays for its page to say why, without the file.
    assert db.session.scalars(select(PendingImport.content)).all() == [b""]


def test_unknown_columns_are_named(tangerang, officer):
    header = template_header(officer) + ["Tanda tangan"]
    response = upload(officer, to_csv([header, row(KRESEK, "2025-09-30", 1)]))
    response = followed(officer, response)
    assert response.status_code == 400
    assert "Kolom yang tidak dikenal: Tanda tangan." in response.get_data(as_text=True)


def test_one_bad_row_among_good_ones_stops_the_whole_file(tangerang, officer):
    header = template_header(officer)
    rows = [header] + [
        row("36.03.06.2003", f"2025-{month:02d}-28", 800 + month)
        for month in range(7, 12)
    ]
    rows.insert(3, row("36.03.06.2009", "2025-09-30", 700, bpu=600))  # 600 != 700
    rows.append(row(CIKANDE, "2025-09-30", 100))  # outside the officer's area
    rows.append(row("36.03.06.2001", "2099-01-01", 100))  # in the future
    rows.append(row("36.03.06.2001", "2025-09-30", 1001))  # above the potential
    rows.append(row("36.03.06.2001", "2025-09-30", "banyak"))  # same date, not a number
    before = counts()
    token, preview = preview_of(officer, to_csv(rows))
    tree = lxml.html.fromstring(preview.get_data(as_text=True))
    problems = [
        [cell.text_content().strip() for cell in tr]
        for tr in tree.cssselect("table tbody tr")
    ]
    assert [p[:2] for p in problems] == [
        ["4", "BPU (bukan penerima upah)"],
        ["8", "Kode desa"],
        ["9", "Per tanggal"],
        ["10", "Peserta aktif"],
        ["11", "Per tanggal"],
    ]
    assert "BPU + PU + Jakon + PMI berjumlah 600, bukan 700." in problems[0][3]
    assert "wilayah Anda" in problems[1][3]
    assert "Baris 10" in problems[4][3]
    assert not tree.cssselect("form[action$='/commit']")  # nothing to confirm
    response = officer.post(f"/imports/{token}/commit")
    assert response.status_code == 409
    assert counts() == before


def test_a_report_locked_by_a_designation_cannot_be_corrected_by_import(
    register, log, officer, login
):
    village = register(KRESEK)
    log(village, 4200, as_of=date(2025, 6, 30))
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    assert approve(reviewer, KRESEK).status_code == 302
    header = template_header(officer)
    _, preview = preview_of(officer, to_csv([header, row(KRESEK, "2025-06-30", 4000)]))
    assert "terkunci" in preview.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_exported_history_with_designated_villages_imports_back_unchanged(
    tangerang, officer, login, kind
):
    """A locked report that the file leaves as it is, is unchanged, not an error; a
    locked report the file changes is still refused with the lock's reason."""
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    assert approve(reviewer, "36.03.06.2001").status_code == 302
    exported = officer.get(f"/villages/reports.{kind}").get_data()
    check = imports.check(officer.user, f"riwayat.{kind}", exported)
    assert (check.problems, check.changes, check.unchanged) == ([], 0, 6)

    header = template_header(officer)
    changed = row("36.03.06.2001", "2025-06-30", 940, bpu=930, pu=10)
    check = imports.check(officer.user, "l.csv", to_csv([header, changed]))
    assert [problem.column for problem in check.problems] == ["Per tanggal"]
    assert "terkunci" in check.problems[0].message


def test_the_data_is_checked_again_when_the_import_is_confirmed(tangerang, officer):
    """Between preview and confirmation, the form logged a report for the same
    village and date: the import is refused, naming the row (the preview showed an
    addition); confirmed again from the fresh preview, it corrects that report."""
    header = template_header(officer)
    token, _ = preview_of(officer, to_csv([header, row(KRESEK, "2025-09-30", 1)]))
    # (Kresek is not registered in this scope: the row is a problem at once.)
    token, preview = preview_of(
        officer, to_csv([header, row("36.03.06.2003", "2025-09-30", 900)])
    )
    officer.post(
        "/villages/36.03.06.2003/reports/new", report_form(800, as_of="2025-09-30")
    )
    refused = officer.post(f"/imports/{token}/commit")
    outcome = officer.get(refused.headers["Location"]).get_data(as_text=True)
    assert "36.03.06.2003" in outcome
    assert f"/imports/{token}" in outcome  # back to the preview, checked again
    officer.post(f"/imports/{token}/commit")
    db.session.expire_all()
    report = db.session.scalar(
        select(Report).where(
            Report.village_code == "36.03.06.2003", Report.as_of == date(2025, 9, 30)
        )
    )
    assert report.active_participants == 900 and report.updated_by_id is not None


def test_an_upload_is_seen_only_by_the_one_who_made_it(tangerang, officer, login):
    header = template_header(officer)
    token, _ = preview_of(
        officer, to_csv([header, row("36.03.06.2003", "2025-09-30", 900)])
    )
    other, _ = login(Role.OFFICER, region="36.03")
    assert other.get(f"/imports/{token}").status_code == 404
    assert other.post(f"/imports/{token}/commit").status_code == 404
    assert officer.post(f"/imports/{token}/cancel").status_code == 302
    assert officer.get(f"/imports/{token}").status_code == 404


# --- Round trip: export, import into an empty scope, same figures ---


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_exported_history_imported_into_an_empty_scope_gives_the_same_figures(
    tangerang, officer, login, new_database, tmp_path, kind
):
    admin, user = login(Role.ADMIN)
    exported = officer.get(f"/villages/reports.{kind}").get_data()
    figures = dashboards.figures(user, "36.03")
    history = report_history()

    # Another database: the same villages registered, with no report yet.
    other = create_app(app_config(new_database(), tmp_path / "other"))
    other.test_client_class = type(officer.client)
    with other.app_context():
        officer_there = account_service.create_account(
            username="petugas",
            full_name="Petugas",
            password=PASSWORD,
            scope=account_service.AccountScope(Role.OFFICER, "36.03", []),
        )
        db.session.commit()
        for code, (potential, _) in TANGERANG.items():
            village_service.register_village(
                officer_there, registration(code, potential)
            )
            db.session.commit()
        assert dashboards.figures(officer_there, "36.03").active_participants == 0
        client = other.test_client()
        session = Browser(client)
        session.login("petugas")
        token, preview = preview_of(session, exported, f"riwayat.{kind}")
        assert "Impor 6 laporan" in preview.get_data(as_text=True)
        assert session.post(f"/imports/{token}/commit").status_code == 302
        db.session.expire_all()
        assert dashboards.figures(officer_there, "36.03") == figures
        assert report_history() == history
        db.session.remove()
        db.engine.dispose()


def report_history() -> list[tuple]:
    return [
        (r.village_code, r.as_of, r.active_participants, r.bpu, r.pu, r.coverage_tenths)
        for r in db.session.scalars(
            select(Report).order_by(Report.village_code, Report.as_of)
        )
    ]


def test_a_villages_page_offers_its_own_report_history(tangerang, officer):
    page = officer.get("/villages/36.03.06.2001").get_data(as_text=True)
    link = "/villages/reports.csv?area=36.03.06.2001"
    assert link in page
    rows = csv_rows(officer.get(link))
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("36.03.06.2001", "2025-01-31"),
        ("36.03.06.2001", "2025-06-30"),
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_problem_names_the_row_the_spreadsheet_shows_blank_rows_included(
    tangerang, officer, kind
):
    header = template_header(officer)
    rows = [
        header,
        row("36.03.06.2003", "2025-09-30", 900),
        [""] * len(header),  # a blank row left in the middle of the sheet
        row("36.03.06.2009", "2025-09-30", 700, bpu=600),
    ]
    if kind == "csv":
        content = to_csv(rows)
    else:
        workbook = openpyxl.Workbook()
        for values in rows:
            workbook.active.append([value if value != "" else None for value in values])
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    _, preview = preview_of(officer, content, f"laporan.{kind}")
    tree = lxml.html.fromstring(preview.get_data(as_text=True))
    first = tree.cssselect("table tbody tr")[0]
    assert first[0].text_content().strip() == "4"
