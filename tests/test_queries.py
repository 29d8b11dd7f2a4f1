"""No page runs a query per village (N+1): the SQL statements of each main page are
counted with 10 villages in scope and again with 200, and must be as many."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from tests.helpers import CSRF_FIELD
from tests.helpers.villages import report_form
from villagetracker.extensions import db
from villagetracker.models import Designation, Region, Role
from villagetracker.review import service as review_service

PAGES = {
    "home": ("officer", "/"),
    "villages list": ("officer", "/villages/"),
    "villages list, filtered": (
        "officer",
        "/villages/?area=36.03.01&band=at_threshold&sort=coverage",
    ),
    "close to the threshold": ("officer", "/villages/close"),
    "village page": ("officer", "/villages/{village}"),
    "report form": ("officer", "/villages/{village}/reports/new"),
    "villages export": ("officer", "/villages/export.csv"),
    "report history export": ("officer", "/villages/reports.csv"),
    "review queue": ("reviewer", "/review/"),
    "designated villages": ("reviewer", "/review/?list=designated"),
    "returned villages": ("reviewer", "/review/?list=returned"),
    "batch of certificates": (
        "reviewer",
        "/review/certificates?start={month_ago}&end={today}",
    ),
    "regency dashboard": ("reviewer", "/dashboard/36.03"),
    "kecamatan dashboard": ("reviewer", "/dashboard/36.03.01"),
    "national dashboard": ("admin", "/dashboard/"),
    "province dashboard": ("admin", "/dashboard/36"),
    "verification": ("public", "/verify/{token}"),
}


@pytest.fixture
def programme(app, register, log, make_user):
    """grow(n): n villages of Kab. Tangerang in the programme, each with a report; a
    third of them qualify, and of those the labour office has designated some and
    returned one."""
    reviewer = make_user(Role.REVIEWER, region="36.03")
    codes = db.session.scalars(
        select(Region.code)
        .where(Region.level == "village", Region.code.like("36.03.%"))
        .order_by(Region.code)
    ).all()
    made = []

    def grow(count):
        while len(made) < count:
            index = len(made)
            village = register(codes[index], potential=1000)
            log(village, 950 if index % 3 == 0 else 400 + index, as_of=date(2026, 1, 5))
            if index % 9 == 0:
                review_service.approve(
                    reviewer,
                    village,
                    str(village.revision),
                    review_service.Signatory("Dinas", "Nama", "Jabatan"),
                )
                db.session.commit()
            elif index == 3:
                review_service.return_village(
                    reviewer, village, str(village.revision), "Periksa lagi."
                )
                db.session.commit()
            made.append(village.code)
        return made

    return grow


def statements_of(app, sessions, pages, day: str) -> dict[str, int]:
    """The SQL statements one request of each page runs (and the report form sent
    with a report of ``day``)."""
    seen = []

    def count(*_args):
        seen.append(1)

    counts = {}
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for name, (role, path) in pages.items():
            seen.clear()
            response = sessions[role].get(path)
            assert response.status_code == 200, (name, response.status_code)
            counts[name] = len(seen)
        officer = sessions["officer"]
        form_page = officer.get(pages["report form"][1]).get_data(as_text=True)
        seen.clear()
        response = officer.post(
            pages["report form"][1],
            data={
                "csrf_token": CSRF_FIELD.search(form_page).group(1),
                **report_form(950, as_of=day),
            },
        )
        assert response.status_code == 302
        counts["report form, sent"] = len(seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return counts


def test_no_page_runs_more_statements_for_more_villages(app, login, programme):
    sessions = {
        "officer": login(Role.OFFICER, region="36.03")[0].client,
        "reviewer": login(Role.REVIEWER, region="36.03")[0].client,
        "admin": login(Role.ADMIN)[0].client,
        "public": app.test_client(),
    }

    today = date.today()
    days = {"today": today, "month_ago": today - timedelta(days=30)}

    def measure(villages, day):
        # The first village, designated: its page shows the most.
        village = programme(villages)[0]
        token = db.session.scalar(select(Designation.token).limit(1))
        pages = {
            name: (role, path.format(village=village, token=token, **days))
            for name, (role, path) in PAGES.items()
        }
        return statements_of(app, sessions, pages, day)

    few = measure(10, "2026-02-02")
    many = measure(200, "2026-02-03")
    assert len(few) == len(PAGES) + 1
    assert many == few
