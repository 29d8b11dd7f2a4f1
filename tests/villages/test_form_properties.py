"""Generated form data thrown at the report and registration forms: whatever is sent,
the answer is a redirect or a form with errors (never a 500), and every row that does
get stored obeys the rules."""

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.helpers.villages import report_form
from villagetracker import rules
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import Report, Role, Village, WorkerPotential

KRESEK = "36.03.06.2018"
SETTINGS = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

numbers = st.one_of(
    st.integers(min_value=-5, max_value=12_000_000).map(str),
    st.integers(min_value=0, max_value=5000).map(lambda n: f"{n:,}".replace(",", ".")),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet=string.printable + "٣४", max_size=12),
    st.just(""),
)
days = st.one_of(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)).map(str),
    st.text(max_size=12),
    st.sampled_from(["2019-02-30", "2019-13-01", "0000-00-00", "19-09-01"]),
)


@pytest.fixture
def officer(login, register):
    # Its worker potential counts from the programme's first day, so that every date
    # the reports below may carry has one in force.
    register(KRESEK, potential=4615, as_of=date(2014, 1, 1))
    session, _ = login(Role.OFFICER, region="36.03")
    return session


def assert_reports_obey_the_rules():
    for report in db.session.scalars(select(Report)):
        assert 0 <= report.active_participants <= report.worker_potential
        segments = sum(getattr(report, name) for name in rules.SEGMENTS)
        assert segments == report.active_participants
        payers = sum(getattr(report, name) for name in rules.ALL_PAYERS)
        assert payers == report.active_participants
        assert date(2014, 1, 1) <= report.as_of <= local_today()
        assert report.coverage_tenths == report.active_participants * 1000 // 4615
    village = db.session.get(Village, KRESEK)
    latest = db.session.scalar(select(Report).order_by(Report.as_of.desc()).limit(1))
    if latest is not None:
        assert village.active_participants == latest.active_participants
        assert village.status == (
            "qualifying" if latest.coverage_tenths >= 900 else "registered"
        )


@SETTINGS
@given(
    active=numbers,
    segment=st.tuples(numbers, numbers, numbers, numbers),
    payers=st.tuples(numbers, numbers, numbers, numbers, numbers, numbers),
    as_of=days,
    notes=st.text(max_size=50),
)
def test_the_report_form_never_fails_and_never_stores_a_bad_report(
    officer, active, segment, payers, as_of, notes
):
    form = report_form(0, as_of=as_of, notes=notes.replace("\x00", ""))
    form["active_participants"] = active
    form.update(zip(rules.SEGMENTS, segment, strict=True))
    form.update(zip(rules.PAYERS, payers, strict=True))
    before = db.session.scalar(select(func.count()).select_from(Report))
    response = officer.post(f"/villages/{KRESEK}/reports/new", form)
    assert response.status_code in (302, 400)
    after = db.session.scalar(select(func.count()).select_from(Report))
    assert after == before + (1 if response.status_code == 302 else 0)
    assert_reports_obey_the_rules()


@SETTINGS
@given(
    active=st.integers(min_value=0, max_value=4615),
    as_of=st.dates(min_value=date(2014, 1, 1), max_value=date(2026, 1, 1)),
)
def test_a_consistent_report_is_always_accepted_unless_its_date_is_taken(
    officer, active, as_of
):
    taken = db.session.scalar(select(Report.id).where(Report.as_of == as_of))
    response = officer.post(
        f"/villages/{KRESEK}/reports/new", report_form(active, str(as_of))
    )
    assert response.status_code == (400 if taken else 302)
    assert_reports_obey_the_rules()


@SETTINGS
@given(
    code=st.one_of(
        st.sampled_from(
            ["36.03.06.2001", "36.03.07.2001", "36.04.15.2001", "36.03.06", "36"]
        ),
        st.text(max_size=20),
    ),
    potential=numbers,
    source=st.one_of(
        st.sampled_from(["p3ke", "census", "bps", "other"]), st.text(max_size=8)
    ),
    as_of=days,
    head=st.text(max_size=120),
    phone=st.text(alphabet="0123456789 +-abc", max_size=25),
)
def test_the_registration_form_never_fails_and_never_stores_a_bad_village(
    officer, code, potential, source, as_of, head, phone
):
    form = {
        "region_code": code,
        "worker_potential": potential,
        "source": source,
        "source_note": "",
        "potential_as_of": as_of,
        "head_name": head.replace("\x00", ""),
        "contact_phone": phone,
    }
    response = officer.post("/villages/register", form)
    assert response.status_code in (302, 400)
    for village in db.session.scalars(select(Village)):
        assert village.code.startswith("36.03.")  # only in the officer's regency
        assert 1 <= village.worker_potential <= 10_000_000
        assert village.head_name.strip()
    potentials = db.session.scalars(select(WorkerPotential)).all()
    assert all(date(2014, 1, 1) <= p.as_of <= local_today() for p in potentials)
    assert len(potentials) == db.session.scalar(
        select(func.count()).select_from(Village)
    )
