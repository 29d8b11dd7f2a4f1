"""bench/RESULTS.md from the results of each database (bench/results/*.json)."""

import json
from pathlib import Path

DATABASES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# The targets of issue 6, on SQLite on this machine.
REGENCY_SHARE_OF_CEILING = 0.25
REGENCY_P99_MS = 50
NATIONAL_P99_MS = 200
# Issue 15: web workers stay small, the job worker holds the large work; 10,000 rows
# imported in under 3 s of CPU; the country's villages as XLSX in under 2 s.
WORKER_MB = 130
JOB_WORKER_MB = 250
IMPORT_SECONDS = 3
EXPORT_SECONDS = 2


def render(folder: Path, out: Path) -> None:
    runs = {
        name: json.loads((folder / f"{name}.json").read_text())
        for name in DATABASES
        if (folder / f"{name}.json").exists()
    }
    lines = [
        "# Benchmark results",
        "",
        "Made by `make bench` (bench/run.py); do not edit by hand. Each column is one "
        "run of the national dataset: every one of the 83,762 villages registered, 24 "
        "monthly reports each, an account per role for every regency/city. The app is "
        "served by gunicorn (2 sync workers) on 127.0.0.1 and loaded by wrk (1 thread, "
        "the stated connections) for the stated seconds per page, after a one-second "
        "warm-up. "
        "Regency-level pages are those of Kabupaten Aceh Utara (11.08), the regency "
        "with the most villages (852).",
        "",
    ]
    for name, run in runs.items():
        machine = run["machine"]
        lines.append(
            f"- **{DATABASES[name]}**: {run['date']}, {machine['database']}; "
            f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB; "
            f"{machine['system']}, Python {machine['python']}, {machine['gunicorn']}, "
            f"{machine['wrk']}; {run['connections']} connections, {run['seconds']} s "
            f"per page, seed {run['seed']}."
        )
    lines += ["", "## Pages", ""]
    header = "| page | role |"
    rule = "|---|---|"
    for name in runs:
        label = DATABASES[name]
        header += f" {label} req/s | p50 ms | p99 ms | of ceiling | SQL |"
        rule += "---:|---:|---:|---:|---:|"
    lines += [header, rule]
    first = next(iter(runs.values()), None)
    rows = [{"name": "hello (the ceiling)", "role": "public"}] + (
        first["pages"] if first else []
    )
    for row in rows:
        line = f"| {row['name']} | {row['role']} |"
        for run in runs.values():
            found = _page(run, row["name"])
            statements = run["statements"].get(row["name"], "")
            line += (
                f" {found['rps']:,.0f} | {found['p50_ms']:.1f} | {found['p99_ms']:.1f}"
                f" | {found.get('ratio', 1):.0%} | {statements} |"
            )
        lines.append(line)
    lines += [
        "",
        "SQL: the statements one request of the page runs (counted through the test "
        "client, logged in as the role). *report form, sent* writes a new report for "
        "the regency's villages in turn, each on a day that has none.",
        "",
        "## Targets",
        "",
    ]
    for name, run in runs.items():
        lines.append(f"**{DATABASES[name]}**")
        lines.append("")
        lines += [f"- {verdict}" for verdict in verdicts(run)]
        lines.append("")
    lines += ["## Times", ""]
    header, rule = "| what |", "|---|"
    for name in runs:
        header += f" {DATABASES[name]} |"
        rule += "---:|"
    lines += [header, rule]
    labels = list(first["times"]) if first else []
    for label in labels:
        unit = "MB" if label.endswith(" MB") else "s"
        line = f"| {label.removesuffix(' MB')} ({unit}) |"
        for run in runs.values():
            value = run["times"].get(label)
            line += f" {value:,} |" if value is not None else " |"
        lines.append(line)
    lines += ["", "## Dataset", ""]
    header, rule = "| rows |", "|---|"
    for name in runs:
        header += f" {DATABASES[name]} |"
        rule += "---:|"
    lines += [header, rule]
    for key in first["dataset"] if first else []:
        line = f"| {key.replace('_', ' ')} |"
        for run in runs.values():
            line += f" {run['dataset'][key]:,} |"
        lines.append(line)
    out.write_text("\n".join(lines) + "\n")


def _page(run: dict, name: str) -> dict:
    if name.startswith("hello"):
        return run["ceiling"]
    return next(page for page in run["pages"] if page["name"] == name)


def verdicts(run: dict) -> list[str]:
    """Each target, met or missed, with the figures."""
    said = []
    for page in run["pages"]:
        if page["regency_level"]:
            ok = (
                page["ratio"] >= REGENCY_SHARE_OF_CEILING
                and page["p99_ms"] < REGENCY_P99_MS
            )
            said.append(
                f"{'met' if ok else 'MISSED'}: {page['name']}: {page['ratio']:.0%} of "
                f"the ceiling (target ≥ {REGENCY_SHARE_OF_CEILING:.0%}), p99 "
                f"{page['p99_ms']:.1f} ms (target < {REGENCY_P99_MS} ms)"
            )
        elif page["name"] == "national dashboard":
            ok = page["p99_ms"] < NATIONAL_P99_MS
            said.append(
                f"{'met' if ok else 'MISSED'}: national dashboard: p99 "
                f"{page['p99_ms']:.1f} ms (target < {NATIONAL_P99_MS} ms)"
            )
    for label, key in (
        ("during the page loads", "memory_after_pages_mb"),
        ("after the exports, the import and the batch PDF", "memory_mb"),
    ):
        peak = run[key]
        said.append(
            f"{'met' if peak < WORKER_MB else 'MISSED'}: a web worker's peak memory "
            f"{label}: {peak} MB (target < {WORKER_MB} MB)"
        )
    return said + job_verdicts(run)


def job_verdicts(run: dict) -> list[str]:
    """The job worker's targets: its memory, the import's CPU. (The export's target
    is the CPU it takes, in the spreadsheet formats' section.)"""
    times = run["times"]
    peak = run.get("job_worker_memory_mb")
    if peak is None:  # a run from before the job worker
        return []
    cpu = sum(
        value
        for label, value in times.items()
        if label.startswith("import") and label.endswith(": job CPU")
    )
    return [
        f"{'met' if peak < JOB_WORKER_MB else 'MISSED'}: the job worker's peak memory "
        f"(its jobs' processes included): {peak} MB (target < {JOB_WORKER_MB} MB)",
        f"{'met' if cpu < IMPORT_SECONDS else 'MISSED'}: 10,000 rows checked and "
        f"written: {cpu:.2f} s of the job worker's CPU (target < {IMPORT_SECONDS} s)",
    ]


LAST_SECTION = "## Hostile files"  # bench/hostile.py keeps its section last


def put_section(path: Path, section: str) -> None:
    """Put ``section`` (its "## " heading, then its text) in ``path``: where the
    section of that heading is, or else just before the hostile files' (or at the
    end). The other scripts' sections stay as they are."""
    heading = section.split("\n", 1)[0]
    text = path.read_text() if path.exists() else ""
    if "\n" + heading + "\n" in "\n" + text:
        head, _, rest = ("\n" + text).partition("\n" + heading + "\n")
        _, after, tail = rest.partition("\n## ")
        text = head.lstrip("\n").rstrip("\n") + "\n\n" + section
        if after or tail:
            text += "\n## " + tail
    else:
        head, found, tail = text.partition("\n" + LAST_SECTION)
        text = head.rstrip("\n") + "\n\n" + section
        if found:
            text += "\n" + LAST_SECTION + tail
    path.write_text(text)


def spreadsheet_formats(now: dict, before: dict | None, app_writer: str) -> str:
    """The section of bench/spreadsheet_formats.py's results: the reads (beside an
    older checkout's, ``before``), the writers, and the export's target."""
    earlier = {
        (row["format"], row["rows"]): row for row in (before or {}).get("reads", [])
    }
    lines = [
        "## Spreadsheet formats",
        "",
        f"Made by `bench/spreadsheet_formats.py` on {now['date']} ({now['machine']}), "
        f"each figure in a fresh process, the run of least CPU of {now['runs']} "
        f"(load average {now['load_before']} before, {now['load_after']} after, on "
        f"{now['cores']} cores: more than 1 means other work shared the machine and "
        "slowed the figures). "
        "*Reading*: a report history (the 25 columns "
        "of an exported one, villages of the official list, a note on one row in "
        "seven) as the app exports it, CSV in Indonesian and XLSX, read as an import "
        "reads it (the rows counted and let go). *CPU s* counts the XLSX reader "
        "process too; *+MB* is the growth of the reading process's peak resident "
        "memory; *reader MB* the XLSX reader process's own peak, gone when it ends.",
    ]
    head = "| file | rows | MB | CPU s | +MB | reader MB |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if before:
        lines += ["", f"*Before*: the same files read by {before['code']}."]
        head = (
            "| file | rows | MB | before: CPU s | +MB | now: CPU s | +MB | reader MB |"
        )
        rule = "|---|---:|---:|---:|---:|---:|---:|---:|"
    lines += ["", head, rule]
    for row in now["reads"]:
        cells = [row["format"].upper(), f"{row['rows']:,}", f"{row['file_mb']}"]
        if before:
            old = earlier.get((row["format"], row["rows"]))
            cells += (
                [f"{old['cpu_seconds']}", f"{old['peak_growth_mb']}"]
                if old
                else ["", ""]
            )
        cells += [
            f"{row['cpu_seconds']}",
            f"{row['peak_growth_mb']}",
            f"{row.get('reader_peak_mb', '')}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"*Writing*: the country's {now['villages']:,} villages as XLSX under the "
        "villages export's columns, by each writer; *+MB* as above.",
        "",
        "| writer | CPU s | s | +MB | MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in now["writes"]:
        name = row["writer"] + (" (the app's)" if row["writer"] == app_writer else "")
        lines.append(
            f"| {name} | {row['cpu_seconds']} | {row['seconds']} | "
            f"{row['peak_growth_mb']} | {row['file_mb']} |"
        )
    chosen = next((row for row in now["writes"] if row["writer"] == app_writer), None)
    if chosen:  # CPU time: the wall time also counts what else ran meanwhile
        cpu = chosen["cpu_seconds"]
        verdict = "met" if cpu < EXPORT_SECONDS else "MISSED"
        lines += [
            "",
            f"- {verdict}: the country's villages written as XLSX in {cpu} s of CPU "
            f"(target < {EXPORT_SECONDS} s).",
        ]
    lines += ["", FORMATS_NOTES]
    return "\n".join(lines) + "\n"


FORMATS_NOTES = (
    "rustpy-xlsxwriter is the app's writer: it writes the rows as they come, in "
    "constant memory like the other two, and it is the only one under the 2 s the "
    "issue asks for, by a factor of six or more (xlsxwriter's constant-memory mode "
    "is pure Python too: it saves openpyxl's objects per cell, not the "
    "interpreter's time per cell). What it costs: a younger package with one "
    "maintainer and a compiled wheel, whole numbers written as 700.0 (Excel shows "
    "700; openpyxl reads a float), and a record per row given as a dictionary by "
    "heading. Reading an XLSX takes calamine a fifth (10,000 rows) to a third "
    "(100,000 rows) of the CPU our streaming XML parser took, all costs in: the zip "
    "inflated once in the worker to count what each file really holds, the reader "
    "process started (0.05 s), every cell turned into text and sent to the worker. "
    "calamine holds the whole sheet at once (about 210 MB for 100,000 rows of 25 "
    "columns), but in its own process, which ends when the sheet is read: the "
    "worker grows by the rows it keeps, not by calamine's memory. CSV is read as "
    "before."
)


DATABASE_OF = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def job_import(found: dict, targets: dict, worker_mb: int) -> str:
    """The section of bench/job_import.py's results: each database's, this
    checkout's beside an older one's (``-before``), against the targets."""
    first = next(iter(found.values()))
    months = {run["months"] for run in found.values()}
    fixture = (
        f"{first['months']} monthly reports each (the national dataset)"
        if months == {24}
        else f"{', '.join(map(str, sorted(months)))} monthly reports each (a smaller "
        "fixture than the national dataset's 24)"
    )
    lines = [
        "## The import in the job worker",
        "",
        f"Made by `bench/job_import.py` on {first['date']}. Every "
        f"village of the country registered, {fixture}. An administrator uploads a "
        "CSV of reports through the app's test client, the real job worker (`flask "
        "jobs work`) checks it, the preview is opened, the import confirmed, the "
        "worker writes it: *10k*, 10,000 villages across the country; *country*, "
        "all 83,762, each a new month's report (the latest count plus 2% of the "
        "potential: some villages come to qualify). *CPU s*: user and system time of "
        "the process the worker runs the job in (the worker's children's times); "
        "*MB*: that process's peak resident memory, sampled every 10 ms; *s*: the "
        "job's time from the request to its end as its page sees it. The machine is "
        "shared: a load average above its cores means other work ran meanwhile and "
        "slowed the figures, CPU seconds included.",
        "",
    ]
    for run in found.values():
        load = run.get("load")
        lines.append(
            f"- {DATABASE_OF[run['database']]}, {run['code']}: {run['machine']}"
            + (f"; load average {load[0]} before, {load[1]} after" if load else "")
            + "."
        )
    lines += [
        "",
        "| database | code | rows | check CPU s | MB | s | confirm CPU s | MB | s "
        "| CPU s in all |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in found.values():
        for case in run["cases"].values():
            check, commit = case["check"], case["commit"]
            lines.append(
                f"| {DATABASE_OF[run['database']]} | {run['code']} | "
                f"{case['rows']:,} | {check['cpu_seconds']} | {check['peak_mb']} | "
                f"{check['seconds']} | {commit['cpu_seconds']} | {commit['peak_mb']} "
                f"| {commit['seconds']} | {case['cpu_seconds']} |"
            )
    lines.append("")
    for name, run in found.items():
        if name.endswith("-before"):
            continue
        for label, case in run["cases"].items():
            cpu, target = case["cpu_seconds"], targets[label]
            lines.append(
                f"- {'met' if cpu < target else 'MISSED'}: "
                f"{DATABASE_OF[run['database']]}, {case['rows']:,} rows checked and "
                f"imported in {cpu} s of the job worker's CPU (target < {target} s)."
            )
        peak = max(
            max(case["peak_mb"] for case in run["cases"].values()), run["worker_mb"]
        )
        lines.append(
            f"- {'met' if peak < worker_mb else 'MISSED'}: "
            f"{DATABASE_OF[run['database']]}, the job worker's peak memory "
            f"{peak} MB (target < {worker_mb} MB)."
        )
    lines += ["", JOB_IMPORT_NOTES]
    return "\n".join(lines) + "\n"


JOB_IMPORT_NOTES = (
    "How it goes (since 22 November): the check and the confirmation go through the "
    "file 2,000 rows at a time in the one transaction, reading plain rows (the "
    "villages, their potentials and reports, the kept rows) rather than ORM objects, "
    "so a country's file no longer takes the job's process to about 1 GB. Where "
    "the CPU goes (pyinstrument, 10,000 rows in process on SQLite): the check is "
    "the rows' validation (about half: the same functions as the report form, "
    "about 100 µs a row), the villages' facts (a fifth), the CSV read and the "
    "checked rows kept; the confirmation is the villages following their latest "
    "reports (two fifths: the latest reports read, every village judged by the "
    "rules and written with its revision checked), the reports inserted, their "
    "audit records, the kept rows read back, and the database's own commit. About "
    "a third of the confirmation is SQLite's own work on tables of two million "
    "reports; the rest is Python and SQLAlchemy's work per row, which is what "
    "still stands between these figures and the targets. On PostgreSQL two costs "
    "were found and removed on the way: the new reports' INSERT ... RETURNING, "
    "whose statements of a thousand rows psycopg parsed anew each time (5 of the "
    "confirmation's 8 CPU seconds for 10,000 rows), and the join that found each "
    "village's latest report by reading every report (13.5 of its 24 s). What "
    "remains there is psycopg's work per parameter, the check's lists of 500 "
    "codes included, which is why PostgreSQL takes more CPU than SQLite."
)
