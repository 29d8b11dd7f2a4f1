"""A job's page (its progress, updated without reloading, and its outcome), its state
for that page to ask, and the list of one's own jobs."""

from flask import jsonify, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import access
from ..extensions import db
from ..web.errors import render_error
from . import bp, files, queries, service
from .texts import job_state_text


@bp.route("/")
@login_required
def mine():
    return render_template("jobs/list.html", page=queries.mine(current_user))


@bp.route("/<token>")
@login_required
def show(token: str):
    job = access.get_job_or_404(current_user, token)
    done, total = queries.progress(job)
    return render_template(
        "jobs/show.html",
        job=job,
        done=done,
        total=total,
        next_url=next_url(job),
        file_ready=files.available(job),
        kept_until=job.finished_at and job.finished_at + files.KEPT_FOR,
    )


@bp.route("/<token>.json")
@login_required
def state(token: str):
    """What the job's page shows, for it to ask every second or so."""
    job = access.get_job_or_404(current_user, token)
    done, total = queries.progress(job)
    return jsonify(
        state=job.state,
        done=done,
        total=total,
        text=job_state_text(job, done, total),
        next=next_url(job) if job.state == "done" else None,
        follow=bool((job.outcome or {}).get("follow")),
    )


def next_url(job) -> str | None:
    """The page the job's outcome leads to (a preview, the villages), if any."""
    page = (job.outcome or {}).get("next")
    return url_for(page[0], **page[1]) if page else None


@bp.route("/<token>/again", methods=["POST"])
@login_required
def again(token: str):
    """Run a failed job again, as it was asked."""
    job = access.get_job_or_404(current_user, token)
    if not job.finished:
        return redirect(url_for(".show", token=token))
    new = service.again(job)
    db.session.commit()
    service.queue_job(new)
    return redirect(url_for(".show", token=new.token))


@bp.route("/<token>/file")
@login_required
def file(token: str):
    """The file the job made, for a day; its regions still in the owner's scope."""
    job = access.get_job_file_or_404(current_user, token)
    if not files.available(job):
        return render_error(
            410,
            _l("The file is no longer kept"),
            _l("Files are kept for a day. Run the job again for a new one."),
        )
    return files.send(job)
