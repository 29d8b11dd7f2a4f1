"""Dashboards: each scope's figures, computed again here from the rows, drill-down,
sortable child tables, designations over time and regency targets."""

from datetime import date, timedelta

import lxml.html
import pytest
from sqlalchemy import select

from villagetracker import criteria, rules
from villagetracker.dashboards import queries as dashboards
from villagetracker.dashboards import service as dashboard_service
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import (
    AuditEvent,
    Designation,
    RegencySetting,
    Report,
    Role,
    Village,
    WorkerPotential,
)


def expected(prefix: str = "") -> dict:
    """The figures of the villages under ``prefix``, from the report and worker
    potential rows, without the app's roll-up code."""
    villages = [
        v for v in db.session.scalars(select(Village)) if v.code.startswith(prefix)
    ]
    figures = {
        "registered": len(villages),
        "qualifying": 0,
        "designated": 0,
        "at_risk": 0,
        "worker_potential": 0,
        "active_participants": 0,
        "no_report": 0,
        **{"band_" + band: 0 for band in rules.BANDS},
    }
    for village in villages:
        if village.status != "registered":
            figures[village.status] += 1
        potentials = db.session.scalars(
            select(WorkerPotential)
            .where(WorkerPotential.village_code == village.code)
            .order_by(WorkerPotential.as_of)
        ).all()
        figures["worker_potential"] += potentials[-1].worker_potential
        reports = db.session.scalars(
            select(Report)
            .where(Report.village_code == village.code)
            .order_by(Report.as_of)
        ).all()
        if not reports:
            figures["no_report"] += 1
            continue
        latest = reports[-1]
        figures["active_participants"] += latest.active_participants
        coverage = latest.active_participants * 1000 // latest.worker_potential
        threshold = criteria.criteria_for(village.regency_code).threshold_tenths
        figures["band_" + rules.coverage_band(coverage, threshold)] += 1
    return figures


def page_tree(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return lxml.html.fromstring(response.get_data(as_text=True))


def tiles(tree) -> list[int]:
    return [number(t.text) for t in tree.cssselect(".tile-number")]


def number(text: str) -> int:
    return int(text.strip().replace(".", "").replace(",", "") or 0)


def child_rows(tree) -> dict[str, list[str]]:
    rows = {}
    for row in tree.cssselect("table.sortable tbody tr"):
        cells = [cell.text_content().strip() for cell in row]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_figures_of_each_level_equal_those_computed_from_the_rows(country, login):
    admin, user = login(Role.ADMIN)
    for prefix in ("", "36", "36.03", "36.03.07", "32.04"):
        want = expected(prefix + "." if prefix else "")
        got = dashboards.figures(user, prefix or None)
        assert got.__dict__ == want, prefix
        tree = page_tree(admin.get(f"/dashboard/{prefix}"))
        assert tiles(tree) == [
            want["registered"],
            want["qualifying"],
            want["designated"],
            want["at_risk"],
        ]
    national = expected()
    assert national["registered"] == 12
    assert (national["designated"], national["at_risk"]) == (1, 1)


def test_each_child_region_row_equals_its_figures_from_the_rows(country, login):
    admin, user = login(Role.ADMIN)
    for parent, children in (
        ("", {"36": "Banten", "32": "Jawa Barat"}),
        ("36", {"36.03": "Kabupaten Tangerang", "36.04": "Kabupaten Serang"}),
        ("36.03", {"36.03.06": "Kresek", "36.03.07": "Kronjo"}),
    ):
        rows = child_rows(page_tree(admin.get(f"/dashboard/{parent}")))
        for code, name in children.items():
            want = expected(code + ".")
            cells = [number(cell) for cell in rows[name][:6]]
            assert cells == [
                want["registered"],
                want["qualifying"],
                want["designated"],
                want["at_risk"],
                want["worker_potential"],
                want["active_participants"],
            ], code
            bands = [number(cell) for cell in rows[name][7:11]]
            assert bands == [want["band_" + band] for band in rules.BANDS]
    # Regions with no registered village are listed too, with zeros.
    banten = child_rows(page_tree(admin.get("/dashboard/36")))
    assert banten["Kota Serang"][:2] == ["0", "0"]


def test_the_drill_down_ends_at_the_villages_of_a_kecamatan(country, login):
    admin, _ = login(Role.ADMIN)
    tree = page_tree(admin.get("/dashboard/36.03.07"))
    rows = child_rows(tree)
    assert set(rows) == {"Desa Kronjo", "Desa Pagenjahan", "Desa Pasir"}
    assert rows["Desa Pagenjahan"][:3] == ["3.000", "2.000", "66,6%"]
    assert rows["Desa Kronjo"][1:3] == ["–", "–"]
    links = [a.get("href") for a in tree.cssselect("table.sortable tbody a")]
    assert "/villages/36.03.07.2002" in links
    crumbs = [a.text for a in tree.cssselect(".breadcrumb a")]
    assert crumbs == ["Indonesia", "Banten", "Kabupaten Tangerang"]
    assert admin.get("/dashboard/36.03.06.2018").headers["Location"] == (
        "/villages/36.03.06.2018"
    )


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("name", "Kresek"),
        ("registered", "Kresek"),
        ("coverage", "Kresek"),
        ("at_risk", "Kronjo"),
        ("worker_potential", "Kresek"),
    ],
)
def test_the_child_table_sorts_by_any_figure(country, login, sort, first):
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    descending = page_tree(reviewer.get(f"/dashboard/36.03?sort={sort}&dir=desc"))
    ascending = page_tree(reviewer.get(f"/dashboard/36.03?sort={sort}&dir=asc"))
    names_down = [r for r in child_rows(descending) if r in ("Kresek", "Kronjo")]
    names_up = [r for r in child_rows(ascending) if r in ("Kresek", "Kronjo")]
    if sort == "name":
        assert names_up[0] == first
    else:
        assert names_down[0] == first and names_up[-1] == first
    header = descending.cssselect("th[aria-sort]")
    assert header and header[0].get("aria-sort") == "descending"


def test_designations_over_time_count_valid_designations_by_month(country, login):
    reviewer, user = login(Role.REVIEWER, region="36.03")
    today = local_today()
    older = db.session.scalar(
        select(Designation).where(Designation.village_code == "36.03.06.2018")
    )
    older.designated_on = dashboards.first_of_months_back(today, 3)  # 2 months back
    db.session.commit()
    months = dashboards.designations_by_month(user, "36.03", today)
    assert len(months) == 12 and months[-1].start == today.replace(day=1)
    assert [m.designated for m in months][-3:] == [1, 0, 1]
    assert (
        months[-1].total
        == 2
        == (expected("36.03.")["designated"] + expected("36.03.")["at_risk"])
    )
    # A revoked designation no longer counts.
    older.state = rules.REVOKED
    db.session.commit()
    assert dashboards.designations_by_month(user, "36.03", today)[-1].total == 1
    page = page_tree(reviewer.get("/dashboard/36.03"))
    table = page.cssselect("section[aria-labelledby=months-heading] table")[0]
    assert table.cssselect("tbody tr")[-1][2].text == "1"


def test_a_target_shows_progress_and_the_participants_missing(country, login):
    reviewer, user = login(Role.REVIEWER, region="36.03")
    day = local_today() + timedelta(days=40)
    response = reviewer.post(
        "/dashboard/36.03/target",
        {"target": "75", "target_date": day.isoformat()},
    )
    assert response.status_code == 302
    setting = db.session.get(RegencySetting, "36.03")
    assert (setting.target_tenths, setting.target_date) == (750, day)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "target.set")
    )
    assert event.after == {"target_tenths": 750, "target_date": day.isoformat()}
    assert event.actor_id == user.id

    # Without the regency's own worker potential, nothing says how far it is.
    text = page_tree(reviewer.get("/dashboard/36.03")).text_content()
    assert "Dibutuhkan" not in text and "Tercapai" not in text
    assert "belum dicatat" in text
    # Kabupaten Tangerang's own potential: 350,000 workers in P3KE.
    potential = {
        "worker_potential": "350.000",
        "source": "p3ke",
        "potential_as_of": "2026-01-01",
    }
    response = reviewer.post("/dashboard/36.03/potential", potential)
    assert response.status_code == 302

    figures = expected("36.03.")
    needed = -(-750 * 350_000 // 1000) - figures["active_participants"]
    assert needed > 0
    text = page_tree(reviewer.get("/dashboard/36.03")).text_content()
    assert f"Dibutuhkan {needed:,} peserta aktif lagi.".replace(",", ".") in text
    assert "Tersisa 40 hari." in text
    admin, _ = login(Role.ADMIN)
    banten = child_rows(page_tree(admin.get("/dashboard/36")))
    assert banten["Kabupaten Tangerang"][-1] == f"{needed:,}".replace(",", ".")
    assert banten["Kabupaten Serang"][-2:] == ["–", "–"]


def test_a_target_is_never_called_reached_on_the_registered_villages_alone(
    country, login
):
    """6 of 274 villages registered at 87.8% is not a regency at 75%: the target is
    measured against the regency's own worker potential."""
    reviewer, user = login(Role.REVIEWER, region="36.03")
    registered = dashboards.figures(user, "36.03").coverage_tenths
    # A target the registered villages reach by themselves.
    dashboard_service.set_target("36.03", registered, local_today() + timedelta(days=9))
    db.session.commit()
    text = page_tree(reviewer.get("/dashboard/36.03")).text_content()
    assert "Tercapai" not in text
    potential = {
        "worker_potential": "350.000",
        "source": "p3ke",
        "potential_as_of": "2026-01-01",
    }
    assert reviewer.post("/dashboard/36.03/potential", potential).status_code == 302
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "region.potential")
    )
    assert (event.actor_id, event.after["worker_potential"]) == (user.id, 350_000)
    text = page_tree(reviewer.get("/dashboard/36.03")).text_content()
    assert "Tercapai" not in text  # the regency's active participants are too few
    assert "350.000" in text


def test_a_target_form_keeps_what_was_typed_and_says_what_is_wrong(login):
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    response = reviewer.post(
        "/dashboard/36.03/target", {"target": "seratus", "target_date": "2020-01-01"}
    )
    assert response.status_code == 400
    tree = page_tree_any(response)
    assert tree.cssselect("#target")[0].get("value") == "seratus"
    summary = tree.cssselect(".error-summary")[0].text_content()
    assert "persentase" in summary and "sudah lewat" in summary
    assert db.session.get(RegencySetting, "36.03") is None


def target_events() -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == "target.set")
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


@pytest.mark.parametrize("blank", [" ", "\t", "\u3000"])
def test_a_target_of_only_white_space_is_refused_and_the_target_stays(login, blank):
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    day = local_today() + timedelta(days=40)
    dashboard_service.set_target("36.03", 750, day)
    db.session.commit()
    response = reviewer.post(
        "/dashboard/36.03/target", {"target": blank, "target_date": day.isoformat()}
    )
    assert response.status_code == 400
    tree = page_tree_any(response)
    assert tree.cssselect("#target-error")[0].text_content().strip() == "Isi targetnya."
    setting = db.session.get(RegencySetting, "36.03")
    assert (setting.target_tenths, setting.target_date) == (750, day)
    assert len(target_events()) == 1  # the one that set it


def test_removing_a_target_is_its_own_button_and_is_audited(login):
    reviewer, user = login(Role.REVIEWER, region="36.03")
    day = local_today() + timedelta(days=40)
    dashboard_service.set_target("36.03", 750, day)
    db.session.commit()
    page = page_tree_any(reviewer.get("/dashboard/36.03/target"))
    (remove,) = page.cssselect('form[action="/dashboard/36.03/target/remove"]')
    assert remove.get("method") == "post" and remove.cssselect("button")
    assert remove.cssselect('input[name="csrf_token"]')
    # Without the form's token nothing is removed.
    assert reviewer.client.post("/dashboard/36.03/target/remove").status_code == 400
    assert db.session.get(RegencySetting, "36.03").target_tenths == 750
    assert reviewer.post("/dashboard/36.03/target/remove").status_code == 302
    setting = db.session.get(RegencySetting, "36.03")
    assert (setting.target_tenths, setting.target_date) == (None, None)
    event = target_events()[-1]
    assert event.actor_id == user.id
    assert event.before == {"target_tenths": 750, "target_date": day.isoformat()}
    assert event.after == {"target_tenths": None, "target_date": None}


def page_tree_any(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def test_target_progress_rule():
    progress = rules.target_progress(
        3000, 4615, 750, date(2026, 12, 31), date(2026, 11, 21)
    )
    assert progress.coverage_tenths == 650
    assert progress.participants_needed == 462  # 3,462 of 4,615 is 75.0%
    assert rules.reaches_threshold(3462, 4615, 750)
    assert not rules.reaches_threshold(3461, 4615, 750)
    assert (progress.days_left, progress.reached) == (40, False)
    assert progress.progress_tenths == 866
    assert rules.target_progress(0, 0, 750, date(2026, 12, 31), date.today()) is None
    done = rules.target_progress(4200, 4615, 750, date(2026, 1, 1), date(2026, 11, 21))
    assert done.reached and done.participants_needed == 0 and done.days_left < 0


def test_chart_ticks_are_round_and_cover_the_largest_value():
    from villagetracker.web.charts import ticks

    assert ticks(0) == [0, 1]
    assert ticks(3) == [0, 1, 2, 3]
    assert ticks(7) == [0, 2, 4, 6, 8]
    for largest in (1, 9, 43, 100, 999, 83_762):
        steps = ticks(largest)
        step = steps[1]
        assert steps[-1] >= largest > steps[-2] and len(steps) <= 6
        assert int(str(step).rstrip("0")) in (1, 2, 5)
