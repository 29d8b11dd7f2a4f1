"""Files that jobs make (certificates, a long report history): offered on the job's
page, downloaded only by the one who asked, only while the regions they hold are
still in that person's scope, and only for a day."""

import csv
import io
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.helpers.jobs import followed, job_file, job_token
from tests.helpers.pdf import pdf_pages
from tests.helpers.review import KRESEK, text
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.jobs import files
from villagetracker.models import Job, Role, User
from villagetracker.spreadsheets.formats import XLSX_TYPE


def ask_for_batch(session):
    """Today's certificates as one PDF, as the batch page's button asks."""
    day = local_today().isoformat()
    return session.post("/review/certificates.pdf", {"start": day, "end": day})


def test_a_batch_is_drawn_with_its_progress_and_offered_on_the_jobs_page(
    reviewer, designated
):
    asked = ask_for_batch(reviewer)
    page = text(followed(reviewer, asked))
    assert "Menyiapkan PDF piagam untuk upacara" in page
    assert "Unduh piagam-" in page and "Disimpan untuk Anda sampai" in page
    job = db.session.scalar(select(Job).where(Job.token == job_token(asked)))
    assert (job.state, job.done, job.total) == ("done", 1, 1)
    response = job_file(reviewer, asked)
    assert response.mimetype == "application/pdf"
    assert "Desa Kresek" in pdf_pages(response.data)[0]
    name = response.headers["Content-Disposition"]
    assert "piagam-" in name and ".pdf" in name
    # Only the job's file is in the folder: nothing half written is left.
    assert [p.name for p in Path(files.folder()).iterdir()] == [f"{job.token}.pdf"]


def test_only_the_one_who_asked_downloads_and_only_while_in_scope(
    reviewer, login, designated
):
    asked = ask_for_batch(reviewer)
    token = job_token(asked)
    colleague, _ = login(Role.REVIEWER, region="36.03")
    assert colleague.get(f"/jobs/{token}/file").status_code == 404
    assert job_file(reviewer, asked).status_code == 200
    # Moved to another regency's office: Tangerang's certificates are not theirs.
    user = db.session.get(User, reviewer.user.id)
    user.region_code = "36.04"
    db.session.commit()
    assert reviewer.get(f"/jobs/{token}/file").status_code == 404


def test_a_file_is_kept_for_a_day_and_then_deleted(reviewer, designated):
    asked = ask_for_batch(reviewer)
    job = db.session.scalar(select(Job).where(Job.token == job_token(asked)))
    path = files.folder() / f"{job.token}.pdf"
    job.finished_at -= timedelta(days=1, minutes=1)
    db.session.commit()
    response = reviewer.get(f"/jobs/{job.token}/file")
    assert response.status_code == 410
    assert "Berkas disimpan selama sehari" in text(response)
    page = text(reviewer.get(f"/jobs/{job.token}"))
    assert "tidak disimpan lagi" in page and "Jalankan lagi" in page
    # The schedule's sweep deletes what is older than a day, and only that.
    newer = files.folder() / "other.pdf"
    newer.write_bytes(b"%PDF")
    day_old = time.time() - 24 * 3600 - 60
    os.utime(path, (day_old, day_old))
    assert files.tidy() == 1
    assert not path.exists() and newer.exists()


def test_a_batch_that_cannot_be_drawn_leaves_no_file_and_no_print_record(
    reviewer, designated, monkeypatch
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    asked = ask_for_batch(reviewer)
    page = text(followed(reviewer, asked))
    assert "belum dapat membuat PDF" in page and "Jalankan lagi" in page
    assert reviewer.get(f"/jobs/{job_token(asked)}/file").status_code == 404
    assert not files.folder().exists() or not list(files.folder().iterdir())


def test_a_long_report_history_is_written_by_a_job_in_the_area_asked(
    officer, qualifying, log, app, monkeypatch
):
    kresek = qualifying()
    log(kresek, 4300, as_of=date(2019, 10, 1))
    qualifying("36.03.07.2001")
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 1)
    response = officer.get("/villages/reports.csv?area=36.03.06")
    page = text(response)
    assert response.status_code == 200 and "memiliki 3 laporan" not in page
    assert "memiliki 2 laporan" in page and "Siapkan berkas CSV" in page
    # A GET changed nothing: the file is made only by the page's button.
    assert db.session.scalar(select(Job)) is None
    asked = officer.post("/villages/reports.csv", {"area": "36.03.06"})
    job = db.session.scalar(select(Job).where(Job.token == job_token(asked)))
    assert (job.kind, job.done, job.total) == ("reports.export", 2, 2)
    assert job.outcome["file"]["roots"] == ["36.03.06"]
    download = job_file(officer, asked)
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True)), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [KRESEK, KRESEK]
    assert "laporan-36-03-06-" in download.headers["Content-Disposition"]


def test_a_short_report_history_is_still_sent_at_once(officer, qualifying):
    qualifying()
    response = officer.get("/villages/reports.xlsx")
    assert response.mimetype == XLSX_TYPE
    assert db.session.scalar(select(Job)) is None


def test_an_export_of_a_wider_area_holds_and_needs_only_the_users_scope(
    login, qualifying, app, monkeypatch
):
    qualifying()
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 0)
    session, user = login(Role.OFFICER, region="36.03")
    asked = session.post("/villages/reports.xlsx", {"area": "36"})
    job = db.session.scalar(select(Job).where(Job.token == job_token(asked)))
    assert job.outcome["file"]["roots"] == ["36.03"]
    assert job_file(session, asked).status_code == 200


def test_a_history_asked_as_a_spreadsheet_it_cannot_fit_is_refused_by_its_job(
    officer, qualifying, app, monkeypatch
):
    qualifying()
    monkeypatch.setattr("villagetracker.spreadsheets.formats.XLSX_MAX_ROWS", 1)
    asked = officer.post("/villages/reports.xlsx", {})  # not the GET page's way
    page = text(followed(officer, asked))
    assert "1 laporan melebihi kapasitas lembar kerja" in page
    job = db.session.scalar(select(Job).where(Job.token == job_token(asked)))
    assert job.state == "failed"
    assert officer.get(f"/jobs/{job.token}/file").status_code == 404
