"""Officers writing to one village at the same moment: work that does not conflict is
all saved; what does conflict is refused with the reason next to the field."""

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.helpers import CSRF_FIELD
from tests.helpers.review import KRESEK
from tests.helpers.servers import http_session, post_at_once
from tests.helpers.villages import report_form
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, Report, Role
from villagetracker.villages import service as village_service
from villagetracker.villages import validation

OFFICERS = 20


def report_form_of(send, code):
    """The report form as an officer's browser has it, with its CSRF token."""
    _status, page = send(f"/villages/{code}/reports/new")
    return CSRF_FIELD.search(page).group(1)


def test_twenty_reports_for_different_dates_of_one_village_at_once_are_all_saved(
    live_server, make_user, register
):
    register(KRESEK)
    sessions = [
        http_session(live_server, make_user(Role.OFFICER, region="36.03").username)
        for _ in range(OFFICERS)
    ]
    first = date(2019, 9, 1)
    requests = []
    for number, send in enumerate(sessions):
        form = report_form(4000 + number, as_of=str(first + timedelta(days=number)))
        form["csrf_token"] = report_form_of(send, KRESEK)
        requests.append((send, f"/villages/{KRESEK}/reports/new", form))

    statuses = post_at_once(requests)

    db.session.expire_all()
    assert statuses == [302] * OFFICERS
    assert db.session.scalar(select(func.count()).select_from(Report)) == OFFICERS
    creations = select(func.count()).where(AuditEvent.action == "report.create")
    assert db.session.scalar(creations) == OFFICERS
    latest = db.session.scalars(select(Report).order_by(Report.as_of.desc())).first()
    village = latest.village
    assert village.latest_report_date == first + timedelta(days=OFFICERS - 1)
    assert village.active_participants == latest.active_participants == 4019


def test_two_reports_for_the_same_date_at_once_save_one_and_name_the_date(
    live_server, make_user, register
):
    register(KRESEK)
    sessions = [
        http_session(live_server, make_user(Role.OFFICER, region="36.03").username)
        for _ in range(2)
    ]
    requests = []
    for send in sessions:
        form = report_form(4000, as_of="2019-09-01")
        form["csrf_token"] = report_form_of(send, KRESEK)
        requests.append((send, f"/villages/{KRESEK}/reports/new", form))

    statuses = post_at_once(requests)

    db.session.expire_all()
    assert sorted(statuses) == [302, 400]
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_a_report_refused_under_the_lock_keeps_nothing(app, register, log):
    """The form checked an empty day, but a report for it was saved meanwhile: the
    service checks again under the village's lock and refuses, writing nothing."""
    village = register(KRESEK)
    log(village, 4000, as_of=date(2019, 9, 1))
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    values = validation.ReportInput(
        as_of=date(2019, 9, 1),
        active_participants=4100,
        bpu=4100,
        pu=0,
        jakon=0,
        pmi=0,
        self_paid=4100,
        apbd_province=0,
        apbd_regency=0,
        apbdes=0,
        csr=0,
        other=0,
    )
    try:
        village_service.log_report(village.registered_by, village, values, None)
        db.session.commit()
    except village_service.Refused as refused:
        assert set(refused.problems) == {"as_of"}
    else:
        raise AssertionError("a second report for the same day was accepted")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
