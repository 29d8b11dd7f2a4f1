"""Timing of the national export and of a 10,000-row import, over real HTTP.

    python bench/spreadsheets.py [--villages N] [--rows N] [--seed S]

Builds a throwaway SQLite database with every village of the official list registered
and one report each (reproducibly from the seed), serves the app on 127.0.0.1 with
Werkzeug's threaded server, and times as an admin: the villages export as CSV and as
XLSX with no filter (the whole country), then the upload and preview of a CSV of
10,000 new reports, and its confirmation. Prints one line per figure.
"""

import argparse
import csv
import http.cookiejar
import io
import random
import re
import resource
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from villagetracker import create_app, rules  # noqa: E402
from villagetracker.extensions import db  # noqa: E402
from villagetracker.models import (  # noqa: E402
    Region,
    Report,
    Role,
    Village,
    WorkerPotential,
)
from villagetracker.regions import load_regions, official_rows  # noqa: E402
from villagetracker.services import AccountScope, create_account  # noqa: E402

PASSWORD = "bench-password-123"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_ANY = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def build(app, villages: int, seed: int) -> list[str]:
    """Every village (or the first ``villages``) registered with a worker potential
    and a report of 2026-06-30; returns their codes."""
    rng = random.Random(seed)
    with app.app_context():
        db.create_all()
        load_regions(official_rows())
        codes = list(
            db.session.scalars(
                select(Region.code)
                .where(Region.level == "village")
                .order_by(Region.code)
            )
        )[:villages]
        admin = create_account(
            username="admin",
            full_name="Admin",
            password=PASSWORD,
            scope=AccountScope(Role.ADMIN, None, []),
        )
        village_rows, potential_rows, report_rows = [], [], []
        for code in codes:
            potential = rng.randint(300, 6000)
            active = rng.randint(0, potential)
            coverage = rules.coverage_tenths(active, potential)
            status = rules.next_status(
                rules.REGISTERED, coverage >= rules.DEFAULT_THRESHOLD_TENTHS
            )
            district = rules.parent_of(code)
            village_rows.append(
                dict(
                    code=code,
                    district_code=district,
                    regency_code=rules.parent_of(district),
                    head_name="Kepala Desa",
                    worker_potential=potential,
                    status=status,
                    latest_report_date=date(2026, 6, 30),
                    active_participants=active,
                    coverage_tenths=coverage,
                    registered_by_id=admin.id,
                )
            )
            potential_rows.append(
                dict(
                    village_code=code,
                    worker_potential=potential,
                    source="p3ke",
                    as_of=date(2025, 1, 1),
                )
            )
            report_rows.append(
                dict(
                    village_code=code,
                    as_of=date(2026, 6, 30),
                    active_participants=active,
                    bpu=active,
                    pu=0,
                    jakon=0,
                    self_paid=active,
                    apbd=0,
                    apbdes=0,
                    csr_other=0,
                    worker_potential=potential,
                    coverage_tenths=coverage,
                )
            )
        for model, rows in (
            (Village, village_rows),
            (WorkerPotential, potential_rows),
            (Report, report_rows),
        ):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start : start + 5000])
        db.session.commit()
        potentials = {
            row["village_code"]: row["worker_potential"] for row in potential_rows
        }
        db.engine.dispose()
    return codes, potentials


class Session:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=600) as response:
            return response.read()

    def token(self, path: str) -> str:
        page = self.get(path).decode()
        return (CSRF.search(page) or CSRF_ANY.search(page)).group(1)

    def post(self, path: str, form: dict) -> tuple[int, str, bytes]:
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.base + path, data, timeout=600) as response:
            return response.status, response.url, response.read()

    def upload(self, path: str, fields: dict, name: str, content: bytes):
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for key, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="spreadsheet"; '
            f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        )
        body.write(content + f"\r\n--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            self.base + path,
            data=body.getvalue(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=600) as response:
            return response.status, response.url, response.read()


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - started:.2f} s", flush=True)
    return result


def import_file(session: Session, codes, potentials, rows: int, seed: int) -> bytes:
    rng = random.Random(seed + 1)
    header = session.get("/imports/template.csv").decode("utf-8-sig").splitlines()[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(next(csv.reader([header])))
    for code in rng.sample(codes, rows):
        active = rng.randint(0, potentials[code])
        writer.writerow(
            [code, "", "2026-09-30", active, active, 0, 0, active, 0, 0, 0, ""]
        )
    return buffer.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=10**6)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vt-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "EVIDENCE_DIR": str(folder / "evidence"),
            "PUBLIC_URL": "http://127.0.0.1",
        }
    )
    codes, potentials = timed(
        "build the dataset", lambda: build(app, args.villages, args.seed)
    )
    print(f"villages registered: {len(codes):,}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    session = Session(f"http://127.0.0.1:{server.server_port}")
    session.post(
        "/login",
        {
            "csrf_token": session.token("/login"),
            "username": "admin",
            "password": PASSWORD,
        },
    )
    for kind in ("csv", "xlsx"):
        body = timed(
            f"export of every village as {kind.upper()}",
            lambda kind=kind: session.get(f"/villages/export.{kind}"),
        )
        print(f"  {len(body) / 1e6:.1f} MB")
    content = import_file(session, codes, potentials, args.rows, args.seed)
    status, url, _ = timed(
        f"upload and preview of {args.rows:,} rows",
        lambda: session.upload(
            "/imports/",
            {"csrf_token": session.token("/imports/")},
            "bench.csv",
            content,
        ),
    )
    token = url.rstrip("/").rsplit("/", 1)[1]
    csrf = session.token("/imports/")  # a cheap page: the preview checks every row
    status, url, page = timed(
        f"confirm the import of {args.rows:,} rows",
        lambda: session.post(
            f"/imports/{token}/commit",
            {"csrf_token": csrf},
        ),
    )
    assert "/villages/" in url, page[:500]
    with app.app_context():
        written = db.session.query(Report).filter(Report.as_of == date(2026, 9, 30))
        print(f"  reports written: {written.count():,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB")
    server.shutdown()


if __name__ == "__main__":
    main()
