"""The queue behind the jobs: Huey, with its storage chosen by one setting,
``QUEUE_URL``:

- ``sqlite:///path`` (the default, ``instance/jobs.sqlite3``): no server, for
  ``make run`` and a single machine;
- ``redis://host:port/db``: production, the Redis server the rate limits share, so
  that any web server can queue work for any worker;
- ``immediate``: a job runs at once in the process that asks for it (most tests).

Each job runs in a child process that the worker forks for it and that ends with it:
whatever a large import or export took, the worker itself stays as small as it
started. The child dies with the worker (a ``kill -9`` of the worker stops its job
mid-transaction, so nothing of it is kept), and the job's owner can run it again.
"""

import ctypes
import gc
import logging
import os
import signal
import sys
import threading
import time
from urllib.parse import urlsplit

from flask import Flask, current_app
from huey import Huey, crontab
from huey.exceptions import RetryTask
from huey.storage import RedisStorage, SqliteStorage

from ..config import ConfigError
from ..extensions import db

log = logging.getLogger(__name__)

# Configured by ``init_app``: tasks are bound to this one instance when imported.
huey = Huey("villagetracker", results=False, immediate=True, utc=True)
_app: Flask | None = None
TRY_AGAIN = 75  # a child's exit status: a passing failure, worth another try
BEAT_SECONDS = 5  # how often a running job says it is alive
SAY_SECONDS = 0.2  # how often its progress is written where its page reads it
PR_SET_PDEATHSIG = 1


def init_app(app: Flask) -> None:
    global _app
    _app = app
    url = app.config["QUEUE_URL"] or f"sqlite:///{app.instance_path}/jobs.sqlite3"
    if url == "immediate":
        huey.immediate = True
        return
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        storage, options = SqliteStorage, {"filename": parts.path[1:] or parts.path}
    elif parts.scheme in ("redis", "rediss", "unix"):
        storage, options = RedisStorage, {"url": url}
    else:
        raise ConfigError(
            f"VILLAGETRACKER_QUEUE_URL={url}: use sqlite:///path, redis://host/0 or "
            "immediate."
        )
    huey._immediate = False
    huey.storage_class, huey.storage_kwargs = storage, options
    huey.storage = huey.create_storage()


def immediate() -> bool:
    return huey.immediate


# --- Progress, beside the queue: readable while the job's transaction is open ---


def report_progress(token: str, done: int, total: int | None) -> None:
    huey.put(f"progress:{token}", (done, total, time.time()))


def progress_of(token: str) -> tuple[int, int | None, float] | None:
    """(done, total, when last said) of a running job, or None."""
    return huey.get(f"progress:{token}", peek=True)


def forget_progress(token: str) -> None:
    huey.delete(f"progress:{token}")


# --- Running a job ---


@huey.task(retries=2, retry_delay=20, context=True)
def run_job(job_id: int, task=None) -> None:
    """Run the job in a child process (in the worker) or here (immediate)."""
    from . import service  # the jobs' own module, which imports every area's kinds

    last_try = task is None or task.retries == 0
    if huey.immediate:
        service.run(job_id, last_try)
        return
    with _app.app_context():
        started = time.perf_counter()
        status, usage = _in_child(service.run, job_id, last_try)
        # What the job took, for the log and the benchmark (bench/jobs.py reads it).
        log.info(
            "job %s ended after %.2f s: %.2f s of CPU, peak %.1f MB",
            job_id,
            time.perf_counter() - started,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
        )
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == TRY_AGAIN:
            raise RetryTask(f"job {job_id}: a passing failure")
        if status != 0:
            service.stopped(job_id, status)


def enqueue(job_id: int) -> None:
    run_job(job_id)


def _in_child(function, *args):
    """Run ``function(*args)`` in a forked child; its wait status and its resource
    usage (CPU time, peak memory)."""
    sys.stdout.flush()
    sys.stderr.flush()
    # The worker's own objects are left out of the child's garbage collections:
    # a collection that passed over them would copy every page they are on, and
    # an import's child collects often.
    gc.freeze()
    pid = os.fork()
    if pid:
        gc.unfreeze()
        _pid, status, usage = os.wait4(pid, 0)
        return status, usage
    code = 1
    try:
        _die_with_parent()
        # The parent's connections are the parent's: the child opens its own.
        db.engine.dispose(close=False)
        huey.storage = huey.create_storage()
        code = function(*args) or 0
    except BaseException:
        log.exception("job child %s failed", os.getpid())
    finally:
        logging.shutdown()
        os._exit(code)


def _die_with_parent() -> None:
    """Linux: the kernel kills this child when the worker dies, however it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: a killed worker's child goes on
        pass
    if os.getppid() == 1:  # the worker died before that
        os._exit(1)


class Heartbeat:
    """While a job runs, say every few seconds that it is alive (its last progress,
    again), so that a job whose worker was killed is found stalled."""

    def __init__(self, token: str):
        self.token = token
        self.last = (0, None)
        self._said = 0.0
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        if not huey.immediate:
            self._thread = threading.Thread(target=self._beat, daemon=True)
            self._thread.start()
        return self

    def say(self, done: int, total: int | None) -> None:
        """Keep the progress; pass it on at most every SAY_SECONDS (a page asks
        twice a second at most), and always a new total or the end."""
        changed = total != self.last[1] or done == total
        self.last = (done, total)
        if changed or time.monotonic() - self._said >= SAY_SECONDS:
            self._said = time.monotonic()
            report_progress(self.token, done, total)

    def _beat(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            report_progress(self.token, *self.last)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


# --- The schedule ---


@huey.periodic_task(crontab(minute="*"))
def every_minute() -> None:
    from . import service

    with _app.app_context():
        service.sweep()


# 00:10 in Jakarta (Huey's schedule is in UTC).
@huey.periodic_task(crontab(hour="17", minute="10"))
def every_day() -> None:
    from . import service

    with _app.app_context():
        service.start_daily()


@huey.on_startup()
def at_startup() -> None:
    """A job that was running when a worker stopped is failed at once."""
    every_minute.call_local()


def worker(workers: int) -> None:
    """Run the consumer: ``workers`` jobs at a time, and the schedule."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    consumer = huey.create_consumer(
        workers=workers, periodic=True, check_worker_health=True, max_delay=1.0
    )
    current_app.logger.info("job worker: %s", huey.storage.__class__.__name__)
    consumer.run()
