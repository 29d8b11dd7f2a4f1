"""Files that jobs make (a batch of certificates, a large export): written by the job
worker into one folder, downloaded by the one who asked for them for a day, then
deleted.

The folder is ``JOB_FILES_FOLDER`` (default ``instance/job-files``); with several
servers it must be one folder that the job workers and the web servers share. A
file is written under a temporary name and takes its own name only when complete,
so that a job that fails or is killed leaves no file to download; what it leaves is
deleted with the files of the day before.
"""

import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import current_app, send_file

from ..models import Job, utcnow

KEPT_FOR = timedelta(days=1)


def folder() -> Path:
    return Path(current_app.config["JOB_FILES_FOLDER"])


def path_of(job: Job) -> Path:
    """Named by the job's token only: nothing a person typed reaches the disk."""
    return folder() / f"{job.token}.{job.outcome['file']['suffix']}"


@contextmanager
def writing(job: Job, name: str, suffix: str, mimetype: str, roots: list | None):
    """Write the job's file: yields the path to write to; when the block ends
    without an error the file is the job's, downloadable as ``name.suffix`` by
    whoever asked, so long as ``roots`` (the region codes the file holds data of;
    None: the whole country) are still in their scope."""
    folder().mkdir(parents=True, exist_ok=True)
    partial = folder() / f"{job.token}.partial"
    try:
        yield partial
        final = folder() / f"{job.token}.{suffix}"
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)
    job.outcome = {
        **(job.outcome or {}),
        "file": {
            "name": f"{name}.{suffix}",
            "suffix": suffix,
            "mimetype": mimetype,
            "size": final.stat().st_size,
            "roots": roots,
        },
    }


def available(job: Job) -> bool:
    """The job made a file, and it is not yet a day old."""
    return bool(
        job.state == "done"
        and (job.outcome or {}).get("file")
        and job.finished_at is not None
        and utcnow() - job.finished_at < KEPT_FOR
        and path_of(job).exists()
    )


def send(job: Job):
    file = job.outcome["file"]
    return send_file(
        path_of(job),
        mimetype=file["mimetype"],
        as_attachment=True,
        download_name=file["name"],
        max_age=0,
    )


def tidy() -> int:
    """Delete the files older than a day (and any a killed job left half written).
    Returns how many."""
    if not folder().is_dir():
        return 0
    oldest = time.time() - KEPT_FOR.total_seconds()
    deleted = 0
    for path in folder().iterdir():
        if path.is_file() and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
