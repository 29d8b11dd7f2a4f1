"""An import confirmed while officers and reviewers work: refused only when a row it
writes really changed since the preview (a report for the same village and date, or
the village's designation), and then the message names those rows."""

import csv
import io
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers import CSRF_FIELD
from tests.helpers.jobs import kept_and_checked
from tests.helpers.review import approve
from tests.helpers.servers import http_session
from tests.helpers.villages import report_form, report_values
from villagetracker.extensions import db
from villagetracker.models import PendingImport, Report, Role
from villagetracker.spreadsheets import confirmation
from villagetracker.villages import service as village_service

CISOKA, KRESEK = "36.03.06.2003", "36.03.06.2018"
HEADER = [
    "Village code",
    "As of",
    "Active participants",
    "BPU (informal workers)",
    "PU (wage earners)",
    "Jakon (construction)",
    "Self-paid (mandiri)",
    "APBD (regency budget)",
    "APBDes (village budget)",
    "CSR or other",
]


def line(code, as_of, active) -> list:
    return [code, as_of, active, active, 0, 0, active, 0, 0, 0]


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode()


@pytest.fixture
def officer(login, register):
    for code in (CISOKA, KRESEK):
        register(code, potential=1000)
    session, user = login(Role.OFFICER, region="36.03")
    session.post("/language", {"lang": "en"})
    session.user = user
    return session


def previewed(session, rows) -> str:
    response = session.post(
        "/imports/",
        {"spreadsheet": (io.BytesIO(to_csv(rows)), "laporan.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert session.get(f"/imports/{token}").status_code == 200
    return token


def confirm(session, token: str):
    """(where the confirmation's job leads, the job's page: what it says)."""
    response = session.post(f"/imports/{token}/commit")
    location = response.headers.get("Location", "")
    if not location:
        return "", ""
    page = session.get(location).get_data(as_text=True)
    state = session.get(location + ".json").get_json()
    return state["next"] or "", page


def active_on(code: str, day: date) -> int | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Report.active_participants).where(
            Report.village_code == code, Report.as_of == day
        )
    )


def someone_logs(code: str, active: int, day: date) -> Report:
    """Another officer logs a report through the services, as the form does."""
    from villagetracker.models import Village

    village = db.session.get(Village, code)
    values = report_values(active, day)
    written = village_service.log_report(village.registered_by, village, values, None)
    db.session.commit()
    return written


def test_reports_for_other_dates_of_the_files_villages_do_not_stop_an_import(
    officer,
):
    token = previewed(
        officer,
        [line(CISOKA, "2025-09-30", 900), line(KRESEK, "2025-09-30", 800)],
    )
    someone_logs(CISOKA, 500, date(2025, 8, 31))
    someone_logs(KRESEK, 600, date(2025, 10, 31))
    location, _ = confirm(officer, token)
    assert location.startswith("/villages/")
    assert active_on(CISOKA, date(2025, 9, 30)) == 900
    assert active_on(KRESEK, date(2025, 9, 30)) == 800
    assert active_on(KRESEK, date(2025, 10, 31)) == 600


def test_a_report_for_the_same_village_and_date_since_the_preview_refuses_it(
    officer,
):
    token = previewed(
        officer,
        [line(CISOKA, "2025-09-30", 900), line(KRESEK, "2025-09-30", 800)],
    )
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(700, as_of="2025-09-30")
    )
    location, page = confirm(officer, token)
    assert location.endswith(f"/imports/{token}")
    assert f"row 3 ({KRESEK}" in page and "row 2" not in page
    assert active_on(KRESEK, date(2025, 9, 30)) == 700  # theirs, not overwritten
    assert active_on(CISOKA, date(2025, 9, 30)) is None  # nothing partial

    # Shown the preview again (now a correction), the uploader confirms it.
    location, _ = confirm(officer, token)
    assert location.startswith("/villages/")
    assert active_on(KRESEK, date(2025, 9, 30)) == 800


def test_a_correction_since_the_preview_refuses_the_rows_that_would_undo_it(officer):
    day = date(2025, 9, 30)
    reports = {code: someone_logs(code, 500, day) for code in (CISOKA, KRESEK)}
    token = previewed(officer, [line(CISOKA, "2025-09-30", 900)])
    report = db.session.get(Report, reports[CISOKA].id)
    village_service.correct_report(
        report.created_by,
        report,
        report_values(550, as_of=day, notes="dikoreksi"),
        None,
    )
    db.session.commit()
    location, page = confirm(officer, token)
    assert location.endswith(f"/imports/{token}")
    assert f"row 2 ({CISOKA}" in page
    assert active_on(CISOKA, day) == 550


def test_a_message_names_a_few_changed_rows_and_how_many_more(officer):
    days = [date(2025, month, 28) for month in range(1, 9)]
    token = previewed(officer, [line(CISOKA, str(day), 100) for day in days])
    for day in days:
        someone_logs(CISOKA, 50, day)
    _, page = confirm(officer, token)
    assert "row 6 (" in page and "row 7 (" not in page
    assert "and 3 more" in page


def test_a_village_designated_since_the_preview_refuses_the_import(officer, login, log):
    from villagetracker.models import Village

    kresek = db.session.get(Village, KRESEK)
    log(kresek, 950, as_of=date(2025, 6, 30))  # qualifying
    token = previewed(officer, [line(KRESEK, "2025-09-30", 960)])
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    assert approve(reviewer, KRESEK).status_code == 302
    location, page = confirm(officer, token)
    assert location.endswith(f"/imports/{token}")
    assert f"row 2 ({KRESEK}): the village was designated" in page
    assert active_on(KRESEK, date(2025, 9, 30)) is None


# --- Real concurrency: an import and officers at the same moment, over HTTP ---

VILLAGES = ["36.03.06.2001", "36.03.06.2007", "36.03.06.2009", "36.03.06.2011"]
VILLAGES += ["36.03.06.2013", "36.03.06.2014", "36.03.06.2015"]
IMPORT_DAYS = [date(year, month, 28) for year in (2024, 2025) for month in range(1, 13)]
OFFICER_DAYS = [date(2023, month, 28) for month in range(1, 4)]


def test_an_import_commits_while_officers_log_other_dates_of_its_villages(
    live_server, register, make_user
):
    """Officers log reports for other dates of the file's villages while the import
    is confirmed: the import commits whole, and every officer's report is saved."""
    for code in VILLAGES:
        register(code, potential=1000)
    uploader = make_user(Role.OFFICER, region="36.03")
    rows = [line(code, str(day), 500) for code in VILLAGES for day in IMPORT_DAYS]
    pending = kept_and_checked(uploader, "laporan.csv", to_csv(rows))
    db.session.commit()
    token = pending.token
    importer = http_session(live_server, uploader.username)
    others = [
        http_session(live_server, make_user(Role.OFFICER, region="36.03").username)
        for _ in range(2)
    ]
    results: dict[str, list] = {"import": [], "officers": []}
    barrier = threading.Barrier(1 + len(others))

    def run_import():
        barrier.wait()
        results["import"].append(importer(f"/imports/{token}/commit", csrf(importer)))

    def run_officer(index: int, send):
        barrier.wait()
        time.sleep(0.05 * index)
        for n, code in enumerate(VILLAGES[index::2]):
            day = OFFICER_DAYS[n % len(OFFICER_DAYS)]
            form = {**report_form(300 + n, as_of=str(day)), **csrf(send)}
            results["officers"].append(send(f"/villages/{code}/reports/new", form)[0])

    threads = [threading.Thread(target=run_import)] + [
        threading.Thread(target=run_officer, args=(index, send))
        for index, send in enumerate(others)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    db.session.expire_all()
    assert results["import"][0][0] == 302
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0
    imported = db.session.scalar(
        select(func.count())
        .select_from(Report)
        .where(Report.as_of.in_(IMPORT_DAYS), Report.village_code.in_(VILLAGES))
    )
    assert imported == len(rows)
    assert results["officers"] == [302] * len(VILLAGES)  # every report saved too
    logged = db.session.scalar(
        select(func.count()).select_from(Report).where(Report.as_of.in_(OFFICER_DAYS))
    )
    assert logged == len(VILLAGES)


def csrf(send) -> dict:
    return {"csrf_token": CSRF_FIELD.search(send("/imports/")[1]).group(1)}


def test_a_correction_the_confirming_session_read_before_is_seen_afresh(officer):
    """The confirmation checks the file, then locks and checks again: a correction
    made between the two must be seen with its new time, not the copy the session
    read first (which would let the import undo it without a word)."""
    day = date(2025, 9, 30)
    logged = someone_logs(CISOKA, 500, day)
    token = previewed(officer, [line(CISOKA, "2025-09-30", 900)])
    pending = db.session.scalar(
        select(PendingImport).where(PendingImport.token == token)
    )
    stale = db.session.get(Report, logged.id)  # as the first, unlocked check read it
    assert stale.active_participants == 500
    form = report_form(550, as_of="2025-09-30", notes="dikoreksi")
    edit = f"/villages/{CISOKA}/reports/{logged.id}/edit"
    assert officer.post(edit, form).status_code == 302  # another session, committed

    result = confirmation.commit(officer.user, pending)
    db.session.commit()

    assert not result.can_commit
    db.session.rollback()
    assert active_on(CISOKA, day) == 550
