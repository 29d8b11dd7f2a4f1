"""A file goes through its check and its confirmation a block of rows at a time
(``imports.BLOCK``, 2,000), so that a country's file is never held whole. Here a
block is 2 rows: what spans blocks must come out as it does in one."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers.jobs import kept_and_checked
from tests.spreadsheets import test_import_conflicts as conflicts
from tests.spreadsheets.test_import_conflicts import (
    CISOKA,
    KRESEK,
    active_on,
    confirm,
    line,
    previewed,
    someone_logs,
    to_csv,
)
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, ImportRow, PendingImport, Village
from villagetracker.spreadsheets import imports

officer = conflicts.officer  # an officer of 36.03, Cisoka and Kresek registered


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(imports, "BLOCK", 2)


def kept(token: str) -> PendingImport:
    return db.session.scalar(select(PendingImport).where(PendingImport.token == token))


def test_a_village_and_date_twice_in_different_blocks_is_a_problem(officer):
    token = previewed(
        officer,
        [
            line(CISOKA, "2025-09-30", 900),
            line(KRESEK, "2025-09-30", 800),
            line(CISOKA, "2025-08-31", 850),
            line(CISOKA, "2025-09-30", 910),  # row 5, in the second block
        ],
    )
    page = officer.get(f"/imports/{token}").get_data(as_text=True)
    assert "Row 2 has the same village and date." in page
    counts = kept(token).summary["counts"]
    assert counts == {"problems": 1, "additions": 3, "corrections": 0}


def audited(action: str) -> int:
    query = select(func.count()).where(AuditEvent.action == action)
    return db.session.scalar(query)


def test_every_block_is_written_with_its_audit_records(officer):
    rows = [line(CISOKA, f"2025-0{month}-01", 500 + month) for month in range(1, 8)]
    rows.append(line(KRESEK, "2025-09-30", 800))
    token = previewed(officer, rows)
    assert set(kept(token).summary["revisions"]) == {CISOKA, KRESEK}
    created, imported = audited("report.create"), audited("reports.import")

    location, page = confirm(officer, token)

    assert location.startswith("/villages/"), page
    assert "8 reports added" in page
    written = [active_on(CISOKA, date(2025, month, 1)) for month in range(1, 8)]
    assert written == [501, 502, 503, 504, 505, 506, 507]
    assert active_on(KRESEK, date(2025, 9, 30)) == 800
    assert audited("report.create") - created == 8
    assert audited("reports.import") - imported == 1
    # The village follows its latest report, whichever block wrote it.
    assert db.session.get(Village, CISOKA).latest_report_date == date(2025, 7, 1)


def test_a_village_moved_since_the_check_is_checked_again_across_blocks(officer):
    rows = [line(CISOKA, f"2025-0{month}-15", 600 + month) for month in range(1, 6)]
    rows += [line(KRESEK, "2025-09-30", 800), line(KRESEK, "2025-08-31", 700)]
    token = previewed(officer, rows)
    someone_logs(CISOKA, 400, date(2025, 9, 1))  # another date: no conflict

    location, page = confirm(officer, token)

    assert location.startswith("/villages/"), page
    assert active_on(CISOKA, date(2025, 5, 15)) == 605
    assert active_on(KRESEK, date(2025, 8, 31)) == 700
    assert active_on(CISOKA, date(2025, 9, 1)) == 400


def test_a_limit_passed_after_some_blocks_keeps_none_of_them(app, officer):
    app.config["IMPORT_MAX_ROWS"] = 5
    rows = [line(CISOKA, f"2025-0{month}-01", 500) for month in range(1, 8)]
    pending = kept_and_checked(officer.user, "laporan.csv", to_csv(rows))

    assert "5" in pending.summary["file_problem"]
    kept_rows = select(func.count()).where(ImportRow.pending_id == pending.id)
    assert db.session.scalar(kept_rows) == 0


def test_the_check_knows_about_how_many_rows_a_file_holds_before_reading_it():
    """For its progress bar: a CSV's lines, an XLSX's declared extent."""
    import io

    import openpyxl

    from villagetracker.spreadsheets.reading import rows_about

    assert rows_about("a.csv", b"code,as_of\n1,2\n3,4\n") == 2
    assert rows_about("a.csv", b"code,as_of\r\n1,2\r\n3,4") == 2
    workbook = openpyxl.Workbook()
    for number in range(301):
        workbook.active.append([number, "2025-09-30"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert rows_about("a.xlsx", buffer.getvalue()) == 300
    assert rows_about("a.xlsx", b"PK\x05\x06" + b"\0" * 18) is None  # an empty zip
