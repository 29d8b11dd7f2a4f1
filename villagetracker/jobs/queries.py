"""What the jobs' pages read."""

from sqlalchemy import select

from ..models import Job, User
from ..web.pagination import paginate
from . import queue


def mine(user: User):
    """A page of the user's jobs, newest first."""
    query = select(Job).where(Job.user_id == user.id)
    return paginate(query.order_by(Job.created_at.desc(), Job.id.desc()))


def progress(job: Job) -> tuple[int, int | None]:
    """How far the job got: as it says while it runs, as it ended after."""
    if job.state == "running":
        said = queue.progress_of(job.token)
        if said is not None:
            return said[0], said[1]
    return job.done, job.total
