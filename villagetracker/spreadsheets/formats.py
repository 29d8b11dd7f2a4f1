"""Writing spreadsheets: CSV and XLSX, with the columns of the villages list, of the
report history and of villages to register named in the reader's language.

Writing never holds a whole export in memory: CSV goes out in chunks as rows come
from the database, XLSX is written row by row (rustpy-xlsxwriter's constant-memory
mode) to a file, a temporary one for a download.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from os import PathLike
from typing import BinaryIO

import rustpy_xlsxwriter
from flask import Response, send_file, stream_with_context
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

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


def csv_chunks(header: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    """A CSV file's text, a thousand rows at a time. UTF-8 with a byte order mark,
    so that Excel reads the place names right; separated as Excel expects in the
    reader's language as it is when this is called (``csv_dialect``), however late
    the text is read. The import reads both."""
    delimiter, decimal = csv_dialect()

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
            writer.writerows(_csv_row(row, decimal) for row in chunk)
            yield buffer.getvalue()

    return generate()


def _csv_row(row: tuple, decimal: str) -> list:
    """A row's cells as CSV writes them: text kept from running as a formula
    (``_cell``), decimals with the reader's mark. Inline, not a call per cell: a
    country's report history has fifty million cells."""
    return [
        value
        if (kind := type(value)) is int or value is None
        else ("'" + value if value.startswith(FORMULA_START) else value)
        if kind is str
        else str(value).replace(".", decimal)
        if kind is Decimal or kind is float
        else value
        for value in row
    ]


def csv_response(name: str, header: list[str], rows: Iterator[tuple]) -> Response:
    """A CSV download sent as it is written (``csv_chunks``)."""
    return Response(
        stream_with_context(csv_chunks(header, rows)),
        mimetype=CSV_TYPE,
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )


def write_csv(target, header: list[str], rows: Iterable[tuple]) -> None:
    """A CSV file (``csv_chunks``) written to the path ``target``."""
    with open(target, "w", encoding="utf-8", newline="") as file:
        file.writelines(csv_chunks(header, rows))


def xlsx_response(
    name: str,
    sheet: str,
    header: list[str],
    rows: Iterator[tuple],
    notes: list[str] | None = None,
):
    """An XLSX download: written to a temporary file on disk (``write_xlsx``), then
    sent with its length, so that the browser can show how far the download got."""
    # Closed by the response once sent: a with-block would close it before.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(file, sheet, header, rows, notes)
    size = file.seek(0, io.SEEK_END)
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


# Why rustpy-xlsxwriter (Rust's rust_xlsxwriter): the country's 83,762 villages take
# it under 2 s of CPU, where openpyxl's write-only mode (which the app used) takes
# about 13 s and xlsxwriter's constant-memory mode about 11 s, all three in a few MB
# (bench/spreadsheet_formats.py, bench/RESULTS.md). The two others spend their time
# in Python on every cell; this one only builds a record per row.
DATE_FORMAT = "yyyy-mm-dd"


def write_xlsx(
    target: str | PathLike | BinaryIO,
    sheet: str,
    header: list[str],
    rows: Iterable[tuple],
    notes: list[str] | None = None,
) -> None:
    """Write a workbook to ``target`` (a path, or a binary file open for writing),
    row by row as ``rows`` come: the header in bold, numbers as numbers, dates as
    dates (2026-03-31), text a spreadsheet would run as a formula kept as text
    (``_cell``). ``notes`` go on a second sheet, "Instructions", a line each."""
    if len(set(header)) != len(header):
        raise ValueError(f"a heading appears twice: {header}")
    sheets = [(_sheet_name(sheet), _records(header, rows))]
    plain = {}
    if notes:
        title = _sheet_name(str(_l("Instructions")))
        # Each record is a row under the first; its first line is that header.
        first, *lines = [_cell(line) for line in notes]
        sheets.append((title, [{first: line} for line in lines] or [{first: None}]))
        plain[title] = rustpy_xlsxwriter.Format()
    rustpy_xlsxwriter.write_worksheets(
        sheets,
        target,
        bold_headers=True,
        header_format=plain or None,
        datetime_format=DATE_FORMAT,
    )


def _records(header: list[str], rows: Iterable[tuple]) -> Iterator[dict]:
    """The rows as rustpy-xlsxwriter takes them: a record per row, by heading."""
    written = False
    for row in rows:
        written = True
        yield dict(zip(header, map(_xlsx_value, row), strict=True))
    if not written:  # it writes the header from the first record: an empty one
        yield dict.fromkeys(header)


def _xlsx_value(value):
    """``_cell`` for a workbook, and a Decimal (91.0) as a number, not as text: once
    per cell of the country's villages, so by the value's exact type first."""
    kind = value.__class__
    if kind is str:
        return "'" + value if value.startswith(FORMULA_START) else value
    if kind is Decimal:
        return float(value)
    return _cell(value)


def _sheet_name(name: str) -> str:
    """A name Excel takes for a sheet: at most 31 characters, none of [ ] : * ? / or a
    backslash."""
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip() or "Sheet1"
