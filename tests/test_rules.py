import pytest

from villagetracker import rules


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("36", "province"),
        ("36.03", "regency"),
        ("36.03.06", "district"),
        ("36.03.06.2018", "village"),
    ],
)
def test_the_level_of_a_region_comes_from_its_code(code, level):
    assert rules.level_of(code) == level


@pytest.mark.parametrize(
    "code", ["", "3", "36.3", "36.03.06.201", "36-03", "36.03.06.2018.1"]
)
def test_a_malformed_code_is_refused(code):
    with pytest.raises(ValueError):
        rules.level_of(code)


def test_the_parent_of_a_village_is_its_district():
    assert rules.parent_of("36.03.06.2018") == "36.03.06"
    assert rules.parent_of("36") is None


def test_ancestors_run_from_the_province_down():
    assert rules.ancestor_codes("36.03.06.2018") == ["36", "36.03", "36.03.06"]
    assert rules.ancestor_codes("36") == []


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("36.03.06.2018", "desa"),
        ("36.71.01.1001", "kelurahan"),
        ("91.01.01.3001", "desa_adat"),
    ],
)
def test_desa_and_kelurahan_are_told_apart_by_the_code(code, kind):
    assert rules.village_kind(code) == kind


def test_a_village_kind_needs_a_village_code():
    with pytest.raises(ValueError):
        rules.village_kind("36.03.06")


def test_cities_are_told_from_regencies_by_their_official_names():
    assert rules.regency_kind("Kota Tangerang") == "kota"
    assert rules.regency_kind("Kota Administrasi Jakarta Utara") == "kota"
    assert rules.regency_kind("Kabupaten Tangerang") == "kabupaten"
