"""Spreadsheets at their floor: an import's file read, the country's villages written.

    .venv/bin/python bench/spreadsheet_formats.py [--runs 3] [--code PATH]

Reading: a report history of 10,000 and of 100,000 rows (every column of an
exported history, the villages of the official list in turn, a note on one row in
seven) as the app exports it: CSV in Indonesian (`;`, decimal commas) and XLSX
(formats.write_xlsx). Each file is read as an import reads it (reading.read_rows,
the rows counted and let go), in a fresh process: its CPU seconds (those of the
XLSX reader process included), the growth of its peak resident memory (VmHWM reset
through /proc/self/clear_refs before), and the XLSX reader process's own peak.

Writing: the country's 83,762 villages under the columns of the villages export
(formats.VILLAGE_COLUMNS, in Indonesian), made from the official region list, by
openpyxl's write-only mode (as the app wrote them before), xlsxwriter's
constant-memory mode and rustpy-xlsxwriter (formats.write_xlsx, as the app writes
them now), each in a fresh process: CPU seconds and the growth of its peak memory.

Each figure is the run of least CPU time of ``--runs``. Prints the figures, writes
bench/results/spreadsheet-formats.json and its section of bench/RESULTS.md. ``--code
PATH`` reads the files with the villagetracker package found at PATH instead (e.g.
an export of an older commit; ``--label`` says which), its limits opened wide enough
for 100,000 rows, and writes bench/results/spreadsheet-formats-before.json, which
the section shows beside.
"""

import argparse
import json
import logging
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

RESULTS = ROOT / "bench" / "results" / "spreadsheet-formats.json"
BEFORE = ROOT / "bench" / "results" / "spreadsheet-formats-before.json"
READS = [(kind, rows) for rows in (10_000, 100_000) for kind in ("csv", "xlsx")]
WRITERS = ("openpyxl", "xlsxwriter", "rustpy-xlsxwriter")
APP_WRITER = "rustpy-xlsxwriter"
VILLAGES = 83_762


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="read with the package found there")
    parser.add_argument("--label", help="what --code is, for RESULTS.md")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read", nargs=2, metavar=("FILE", "CODE"), help="internal")
    parser.add_argument("--write", nargs=2, metavar=("WRITER", "FILE"), help="internal")
    args = parser.parse_args()
    if args.read:
        print(json.dumps(measure_read(Path(args.read[0]), args.read[1])))
        return
    if args.write:
        print(json.dumps(measure_write(args.write[0], Path(args.write[1]))))
        return
    folder = Path(tempfile.mkdtemp(prefix="villagetracker-formats-"))
    try:
        results = run(folder, args.code, args.runs)
        if args.code:
            results["code"] = args.label or args.code.name
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    output = BEFORE if args.code else RESULTS
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    if RESULTS.exists():
        write_section()
    print(f"wrote {output.relative_to(ROOT)} and its section of bench/RESULTS.md")


def run(folder: Path, code: Path | None, runs: int) -> dict:
    import hostile  # its machine(), the same words in both sections

    load = os.getloadavg()[0]  # a machine shared with other work measures slower
    files = {(kind, rows): folder / f"history-{rows}.{kind}" for kind, rows in READS}
    for count in sorted({rows for _, rows in READS}):
        make_history(count, files["csv", count], files["xlsx", count])
    reads = []
    for kind, rows in READS:
        path = files[kind, rows]
        found = least(runs, "--read", str(path), str(code or ""))
        reads.append({"format": kind, "rows": rows, **found})
        reads[-1]["file_mb"] = round(path.stat().st_size / 1e6, 2)
        print(json.dumps(reads[-1]), flush=True)
    writes = []
    if not code:
        for writer in WRITERS:
            path = folder / f"villages-{writer}.xlsx"
            found = least(runs, "--write", writer, path)
            writes.append({"writer": writer, **found})
            writes[-1]["file_mb"] = round(path.stat().st_size / 1e6, 2)
            check_villages(path)
            print(json.dumps(writes[-1]), flush=True)
    return {
        "date": date.today().isoformat(),
        "machine": hostile.machine(),
        "code": str(code or "this checkout"),
        "runs": runs,
        "villages": VILLAGES,
        "cores": os.cpu_count(),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "reads": reads,
        "writes": writes,
    }


def least(runs: int, *args) -> dict:
    """The run of least CPU time: on a shared machine, the others measure the
    neighbours too."""
    return min(
        (in_fresh_process(*args) for _ in range(runs)),
        key=lambda found: found["cpu_seconds"],
    )


def in_fresh_process(*args) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- The files ---


def app():
    from villagetracker import create_app

    folder = Path(tempfile.mkdtemp(prefix="villagetracker-formats-app-"))
    return create_app(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{folder / 'unused.sqlite3'}",
            "PUBLIC_URL": "http://127.0.0.1",
            "EVIDENCE_DIR": str(folder / "evidence"),
        }
    )


def villages() -> list[dict]:
    from villagetracker.regions.loader import official_rows

    return [row for row in official_rows() if row["level"] == "village"]


def make_history(count: int, csv_path: Path, xlsx_path: Path) -> None:
    """``count`` reports under an exported history's columns, as CSV and XLSX."""
    import dataset
    from flask_babel import force_locale

    from villagetracker.rules import village_title
    from villagetracker.spreadsheets import formats

    places = villages()
    rng = random.Random(2026)

    def rows():
        for number in range(count):
            place = places[number % len(places)]
            potential = rng.randint(300, 6000)
            active = rng.randint(0, potential)
            bpu, pu, jakon, self_paid, apbd, apbdes, csr = dataset.parts_of(active)
            values = {
                "code": place["code"],
                "village": village_title(place["code"], place["name"]),
                "as_of": date(2024, 1, 31) + timedelta(days=30 * (number // 40_000)),
                "active_participants": active,
                **dict(bpu=bpu, pu=pu, jakon=jakon, pmi=0, self_paid=self_paid),
                **dict(apbd_province=0, apbd_regency=apbd, apbdes=apbdes, csr=csr),
                **dict(other=0, apbd=None, csr_other=None),
                **dict(perangkat_total=12, perangkat_active=rng.randint(0, 12)),
                **dict(bpd_total=9, bpd_active=rng.randint(0, 9)),
                **dict(rtrw_total=24, rtrw_active=rng.randint(0, 24)),
                "worker_potential": potential,
                "coverage": Decimal(active * 1000 // potential).scaleb(-1),
                "notes": "" if number % 7 else "Data dari kantor desa, sudah dicek",
            }
            yield tuple(values[column.key] for column in formats.REPORT_COLUMNS)

    application = app()
    with application.test_request_context(), force_locale("id"):
        header = formats.headers(formats.REPORT_COLUMNS)
        response = formats.csv_response("history", header, rows())
        with csv_path.open("w", encoding="utf-8", newline="") as out:
            for chunk in response.response:
                out.write(chunk)
        formats.write_xlsx(xlsx_path, "Laporan", header, rows())


def village_rows():
    """The villages export's rows for every village of the official list."""
    from villagetracker.i18n import STATUS_LABELS
    from villagetracker.regions.loader import official_rows
    from villagetracker.rules import village_title

    names = {row["code"]: row["name"] for row in official_rows()}
    places = villages()
    statuses = [str(label) for label in STATUS_LABELS.values()]
    rng = random.Random(2026)

    def rows():
        for place in places:
            code = place["code"]
            potential = rng.randint(300, 6000)
            active = rng.randint(0, potential)
            yield (
                code,
                village_title(code, place["name"]),
                names[code[:8]],
                names[code[:5]],
                names[code[:2]],
                potential,
                active,
                Decimal(active * 1000 // potential).scaleb(-1),
                rng.choice(statuses),
                None if rng.random() < 0.05 else date(2026, 10, 1),
            )

    return rows


def check_villages(path: Path) -> None:
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    if sheet.height != VILLAGES + 1:
        raise RuntimeError(f"{path.name}: {sheet.height} rows, not {VILLAGES + 1}")


# --- The measurements, each in a fresh process ---


def status(key: str) -> float:
    """VmRSS or VmHWM of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def cpu_seconds() -> float:
    import resource

    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def start_measuring() -> tuple[float, float, float]:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM from now on
    return cpu_seconds(), time.perf_counter(), status("VmRSS")


def measured(started: tuple[float, float, float]) -> dict:
    cpu, wall, resident = started
    return {
        "cpu_seconds": round(cpu_seconds() - cpu, 2),
        "seconds": round(time.perf_counter() - wall, 2),
        "peak_growth_mb": round(status("VmHWM") - resident, 1),
    }


def measure_read(path: Path, code: str) -> dict:
    if code:
        sys.path.insert(0, code)
    else:
        sys.path.insert(0, str(ROOT))
    from villagetracker.spreadsheets import limits, reading

    bounds = limits.ReadingLimits(rows=100_000)
    if code:  # the old reader's limits, opened for 100,000 rows of 25 columns
        from villagetracker.spreadsheets import workbook

        reading.MAX_TEXT_CHARACTERS = 10**9
        workbook.XLSX_ELEMENTS_PER_ROW = 100
        bounds = limits.ReadingLimits(rows=100_000, part_bytes=1 << 30)
    peaks = []

    class Peak(logging.Handler):
        def emit(self, record):
            peaks.append(record.args[0])

    reader_log = logging.getLogger("villagetracker.spreadsheets.workbook")
    reader_log.setLevel(logging.DEBUG)
    reader_log.addHandler(Peak())
    content = path.read_bytes()
    started = start_measuring()
    rows = sum(1 for _ in reading.read_rows(path.name, content, bounds))
    found = {"read_rows": rows, **measured(started)}
    if peaks:
        found["reader_peak_mb"] = round(peaks[-1], 1)
    return found


def measure_write(writer: str, path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from flask_babel import force_locale

    from villagetracker.spreadsheets import formats

    application = app()
    rows = village_rows()
    with application.test_request_context(), force_locale("id"):
        header = formats.headers(formats.VILLAGE_COLUMNS)
        started = start_measuring()
        WRITE[writer](path, header, rows())
        return measured(started)


def write_openpyxl(path: Path, header: list[str], rows) -> None:
    """As formats.xlsx_response wrote before: openpyxl's write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from villagetracker.spreadsheets.formats import _cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Desa")
    bold = Font(bold=True)
    cells = []
    for text in header:
        cells.append(WriteOnlyCell(sheet, value=text))
        cells[-1].font = bold
    sheet.append(cells)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    workbook.save(path)


def write_xlsxwriter(path: Path, header: list[str], rows) -> None:
    """xlsxwriter's constant-memory mode, with what the app asks of a writer."""
    import xlsxwriter

    from villagetracker.spreadsheets.formats import DATE_FORMAT, _xlsx_value

    options = {"constant_memory": True, "default_date_format": DATE_FORMAT}
    workbook = xlsxwriter.Workbook(str(path), {**options, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Desa")
    sheet.write_row(0, 0, header, workbook.add_format({"bold": True}))
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, [_xlsx_value(value) for value in row])
    workbook.close()


def write_rustpy(path: Path, header: list[str], rows) -> None:
    from villagetracker.spreadsheets import formats

    formats.write_xlsx(path, "Desa", header, rows)


WRITE = {
    "openpyxl": write_openpyxl,
    "xlsxwriter": write_xlsxwriter,
    "rustpy-xlsxwriter": write_rustpy,
}


# --- The section of bench/RESULTS.md ---


def write_section() -> None:
    """Put the section in bench/RESULTS.md before the hostile files' (which
    bench/hostile.py keeps last), replacing an earlier one."""
    import report

    now = json.loads(RESULTS.read_text())
    before = json.loads(BEFORE.read_text()) if BEFORE.exists() else None
    section = report.spreadsheet_formats(now, before, app_writer=APP_WRITER)
    report.put_section(ROOT / "bench" / "RESULTS.md", section)


if __name__ == "__main__":
    main()
