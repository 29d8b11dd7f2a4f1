"""make bench: villagetracker with the whole country in the database, measured.

    python bench/run.py --db sqlite|postgres [--seed 2026] [--seconds 10]

Builds the national dataset (bench/dataset.py) in a throwaway database: SQLite in a
temporary folder, or a database in the PostgreSQL server named by
VILLAGETRACKER_POSTGRES_SERVER (``make bench DB=postgres`` starts one). Serves the app
with gunicorn (2 sync workers) on 127.0.0.1 and loads each role's main pages with wrk
for ``--seconds`` each, after a bare "hello" route of the same app and server (the
ceiling). Then times, over HTTP, the whole country's exports, a 10,000-row import and a
batch PDF of 100 certificates, and reads the workers' peak memory. Writes
bench/results/<db>.json and renders bench/RESULTS.md from every database's results.
"""

import argparse
import csv
import io
import json
import os
import platform
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dataset  # noqa: E402
import hostile  # noqa: E402
import report  # noqa: E402
import spreadsheet_formats  # noqa: E402
import village_import  # noqa: E402
from http_session import Session, csrf  # noqa: E402
from serve import Gunicorn, JobWorker, wrk  # noqa: E402

from villagetracker import create_app  # noqa: E402
from villagetracker.extensions import db  # noqa: E402
from villagetracker.models import Report, Village  # noqa: E402
from villagetracker.regions.loader import load_regions, official_rows  # noqa: E402
from villagetracker.spreadsheets.formats import REPORT_COLUMNS, headers  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# The regency/city with the most villages (852): the heaviest regency-level pages.
REGENCY = "11.08"
USERNAMES = {
    "officer": f"officer.{REGENCY}",
    "reviewer": f"reviewer.{REGENCY}",
    "admin": "admin",
}
# wrk's open connections: two per gunicorn worker, so that one request waits while
# the other is served, as when several officers use the app at once.
CONNECTIONS = 4
IMPORT_ROWS = 10_000
BATCH = 100
PORT = 8765


@dataclass
class Page:
    name: str
    role: str  # whose session loads it: officer, reviewer, admin, or public
    path: str
    regency_level: bool = True  # held to the regency-level targets
    expect: int = 200
    posts_reports: bool = False


def pages(village: str, district: str, token: str) -> list[Page]:
    return [
        Page("home", "officer", "/"),
        Page("villages list", "officer", "/villages/"),
        Page(
            "villages list, filtered",
            "officer",
            f"/villages/?area={district}&band=50_75&sort=coverage",
        ),
        Page("village page", "officer", f"/villages/{village}"),
        Page("report form", "officer", f"/villages/{village}/reports/new"),
        Page(
            "report form, sent",
            "officer",
            "/villages/<code>/reports/new",
            expect=302,
            posts_reports=True,
        ),
        Page("review queue", "reviewer", "/review/"),
        Page("regency dashboard", "reviewer", f"/dashboard/{REGENCY}"),
        Page("national dashboard", "admin", "/dashboard/", regency_level=False),
        Page("verification", "public", f"/verify/{token}", regency_level=False),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    dataset.check_today(date.today())
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    folder = Path(tempfile.mkdtemp(prefix="villagetracker-bench-"))
    url = database(args.db, folder)
    os.environ.update(
        {
            "VILLAGETRACKER_ENV": "production",
            "VILLAGETRACKER_SECRET_KEY": secrets.token_hex(32),
            "VILLAGETRACKER_DATABASE_URL": url,
            "VILLAGETRACKER_PUBLIC_URL": "http://127.0.0.1",
            "VILLAGETRACKER_EVIDENCE_DIR": str(folder / "evidence"),
            "VILLAGETRACKER_QUEUE_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
            "VILLAGETRACKER_JOB_FILES_FOLDER": str(folder / "job-files"),
            # wrk is one address: the public verification limit would answer 429.
            "VILLAGETRACKER_VERIFY_RATE_LIMIT": "10000000 per minute",
        }
    )
    results = {"database": args.db, "seed": args.seed, "seconds": args.seconds}
    results["connections"] = CONNECTIONS
    try:
        app = create_app()
        times, built, facts = prepare(app, args.seed)
        results["times"] = times
        results["dataset"] = {
            key: value for key, value in asdict(built).items() if key != "tokens"
        }
        chosen = pages(facts["village"], facts["district"], built.tokens[REGENCY][0])
        results["statements"] = count_statements(app, chosen, facts["regency"])
        server = Gunicorn(folder, PORT)
        worker = JobWorker(folder)
        try:
            sessions = {
                role: server.session(name, dataset.PASSWORD)
                for role, name in USERNAMES.items()
            }
            sessions["public"] = Session(server.base)
            results["ceiling"] = load(server, "/bench/hello", args.seconds)
            results["pages"] = []
            for page in chosen:
                measured = load_page(app, server, page, sessions, facts, args.seconds)
                measured["ratio"] = round(
                    measured["rps"] / results["ceiling"]["rps"], 3
                )
                results["pages"].append({**asdict(page), **measured})
            results["memory_after_pages_mb"] = server.peak_memory()
            times.update(heavy(app, worker, sessions, facts))
            results["memory_mb"] = server.peak_memory()
            results["job_worker_memory_mb"] = worker.peak_memory()
        finally:
            server.stop()
            worker.stop()
        results["machine"] = machine(app)
        results["date"] = date.today().isoformat()
    finally:
        drop(args.db, folder)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.db}.json").write_text(json.dumps(results, indent=2) + "\n")
    report.render(RESULTS, ROOT / "bench" / "RESULTS.md")
    # render() rewrites the file whole: add the other scripts' sections back.
    if village_import.RESULTS.exists():
        village_import.write_section()
    if spreadsheet_formats.RESULTS.exists():
        spreadsheet_formats.write_section()
    import job_import  # it imports this module: not at the top

    if list(job_import.RESULTS.glob("job-import-*.json")):
        job_import.write_section()
    if hostile.RESULTS.exists():
        hostile.write_section()
    print(f"wrote bench/results/{args.db}.json and bench/RESULTS.md")


def timed(times: dict, label: str, action):
    started = time.perf_counter()
    result = action()
    times[label] = round(time.perf_counter() - started, 2)
    print(f"{label}: {times[label]} s", flush=True)
    return result


def database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    server = os.environ.get("VILLAGETRACKER_POSTGRES_SERVER")
    if not server:
        raise SystemExit("no VILLAGETRACKER_POSTGRES_SERVER: `make bench DB=postgres`")
    with server_connection() as connection:
        connection.exec_driver_sql("DROP DATABASE IF EXISTS villagetracker_bench")
        connection.exec_driver_sql("CREATE DATABASE villagetracker_bench")
    return (
        make_url(server)
        .set(database="villagetracker_bench")
        .render_as_string(hide_password=False)
    )


def server_connection():
    engine = create_engine(
        os.environ["VILLAGETRACKER_POSTGRES_SERVER"], isolation_level="AUTOCOMMIT"
    )
    return engine.connect()


def drop(kind: str, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if kind == "postgres":
        with server_connection() as connection:
            connection.exec_driver_sql(
                "DROP DATABASE IF EXISTS villagetracker_bench WITH (FORCE)"
            )


def prepare(app, seed: int):
    """Migrate, load the regions and build the dataset, timed; and the facts the pages
    need: a village of the regency, its kecamatan, every village's latest count."""
    from flask_migrate import upgrade

    times = {}
    with app.app_context():
        timed(times, "migrate an empty database", upgrade)
        timed(times, "load the regions", lambda: load_regions(official_rows()))
        built = timed(times, "build the dataset", lambda: dataset.build(seed))
        # Planner statistics after a bulk load: autovacuum would gather them on
        # PostgreSQL within a minute; on SQLite nothing does unless someone runs
        # ANALYZE (the pages' queries use primary-key ranges and need none).
        timed(times, "analyze", analyze)
        print(asdict(built) | {"tokens": "..."}, flush=True)
        latest = db.session.execute(
            select(
                Village.code, Village.active_participants, Village.regency_code
            ).order_by(Village.code)
        ).all()
        first = db.session.execute(
            select(Village.code, Village.district_code)
            .where(Village.regency_code == REGENCY)
            .order_by(Village.code)
            .limit(1)
        ).one()
        db.engine.dispose()
    facts = {
        "village": first.code,
        "district": first.district_code,
        "national": [(code, active) for code, active, _ in latest],
        "regency": [(c, a) for c, a, regency in latest if regency == REGENCY],
    }
    return times, built, facts


def analyze() -> None:
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def report_form(token: str, active: int, day: date) -> dict:
    return {
        "csrf_token": token,
        "as_of": day.isoformat(),
        "active_participants": active,
        "bpu": active,
        "pu": 0,
        "jakon": 0,
        "pmi": 0,
        "self_paid": active,
        "apbd_province": 0,
        "apbd_regency": 0,
        "apbdes": 0,
        "csr": 0,
        "other": 0,
        "notes": "",
    }


def count_statements(app, chosen: list[Page], regency) -> dict[str, int]:
    """The SQL statements each page runs, for one request through the test client
    (the report form's POST for one village: its redirect is not followed)."""
    counts, statements = {}, []

    def count(*_args):
        statements.append(1)

    # Requests outside the app context: each gets its own, as on a server (one
    # shared context would share the logged-in user between the clients).
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        clients = {"public": app.test_client()}
        for role, name in USERNAMES.items():
            clients[role] = app.test_client()
            page = clients[role].get("/login").get_data(as_text=True)
            clients[role].post(
                "/login",
                data={
                    "csrf_token": csrf(page),
                    "username": name,
                    "password": dataset.PASSWORD,
                },
            )
        for page in chosen:
            client = clients[page.role]
            if page.posts_reports:
                code, active = regency[-1]
                path = f"/villages/{code}/reports/new"
                token = csrf(client.get(path).get_data(as_text=True))
                form = report_form(token, active, date.today() - timedelta(days=1))
                statements.clear()
                response = client.post(path, data=form)
            else:
                statements.clear()
                response = client.get(page.path)
            if response.status_code != page.expect:
                raise RuntimeError(f"{page.name}: {response.status_code}")
            counts[page.name] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
        engine.dispose()
    return counts


def load(server: Gunicorn, path: str, seconds: int, **lua) -> dict:
    """Warm up for a second, then load the page for ``seconds``."""
    wrk(server.base, path, 1, CONNECTIONS, **lua)
    figures = wrk(server.base, path, seconds, CONNECTIONS, **lua)
    print(f"{path}: {figures}", flush=True)
    if figures["unexpected"] or figures["socket_errors"]:
        raise RuntimeError(f"{path}: unexpected answers {figures}")
    return figures


def load_page(app, server, page: Page, sessions, facts, seconds: int) -> dict:
    cookie = sessions[page.role].cookie_header()
    if not page.posts_reports:
        return load(server, page.path, seconds, cookie=cookie, expect=page.expect)
    # A new report each time, for each of the regency's villages in turn, on the
    # days since the dataset's last report (never one already written).
    days = [
        dataset.LAST_REPORT + timedelta(days=offset)
        for offset in range(2, (date.today() - dataset.LAST_REPORT).days - 1)
    ]
    villages = facts["regency"]
    token = sessions["officer"].token(f"/villages/{villages[0][0]}/reports/new")
    figures = wrk(
        server.base,
        "/",
        seconds,
        CONNECTIONS,
        cookie=cookie,
        expect=302,
        csrf=token,
        post_villages=",".join(f"{code}:{active}" for code, active in villages),
        post_days=",".join(day.isoformat() for day in days),
    )
    print(f"report form, sent: {figures}", flush=True)
    with app.app_context():
        figures["reports_written"] = db.session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.as_of.between(days[0], days[-1]))
        )
        db.engine.dispose()
    if figures["unexpected"] or figures["reports_written"] < figures["requests"]:
        raise RuntimeError(f"report form, sent: {figures}")
    return figures


def heavy(app, worker: JobWorker, sessions, facts) -> dict:
    """The slow work, over HTTP and timed: the whole country's exports as the admin
    (its report history made by the job worker), a 10,000-row import of reports
    (checked and confirmed by the job worker), and a batch PDF of 100 certificates
    (drawn by the job worker). For each job, its CPU seconds and peak memory as the
    worker logged them."""
    times = {}
    admin = sessions["admin"]
    for path in ("/villages/export.csv", "/villages/export.xlsx"):
        body = timed(times, f"export {path}", lambda path=path: admin.get(path))
        times[f"export {path} MB"] = round(len(body) / 1e6, 1)
    body = job(times, worker, "the country's report history as CSV", history, admin)
    times["the country's report history as CSV MB"] = round(len(body) / 1e6, 1)
    day = dataset.LAST_REPORT + timedelta(days=1)
    content = import_file(app, admin, facts["national"], day)
    preview = job(
        times, worker, f"import {IMPORT_ROWS} rows: check", check, admin, content
    )
    page = job(
        times, worker, f"import {IMPORT_ROWS} rows: confirm", confirm, admin, preview
    )
    with app.app_context():
        written = db.session.scalar(
            select(func.count()).select_from(Report).where(Report.as_of == day)
        )
        db.engine.dispose()
    if written != IMPORT_ROWS:
        raise RuntimeError(f"the import wrote {written} reports: {page[:300]!r}")
    start = dataset.DESIGNATED_ON
    end = start + timedelta(days=BATCH // dataset.PER_CEREMONY - 1)
    label = f"batch PDF of {BATCH} certificates"
    pdf = job(times, worker, label, batch_pdf, sessions["reviewer"], start, end)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if pages != BATCH:
        raise RuntimeError(f"the batch PDF has {pages} pages")
    return times


def job(times: dict, worker: JobWorker, label: str, action, *args):
    """Time ``action(*args)``, which asks for a job and waits for it, and add what the
    job itself took in the worker: CPU seconds and peak MB."""
    before = set(worker.jobs())
    result = timed(times, label, lambda: action(*args))
    for _ in range(50):  # the worker logs a job just after it ends
        ended = {
            key: value for key, value in worker.jobs().items() if key not in before
        }
        if ended:
            break
        time.sleep(0.1)
    [figures] = ended.values()
    times[f"{label}: job CPU"] = figures["cpu"]
    times[f"{label}: job peak MB"] = figures["mb"]
    return result


def history(session: Session) -> bytes:
    """The country's report history: its page offers a job, whose file is fetched."""
    page = session.get("/villages/reports.csv").decode()
    _status, url, _page = session.post(
        "/villages/reports.csv", {"csrf_token": csrf(page)}
    )
    state = session.wait_for_job(url)
    return session.get(state["page"] + "/file")


def check(session: Session, content: bytes) -> str:
    """Upload a file; its check's job leads to the preview, whose address is kept."""
    form = {"csrf_token": session.token("/imports/")}
    _status, url, _page = session.upload("/imports/", form, "bench.csv", content)
    return session.wait_for_job(url)["next"]


def confirm(session: Session, preview: str) -> bytes:
    token = preview.rstrip("/").rsplit("/", 1)[1]
    form = {"csrf_token": session.token(preview)}
    _status, url, _page = session.post(f"/imports/{token}/commit", form)
    state = session.wait_for_job(url)
    return session.get(state["page"])


def batch_pdf(session: Session, start: date, end: date) -> bytes:
    """The batch PDF as the batch page's button asks for it (a POST; a GET only
    shows the page), fetched from its job's page when drawn."""
    days = {"start": start.isoformat(), "end": end.isoformat()}
    token = session.token(f"/review/certificates?start={start}&end={end}")
    _status, url, _body = session.post(
        "/review/certificates.pdf", {"csrf_token": token, **days}
    )
    state = session.wait_for_job(url)
    return session.get(state["page"] + "/file")


def import_file(app, session: Session, national, day: date) -> bytes:
    """A CSV of the import template with a report for 10,000 villages across the
    country, each with its latest count (so that no status changes), all of it
    BPU and self-paid."""
    # The English template: its CSV is comma-separated (the Indonesian one uses
    # semicolons, as Excel does where the decimal mark is a comma).
    template = session.get("/imports/template.csv?lang=en")
    header = next(csv.reader([template.decode("utf-8-sig").splitlines()[0]]))
    with app.test_request_context():
        keys = dict(zip(headers(REPORT_COLUMNS, "en"), REPORT_COLUMNS, strict=True))
    keys = [keys[heading].key for heading in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    # Segments and payers as an export writes them: 0 where none.
    figures = keys[keys.index("bpu") : keys.index("other") + 1]
    for code, active in random.Random(1).sample(national, IMPORT_ROWS):
        values = {"code": code, "as_of": day.isoformat(), "active_participants": active}
        values.update(dict.fromkeys(figures, 0), bpu=active, self_paid=active)
        writer.writerow([values.get(key, "") for key in keys])
    return buffer.getvalue().encode()


def machine(app) -> dict:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            version = f"SQLite {sqlite3.sqlite_version}"
        else:
            with engine.connect() as connection:
                version = connection.execute(text("SHOW server_version")).scalar()
                version = f"PostgreSQL {version}"
        engine.dispose()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    tools = {
        name: subprocess.run(command, capture_output=True, text=True).stdout.split(
            "\n"
        )[0]
        for name, command in (
            ("wrk", ["wrk", "-v"]),
            ("gunicorn", [str(Path(sys.executable).parent / "gunicorn"), "--version"]),
        )
    }
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "database": version,
        **tools,
    }


if __name__ == "__main__":
    main()
