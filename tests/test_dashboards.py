"""Dashboards: each scope's figures, computed again here from the rows, drill-down,
sortable child tables, designations over time and regency targets."""

from datetime import date

import lxml.html
import pytest
from sqlalchemy import select
from test_designations import approve

from villagetracker import dashboards, rules, services
from villagetracker.extensions import db
from villagetracker.models import (
    Report,
    Role,
    Village,
    WorkerPotential,
)

# (code, worker potential, active participants of the latest report or None)
TANGERANG = [
    ("36.03.06.2001", 1000, 950),  # 95.0%: qualifying
    ("36.03.06.2003", 1000, 800),  # 80.0%
    ("36.03.06.2007", 1000, 899),  # 89.9%
    ("36.03.06.2009", 1000, 600),  # 60.0%
    ("36.03.06.2011", 1000, 100),  # 10.0%
    ("36.03.06.2018", 4615, 4200),  # Kresek, 91.0%: designated
    ("36.03.07.2001", 2000, None),  # Kronjo: no report yet
    ("36.03.07.2002", 3000, 2790),  # 93.0%: designated, then at risk
    ("36.03.07.2006", 500, 499),  # 99.8%
]
SERANG = [("36.04.15.2001", 1500, 1400), ("36.04.15.2002", 800, 100)]
BANDUNG = [("32.04.05.2001", 2500, 2400)]


@pytest.fixture
def country(register, log, login):
    """Villages in Kabupaten Tangerang, Kabupaten Serang (Banten) and Kabupaten
    Bandung (Jawa Barat), two of them designated by the labour office and one of
    those since fallen below the threshold."""
    villages = {}
    for code, potential, active in TANGERANG + SERANG + BANDUNG:
        villages[code] = register(code, potential=potential)
        if active is not None:
            log(villages[code], active, as_of=date(2019, 9, 1))
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    for code in ("36.03.06.2018", "36.03.07.2002"):
        assert approve(reviewer, code).status_code == 302
    log(villages["36.03.07.2002"], 2000, as_of=date(2019, 10, 1))  # 66.6%: at risk
    db.session.expire_all()
    return villages


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
        threshold = services.threshold_for(village.regency_code)
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
