"""The real job worker (``flask jobs work``, a separate process) on each storage the
queue has (SQLite in instance/ for ``make run``, Redis in production): an import
checked and confirmed through the pages as a person does it, and a worker killed
with ``kill -9`` in the middle of a confirmation, which leaves nothing partial and
can be run again. Elsewhere the suite runs jobs at once in its own process. (The
``queue_url`` and ``real_queue`` fixtures are in tests/conftest.py.)"""

import io
import os
import signal
import time
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.helpers.jobs import report_file
from tests.helpers.pdf import pdf_qr_codes
from tests.helpers.villages import registered_villages
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import AuditEvent, Job, PendingImport, Report, Role, Village

ACEH_UTARA = "11.08"


def finished(session, location: str, seconds: float = 60) -> dict:
    """Ask the job's page for its state until it ends, as the page's script does."""
    assert "/jobs/" in location, location
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = session.get(location + ".json").get_json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"{location} still {state} after {seconds} s")


def upload(session, content: bytes):
    return session.post(
        "/imports/",
        {"spreadsheet": (io.BytesIO(content), "laporan.csv")},
        content_type="multipart/form-data",
    )


def counts() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Report)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def test_the_worker_checks_and_imports_a_file_through_the_pages(
    real_queue, login, register
):
    register("36.03.06.2003", potential=1000)
    session, _ = login(Role.OFFICER, region="36.03")
    session.post("/language", {"lang": "en"})
    worker = real_queue()
    content = report_file(["36.03.06.2003"], [date(2025, 9, 30), date(2025, 10, 31)])
    response = upload(session, content)
    assert response.status_code == 302
    job_page = response.headers["Location"]
    assert "Waiting for the job worker" in session.get(job_page).get_data(as_text=True)
    state = finished(session, job_page)
    assert state["state"] == "done" and state["follow"]
    assert (state["done"], state["total"]) == (2, 2)
    preview = session.get(state["next"]).get_data(as_text=True)
    assert "Import 2 reports" in preview

    token = state["next"].rsplit("/", 1)[1]
    response = session.post(f"/imports/{token}/commit")
    state = finished(session, response.headers["Location"])
    assert state["state"] == "done"
    page = session.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported: 2 reports added, 0 corrected." in page
    db.session.expire_all()
    village = db.session.get(Village, "36.03.06.2003")
    assert village.latest_report_date == date(2025, 10, 31)
    assert worker.poll() is None  # the worker goes on after its jobs


def test_the_worker_draws_a_batch_of_certificates_whose_qr_codes_lead_back(
    real_queue, reviewer, designated
):
    """The worker has no request: the QR codes still lead to the address the batch
    was asked for from (no public address is set here)."""
    real_queue()
    day = local_today().isoformat()
    response = reviewer.post("/review/certificates.pdf", {"start": day, "end": day})
    job_page = response.headers["Location"]
    state = finished(reviewer, job_page)
    assert (state["state"], state["done"], state["total"]) == ("done", 1, 1)
    assert "Unduh piagam-" in reviewer.get(job_page).get_data(as_text=True)
    pdf = reviewer.get(job_page + "/file")
    assert pdf.mimetype == "application/pdf"
    [url] = pdf_qr_codes(pdf.data)
    assert url == f"http://localhost/verify/{designated.token}"


def test_a_worker_killed_mid_confirmation_leaves_nothing_and_the_job_runs_again(
    real_queue, login, make_user, app
):
    """Half the reports are written when the worker dies: its transaction goes with
    it. A new worker finds the job stalled and fails it; its owner runs it again."""
    officer = make_user(Role.OFFICER, region=ACEH_UTARA)
    codes = registered_villages(officer, ACEH_UTARA, 400)
    session, _ = login(Role.OFFICER, region=ACEH_UTARA)
    worker = real_queue(stalled_after=3)
    days = [date(2024, 1, 28) + timedelta(days=30 * n) for n in range(20)]
    response = upload(session, report_file(codes, days))
    state = finished(session, response.headers["Location"])
    token = state["next"].rsplit("/", 1)[1]
    before = counts()

    response = session.post(f"/imports/{token}/commit")
    job_page = response.headers["Location"]
    deadline = time.monotonic() + 120
    while True:  # until the reports are written and the rest is not
        state = session.get(job_page + ".json").get_json()
        if state["state"] != "queued" and state["done"] * 2 >= (state["total"] or 1):
            break
        assert state["state"] in ("queued", "running") and time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert state["state"] == "running", state
    time.sleep(0.5)  # the job's own process dies with its worker

    assert counts() == before  # nothing partial
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 1
    job = db.session.scalar(select(Job).where(Job.kind == "reports.commit"))
    assert job.state == "running"

    # Silent for longer than the 3 s set above: a new worker fails it as it starts
    # (else its sweep each minute would).
    time.sleep(3.5)
    real_queue(stalled_after=3)
    state = finished(session, job_page, seconds=90)
    assert state["state"] == "failed"
    page = session.get(job_page).get_data(as_text=True)
    assert "Tidak ada yang disimpan: jalankan lagi." in page

    again = session.post(job_page + "/again")
    state = finished(session, again.headers["Location"], seconds=120)
    assert state["state"] == "done", state
    assert counts()[0] == before[0] + len(codes) * len(days)
