"""Writing spreadsheets: CSV and XLSX (openpyxl), with the columns of the villages
list, of the report history and of villages to register named in the reader's
language.

Writing never holds a whole export in memory: CSV goes out in chunks as rows come
from the database, XLSX is written row by row (openpyxl's write-only mode) to a
temporary file that is then sent.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from flask import Response, send_file, stream_with_context
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576  # Excel's limit, the header included


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string: shown in the reader's language


VILLAGE_COLUMNS = (
    Column("code", _l("Village code")),
    Column("village", _l("Village")),
    Column("district", _l("District")),
    Column("regency", _l("Regency/city")),
    Column("province", _l("Province")),
    Column("worker_potential", _l("Worker potential")),
    Column("active_participants", _l("Active participants")),
    Column("coverage", _l("Coverage (%)")),
    Column("status", _l("Status")),
    Column("latest_report", _l("Last report")),
)

# The report history, and the columns an import reads: an exported history can be
# imported again as it is (the village's name, potential and coverage are ignored).
REPORT_COLUMNS = (
    Column("code", _l("Village code")),
    Column("village", _l("Village")),
    Column("as_of", _l("As of")),
    Column("active_participants", _l("Active participants")),
    Column("bpu", _l("BPU (informal workers)")),
    Column("pu", _l("PU (wage earners)")),
    Column("jakon", _l("Jakon (construction)")),
    Column("pmi", _l("PMI (migrant workers)")),
    Column("self_paid", _l("Self-paid (mandiri)")),
    Column("apbd_province", _l("APBD provinsi (province budget)")),
    Column("apbd_regency", _l("APBD kabupaten/kota (regency or city budget)")),
    Column("apbdes", _l("APBDes (village budget)")),
    Column("csr", _l("CSR and donations (e.g. GN Lingkaran)")),
    Column("other", _l("Other payer")),
    # Reports logged before payers were told apart (rules.OLD_PAYERS).
    Column("apbd", _l("APBD, level not recorded")),
    Column("csr_other", _l("CSR or other, not told apart")),
    Column("perangkat_total", _l("Village head and perangkat desa")),
    Column("perangkat_active", _l("Village head and perangkat desa, active")),
    Column("bpd_total", _l("BPD members")),
    Column("bpd_active", _l("BPD members, active")),
    Column("rtrw_total", _l("RT and RW heads")),
    Column("rtrw_active", _l("RT and RW heads, active")),
    Column("worker_potential", _l("Worker potential")),
    Column("coverage", _l("Coverage (%)")),
    Column("notes", _l("Notes")),
)


# Villages to register, as the registration form asks for them: the village's name
# is for the person filling the file; the import reads the code.
REGISTRATION_COLUMNS = (
    Column("code", _l("Village code")),
    Column("village", _l("Village")),
    Column("head_name", _l("Village head's name")),
    Column("contact_phone", _l("Contact phone")),
    Column("worker_potential", _l("Worker potential")),
    Column("source", _l("Source of the worker potential")),
    Column("source_note", _l("Note on the source")),
    Column("potential_as_of", _l("Worker potential as of")),
    Column("perangkat_total", _l("Village head and perangkat desa")),
    Column("bpd_total", _l("BPD members")),
    Column("rtrw_total", _l("RT and RW heads")),
    Column("notes", _l("Notes")),
)


# Headings of columns the template had before payers were told apart (migration
# 0006): a file made from the old template still imports, its APBD and CSR figures
# kept as recorded (rules.OLD_PAYERS).
OLD_HEADINGS = (
    Column("apbd", _l("APBD (regency budget)")),
    Column("csr_other", _l("CSR or other")),
)


def headers(columns: Iterable[Column], locale: str | None = None) -> list[str]:
    """The column headings in ``locale``, or in the reader's language."""
    if locale is None:
        return [str(column.label) for column in columns]
    with force_locale(locale):
        return [str(column.label) for column in columns]


def safe_name(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower() or "export"


FORMULA_START = ("=", "+", "-", "@")


def _cell(value):
    """Text that a spreadsheet would run as a formula is kept as text (formula
    injection): a leading =, +, - or @ gets an apostrophe, which reading drops."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def uncell(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def csv_dialect() -> tuple[str, str]:
    """The separator and the decimal mark of a CSV in the reader's language: where
    the decimal mark is a comma (Indonesian), Excel separates cells with `;` and
    reads 90,5 as a number, so a CSV opened there by a double click falls into its
    columns; in English, commas and 90.5."""
    decimal = get_locale().number_symbols["latn"]["decimal"]
    return (";", ",") if decimal == "," else (",", ".")


def csv_response(name: str, header: list[str], rows: Iterator[tuple]) -> Response:
    """A CSV download sent as it is written, a thousand rows at a time. UTF-8 with a
    byte order mark, so that Excel reads the place names right; separated as Excel
    expects in the reader's language (``csv_dialect``). The import reads both."""
    delimiter, decimal = csv_dialect()

    def value(item):
        if isinstance(item, Decimal | float) and decimal != ".":
            return str(item).replace(".", decimal)
        return _cell(item)

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(header)
        yield buffer.getvalue()
        rows_left = iter(rows)
        while chunk := list(islice(rows_left, 1000)):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([value(item) for item in row] for row in chunk)
            yield buffer.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype=CSV_TYPE,
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )


def xlsx_response(
    name: str,
    sheet: str,
    header: list[str],
    rows: Iterator[tuple],
    notes: list[str] | None = None,
):
    """An XLSX download: written row by row to a temporary file on disk, then sent
    with its length, so that the page can show the download's progress. ``notes``
    go on a second sheet, a line each."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    bold = Font(bold=True)
    worksheet.append([_bold(worksheet, text, bold) for text in header])
    for row in rows:
        worksheet.append([_cell(value) for value in row])
    if notes:
        notes_sheet = workbook.create_sheet(str(_l("Instructions"))[:31])
        for line in notes:
            notes_sheet.append([line])
    # Closed by the response once sent: a with-block would close it before.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(file)
    size = file.tell()
    file.seek(0)
    response = send_file(
        file,
        mimetype=XLSX_TYPE,
        as_attachment=True,
        download_name=f"{name}.xlsx",
        max_age=0,
    )
    response.content_length = size  # for the page's progress while it downloads
    return response


def _bold(worksheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=text)
    cell.font = font
    return cell
