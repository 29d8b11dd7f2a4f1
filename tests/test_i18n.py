import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings, strategies

from villagetracker.i18n import format_number, format_percent, format_tenths
from villagetracker.models import Role

ROOT = Path(__file__).resolve().parent.parent


def test_bahasa_indonesia_is_the_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in page and "Nama pengguna" in page


def test_the_browsers_language_is_followed_when_we_have_it(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Username" in page.get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert "Nama pengguna" in page.get_data(as_text=True)


def test_the_language_switch_is_remembered_over_the_browsers_language(browser):
    response = browser.post("/language", {"lang": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "lang=en" in response.headers["Set-Cookie"]
    page = browser.get("/login", headers={"Accept-Language": "id"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page and "Username" in page
    browser.post("/language", {"lang": "id"})
    assert "Nama pengguna" in browser.get("/login").get_data(as_text=True)


def test_the_language_switch_ignores_unknown_languages_and_foreign_targets(browser):
    response = browser.post("/language", {"lang": "xx", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert "lang=" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    ("locale", "number", "percent"),
    [("id", "4.200", "91,0%"), ("en", "4,200", "91.0%")],
)
def test_numbers_follow_the_locale(app, locale, number, percent):
    with app.test_request_context(), force_locale(locale):
        assert format_number(4200) == number
        assert format_percent(4200 * 100 / 4615) == percent


@pytest.mark.parametrize("locale", ["id", "en"])
@given(
    number=strategies.integers(min_value=0, max_value=10**12),
    tenths=strategies.integers(min_value=0, max_value=10**6),
)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_the_fast_number_formats_say_what_babel_says(app, locale, number, tenths):
    """Tables format hundreds of numbers, so whole numbers skip Babel's pattern
    machinery; they must come out exactly as Babel writes them."""
    with app.test_request_context(), force_locale(locale):
        assert format_number(number) == format_decimal(
            number, format="#,##0", locale=locale
        )
        assert (
            format_tenths(tenths)
            == format_decimal(Decimal(tenths) / 10, format="#,##0.0", locale=locale)
            + "%"
        )


def test_the_home_page_counts_in_the_users_language(login):
    reviewer, _ = login(Role.REVIEWER, region="36.03")
    page = reviewer.get("/").get_data(as_text=True)
    assert "29 kecamatan dan 274 desa/kelurahan." in page


def catalogue(language):
    path = ROOT / f"villagetracker/translations/{language}/LC_MESSAGES/messages.po"
    with path.open("rb") as f:
        return read_po(f)


def plural_forms(string) -> tuple:
    return (string,) if isinstance(string, str) else tuple(string)


def test_every_string_in_the_code_is_translated_in_both_catalogues(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "--no-location",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with template.open("rb") as f:
        wanted = {message.id for message in read_po(f) if message.id}
    assert len(wanted) > 50
    for language in ("id", "en"):
        messages = {m.id: m for m in catalogue(language) if m.id}
        assert wanted <= messages.keys(), (
            language,
            sorted(map(str, wanted - messages.keys())),
        )
        untranslated = [
            m.id
            for m in messages.values()
            # Every plural form too: a missing one shows the English for that number.
            if m.id in wanted and (not all(plural_forms(m.string)) or m.fuzzy)
        ]
        assert untranslated == [], language
