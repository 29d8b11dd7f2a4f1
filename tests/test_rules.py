from datetime import date

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


# --- Coverage and the threshold -------------------------------------------------------


def test_kresek_4200_of_4615_is_91_0_percent_and_qualifies():
    assert rules.coverage_tenths(4200, 4615) == 910
    assert rules.reaches_threshold(4200, 4615, 900)


def test_4153_of_4615_is_just_under_90_percent():
    assert rules.coverage_tenths(4153, 4615) == 899
    assert not rules.reaches_threshold(4153, 4615, 900)


def test_4154_of_4615_is_just_over_90_percent():
    assert rules.coverage_tenths(4154, 4615) == 900
    assert rules.reaches_threshold(4154, 4615, 900)


def test_a_village_at_exactly_90_percent_qualifies():
    assert rules.reaches_threshold(900, 1000, 900)
    assert rules.coverage_tenths(900, 1000) == 900


def test_a_village_at_89_9_percent_does_not_qualify():
    assert not rules.reaches_threshold(899, 1000, 900)
    assert rules.coverage_tenths(899, 1000) == 899


def test_coverage_is_rounded_down_so_it_never_shows_more_than_the_rule_grants():
    # 8,999 of 10,000 is 89.99%: shown as 89.9%, not rounded up to a qualifying 90.0%.
    assert rules.coverage_tenths(8999, 10000) == 899
    assert not rules.reaches_threshold(8999, 10000, 900)


@pytest.mark.parametrize("potential", [0, -5])
def test_a_zero_or_negative_potential_is_an_error_not_a_division(potential):
    with pytest.raises(ValueError):
        rules.coverage_tenths(10, potential)
    with pytest.raises(ValueError):
        rules.reaches_threshold(10, potential, 900)
    with pytest.raises(ValueError):
        rules.participants_needed(10, potential, 900)


def test_a_village_needs_the_smallest_number_that_reaches_the_threshold():
    assert rules.participants_needed(4153, 4615, 900) == 1
    assert rules.participants_needed(4154, 4615, 900) == 0
    assert rules.participants_needed(3500, 4615, 900) == 654  # 4154 - 3500
    assert rules.participants_needed(4200, 4615, 900) == 0


def test_the_needed_count_follows_a_changed_threshold():
    assert rules.participants_needed(4200, 4615, 950) == 185  # ceil(4384.25) - 4200


@pytest.mark.parametrize(
    ("current", "reaches", "after"),
    [
        ("registered", True, "qualifying"),
        ("registered", False, "registered"),
        ("qualifying", False, "registered"),
        ("qualifying", True, "qualifying"),
        ("designated", False, "at_risk"),
        ("designated", True, "designated"),
        ("at_risk", True, "designated"),
        ("at_risk", False, "at_risk"),
    ],
)
def test_status_moves_with_the_latest_report(current, reaches, after):
    assert rules.next_status(current, reaches) == after


def test_a_threshold_changed_between_reports_decides_the_second_report():
    first = rules.next_status("registered", rules.reaches_threshold(4200, 4615, 900))
    assert first == "qualifying"
    # The regency raises its threshold to 95%: the same 91.0% no longer qualifies.
    assert (
        rules.next_status(first, rules.reaches_threshold(4200, 4615, 950))
        == "registered"
    )
    # A later report of 4,400 (95.3%) qualifies again under the new threshold.
    assert rules.next_status(
        "registered", rules.reaches_threshold(4400, 4615, 950)
    ) == ("qualifying")


@pytest.mark.parametrize(
    ("coverage", "band"),
    [
        (0, "under_50"),
        (499, "under_50"),
        (500, "50_75"),
        (749, "50_75"),
        (750, "75_threshold"),
        (899, "75_threshold"),
        (900, "at_threshold"),
        (1000, "at_threshold"),
    ],
)
def test_coverage_bands(coverage, band):
    assert rules.coverage_band(coverage, 900) == band


def test_breakdowns_must_add_up_to_the_total():
    assert rules.breakdown_problems(4200, {"bpu": 4000, "pu": 150, "jakon": 50}) is None
    assert (
        rules.breakdown_problems(4200, {"bpu": 4000, "pu": None, "jakon": 50}) == "less"
    )
    assert rules.breakdown_problems(10, {"self_paid": 8, "apbd": 8}) == "more"


@pytest.mark.parametrize(
    "day, months, before",
    [
        (date(2026, 11, 21), 3, date(2026, 8, 21)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
        (date(2026, 2, 15), 12, date(2025, 2, 15)),
        (date(2026, 1, 10), 1, date(2025, 12, 10)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_months_last(day, months, before):
    assert rules.months_before(day, months) == before


def test_a_report_exactly_three_months_old_is_stale_and_one_day_younger_is_not():
    today = date(2026, 11, 21)
    assert rules.is_stale(date(2026, 8, 21), today, 3)
    assert not rules.is_stale(date(2026, 8, 22), today, 3)
    assert not rules.is_stale(None, today, 3)  # no report: no coverage to call stale


def test_a_report_dated_on_the_first_worker_potential_is_measured_against_it():
    potentials = [(date(2019, 1, 1), 4615), (date(2022, 1, 1), 5000)]
    assert rules.potential_in_force(potentials, date(2019, 1, 1)) == 4615
    assert rules.potential_in_force(potentials, date(2021, 12, 31)) == 4615
    assert rules.potential_in_force(potentials, date(2022, 1, 1)) == 5000


@pytest.mark.parametrize(
    "before, after, recorded, qualified, watched",
    [
        (1200, 1100, date(2020, 1, 1), None, True),  # lowered: always shown
        (1200, 1100, date(2020, 1, 1), date(2026, 1, 1), True),
        (1100, 1200, date(2026, 1, 1), None, False),  # raised, not qualifying
        (1100, 1200, date(2025, 10, 3), date(2026, 1, 1), True),  # 90 days before
        (1100, 1200, date(2025, 10, 2), date(2026, 1, 1), False),  # 91 days before
        (1100, 1200, date(2026, 1, 1), date(2026, 1, 1), True),  # the same day
        (1100, 1200, date(2026, 1, 2), date(2026, 1, 1), False),  # after qualifying
    ],
)
def test_a_lowered_potential_or_one_changed_shortly_before_qualifying_is_watched(
    before, after, recorded, qualified, watched
):
    assert (
        rules.potential_change_to_watch(before, after, recorded, qualified) is watched
    )
