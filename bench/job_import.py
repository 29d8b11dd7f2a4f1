"""The import at its floor, measured in the real job worker.

    .venv/bin/python bench/job_import.py --db sqlite|postgres [--months 24]
        [--code PATH --label TEXT]

Builds the national dataset (bench/dataset.py: every one of the 83,762 villages
registered with ``--months`` monthly reports each; fewer months make a smaller
fixture, and the results say how many) in a fresh database (PostgreSQL: the server
``.ci/with-postgres`` gives), starts the real job worker (``flask --app
villagetracker jobs work --workers 1``, its queue in SQLite beside the database)
and, through the app's test client as a browser sends it (an administrator, logged
in, with CSRF tokens), uploads a CSV of reports, waits for the check's job, opens
its preview, confirms, and waits for the confirmation's job: (a) 10,000 villages
across the country, (b) every village of the country, 83,762 rows, each a new
month's report (a village's latest count plus 2% of its potential, so that some
come to qualify).

For each job: the CPU seconds (user + system) of the child process the worker runs
it in, from the worker's children's times in /proc (the worker waits for each
child, so its time is added there in full when it ends); the child's peak resident
memory (VmHWM, sampled every 10 ms while it runs); and the job's own time. The
worker's own peak too. Checks that every row was written. Writes
bench/results/job-import-<db>.json (with ``--code PATH``, the villagetracker package
found at PATH, e.g. an export of an older commit: job-import-<db>-before.json) and
the section of bench/RESULTS.md.
"""

import argparse
import csv
import io
import json
import os
import platform
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else str(ROOT)
sys.path.insert(0, CODE)
sys.path.insert(1, str(ROOT / "bench"))

import dataset  # noqa: E402
import village_import  # noqa: E402
from run import database, drop  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from villagetracker import create_app  # noqa: E402
from villagetracker.extensions import db  # noqa: E402
from villagetracker.models import Report, Village  # noqa: E402
from villagetracker.regions.loader import load_regions, official_rows  # noqa: E402
from villagetracker.spreadsheets.formats import REPORT_COLUMNS, headers  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CASES = {"10k": 10_000, "country": 83_762}
TARGETS = {"10k": 3, "country": 30}  # CPU seconds, check and confirmation together
WORKER_MB = 250
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEYS = ("code", "as_of", "active_participants", "bpu", "pu", "jakon", "pmi")
KEYS += ("self_paid", "apbd_province", "apbd_regency", "apbdes", "csr", "other")
TICK = os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--months", type=int, default=dataset.MONTHS, help="2 or more")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--code", help="the villagetracker package found there")
    parser.add_argument("--label", help="what --code is, for RESULTS.md")
    args = parser.parse_args()
    dataset.check_today(date.today())
    dataset.MONTHS = args.months
    folder = Path(tempfile.mkdtemp(prefix="villagetracker-jobs-"))
    try:
        results = run(args, folder)
    finally:
        drop(args.db, folder)
    name = f"job-import-{args.db}{'-before' if args.code else ''}.json"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    write_section()
    print(f"wrote bench/results/{name} and its section of bench/RESULTS.md")


def run(args, folder: Path) -> dict:
    environment = {
        "VILLAGETRACKER_ENV": "production",
        "VILLAGETRACKER_SECRET_KEY": secrets.token_hex(32),
        "VILLAGETRACKER_DATABASE_URL": database(args.db, folder),
        "VILLAGETRACKER_QUEUE_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
        "VILLAGETRACKER_PUBLIC_URL": "http://127.0.0.1",
        "VILLAGETRACKER_EVIDENCE_DIR": str(folder / "evidence"),
    }
    os.environ.update(environment)
    app = create_app()
    results = {"database": args.db, "months": args.months, "seed": args.seed}
    results["code"] = args.label or "this checkout"
    load = [round(os.getloadavg()[0], 1)]
    with app.app_context():
        results["build_seconds"], villages = prepare(args.seed)
        results["machine"] = machine()
        db.engine.dispose()
    worker = Worker(folder, {**os.environ, **environment, "PYTHONPATH": CODE})
    try:
        client = Client(app.test_client())
        client.log_in("admin", dataset.PASSWORD)
        results["cases"] = {}
        day = dataset.LAST_REPORT
        for case, rows in CASES.items():
            day += timedelta(days=1)
            chosen = random.Random(rows).sample(villages, rows)
            content = report_file(chosen, day)
            measured = one_case(app, client, worker, content, rows, day)
            results["cases"][case] = {"rows": rows, "file_mb": len(content) / 1e6}
            results["cases"][case].update(measured)
            print(case, json.dumps(measured), flush=True)
        results["worker_mb"] = worker.own_peak()
    finally:
        worker.stop()
    results["date"] = date.today().isoformat()
    results["load"] = load + [round(os.getloadavg()[0], 1)]
    return results


def prepare(seed: int) -> tuple[float, list]:
    """Migrate, load the regions, build the dataset: its time, and every village's
    (code, latest count, worker potential)."""
    from flask_migrate import upgrade

    started = time.perf_counter()
    upgrade()
    load_regions(official_rows())
    built = dataset.build(seed)
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    seconds = round(time.perf_counter() - started, 1)
    print(f"dataset: {built.villages} villages, {built.reports} reports, {seconds} s")
    villages = db.session.execute(
        select(
            Village.code, Village.active_participants, Village.worker_potential
        ).order_by(Village.code)
    ).all()
    return seconds, [tuple(village) for village in villages]


def report_file(villages: list, day: date) -> bytes:
    """A CSV under the English template's headings: each village's latest count
    plus 2% of its potential, all of them BPU and self-paid."""
    columns = [column for key in KEYS for column in REPORT_COLUMNS if column.key == key]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(columns, "en"))
    for code, active, potential in villages:
        count = min(potential, active + potential // 50)
        writer.writerow([code, day.isoformat(), count, count, 0, 0, 0, count] + [0] * 5)
    return buffer.getvalue().encode()


class Client(village_import.Client):
    """The test client with the CSRF token a browser's form carries, that waits for
    the jobs its requests queue."""

    def finished(self, response) -> dict:
        """Wait for the job a request queued, as its page does; its state."""
        location = response.headers.get("Location", "")
        if response.status_code != 302 or "/jobs/" not in location:
            raise RuntimeError(response.get_data(as_text=True)[:2000])
        while True:
            state = self.client.get(location + ".json").get_json()
            if state["state"] in ("done", "failed"):
                return state
            time.sleep(0.1)


class Worker:
    """``flask jobs work --workers 1`` and the figures of the job processes it forks:
    their CPU time (its children's, in /proc/PID/stat) and their peak memory
    (sampled)."""

    def __init__(self, folder: Path, environment: dict):
        self.log = open(folder / "worker.log", "w")  # noqa: SIM115
        command = [sys.executable, "-m", "flask", "--app", "villagetracker"]
        self.process = subprocess.Popen(
            [*command, "jobs", "work", "--workers", "1"],
            env=environment,
            cwd=CODE,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.peak_kb = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def children_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = fields.rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / TICK  # cutime, cstime

    def _children(self) -> list[int]:
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                found += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                continue
        return found

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            for pid in self._children():
                peak = _status_kb(pid, "VmHWM")
                self.peak_kb = max(self.peak_kb, peak or 0)

    def start_measuring(self) -> tuple[float, float]:
        self.peak_kb = 0
        return self.children_seconds(), time.perf_counter()

    def measured(self, started: tuple[float, float], state: dict) -> dict:
        cpu, wall = started
        if state["state"] != "done":
            raise RuntimeError(f"the job failed: {state}")
        seconds = round(time.perf_counter() - wall, 2)
        # The job is done once committed; its process's time is the worker's
        # children's once the worker has waited for it to end.
        while self._children():
            time.sleep(0.01)
        return {
            "cpu_seconds": round(self.children_seconds() - cpu, 2),
            "seconds": seconds,
            "peak_mb": round(self.peak_kb / 1024, 1),
        }

    def own_peak(self) -> float:
        return round((_status_kb(self.process.pid, "VmHWM") or 0) / 1024, 1)

    def stop(self) -> None:
        self._stop.set()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def one_case(app, client: Client, worker: Worker, content: bytes, rows, day) -> dict:
    """Upload, check (a job), preview, confirm (a job): each job measured."""
    found = {}
    form = {"csrf_token": client.token("/imports/")}
    form["spreadsheet"] = (io.BytesIO(content), "laporan.csv")
    started = worker.start_measuring()
    uploaded = client.client.post(
        "/imports/", data=form, content_type="multipart/form-data"
    )
    state = client.finished(uploaded)
    found["check"] = worker.measured(started, state)
    preview_path = state["next"]
    page = client.client.get(preview_path).get_data(as_text=True)
    if "/commit" not in page:
        raise RuntimeError(f"the preview refuses the file: {page[:3000]}")
    token = CSRF.search(page).group(1)
    started = worker.start_measuring()
    committed = client.client.post(f"{preview_path}/commit", data={"csrf_token": token})
    state = client.finished(committed)
    found["commit"] = worker.measured(started, state)
    message = client.client.get(committed.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        written = db.session.scalar(
            select(func.count()).select_from(Report).where(Report.as_of == day)
        )
        db.engine.dispose()
    if written != rows:
        raise RuntimeError(f"{written} reports written of {rows}: {message[:2000]}")
    found["cpu_seconds"] = round(sum(found[job]["cpu_seconds"] for job in found), 2)
    found["peak_mb"] = max(found["check"]["peak_mb"], found["commit"]["peak_mb"])
    return found


def machine() -> str:
    import sqlite3

    if db.engine.dialect.name == "sqlite":
        version = f"SQLite {sqlite3.sqlite_version}"
    else:
        version = db.session.scalar(text("SHOW server_version"))
        version = f"PostgreSQL {version.split()[0]}"
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    python = platform.python_version()
    return f"{cpu}, {os.cpu_count()} cores, Python {python}, {version}"


def write_section() -> None:
    """The section of bench/RESULTS.md from every result there is."""
    import report

    found = {}
    for kind in ("sqlite", "postgres"):
        for when in ("", "-before"):
            path = RESULTS / f"job-import-{kind}{when}.json"
            if path.exists():
                found[kind + when] = json.loads(path.read_text())
    if found:
        section = report.job_import(found, TARGETS, WORKER_MB)
        report.put_section(ROOT / "bench" / "RESULTS.md", section)


if __name__ == "__main__":
    main()
