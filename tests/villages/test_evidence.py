"""Evidence files live exactly as long as the report that names them: a save that
fails leaves no file behind, and the files a killed process left are found."""

import io
import os
import time

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.helpers.villages import report_values as values
from villagetracker.extensions import db
from villagetracker.models import Report
from villagetracker.villages import evidence
from villagetracker.villages import service as village_service

KRESEK = "36.03.06.2018"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def stored_upload(app):
    """An uploaded PDF, stored as the report form stores it."""
    with app.test_request_context():
        return evidence.store(FileStorage(io.BytesIO(PDF), "daftar.pdf"))


def files(app) -> set[str]:
    return {path.name for path in evidence.folder().iterdir()}


@pytest.fixture
def kresek(register):
    return register(KRESEK)


def test_evidence_of_a_committed_report_is_kept(app, kresek):
    stored = stored_upload(app)
    village_service.log_report(kresek.registered_by, kresek, values(4200), stored)
    db.session.commit()
    assert files(app) == {stored.file}
    assert db.session.scalar(select(Report.evidence_file)) == stored.file


def test_evidence_of_a_report_the_rules_refuse_under_the_lock_is_removed(
    app, kresek, log
):
    log(kresek, 4000)  # saved meanwhile, after the form's own check passed
    stored = stored_upload(app)
    assert files(app) == {stored.file}
    with pytest.raises(village_service.Refused):
        village_service.log_report(kresek.registered_by, kresek, values(4200), stored)
    db.session.rollback()
    assert files(app) == set()


def test_evidence_of_a_failed_transaction_is_removed(app, kresek):
    stored = stored_upload(app)
    change = village_service.ReportChange(kresek, values(4200), None, 4615, stored)
    village_service.save_reports(kresek.registered_by, [change])
    db.session.rollback()  # e.g. the database refused the commit
    assert files(app) == set()


def test_a_closed_session_removes_evidence_it_never_committed(app, kresek):
    stored_upload(app)
    db.session.remove()  # the end of a request that raised before committing
    assert files(app) == set()


def test_files_no_report_names_are_found_after_the_grace_time(app, kresek):
    kept = stored_upload(app)
    village_service.log_report(kresek.registered_by, kresek, values(4200), kept)
    db.session.commit()
    # What a process killed between writing the file and committing leaves behind.
    orphan = evidence.folder() / "0123456789abcdef0123456789abcdef"
    orphan.write_bytes(PDF)
    assert list(evidence.unreferenced()) == []  # young: may be a save in progress
    hour_ago = time.time() - evidence.GRACE_SECONDS - 1
    os.utime(orphan, (hour_ago, hour_ago))
    os.utime(evidence.path_of(kept.file), (hour_ago, hour_ago))
    assert list(evidence.unreferenced()) == [orphan]


def test_evidence_check_lists_and_removes_files_no_report_names(app, kresek):
    kept = stored_upload(app)
    village_service.log_report(kresek.registered_by, kresek, values(4200), kept)
    db.session.commit()
    orphan = evidence.folder() / "0123456789abcdef0123456789abcdef"
    orphan.write_bytes(PDF)
    hour_ago = time.time() - evidence.GRACE_SECONDS - 1
    for path in (orphan, evidence.path_of(kept.file)):
        os.utime(path, (hour_ago, hour_ago))
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["evidence", "check"])
    assert listed.exit_code == 0, listed.output
    assert f"unreferenced: {orphan}" in listed.output and kept.file not in listed.output
    assert orphan.exists()

    removed = runner.invoke(args=["evidence", "check", "--remove"])
    assert f"removed: {orphan}" in removed.output
    assert files(app) == {kept.file}


def test_evidence_a_correction_replaced_stays_with_the_audit_trail(app, kresek):
    first = stored_upload(app)
    report = village_service.log_report(
        kresek.registered_by, kresek, values(4200), first
    )
    db.session.commit()
    second = stored_upload(app)
    village_service.correct_report(kresek.registered_by, report, values(4300), second)
    db.session.commit()
    hour_ago = time.time() - evidence.GRACE_SECONDS - 1
    for stored in (first, second):
        os.utime(evidence.path_of(stored.file), (hour_ago, hour_ago))
    assert list(evidence.unreferenced()) == []  # the first is the correction's "before"
