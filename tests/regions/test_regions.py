import re

import pytest
from sqlalchemy import func, select

from villagetracker.extensions import db
from villagetracker.models import Region, Role
from villagetracker.regions.loader import load_regions, official_rows, region_values


def count_by(column):
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


@pytest.mark.slow
def test_the_whole_official_list_loads_and_a_second_load_changes_nothing(runner):
    db.session.execute(db.delete(Region).where(Region.level == "village"))
    db.session.commit()

    first = runner.invoke(args=["regions", "load"])
    assert first.exit_code == 0, first.output
    assert count_by(Region.level) == {
        "province": 38,
        "regency": 514,
        "district": 7285,
        "village": 83762,
    }
    assert count_by(Region.kind) == {
        None: 38 + 7285,
        "kabupaten": 416,
        "kota": 98,
        "desa": 75252,
        "desa_adat": 14,
        "kelurahan": 8496,
    }
    assert re.search(r"village\s+83,762\s+added \d+", first.output)

    second = runner.invoke(args=["regions", "load"])
    assert second.exit_code == 0
    assert "already up to date" in second.output
    assert "added 0, renamed 0, unchanged 83,762" in second.output
    assert db.session.scalar(select(func.count()).select_from(Region)) == 91599


def test_a_renamed_region_is_updated_and_nothing_else_changes(app):
    rows = [row for row in official_rows() if row["code"].startswith("36.03.06")]
    kresek = db.session.get(Region, "36.03.06.2018")
    kresek.name = "Kresek Lama"
    db.session.commit()

    report = load_regions(rows)

    assert db.session.get(Region, "36.03.06.2018").name == "Kresek"
    assert report.updated == {"village": 1}
    assert not report.added
    assert sum(report.unchanged.values()) == len(rows) - 1


def test_a_new_region_is_added_under_its_parent(app):
    report = load_regions([region_values("36.03.06.2999", "Desa Baru")])
    assert report.added == {"village": 1}
    new = db.session.get(Region, "36.03.06.2999")
    assert (new.parent.name, new.kind) == ("Kresek", "desa")


def test_type_ahead_finds_by_name_within_scope_only(login):
    officer, _ = login(Role.OFFICER, region="36.03")
    results = officer.get("/regions/search.json?q=kresek").json["results"]
    codes = [r["code"] for r in results]
    assert codes == ["36.03.06", "36.03.06.2018"]  # not Kresek in Kabupaten Madiun
    assert results[1] == {
        "code": "36.03.06.2018",
        "name": "Kresek",
        "level": "village",
        "kind": "Desa",
        "context": "Kresek, Kabupaten Tangerang, Banten",
    }


def test_type_ahead_finds_by_code_prefix(login):
    admin, _ = login(Role.ADMIN)
    results = admin.get("/regions/search.json?q=36.03.06.20").json["results"]
    assert results and all(r["code"].startswith("36.03.06.20") for r in results)


def test_type_ahead_returns_a_bounded_number_of_results(app, login):
    admin, _ = login(Role.ADMIN)
    results = admin.get("/regions/search.json?q=36").json["results"]
    assert len(results) == app.config["REGION_SEARCH_LIMIT"]
    assert results[0]["code"] == "36"  # the largest region first


def test_type_ahead_can_be_limited_to_one_level(login):
    admin, _ = login(Role.ADMIN)
    results = admin.get("/regions/search.json?q=tangerang&level=regency").json[
        "results"
    ]
    assert [r["code"] for r in results] == ["36.03", "36.71", "36.74"]


def test_type_ahead_treats_wildcards_as_plain_text(login):
    admin, _ = login(Role.ADMIN)
    assert admin.get("/regions/search.json?q=%25%25").json["results"] == []
    assert admin.get("/regions/search.json?q=__").json["results"] == []


def test_the_plain_search_form_works_without_javascript(login):
    officer, _ = login(Role.OFFICER, region="36.04")
    page = officer.get("/regions/?q=cikande").get_data(as_text=True)
    assert 'href="/regions/36.04.15"' in page
    assert "Kabupaten Serang" in page
    assert "/regions/36.03" not in page


def test_an_officer_limited_to_kecamatan_finds_only_those(login):
    officer, _ = login(Role.OFFICER, region="36.03", districts=["36.03.06"])
    codes = [
        r["code"] for r in officer.get("/regions/search.json?q=36.03").json["results"]
    ]
    assert codes and all(code.startswith("36.03.06") for code in codes)


def test_a_region_page_lists_the_regions_below_it(login):
    officer, _ = login(Role.OFFICER, region="36.03")
    page = officer.get("/regions/36.03.06").get_data(as_text=True)
    assert "Kresek" in page and "36.03.06.2018" in page
    assert "Desa" in page
