"""Requests that hand work to the job worker: in the suite jobs run at once in the
asking process (QUEUE_URL=immediate; tests/jobs runs a real worker), so a request's
job is finished when its answer comes; and spreadsheets of reports to import."""

import os
import signal
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from villagetracker.jobs import queue
from villagetracker.spreadsheets.formats import REPORT_COLUMNS, headers

KEYS = ("code", "as_of", "active_participants", "bpu", "pu", "jakon", "pmi")
KEYS += ("self_paid", "apbd_province", "apbd_regency", "apbdes", "csr", "other")


def followed(session, response):
    """What a person sees after a request that queued a job: the page the finished
    job goes on to (a preview, say), else the job's own page. Any other answer as
    it is."""
    location = response.headers.get("Location", "")
    if response.status_code != 302:
        return response
    if "/jobs/" not in location:  # the job was done at once: its next page
        return session.get(location)
    state = session.get(location.split("?")[0] + ".json").get_json()
    return session.get(state["next"] or location)


def job_token(response) -> str:
    """The job a request queued (its answer's redirect)."""
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def kept_and_checked(user, name: str, content: bytes, kind: str = "reports"):
    """An upload kept and checked as the upload page's job does it, without a
    request (for tests that prepare one, then act on it over HTTP)."""
    from villagetracker.extensions import db
    from villagetracker.spreadsheets import files, imports, registrations

    module = imports if kind == "reports" else registrations
    pending = files.keep(user, name, content, kind)
    module.keep_check(user, pending)
    db.session.flush()
    return pending


def job_file(session, response):
    """The file a request's job made (a PDF, a large export), downloaded as its owner
    downloads it from the job's page."""
    assert response.status_code == 302, response.status_code
    assert "/jobs/" in response.headers["Location"], response.headers["Location"]
    return session.get(f"/jobs/{job_token(response)}/file")


def report_file(codes: list[str], days: list[date]) -> bytes:
    """A CSV of reports with English headings: each village on each day, 500 active
    participants, all BPU and self-paid."""
    columns = [column for key in KEYS for column in REPORT_COLUMNS if column.key == key]
    rows = [",".join(headers(columns, "en"))]
    for code in codes:
        for day in days:
            rows.append(f"{code},{day},500,500,0,0,0,500,0,0,0,0,0")
    return "\n".join(rows).encode()


def job_processes(worker_pid: int) -> list[int]:
    """The processes a job worker forked for the jobs it runs (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # ended meanwhile
            continue
        if parent == worker_pid:
            found.append(int(stat.parent.name))
    return found


def counting_not_begun(done: int, total: int | None) -> bool:
    """The job runs and does not know its count yet (reading the file, say)."""
    return total is None


def part_way(done: int, total: int | None) -> bool:
    return bool(total) and 0 < done < total


@contextmanager
def paused_when(worker, token: str, moment, seconds: float = 60):
    """As soon as the running job's progress is at ``moment(done, total)``, stop its
    process (SIGSTOP) until the block ends: a slow worker, held still so that a page
    showing that moment can be looked at however fast this machine is. Yields
    (done, total) as the job last said them."""
    deadline = time.monotonic() + seconds
    while True:
        said = queue.progress_of(token)
        if said is not None and moment(said[0], said[1]):
            paused = job_processes(worker.pid)
            for pid in paused:
                os.kill(pid, signal.SIGSTOP)
            break
        assert worker.poll() is None, worker.stderr.read().decode()
        assert time.monotonic() < deadline, f"job {token} said {said}"
        time.sleep(0.002)
    try:
        assert paused, "the job's process was not found"
        yield queue.progress_of(token)[:2]
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)
