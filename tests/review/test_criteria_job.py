"""A criteria change is a job: the request checks the form, the job worker sets the
criteria and judges again every village they govern in one transaction, saying how
many it has judged of how many; its page says how many villages changed status, in
the language of the one who asked, and leads back to the criteria."""

from sqlalchemy import func, select, update

from tests.helpers.jobs import job_token
from villagetracker import criteria, status
from villagetracker.extensions import db
from villagetracker.models import (
    AuditEvent,
    Job,
    ProgrammeSetting,
    Report,
    Role,
    Village,
)

KRESEK = "36.03.06.2018"  # 4,200 of 4,615: 91.0%
CISOKA = "36.03.06.2003"
KRONJO = "36.03.07.2001"
SERANG = "36.04.15.2001"  # another regency


def job_of(response) -> Job:
    db.session.expire_all()
    return db.session.scalar(select(Job).where(Job.token == job_token(response)))


def count_events(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_the_job_page_says_in_the_admins_language_how_many_villages_changed_status(
    login, register, log
):
    log(register(KRESEK), 4200)  # 91.0%
    log(register(CISOKA, potential=1000), 960)  # 96.0%
    admin, _ = login(Role.ADMIN)
    admin.post("/language", {"lang": "en"})
    response = admin.post("/admin/threshold", {"national-threshold": "95"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Setting the designation criteria" in page
    assert "Criteria saved; 1 village changed status." in page
    assert 'href="/admin/threshold"' in page and "Back to the criteria" in page
    job = job_of(response)
    assert (job.kind, job.state, job.params) == (
        "criteria.set",
        "done",
        {
            "criteria": {
                "threshold_tenths": 950,
                "official_roles": "",
                "quota": 0,
                "quota_payer": None,
            },
            "regency_code": None,
        },
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "criteria.set")
    )
    assert event.actor_id == job.user_id  # who asked, though the worker did it


def test_a_bad_threshold_is_refused_next_to_its_field_and_no_job_is_asked(login):
    admin, _ = login(Role.ADMIN)
    response = admin.post("/admin/threshold", {"national-threshold": "101"})
    assert response.status_code == 400
    assert 'id="national-threshold-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_judgement_that_fails_midway_keeps_nothing_not_even_the_setting(
    login, register, log, monkeypatch
):
    """Kresek is judged (and written) before the broken village fails the job: its
    transaction goes, the criteria as they were."""
    monkeypatch.setattr(status, "CHUNK", 1)  # a write after each village
    log(register(KRESEK), 4200)  # qualifying; not at 95%
    broken = register(KRONJO, potential=1000)
    log(broken, 960)
    # A row no service writes: a report measured against no worker potential.
    db.session.execute(
        update(Report)
        .where(Report.village_code == broken.code)
        .values(worker_potential=0)
    )
    db.session.commit()
    changes = count_events("village.status")
    admin, _ = login(Role.ADMIN)
    admin.post("/language", {"lang": "en"})
    response = admin.post("/admin/threshold", {"national-threshold": "95"})
    job = job_of(response)
    assert job.state == "failed" and "nothing of it was kept" in job.error
    assert db.session.get(Village, KRESEK).status == "qualifying"
    assert db.session.get(ProgrammeSetting, 1) is None
    assert criteria.programme_criteria().threshold_tenths == 900
    assert count_events("village.status") == changes
    assert count_events("criteria.set") == 0


def test_progress_counts_the_villages_judged_of_those_the_criteria_govern(
    login, register, log, monkeypatch
):
    monkeypatch.setattr(status, "CHUNK", 2)
    for code in (KRESEK, CISOKA, KRONJO):
        log(register(code, potential=1000), 950)
    register("36.03.07.2002")  # no report: nothing to judge
    log(register(SERANG, potential=1000), 950)
    said = []
    changed = status.set_criteria(
        {"threshold_tenths": 960},
        "36.03",
        lambda done, total: said.append((done, total)),
    )
    assert said == [(0, 3), (2, 3), (3, 3)]
    assert changed == 3
    db.session.commit()
    admin, _ = login(Role.ADMIN)
    response = admin.post("/admin/threshold", {"national-threshold": "80"})
    job = job_of(response)
    assert (job.state, job.done, job.total) == ("done", 4, 4)
    state = admin.get(f"/jobs/{job.token}.json").get_json()
    assert (state["done"], state["total"]) == (4, 4)
    assert state["next"] == "/admin/threshold" and not state["follow"]
    assert db.session.get(Village, SERANG).status == "qualifying"


def test_judging_again_writes_only_the_villages_it_changes_and_raises_their_revision(
    register, log
):
    log(register(KRESEK), 4200)  # 91.0%: falls at 95%
    log(register(CISOKA, potential=1000), 960)  # 96.0%: stays
    revisions = {
        code: db.session.get(Village, code).revision for code in (KRESEK, CISOKA)
    }
    kresek = db.session.get(Village, KRESEK)  # held by the session meanwhile
    qualified_at = kresek.status_changed_at
    assert status.set_criteria({"threshold_tenths": 950}, "36.03") == 1
    # The session's copy is the row as written, not a stale one.
    assert (kresek.status, kresek.revision) == ("registered", revisions[KRESEK] + 1)
    assert kresek.status_changed_at > qualified_at
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Village, KRESEK).revision == revisions[KRESEK] + 1
    assert db.session.get(Village, CISOKA).revision == revisions[CISOKA]
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "village.status")
        .order_by(AuditEvent.id.desc())
    )
    assert (event.entity_type, event.entity_id, event.before, event.after) == (
        "village",
        KRESEK,
        {"status": "qualifying"},
        {"status": "registered", "coverage_tenths": 910},
    )
