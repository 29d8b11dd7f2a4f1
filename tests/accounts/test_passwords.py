"""What makes a new password acceptable: no app or database needed."""

from pathlib import Path

import pytest

from villagetracker.accounts.passwords import common_passwords, password_problem

DATA = Path(__file__).parents[2] / "villagetracker" / "accounts" / "data"


@pytest.mark.parametrize(
    "password",
    [
        "1234567890",  # common
        "password12",  # common
        "Password12",  # common, whatever the case
        "qwertyuiop",  # common
        "aaaaaaaaaa",  # one character repeated
        "ZZZZZZZZZZZZ",
        "abcabcabcabc",  # a short unit repeated
        "1212121212",
        "abcdefghijk",  # a plain sequence
        "9876543210",
        "short",  # too short
        "desasadar2026",  # the demo accounts' password, published in the README
    ],
)
def test_a_weak_password_is_refused(password):
    assert password_problem(password, "siti", 10) is not None


@pytest.mark.parametrize(
    "password", ["siti.aminah2026", "Kata-SITI.AMINAH", "siti.aminah"]
)
def test_a_password_containing_the_username_is_refused(password):
    assert password_problem(password, "siti.aminah", 10) is not None


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery",  # the test suite's password
        "kopi tubruk pagi",
        "Sate-Maranggi-7",
    ],
)
def test_a_long_uncommon_password_is_accepted(password):
    assert password_problem(password, "siti", 10) is None


def test_a_password_longer_than_the_login_form_reads_is_refused():
    assert password_problem("kopi tubruk " * 17, "siti", 10) is not None
    assert password_problem("kopi tubruk " * 16, "siti", 10) is None


def test_the_shipped_list_holds_at_least_the_10000_most_common_with_its_licence():
    common = common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "password", "qwerty", "1234567890", "password12"} <= common
    notice = (DATA / "COMMON-PASSWORDS.md").read_text()
    assert "MIT" in notice and "Dropbox" in notice
