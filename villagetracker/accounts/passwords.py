"""What makes a new password acceptable (NIST SP 800-63B, 5.1.1.2): long enough, not
the username, not one of the most common passwords, not a plain run of keys. No rules
about digits or capitals: they make passwords harder to remember, not to guess."""

import gzip
from functools import cache
from importlib import resources

from flask_babel import lazy_gettext as _l

from ..demo import DEMO_PASSWORD

MAX_LENGTH = 200  # the login form reads no more


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, lowercase (data/COMMON-PASSWORDS.md)."""
    data = resources.files(__package__).joinpath("data/common-passwords.txt.gz")
    return frozenset(gzip.decompress(data.read_bytes()).decode().split())


def is_plain_pattern(password: str) -> bool:
    """One character repeated, a short unit repeated ("abcabcabca", "1212121212"), or
    a run of consecutive characters either way ("0123456789", "zyxwvutsrq")."""
    text = password.lower()
    for size in (1, 2, 3):
        unit = text[:size]
        if len(text) > size and (unit * (len(text) // size + 1)).startswith(text):
            return True
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return steps in ({1}, {-1})


def password_problem(password: str, username: str, minimum: int) -> str | None:
    """Why this password may not be set for this username, or None if it may."""
    if len(password) < minimum:
        return _l("Use at least %(count)d characters.", count=minimum)
    if len(password) > MAX_LENGTH:
        return _l("At most %(max)d characters.", max=MAX_LENGTH)
    name = username.strip().lower()
    if name and name in password.lower():
        return _l("The password must not contain the username.")
    if password == DEMO_PASSWORD:
        return _l("This password is published with the demo accounts: choose another.")
    if password.lower() in common_passwords():
        return _l("This is one of the most common passwords: choose another.")
    if is_plain_pattern(password):
        return _l(
            "A repeated character or a plain sequence is too easy to guess: "
            "choose another."
        )
    return None
