"""The programme's rules as pure functions over plain values: no Flask, no SQLAlchemy.

Region codes follow Kemendagri: ``36`` province, ``36.03`` regency/city, ``36.03.06``
district (kecamatan), ``36.03.06.2018`` village.
"""

import re

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
# What a person may type to look a region up by code: "36", "36.03", "36.03.06.2".
CODE_PREFIX = re.compile(r"^\d{2}[\d.]*$")
LEVELS = ("province", "regency", "district", "village")

# The first digit of a village's four-digit part says what kind of village it is.
VILLAGE_KINDS = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}


def is_region_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(text))


def level_of(code: str) -> str:
    """The level of a region from the number of parts in its code."""
    if not is_region_code(code):
        raise ValueError(f"not a Kemendagri region code: {code!r}")
    return LEVELS[code.count(".")]


def parent_of(code: str) -> str | None:
    """The code one level up, or None for a province."""
    return code.rpartition(".")[0] or None


def ancestor_codes(code: str) -> list[str]:
    """The codes above a region, 36.03.06.2018 -> 36, 36.03, 36.03.06"""
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts))]


def village_kind(code: str) -> str:
    """desa, kelurahan or desa_adat, told apart by the code, not the name."""
    if level_of(code) != "village":
        raise ValueError(f"not a village code: {code!r}")
    kind = VILLAGE_KINDS.get(code[-4])
    if kind is None:
        raise ValueError(f"unknown kind of village: {code!r}")
    return kind


def regency_kind(name: str) -> str:
    """kabupaten or kota: the official names carry it ("Kota Administrasi ..." too)."""
    return "kota" if name.startswith("Kota ") else "kabupaten"
