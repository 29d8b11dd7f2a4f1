"""A job's pages, with jobs run at once (the real worker: test_worker.py): only the
one who asked sees a job, and a failed one can be run again by them."""

import io

from sqlalchemy import select

from tests.helpers.jobs import job_token
from villagetracker.extensions import db
from villagetracker.models import Job, PendingImport, Role


def upload(session, content: bytes):
    return session.post(
        "/imports/",
        {"spreadsheet": (io.BytesIO(content), "laporan.csv")},
        content_type="multipart/form-data",
    )


def test_a_job_is_seen_only_by_the_one_who_asked_for_it(login):
    owner, _ = login(Role.OFFICER, region="36.03")
    other, _ = login(Role.OFFICER, region="36.03")
    upload(owner, b"Kode desa\n")
    token = db.session.scalar(select(Job.token))
    assert owner.get(f"/jobs/{token}").status_code == 200
    assert owner.get(f"/jobs/{token}.json").get_json()["state"] == "done"
    assert token in owner.get("/jobs/").get_data(as_text=True)
    for path in (f"/jobs/{token}", f"/jobs/{token}.json"):
        assert other.get(path).status_code == 404
    assert other.post(f"/jobs/{token}/again").status_code == 404
    assert token not in other.get("/jobs/").get_data(as_text=True)


def test_a_failed_job_says_why_and_runs_again_for_its_owner(login):
    owner, _ = login(Role.OFFICER, region="36.03")
    owner.post("/language", {"lang": "en"})
    upload(owner, b"Kode desa\n")
    pending = db.session.scalar(select(PendingImport))
    response = owner.post(f"/imports/{pending.token}/cancel")
    assert response.status_code == 302
    job = db.session.scalar(select(Job))
    job.state = "queued"  # asked again after its upload was discarded
    db.session.commit()
    response = owner.post(f"/jobs/{job.token}/again")
    assert response.status_code == 302  # a finished job only; this one is not
    assert job_token(response) == job.token
    job.state = "done"
    db.session.commit()
    again = owner.post(f"/jobs/{job.token}/again")
    page = owner.get(again.headers["Location"]).get_data(as_text=True)
    assert "The upload is no longer kept" in page
    assert (
        db.session.scalar(select(Job.state).where(Job.token == job_token(again)))
        == "failed"
    )
