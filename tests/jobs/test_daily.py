"""The day's work, queued by the worker's schedule at 00:10 in Jakarta: what is past
keeping is deleted, recorded as a job of no one's and in the audit trail."""

from datetime import datetime, timedelta

from sqlalchemy import select

from villagetracker.extensions import db
from villagetracker.jobs import queue, service
from villagetracker.models import AuditEvent, Job, PendingImport, utcnow
from villagetracker.spreadsheets import files


def test_the_day_deletes_old_uploads_and_jobs_and_says_so(app, make_user):
    user = make_user()
    old_upload = files.keep(user, "lama.csv", b"Kode desa\n")
    new_upload = files.keep(user, "baru.csv", b"Kode desa\n")
    old_job = service.submit("reports.check", user, pending=old_upload.id)
    new_job = service.submit("reports.check", user, pending=new_upload.id)
    old_upload.created_at = utcnow() - timedelta(days=1, minutes=1)
    old_job.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    old_ids = (old_upload.id, old_job.id)

    daily = service.start_daily()

    assert (daily.state, daily.user_id, daily.outcome) == (
        "done",
        None,
        {"deleted": {"jobs": 1, "uploads": 1}},
    )
    assert db.session.get(PendingImport, old_ids[0]) is None
    assert db.session.get(Job, old_ids[1]) is None
    assert db.session.get(PendingImport, new_upload.id) is not None
    assert db.session.get(Job, new_job.id) is not None
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "jobs.daily")
    ).all()
    assert event.actor_id is None
    assert event.after == {"deleted": {"jobs": 1, "uploads": 1}}


def test_the_day_starts_at_ten_past_midnight_in_jakarta():
    assert queue.every_day.task_class().validate_datetime(
        datetime(2026, 11, 22, 17, 10)
    )
    assert not queue.every_day.task_class().validate_datetime(
        datetime(2026, 11, 22, 0, 10)
    )
    assert queue.every_minute.task_class().validate_datetime(
        datetime(2026, 11, 22, 3, 7)
    )
