"""Jobs: asked for by a request, run by the worker. Each kind of job is a function of
its area, registered with ``@kind("...")``; it does its work in one transaction,
says how far it got (``Work.say``), and leaves its outcome on the job: a message, a
page to go on to. The job row is committed with that work, so a job is done
exactly when its work is kept, and a job that fails keeps none of it.
"""

import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from .. import audit
from ..extensions import db
from ..models import Job, JobState, PendingImport, User, utcnow
from ..models.spreadsheets import KEPT_FOR
from . import files, queue

log = logging.getLogger(__name__)

KINDS: dict[str, Callable] = {}
JOBS_KEPT_FOR = timedelta(days=30)  # the "my jobs" list
STOPPED = _l(
    "The job stopped before it finished (the worker was stopped or restarted). "
    "Nothing of it was kept: run it again."
)


class Refused(Exception):
    """A job cannot do what it was asked (a file no one can read, say): ``message``
    tells its owner why, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def kind(name: str) -> Callable:
    """Register the function that does a kind of job: ``function(job, work)``."""

    def register(function: Callable) -> Callable:
        KINDS[name] = function
        return function

    return register


def submit(name: str, user: User | None, /, **params) -> Job:
    """A job for ``user``, to be queued once the caller commits (``queue_job``)."""
    job = Job(
        token=secrets.token_urlsafe(18),
        kind=name,
        user_id=user.id if user is not None else None,
        locale=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        params=params,
        state=JobState.QUEUED,
        done=0,
        attempts=0,
        created_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    return job


def queue_job(job: Job) -> None:
    """Hand a committed job to the worker (or, immediate, run it now)."""
    queue.enqueue(job.id)
    if queue.immediate():
        db.session.refresh(job)


def again(job: Job) -> Job:
    """A finished job asked for once more, as it was."""
    return submit(job.kind, job.user, **job.params)


# --- In the worker ---


class Work:
    """What a running job's function is handed: where to say its progress."""

    def __init__(self, job: Job, heartbeat: queue.Heartbeat):
        self.job, self.heartbeat = job, heartbeat
        self.done, self.total = 0, job.total

    def say(self, done: int, total: int | None = None) -> None:
        self.done = done
        self.total = total if total is not None else self.total
        self.heartbeat.say(self.done, self.total)


def run(job_id: int, last_try: bool = True) -> int:
    """Run a queued job; the worker's exit status for it (``queue.TRY_AGAIN``)."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.QUEUED:
        return 0  # done already, or asked again and taken by another worker
    job.state, job.started_at = JobState.RUNNING, utcnow()
    job.attempts += 1
    db.session.commit()
    try:
        with (
            queue.Heartbeat(job.token) as heartbeat,
            force_locale(job.locale),
            audit.acting(job.user),
        ):
            work = Work(job, heartbeat)
            heartbeat.say(0, job.total)
            KINDS[job.kind](job, work)
            finish(job, work.done, work.total, JobState.DONE)
            db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        fail(job, refusal.message)
    except OperationalError:
        db.session.rollback()
        if not last_try:
            log.warning("job %s: database busy, tried again later", job.token)
            job.state = JobState.QUEUED
            db.session.commit()
            return queue.TRY_AGAIN
        _broke(job)
    except Exception:
        db.session.rollback()
        _broke(job)
    finally:
        queue.forget_progress(job.token)
    return 0


def _broke(job: Job) -> None:
    log.exception("job %s (%s) failed", job.token, job.kind)
    message = _l(
        "The job failed because of an error on our side; nothing of it was kept. "
        "The error is logged under job %(token)s: try again, or tell your "
        "administrator.",
        token=job.token,
    )
    fail(job, message)


def finish(job: Job, done: int, total: int | None, state: str) -> None:
    job.state, job.finished_at = state, utcnow()
    job.done, job.total = done, total


def fail(job: Job, message) -> None:
    """The job failed: nothing of its work was kept; its owner reads why, in the
    language they asked in."""
    progress = queue.progress_of(job.token) or (job.done, job.total, 0)
    finish(job, progress[0], progress[1], JobState.FAILED)
    with force_locale(job.locale):
        job.error = str(message)
    db.session.commit()


def stopped(job_id: int, status: int) -> None:
    """The child running the job died (killed, out of memory): the job failed."""
    log.error("job %s: its process ended with status %s", job_id, status)
    job = db.session.get(Job, job_id)
    if job is not None and job.state == JobState.RUNNING:
        fail(job, STOPPED)
    db.session.remove()


def sweep() -> int:
    """Fail the running jobs that have not said they are alive for a while (their
    worker was killed), and delete the jobs' files older than a day. Returns how
    many jobs failed."""
    files.tidy()
    quiet = current_app.config["JOB_STALLED_AFTER_SECONDS"]
    running = db.session.scalars(select(Job).where(Job.state == JobState.RUNNING))
    failed = 0
    for job in running.all():
        progress = queue.progress_of(job.token)
        if progress is not None:
            silent = time.time() - progress[2]
        else:
            silent = (utcnow() - (job.started_at or utcnow())).total_seconds()
        if silent > quiet:
            fail(job, STOPPED)
            queue.forget_progress(job.token)
            failed += 1
    db.session.remove()
    return failed


def start_daily() -> Job:
    """Queue the day's work (the schedule's, at 00:10 in Jakarta): a job of no one's,
    recorded like any other."""
    job = submit("daily", None)
    db.session.commit()
    queue_job(job)
    return job


@kind("daily")
def daily(job, work) -> None:
    """Once a day: uploads older than a day, and jobs older than a month, are
    deleted, and how many is recorded in the audit trail. What depends on the date
    (overdue and stale villages, those due for re-verification) is asked of the date
    in each query, so nothing else is kept that a new day makes wrong."""
    now = utcnow()
    deleted = {
        "jobs": db.session.execute(
            delete(Job).where(Job.created_at < now - JOBS_KEPT_FOR, Job.id != job.id)
        ).rowcount,
        "uploads": db.session.execute(
            delete(PendingImport).where(PendingImport.created_at < now - KEPT_FOR)
        ).rowcount,
    }
    audit.record("jobs.daily", after={"deleted": deleted})
    job.outcome = {"deleted": deleted}
    work.say(1, 1)
