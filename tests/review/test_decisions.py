"""After approval: returning a village to its officers, the reports a designation
locks, reopening, revocation when a village falls below, and re-designation."""

import io
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.helpers.review import (
    KRESEK,
    YEAR,
    approve,
    designation,
    events,
    text,
    village,
)
from tests.helpers.villages import report_form
from villagetracker import rules
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, Designation, Report, WorkerPotential

# --- Returning a village to its officers ---


def test_a_returned_village_shows_the_reason_to_its_officers_until_a_new_report(
    reviewer, officer, qualifying
):
    qualifying()
    reason = "Bukti kepesertaan tidak terbaca; unggah ulang daftar peserta."
    response = reviewer.post(
        f"/villages/{KRESEK}/return",
        {"return-seen": str(village().revision), "return-reason": reason},
    )
    assert response.status_code == 302
    assert village().returned_reason == reason
    assert village().status == rules.Status.QUALIFYING
    assert reason in text(officer.get("/"))
    assert reason in text(officer.get(f"/villages/{KRESEK}"))
    assert KRESEK not in text(reviewer.get("/review/"))  # out of the queue
    assert KRESEK in text(reviewer.get("/review/?list=returned"))
    # A new report answers it.
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4250, as_of="2019-10-01")
    )
    assert village().returned_reason is None
    assert reason not in text(officer.get("/"))
    assert KRESEK in text(reviewer.get("/review/"))


def test_correcting_the_returned_report_or_adding_its_evidence_answers_the_return(
    reviewer, officer, qualifying
):
    qualifying()
    report = db.session.scalar(select(Report).where(Report.village_code == KRESEK))
    for answer in ("correction", "evidence"):
        reason = "Lampirkan daftar peserta."
        response = reviewer.post(
            f"/villages/{KRESEK}/return",
            {"return-seen": str(village().revision), "return-reason": reason},
        )
        assert response.status_code == 302
        assert KRESEK not in text(reviewer.get("/review/"))
        fields = {"notes": "Daftar peserta dilampirkan."}
        if answer == "correction":
            form = report_form(4250, **fields)
        else:
            fields["evidence"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "daftar.pdf")
            form = {**report_form(4200), **fields}
        url = f"/villages/{KRESEK}/reports/{report.id}/edit"
        response = officer.post(url, form, content_type="multipart/form-data")
        assert response.status_code == 302, text(response)
        db.session.expire_all()
        assert village().returned_reason is None
        assert KRESEK in text(reviewer.get("/review/"))
        answered = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "review.answered")
            .order_by(AuditEvent.id.desc())
        )
        assert answered.before == {"returned_reason": reason}
        assert answered.actor_id == officer.user.id


def test_returning_needs_a_reason(reviewer, qualifying):
    qualifying()
    response = reviewer.post(
        f"/villages/{KRESEK}/return",
        {"return-seen": str(village().revision), "return-reason": "  "},
    )
    assert response.status_code == 400
    assert "Isi alasannya." in text(response)
    assert village().returned_reason is None


# --- Reports behind a designation are locked ---


def test_the_reports_behind_a_designation_are_locked(officer, designated):
    report = db.session.scalar(select(Report).where(Report.village_code == KRESEK))
    edit = f"/villages/{KRESEK}/reports/{report.id}/edit"
    response = officer.get(edit)
    assert response.status_code == 302
    assert "terkunci" in text(officer.get(f"/villages/{KRESEK}"))
    response = officer.post(edit, report_form(4000))
    assert response.status_code == 302
    assert db.session.get(Report, report.id).active_participants == 4200
    # Nor can a report or a worker potential be slipped in behind it.
    response = officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4000, as_of="2019-08-01")
    )
    assert response.status_code == 400 and "terkunci" in text(response)
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {"worker_potential": "5000", "source": "p3ke", "potential_as_of": "2019-06-01"},
    )
    assert response.status_code == 400 and "terkunci" in text(response)
    # Reports after it are the monitoring that goes on.
    response = officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4300, as_of="2019-12-01")
    )
    assert response.status_code == 302


def test_reopening_unlocks_the_reports_and_a_new_approval_gives_a_new_number(
    reviewer, officer, designated
):
    response = reviewer.post(
        f"/villages/{KRESEK}/designations/{designated.id}/reopen",
        {"reopen-reason": "Salah ketik jumlah peserta BPU."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert designated.state == rules.REOPENED
    assert village().status == rules.Status.QUALIFYING
    report = db.session.scalar(select(Report).where(Report.village_code == KRESEK))
    response = officer.post(
        f"/villages/{KRESEK}/reports/{report.id}/edit", report_form(4210)
    )
    assert response.status_code == 302
    assert approve(reviewer).status_code == 302
    assert designation().number == f"002/DSJSK/36.03/{YEAR}"
    assert designation().active_participants == 4210
    [event] = events("designation.reopen")
    assert event.actor.id == reviewer.user.id
    assert event.before == {
        "state": "active",
        "status": "designated",
        "returned_reason": None,
    }
    assert event.after["end_reason"] == "Salah ketik jumlah peserta BPU."


# --- Revocation, at risk, re-designation ---


def test_a_designated_village_falling_below_is_listed_at_risk_with_revocation_suggested(
    reviewer, officer, designated
):
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(3900, as_of="2019-12-01")
    )
    assert village().status == rules.Status.AT_RISK
    page = text(reviewer.get("/review/?list=at_risk"))
    assert KRESEK in page and "Cabut?" in page
    assert "Penetapan berisiko" in text(officer.get(f"/villages/{KRESEK}"))


def test_revoking_needs_a_reason_and_the_certificate_then_verifies_as_revoked(
    client, reviewer, officer, designated
):
    url = f"/villages/{KRESEK}/designations/{designated.id}/revoke"
    assert reviewer.post(url, {"revoke-reason": ""}).status_code == 400
    assert designation().state == rules.ACTIVE
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(3900, as_of="2019-12-01")
    )
    assert (
        reviewer.post(url, {"revoke-reason": "Cakupan turun ke 84,5%."}).status_code
        == 302
    )
    db.session.expire_all()
    assert designated.state == rules.REVOKED
    assert village().status == rules.Status.REGISTERED  # 3,900 of 4,615 is below 90%
    page = text(client.get(f"/verify/{designated.token}"))
    assert "Dicabut" in page and "Cakupan turun ke 84,5%." in page
    assert ">Sah<" not in page
    # No more printing of it.
    certificate = f"/villages/{KRESEK}/designations/{designated.id}/certificate.pdf"
    response = reviewer.post(certificate)
    assert response.status_code == 302
    assert "tidak dapat dicetak" in text(reviewer.get(f"/villages/{KRESEK}"))
    [event] = events("designation.revoke")
    assert (event.before["state"], event.after["state"]) == ("active", "revoked")


def test_a_re_designation_gets_a_new_number_and_the_old_certificate_points_to_it(
    client, reviewer, officer, designated
):
    url = f"/villages/{KRESEK}/designations/{designated.id}/revoke"
    reviewer.post(url, {"revoke-reason": "Data peserta diperiksa ulang."})
    assert village().returned_reason == "Data peserta diperiksa ulang."
    officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(4300, as_of="2019-12-01")
    )
    assert approve(reviewer).status_code == 302
    new = designation()
    assert new.number == f"002/DSJSK/36.03/{YEAR}" and new.id != designated.id
    page = text(client.get(f"/verify/{designated.token}"))
    assert "Dicabut" in page and new.number in page
    assert ">Sah<" in text(client.get(f"/verify/{new.token}"))


def test_two_active_designations_of_one_village_are_refused_by_the_database(
    designated,
):
    copy = Designation(
        **{
            column.name: getattr(designated, column.name)
            for column in Designation.__table__.columns
            if column.name not in ("id", "number", "token", "sequence")
        },
        number="X",
        token="Y",
        sequence=99,
    )
    db.session.add(copy)
    with pytest.raises(IntegrityError, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


# --- What a second look at the review found ---


def test_a_potential_dated_after_a_locked_report_may_not_re_measure_it(
    officer, register, log, reviewer
):
    """A report dated before every worker potential (kept from before such reports
    were refused) is measured against the earliest one; a new potential that becomes
    the earliest would change a locked report."""
    kresek = register(KRESEK, potential=4615, as_of=date(2019, 9, 1))
    log(kresek, 4200, as_of=date(2019, 9, 1))
    potential = db.session.scalar(select(WorkerPotential))
    potential.as_of = date(2019, 12, 1)  # as old data may hold it
    db.session.commit()
    assert approve(reviewer).status_code == 302
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {"worker_potential": "9000", "source": "p3ke", "potential_as_of": "2019-10-01"},
    )
    assert response.status_code == 400 and "terkunci" in text(response)
    assert db.session.get(Report, designation().report_id).coverage_tenths == 910
    # One that governs only later reports is fine.
    response = officer.post(
        f"/villages/{KRESEK}/potential",
        {"worker_potential": "4700", "source": "p3ke", "potential_as_of": "2020-01-01"},
    )
    assert response.status_code == 302
