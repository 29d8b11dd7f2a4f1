"""The spreadsheet templates for reports and for villages to register: their
columns, an example row (Desa Kresek) and how to fill them in, in the reader's
language."""

from flask_babel import lazy_gettext as _l

from .. import rules
from ..i18n import SOURCE_LABELS
from .formats import REGISTRATION_COLUMNS, REPORT_COLUMNS

TEMPLATE_COLUMNS = tuple(
    column
    for column in REPORT_COLUMNS
    if column.key not in ("worker_potential", "coverage", "apbd", "csr_other")
)
# The template's example row says this in its notes; a file that still has it is
# refused, so that the example is never imported as a real count.
EXAMPLE_NOTE = _l("EXAMPLE: delete this row before uploading")
EXAMPLE_ROW = {
    "code": "36.03.06.2018",
    "village": "Kresek",
    "as_of": "2026-10-31",
    "active_participants": 4200,
    "bpu": 3000,
    "pu": 1000,
    "jakon": 150,
    "pmi": 50,
    "self_paid": 2500,
    "apbd_province": 300,
    "apbd_regency": 700,
    "apbdes": 500,
    "csr": 150,
    "other": 50,
    "perangkat_total": 12,
    "perangkat_active": 12,
}


def example_row() -> tuple:
    """The template's example: Desa Kresek, in the reader's language."""
    values = {**EXAMPLE_ROW, "notes": str(EXAMPLE_NOTE)}
    return tuple(values.get(column.key, "") for column in TEMPLATE_COLUMNS)


def instructions() -> list[str]:
    """The template's second sheet: how to fill it in."""
    return [
        str(_l("One row per village and date. The first row holds the column names.")),
        str(_l("Village code: the Kemendagri code, e.g. 36.03.06.2018 (Desa Kresek).")),
        str(_l("As of: the date of the count, e.g. 2026-10-31 or 31/10/2026.")),
        str(
            _l(
                "The segments (BPU + PU + Jakon + PMI) and the payers must each add "
                "up to the active participants."
            )
        ),
        str(
            _l(
                "Village officials (a desa only) may be left empty; where given, "
                "give how many there are and how many are active."
            )
        ),
        str(_l("A row for a village and date that already has a report corrects it.")),
        str(_l("The village name is for you; the import reads the code.")),
        str(EXAMPLE_NOTE),
    ]


# --- Villages to register ---

VILLAGE_EXAMPLE_ROW = {
    "code": "36.03.06.2018",
    "village": "Kresek",
    "head_name": "Ahmad Fauzi",
    "contact_phone": "0812 3456 7890",
    "worker_potential": 4615,
    "source": "P3KE",
    "potential_as_of": "2026-01-31",
    "perangkat_total": 12,
    "bpd_total": 9,
    "rtrw_total": 24,
}


def village_example_row() -> tuple:
    """The villages template's example: Desa Kresek, in the reader's language."""
    values = {**VILLAGE_EXAMPLE_ROW, "notes": str(EXAMPLE_NOTE)}
    return tuple(values.get(column.key, "") for column in REGISTRATION_COLUMNS)


def village_instructions() -> list[str]:
    """The villages template's second sheet: how to fill it in."""
    sources = ", ".join(str(label) for label in SOURCE_LABELS.values())
    return [
        str(
            _l("One row per village to register. The first row holds the column names.")
        ),
        str(_l("Village code: the Kemendagri code, e.g. 36.03.06.2018 (Desa Kresek).")),
        str(
            _l(
                "Worker potential: the eligible workers of the village, the "
                "denominator of its coverage."
            )
        ),
        str(
            _l(
                "Source of the worker potential: %(sources)s; or in short %(keys)s. "
                "For another source, say which in the note on the source.",
                sources=sources,
                keys=", ".join(rules.POTENTIAL_SOURCES),
            )
        ),
        str(
            _l(
                "Worker potential as of: the date of the number, e.g. 2026-10-31 or "
                "31/10/2026."
            )
        ),
        str(
            _l(
                "Village officials (a desa only) may be left empty; where given, give "
                "how many there are. A kelurahan has none."
            )
        ),
        str(
            _l(
                "Every village must be in your area and not registered yet. The file "
                "is registered whole or not at all."
            )
        ),
        str(_l("The village name is for you; the import reads the code.")),
        str(EXAMPLE_NOTE),
    ]
