"""How a request hands work to the job worker: what every area's views call."""

from flask import redirect, url_for

from ..extensions import db
from . import service


def start(job):
    """Commit the request's work with its job, queue the job, and show its page; a
    job already finished (run at once, or quick) whose outcome leads on (a check's
    preview) goes straight there."""
    db.session.commit()
    service.queue_job(job)
    if job.state == "done" and (job.outcome or {}).get("follow"):
        page, values = job.outcome["next"]
        return redirect(url_for(page, **values))
    return redirect(url_for("jobs.show", token=job.token))
