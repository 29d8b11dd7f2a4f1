"""The designation criteria as pure rules: each criterion alone and together, at every
edge, for a desa and a kelurahan (rules.verdicts)."""

import pytest

from villagetracker import rules
from villagetracker.rules import COVERAGE, OFFICIALS, QUOTA, Criteria, Verdict

DESA, KELURAHAN = "desa", "kelurahan"
ALL_ROLES = ("perangkat", "bpd", "rtrw")


def figures(active=4200, potential=4615, officials=None, **paid_by):
    return rules.Figures(
        active=active,
        potential=potential,
        paid_by={"self_paid": active, **paid_by},
        officials=officials or {},
    )


def judged(criteria, kind=DESA, **given):
    return rules.verdicts(criteria, kind, figures(**given))


# --- Coverage alone: the programme's default ---


def test_coverage_alone_kresek_4200_of_4615_qualifies():
    found = judged(Criteria())
    assert found == [Verdict(COVERAGE, True, 0)]
    assert rules.qualifies(found)


def test_coverage_one_participant_short_says_how_many():
    found = judged(Criteria(), active=4153)  # 89.99%: 4,154 reach 90%
    assert found == [Verdict(COVERAGE, False, 1)]
    assert not rules.qualifies(found)


def test_coverage_at_exactly_the_threshold_is_met():
    assert rules.qualifies(
        judged(Criteria(threshold_tenths=900), active=900, potential=1000)
    )
    assert not rules.qualifies(
        judged(Criteria(threshold_tenths=901), active=900, potential=1000)
    )


# --- All village officials active ---

KRESEK_11_OF_12 = {"perangkat": (12, 11)}
KRESEK_12_OF_12 = {"perangkat": (12, 12)}


def test_11_of_12_officials_is_not_qualifying_one_official_missing():
    found = judged(Criteria(official_roles=("perangkat",)), officials=KRESEK_11_OF_12)
    assert found == [Verdict(COVERAGE, True, 0), Verdict(OFFICIALS, False, 1)]
    assert not rules.qualifies(found)
    assert rules.shortfall(found) == (0, 1)


def test_12_of_12_officials_qualifies():
    found = judged(Criteria(official_roles=("perangkat",)), officials=KRESEK_12_OF_12)
    assert rules.qualifies(found)
    assert rules.shortfall(found) == (0, 0)


def test_officials_not_recorded_are_not_met_and_say_so():
    found = judged(Criteria(official_roles=("perangkat",)))
    assert found[1] == Verdict(OFFICIALS, False, None)
    assert rules.shortfall(found) == (0, None)


def test_every_required_role_counts_and_only_those():
    officials = {"perangkat": (12, 12), "bpd": (9, 7), "rtrw": (20, 0)}
    assert judged(Criteria(official_roles=("perangkat",)), officials=officials)[1].met
    with_bpd = judged(
        Criteria(official_roles=("perangkat", "bpd")), officials=officials
    )
    assert with_bpd[1] == Verdict(OFFICIALS, False, 2)
    every = judged(Criteria(official_roles=ALL_ROLES), officials=officials)
    assert every[1] == Verdict(OFFICIALS, False, 22)


def test_a_role_required_but_not_recorded_is_not_met_even_if_others_are():
    officials = {"perangkat": (12, 12)}
    found = judged(Criteria(official_roles=("perangkat", "bpd")), officials=officials)
    assert found[1] == Verdict(OFFICIALS, False, None)


def test_officials_are_no_criterion_for_a_kelurahan():
    criteria = Criteria(official_roles=ALL_ROLES)
    assert judged(criteria, kind=KELURAHAN) == [Verdict(COVERAGE, True, 0)]
    assert rules.criteria_names(criteria, KELURAHAN) == [COVERAGE]
    assert rules.criteria_names(criteria, "desa_adat") == [COVERAGE, OFFICIALS]


# --- A quota per village, perhaps from one payer ---


def test_a_quota_of_active_participants_alone():
    criteria = Criteria(threshold_tenths=0, quota=10)
    assert judged(criteria, active=10, potential=1000) == [
        Verdict(COVERAGE, True, 0),
        Verdict(QUOTA, True, 0),
    ]
    found = judged(criteria, active=9, potential=1000)
    assert found[1] == Verdict(QUOTA, False, 1)
    assert rules.shortfall(found) == (1, None)


def test_a_quota_paid_from_apbdes_counts_only_those():
    kudus = Criteria(quota=10, quota_payer="apbdes")
    found = judged(kudus, apbdes=7)  # coverage met, 7 of 10 paid by APBDes
    assert found[1] == Verdict(QUOTA, False, 3)
    assert rules.qualifies(judged(kudus, apbdes=10))


def test_an_apbdes_quota_does_not_apply_to_a_kelurahan_but_another_payer_does():
    kudus = Criteria(quota=10, quota_payer="apbdes")
    assert judged(kudus, kind=KELURAHAN) == [Verdict(COVERAGE, True, 0)]
    regency_paid = Criteria(quota=10, quota_payer="apbd_regency")
    found = judged(regency_paid, kind=KELURAHAN, apbd_regency=4)
    assert found[1] == Verdict(QUOTA, False, 6)


# --- All together ---


def test_every_criterion_in_force_must_hold():
    criteria = Criteria(official_roles=("perangkat",), quota=10, quota_payer="apbdes")
    good = {"officials": KRESEK_12_OF_12, "apbdes": 10}
    assert rules.qualifies(judged(criteria, **good))
    assert not rules.qualifies(judged(criteria, **{**good, "active": 4000}))
    assert not rules.qualifies(
        judged(criteria, **{**good, "officials": KRESEK_11_OF_12})
    )
    assert not rules.qualifies(judged(criteria, **{**good, "apbdes": 9}))


def test_the_shortfall_is_the_larger_participant_gap_and_the_officials():
    criteria = Criteria(official_roles=("perangkat",), quota=500)
    found = judged(criteria, active=4100, officials=KRESEK_11_OF_12)
    assert [v.missing for v in found] == [54, 1, 0]
    assert rules.shortfall(found) == (54, 1)
    found = judged(Criteria(quota=5000), active=4200)
    assert rules.shortfall(found) == (800, None)


@pytest.mark.parametrize(
    ("current", "qualifies", "after"),
    [
        ("registered", True, "qualifying"),
        ("qualifying", False, "registered"),
        ("designated", False, "at_risk"),
        ("at_risk", True, "designated"),
    ],
)
def test_the_status_follows_every_criterion_not_only_coverage(
    current, qualifies, after
):
    officials = KRESEK_12_OF_12 if qualifies else KRESEK_11_OF_12
    found = judged(Criteria(official_roles=("perangkat",)), officials=officials)
    assert rules.next_status(current, rules.qualifies(found)) == after
