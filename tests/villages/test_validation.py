"""The village validation is plain functions on a mapping of texts: what a form, a
spreadsheet row or a JSON body sends goes in, cleaned values or problems by field
(in the reader's language) come out, with no web form and no request."""

from datetime import date

from flask_babel import force_locale

from tests.helpers.villages import report_form, report_values
from villagetracker.models import Role
from villagetracker.villages import queries, validation

KRESEK = "36.03.06.2018"


def test_a_report_as_a_plain_mapping_comes_back_as_clean_values(app, register):
    village = register(KRESEK)
    facts = queries.village_facts(village)
    checked = validation.check_report(report_form(4200), facts)
    assert checked.ok
    assert checked.values == report_values(4200)


def test_a_report_with_problems_gives_each_by_field_in_the_readers_language(
    app, register
):
    facts = queries.village_facts(register(KRESEK, potential=4615))
    sent = report_form(5000, as_of="2019-13-01", bpu="10", pu="4,5")
    with force_locale("en"):
        checked = validation.check_report(sent, facts)
        errors = {name: str(message) for name, message in checked.errors.items()}
    assert checked.values is None
    assert errors == {
        "as_of": "Enter a date like 2026-11-21.",
        "pu": "Enter a whole number, without decimals.",
    }
    with force_locale("id"):
        errors = validation.check_report(sent, facts).errors
        assert str(errors["as_of"]).startswith("Masukkan tanggal")


def test_a_report_against_the_rules_is_refused_next_to_the_field(app, register):
    facts = queries.village_facts(register(KRESEK, potential=4615))
    with force_locale("en"):
        checked = validation.check_report(report_form(4700), facts)
        assert set(checked.errors) == {"active_participants"}
        assert "worker potential" in str(checked.errors["active_participants"])


def test_numbers_may_come_as_numbers_not_only_as_typed_text(app, register):
    """A JSON body or a spreadsheet cell may hold 4200, not "4200"."""
    facts = queries.village_facts(register(KRESEK))
    sent = {**report_form(4200), "active_participants": 4200, "bpu": 4200}
    assert validation.check_report(sent, facts).ok


def test_a_registration_is_checked_against_the_users_scope(app, make_user):
    officer = make_user(Role.OFFICER, region="36.04")
    sent = {
        "region_code": KRESEK,
        "worker_potential": "4615",
        "source": "p3ke",
        "potential_as_of": "2019-01-01",
        "head_name": "Kepala Desa",
        "contact_phone": "not a phone",
    }
    checked = validation.check_registration(sent, officer)
    assert set(checked.errors) == {"region_code", "contact_phone"}
    inside = make_user(Role.OFFICER, region="36.03")
    sent["contact_phone"] = "0812 3456 7890"
    registration = validation.check_registration(sent, inside).values
    assert registration.region_code == KRESEK
    assert registration.potential.worker_potential == 4615


def test_a_worker_potential_of_another_source_needs_its_note(app, register):
    village = register(KRESEK)
    sent = {
        "worker_potential": "5000",
        "source": "other",
        "potential_as_of": "2020-01-01",
    }
    assert set(validation.check_potential(sent, village).errors) == {"source_note"}
    sent["source_note"] = "Sensus desa 2020"
    assert validation.check_potential(sent, village).values.worker_potential == 5000


def test_a_report_dated_before_the_first_worker_potential_is_refused_saying_so(
    app, register
):
    """A 2015 count measured against a 2019 potential would be measured against the
    wrong denominator: it is refused, at the report's date."""
    facts = queries.village_facts(register(KRESEK, as_of=date(2019, 1, 1)))
    with force_locale("en"):
        checked = validation.check_report(report_form(100, as_of="2018-12-31"), facts)
        assert set(checked.errors) == {"as_of"}
        assert "recorded from" in str(checked.errors["as_of"])
    assert validation.check_report(report_form(100, as_of="2019-01-01"), facts).ok


# --- Desa and kelurahan ---

BALARAJA = "36.03.01.1001"  # Kelurahan Balaraja: no village budget, no perangkat desa


def test_a_kelurahan_is_not_asked_for_apbdes_and_cannot_report_it(app, register, login):
    kelurahan = register(BALARAJA, potential=5000)
    facts = queries.village_facts(kelurahan)
    sent = report_form(4600)
    del sent["apbdes"]
    checked = validation.check_report(sent, facts)
    assert checked.ok and checked.values.apbdes == 0
    with force_locale("en"):
        sent = report_form(4600, self_paid=4500, apbdes=100)
        errors = validation.check_report(sent, facts).errors
        assert set(errors) == {"apbdes"}
        assert "kelurahan" in str(errors["apbdes"])
    session, _ = login(Role.OFFICER, region="36.03")
    page = session.get(f"/villages/{BALARAJA}/reports/new").get_data(as_text=True)
    assert 'name="apbdes"' not in page
    assert "<h1>Kelurahan Balaraja" in session.get(f"/villages/{BALARAJA}").get_data(
        as_text=True
    )


def test_a_desa_is_asked_for_apbdes_and_named_desa(app, register, login):
    register(KRESEK)
    session, _ = login(Role.OFFICER, region="36.03")
    assert 'name="apbdes"' in session.get(f"/villages/{KRESEK}/reports/new").get_data(
        as_text=True
    )
    page = session.get(f"/villages/{KRESEK}").get_data(as_text=True)
    assert "<h1>Desa Kresek" in page
