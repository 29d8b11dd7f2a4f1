"""Reading and writing spreadsheets: CSV and XLSX (openpyxl), with the columns of the
villages list and of the report history named in the reader's language.

Writing never holds a whole export in memory: CSV goes out in chunks as rows come
from the database, XLSX is written row by row (openpyxl's write-only mode) to a
temporary file that is then sent.
"""

import codecs
import csv
import io
import posixpath
import re
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from flask import Response, send_file, stream_with_context
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904 as MAC_EPOCH
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900 as WINDOWS_EPOCH
from openpyxl.utils.datetime import from_excel

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
    Column("self_paid", _l("Self-paid (mandiri)")),
    Column("apbd", _l("APBD (regency budget)")),
    Column("apbdes", _l("APBDes (village budget)")),
    Column("csr_other", _l("CSR or other")),
    Column("worker_potential", _l("Worker potential")),
    Column("coverage", _l("Coverage (%)")),
    Column("notes", _l("Notes")),
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


def _uncell(text: str) -> str:
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


# --- Reading an uploaded file ---
#
# An upload is hostile until read: a few kilobytes of XLSX can unpack to gigabytes or
# name a cell at XFD1048576, and a CSV can hold millions of rows or columns. So the
# readers below stream (a CSV is decoded and split a piece at a time, an XLSX's XML
# goes through a parser that builds no tree) and count as they go: the rows, the
# columns, a cell's characters and an XLSX part's unpacked bytes. The first limit
# passed stops the reading at once, before anything large is built.

MAX_COLUMNS = 50  # the template has 12 columns, an exported history 14
MAX_CELL_CHARACTERS = 5_000  # notes hold at most 2,000: the form says so row by row
# A CSV record longer than this has too many columns or too long a cell; it is never
# built (and csv's own field limit, 131,072, is never reached).
MAX_RECORD_CHARACTERS = 128 * 1024
# An XLSX part (sheet, shared strings, styles) unpacks to at most this, and to at
# most XLSX_MAX_RATIO times its packed size: a sheet of 20,000 full rows unpacks to
# about 10 MB at a ratio below 15 (measured in bench/RESULTS.md).
XLSX_MAX_PART_BYTES = 48 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_MAX_ENTRIES = 1_000  # a workbook has a few dozen files
# The workbook, its relations and its styles are a few kilobytes in any real file.
XLSX_MAX_SMALL_PART_BYTES = 1024 * 1024
# XML elements parsed in all parts, per row the limits allow: a row of 14 filled
# cells is about 30 (row, c, v), 32 with three inline strings. Each element costs a
# few microseconds of Python, so this, not the bytes, bounds the time an XLSX takes
# (48 MB of empty <c/> would be twelve million of them; 20,000 rows allow 800,000).
XLSX_ELEMENTS_PER_ROW = 40
XLSX_ELEMENTS_BESIDE_ROWS = 20_000  # workbook, relations, styles: hundreds in Excel's
# Text in all the cells read, at most: a shared string is stored once but copied
# into every cell that names it, so a tiny file could otherwise fill the memory.
MAX_TEXT_CHARACTERS = 8 * 1024 * 1024
ECHO_CHARACTERS = 60  # a value quoted back in a message, at most
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ReadingLimits:
    """How much of a file is read before it is refused."""

    rows: int  # rows after the header that hold something
    columns: int = MAX_COLUMNS
    cell_characters: int = MAX_CELL_CHARACTERS
    part_bytes: int = XLSX_MAX_PART_BYTES
    ratio: int = XLSX_MAX_RATIO


class Refused(Exception):
    """The file is refused as a whole; the subclass says why."""


class NotASpreadsheet(Refused):
    """The file is neither a CSV text file nor an XLSX workbook."""


class UnreadableText(Refused):
    """A CSV whose characters cannot be decoded with confidence."""


class TooManyRows(Refused):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class TooManyBlankRows(TooManyRows):
    pass


class TooManyColumns(Refused):
    def __init__(self, row: int, limit: int):
        super().__init__(row, limit)
        self.row, self.limit = row, limit


class CellTooLong(Refused):
    def __init__(self, row: int, column: int, start: str, limit: int):
        super().__init__(row, column, limit)
        self.row, self.limit = row, limit
        self.column = get_column_letter(min(max(column, 1), 16384))
        self.start = echo(start)


class TooLargeUnpacked(Refused):
    """An XLSX part unpacks to more than the limits allow (or claims to)."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


def echo(text: str, limit: int = ECHO_CHARACTERS) -> str:
    """``text`` as a message may quote it: at most ``limit`` characters."""
    text = " ".join(text[: limit * 4].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def read_rows(
    filename: str, content: bytes, limits: ReadingLimits
) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first sheet of an XLSX file, or of a CSV file (comma,
    semicolon or tab separated), each with its number as the spreadsheet shows it
    (from 1), every cell as text: a date as 2026-03-31, a whole number without
    decimals. Empty rows are left out; the numbers stay. Read as it is iterated:
    past ``limits`` it raises a ``Refused`` at once."""
    if zipfile.is_zipfile(io.BytesIO(content)):
        rows = _xlsx_rows(content, limits)
    elif filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise NotASpreadsheet(filename)
    else:
        rows = _csv_rows(content, limits)
    counter = _RowCounter(limits)
    for number, row in rows:
        while row and not row[-1]:
            row.pop()
        if counter.counts(number, row):
            yield number, row


class _RowCounter:
    """Stops a file at the first row past the limits: one more than ``rows`` after
    the header, or as many empty rows (which cost reading too)."""

    def __init__(self, limits: ReadingLimits):
        self.limits, self.filled, self.blank, self.characters = limits, 0, 0, 0

    def counts(self, number: int, row: list[str]) -> bool:
        if not row:
            self.blank += 1
            if self.blank > self.limits.rows:
                raise TooManyBlankRows(self.limits.rows)
            return False
        self.filled += 1
        if self.filled > self.limits.rows + 1:  # the header, then the rows
            raise TooManyRows(self.limits.rows)
        if len(row) > self.limits.columns:
            raise TooManyColumns(number, self.limits.columns)
        for index, cell in enumerate(row):
            if len(cell) > self.limits.cell_characters:
                raise CellTooLong(number, index + 1, cell, self.limits.cell_characters)
            self.characters += len(cell)
        if self.characters > MAX_TEXT_CHARACTERS:
            raise TooLargeUnpacked("text")
        return True


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _uncell(str(value).strip())


# --- CSV ---

LINE_END = re.compile(r"\r\n|\r|\n")
SEPARATOR_LINE = re.compile(r"^sep=(.)\r?\n?$", re.IGNORECASE)  # Excel's own hint
# Characters no spreadsheet text holds: C0 controls but tab, CR and LF; DEL; C1
# controls (in decoded UTF-8 they betray text decoded twice).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Windows-1252 is a guess (any byte but five decodes), so it is taken only for bytes
# that look like text written in it: no control bytes, no UTF-8 sequence (a file
# that is UTF-8 but for one stray byte would become "Ã©" everywhere), and no run of
# three non-ASCII bytes (Indonesian and Western text has accents one at a time;
# Chinese, Japanese or Cyrillic text in another code page has runs).
CP1252_IMPLAUSIBLE = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\xc2-\xdf][\x80-\xbf]|[\x80-\xff]{3}"
)


def _encoding(content: bytes) -> tuple[str, int]:
    """The encoding of a CSV's bytes and the length of its byte order mark, or
    ``UnreadableText`` when it cannot be told with confidence."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if content.startswith(bom):
            if not _decodes_as_text(content, encoding, len(bom)):
                raise UnreadableText(encoding)
            return encoding, len(bom)
    if b"\x00" in content:
        raise NotASpreadsheet("binary")
    if _decodes_as_text(content, "utf-8", 0):
        return "utf-8", 0
    try:
        content.decode("cp1252")  # checks the five bytes cp1252 leaves undefined
    except UnicodeDecodeError:
        raise UnreadableText("cp1252") from None
    if CP1252_IMPLAUSIBLE.search(content):
        raise UnreadableText("cp1252")
    return "cp1252", 0


def _decodes_as_text(content: bytes, encoding: str, start: int) -> bool:
    """Whether ``content`` decodes strictly, with no control character: a piece at
    a time, so that an 8 MB file never becomes a 32 MB string."""
    try:
        for text in _decoded(content, encoding, start):
            if CONTROL.search(text):
                return False
    except UnicodeDecodeError:
        return False
    return True


def _decoded(content: bytes, encoding: str, start: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(content)
    for offset in range(start, len(content), CHUNK_BYTES):
        yield decoder.decode(view[offset : offset + CHUNK_BYTES])
    yield decoder.decode(b"", final=True)


class _RecordTooLong(Exception):
    def __init__(self, text: str):
        self.text = text


class _Lines:
    """A CSV's lines with their ends (CR LF, LF or a bare CR, as old Mac and some
    exports write), for csv.reader, which splits the rest. It counts the characters
    of the record being read so that no record grows past MAX_RECORD_CHARACTERS (an
    unclosed quote would otherwise swallow the file)."""

    def __init__(self, pieces: Iterator[str]):
        self.lines = self._split(pieces)
        self.record: list[str] = []
        self.length = 0

    def _split(self, pieces: Iterator[str]) -> Iterator[str]:
        buffer = ""
        for piece in pieces:
            buffer += piece
            start = 0
            for match in LINE_END.finditer(buffer):
                if match.end() == len(buffer) and match.group() == "\r":
                    break  # perhaps the first half of a CR LF cut in two
                yield buffer[start : match.end()]
                start = match.end()
            buffer = buffer[start:]
            if len(buffer) > MAX_RECORD_CHARACTERS:
                raise _RecordTooLong(buffer[:MAX_RECORD_CHARACTERS])
        if buffer:
            yield buffer

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.length += len(line)
        self.record.append(line)
        if self.length > MAX_RECORD_CHARACTERS:
            raise _RecordTooLong("".join(self.record)[:MAX_RECORD_CHARACTERS])
        return line

    def next_record(self) -> None:
        self.record.clear()
        self.length = 0


def _csv_rows(content: bytes, limits: ReadingLimits) -> Iterator[tuple[int, list]]:
    encoding, start = _encoding(content)
    lines = _Lines(_decoded(content, encoding, start))
    number, delimiter = 0, ","
    try:
        first = next(lines, "")
        lines.next_record()
        hint = SEPARATOR_LINE.match(first)
        if hint:
            delimiter = hint.group(1)
            first = next(lines, "")
            lines.next_record()
        else:
            delimiter = _delimiter(first)
        rows = csv.reader(_chain(first, lines), delimiter=delimiter, strict=False)
        for number, row in enumerate(rows, start=1):
            lines.next_record()
            yield number, [_uncell(cell.strip()) for cell in row]
    except _RecordTooLong as long:
        raise _why_too_long(number + 1, long.text, delimiter, limits) from None
    except csv.Error:
        raise NotASpreadsheet("csv") from None


def _chain(first: str, lines: _Lines) -> Iterator[str]:
    if first:
        yield first
    yield from lines


def _delimiter(first_line: str) -> str:
    """The separator of a CSV, by its header: a comma, or a semicolon as Excel
    writes it where the decimal separator is a comma (Indonesia), or a tab as
    Excel's Unicode text has it."""
    counts = {mark: first_line.count(mark) for mark in (",", ";", "\t")}
    return max(counts, key=lambda mark: (counts[mark], mark == ","))


def _why_too_long(number: int, text: str, delimiter: str, limits) -> Refused:
    cells = text.split(delimiter)
    if len(cells) > limits.columns:
        return TooManyColumns(number, limits.columns)
    longest = max(range(len(cells)), key=lambda index: len(cells[index]))
    return CellTooLong(number, longest + 1, cells[longest], limits.cell_characters)


# --- XLSX, read from its XML: openpyxl would pad every row to the sheet's stated
# dimension (a cell at XFD1048576 means 17 billion cells) and hold shared strings
# as Python objects. ---

MAIN_RELS = "_rels/.rels"
OFFICE_DOCUMENT = "/officeDocument"
CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
DATE_FORMAT_IDS = frozenset((*range(14, 23), 45, 46, 47))
NOT_WHOLE = re.compile(r"[.eE]")  # openpyxl's test: a float, else an integer


def _xlsx_rows(content: bytes, limits: ReadingLimits) -> Iterator[tuple[int, list]]:
    if _zip_entries(content) > XLSX_MAX_ENTRIES:
        raise TooLargeUnpacked("entries")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = _Parts(archive, limits)
            workbook_path = parts.related(MAIN_RELS, "", OFFICE_DOCUMENT)
            if workbook_path is None:
                raise NotASpreadsheet("no workbook")
            book = _Workbook()
            parts.parse(workbook_path, book, XLSX_MAX_SMALL_PART_BYTES)
            rels = _rels_path(workbook_path)
            sheet_path = parts.target(rels, workbook_path, book.first_sheet)
            if sheet_path is None:
                raise NotASpreadsheet("no sheet")
            strings = _SharedStrings()
            strings_path = parts.related(rels, workbook_path, "/sharedStrings")
            if strings_path:
                parts.parse(strings_path, strings)
            styles = _Styles()
            styles_path = parts.related(rels, workbook_path, "/styles")
            if styles_path:
                parts.parse(styles_path, styles, XLSX_MAX_SMALL_PART_BYTES)
            sheet = _Sheet(strings, styles.date_styles(), book.epoch, limits)
            for _ in parts.feed(sheet_path, sheet):
                yield from sheet.take()
            yield from sheet.take()
    except Refused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        etree.LxmlError,
        EOFError,
        OSError,
        RuntimeError,  # an encrypted entry
        NotImplementedError,  # a compression zipfile does not know
        ValueError,
        KeyError,
        IndexError,
        OverflowError,
        zlib.error,
    ) as error:  # any broken zip or workbook: say so, do not crash
        raise NotASpreadsheet(str(error)[:200]) from None


def _zip_entries(content: bytes) -> int:
    """How many files the zip holds, before zipfile reads them all into objects (an
    8 MB zip can list a hundred thousand). zipfile reads the directory by its size,
    not by the count it declares, so the directory's own entries are counted too:
    the larger of the two (a stray match in packed data only errs on the safe side)."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 65_557))
    declared = 0
    if end >= 0 and end + 12 <= len(content):
        declared = int.from_bytes(content[end + 10 : end + 12], "little")
        if declared == 0xFFFF:  # ZIP64: a workbook never needs it
            return XLSX_MAX_ENTRIES + 1
    return max(declared, content.count(b"PK\x01\x02"))


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag) -> str:
    """A tag's name without its namespace (the transitional and the strict OOXML
    namespaces differ), remembered for the few tags a workbook uses."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < 1000:  # a hostile file may invent a million tags
            _LOCAL_NAMES[tag] = name
    return name


def _rels_path(path: str) -> str:
    folder, _, name = path.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


class _Parts:
    """The workbook's files, each unpacked within the limits: the sizes the zip
    declares are checked first, and the bytes are counted as they are inflated,
    since a declaration can lie (zipfile also stops at the declared size, and its
    checksum then fails: the count is the guard that does not rest on that)."""

    def __init__(self, archive: zipfile.ZipFile, limits: ReadingLimits):
        self.archive, self.limits = archive, limits
        self.names = set(archive.namelist())
        self.elements_left = (
            XLSX_ELEMENTS_PER_ROW * (limits.rows + 1) + XLSX_ELEMENTS_BESIDE_ROWS
        )

    def chunks(self, path: str, limit: int | None = None) -> Iterator[bytes]:
        info = self.archive.getinfo(path)
        limit = min(limit or self.limits.part_bytes, self.limits.part_bytes)
        if info.file_size > limit or info.file_size > self.limits.ratio * max(
            info.compress_size, CHUNK_BYTES
        ):
            raise TooLargeUnpacked(path)
        allowed = min(limit, self.limits.ratio * max(info.compress_size, CHUNK_BYTES))
        unpacked = 0
        with self.archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                unpacked += len(chunk)
                if unpacked > allowed:
                    raise TooLargeUnpacked(path)
                yield chunk

    def feed(self, path: str, target, limit: int | None = None) -> Iterator[None]:
        """Feed a part to an XML parser that calls ``target``; yields after each
        piece, so that a caller can take what was read so far."""
        parser = etree.XMLParser(
            target=_Counted(target, self),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
        )
        for chunk in self.chunks(path, limit):
            parser.feed(chunk)
            yield
        parser.close()

    def parse(self, path: str, target, limit: int | None = None) -> None:
        for _ in self.feed(path, target, limit):
            pass

    def relations(self, rels_path: str) -> list[tuple[str, str, str]]:
        if rels_path not in self.names:
            return []
        found = _Relations()
        self.parse(rels_path, found, XLSX_MAX_SMALL_PART_BYTES)
        return found.items

    def _resolve(self, source: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        folder = source.rpartition("/")[0]
        return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")

    def related(self, rels_path: str, source: str, kind: str) -> str | None:
        """The first part ``source`` relates to whose type ends with ``kind``."""
        for _, type_, target in self.relations(rels_path):
            if type_.endswith(kind):
                path = self._resolve(source, target)
                return path if path in self.names else None
        return None

    def target(self, rels_path: str, source: str, ident: str | None) -> str | None:
        for found, _, target in self.relations(rels_path):
            if found == ident:
                path = self._resolve(source, target)
                return path if path in self.names else None
        return None


class _Counted:
    """A parser target's stand-in that counts the elements of every part against
    the workbook's budget (``_Parts.elements_left``) before passing them on."""

    def __init__(self, target, parts: _Parts):
        self.target, self.parts = target, parts
        self.end, self.data = target.end, target.data
        self.doctype, self.close = target.doctype, target.close

    def start(self, tag, attrib) -> None:
        self.parts.elements_left -= 1
        if self.parts.elements_left < 0:
            raise TooLargeUnpacked("elements")
        self.target.start(tag, attrib)


class _Target:
    """An XML parser target that takes nothing it is not asked for."""

    def start(self, tag, attrib) -> None:
        pass

    def end(self, tag) -> None:
        pass

    def data(self, text) -> None:
        pass

    def doctype(self, *args) -> None:
        raise NotASpreadsheet("doctype")  # no workbook part declares entities

    def close(self) -> None:
        pass


class _Relations(_Target):
    def __init__(self):
        self.items: list[tuple[str, str, str]] = []

    def start(self, tag, attrib) -> None:
        if _local(tag) == "Relationship" and len(self.items) < XLSX_MAX_ENTRIES:
            self.items.append(
                (attrib.get("Id"), attrib.get("Type", ""), attrib.get("Target", ""))
            )


class _Workbook(_Target):
    """The workbook's first sheet (as openpyxl's ``worksheets[0]``) and calendar."""

    def __init__(self):
        self.first_sheet: str | None = None
        self.epoch = WINDOWS_EPOCH

    def start(self, tag, attrib) -> None:
        name = _local(tag)
        if name == "workbookPr" and attrib.get("date1904") in ("1", "true"):
            self.epoch = MAC_EPOCH
        elif name == "sheet" and self.first_sheet is None:
            self.first_sheet = next(
                (value for key, value in attrib.items() if _local(key) == "id"), None
            )


class _SharedStrings(_Target):
    """The shared strings, kept as UTF-8 in one buffer with their offsets: a
    million short strings as Python objects would take 60 MB."""

    def __init__(self):
        self.buffer = bytearray()
        self.offsets = array("Q", [0])
        self.inside = 0  # within <si>
        self.phonetic = 0  # within <rPh>: a reading aid, not the text
        self.text = False

    def start(self, tag, attrib) -> None:
        name = _local(tag)
        if name == "si":
            self.inside = 1
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t" and self.inside and not self.phonetic:
            self.text = True

    def data(self, text) -> None:
        if self.text:
            self.buffer += text.encode()

    def end(self, tag) -> None:
        name = _local(tag)
        if name == "si":
            self.inside = 0
            self.offsets.append(len(self.buffer))
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "t":
            self.text = False

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self.offsets) - 1:
            return ""
        start, end = self.offsets[index], self.offsets[index + 1]
        return self.buffer[start:end].decode()

    def length(self, index: int) -> int:
        if not 0 <= index < len(self.offsets) - 1:
            return 0
        return self.offsets[index + 1] - self.offsets[index]


class _Styles(_Target):
    """Which cell styles show a number as a date (openpyxl's rule)."""

    def __init__(self):
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, tag, attrib) -> None:
        name = _local(tag)
        if name == "numFmt":
            format_id = attrib.get("numFmtId", "")
            if format_id.isdigit():
                self.formats[int(format_id)] = attrib.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            try:
                self.cell_formats.append(int(attrib.get("numFmtId", "0")))
            except ValueError:
                self.cell_formats.append(0)

    def end(self, tag) -> None:
        if _local(tag) == "cellXfs":
            self.in_cell_xfs = False

    def date_styles(self) -> frozenset[int]:
        dates = set()
        for index, format_id in enumerate(self.cell_formats):
            code = self.formats.get(format_id, BUILTIN_FORMATS.get(format_id))
            if format_id in DATE_FORMAT_IDS or (code and is_date_format(code)):
                dates.add(index)
        return frozenset(dates)


# The worksheet tags read, by their names in either namespace (transitional OOXML
# as Excel writes it, or strict): one lookup per element instead of a string split.
SHEET_TAGS = {
    f"{{{namespace}}}{name}": name
    for namespace in (
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    for name in ("row", "c", "v", "t", "rPh")
}


class _Sheet(_Target):
    """A worksheet's rows as they are parsed, each as a list as wide as its last
    filled cell; a cell past the column limit or longer than the cell limit stops
    the parse at once. Nothing is kept of a row once taken."""

    def __init__(self, strings, date_styles, epoch, limits: ReadingLimits):
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch
        self.limits = limits
        self.ready: list[tuple[int, list[str]]] = []
        self.row_number = 0
        self.cells: dict[int, str] = {}
        self.column = 0
        self.cell: tuple[str, str] | None = None  # (type, style) of the open cell
        self.parts: list[str] | None = None  # the text of <v> or <t> being read
        self.length = 0
        self.value: list[str] = []
        self.phonetic = 0

    def take(self) -> list[tuple[int, list[str]]]:
        ready, self.ready = self.ready, []
        return ready

    def start(self, tag, attrib) -> None:
        name = SHEET_TAGS.get(tag)
        if name == "c":
            match = CELL_REF.match(attrib.get("r", ""))
            if match:
                self.column = column_index_from_string(match.group(1))
            else:
                self.column += 1
            self.cell = (attrib.get("t", "n"), attrib.get("s", "0"))
            self.value = []
            self.length = 0
        elif name == "row":
            try:
                self.row_number = int(attrib.get("r", ""))
            except ValueError:
                self.row_number += 1
            self.cells = {}
            self.column = 0
        elif name in ("v", "t") and self.cell is not None and not self.phonetic:
            self.parts = self.value
        elif name == "rPh":
            self.phonetic += 1

    def data(self, text) -> None:
        if self.parts is not None:
            self.length += len(text)
            if self.length > self.limits.cell_characters:
                raise CellTooLong(
                    self.row_number,
                    self.column,
                    "".join(self.parts) + text,
                    self.limits.cell_characters,
                )
            self.parts.append(text)

    def end(self, tag) -> None:
        name = SHEET_TAGS.get(tag)
        if name in ("v", "t"):
            self.parts = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c" and self.cell is not None:
            text = self._cell_text(*self.cell, "".join(self.value))
            self.cell = None
            if text:
                if self.column > self.limits.columns:
                    raise TooManyColumns(self.row_number, self.limits.columns)
                self.cells[self.column] = text
        elif name == "row":
            row = [""] * max(self.cells, default=0)
            for column, text in self.cells.items():
                row[column - 1] = text
            self.ready.append((self.row_number, row))
            self.cells = {}

    def _cell_text(self, kind: str, style: str, value: str) -> str:
        if kind == "s":
            index = int(value) if value.strip().isdigit() else -1
            if self.strings.length(index) > self.limits.cell_characters * 4:
                raise CellTooLong(
                    self.row_number,
                    self.column,
                    self.strings[index][: ECHO_CHARACTERS * 2],
                    self.limits.cell_characters,
                )
            return _text(self.strings[index])
        if kind in ("inlineStr", "str", "e"):
            return _text(value)
        if kind == "b":
            return _text(value.strip() in ("1", "true"))
        if kind == "d":
            return _text(value.strip()[:10])
        value = value.strip()
        if not value:
            return ""
        try:
            number = float(value) if NOT_WHOLE.search(value) else int(value)
        except ValueError:
            return _text(value)
        if style.isdigit() and int(style) in self.date_styles:
            try:
                return _text(from_excel(number, self.epoch))
            except (ValueError, OverflowError, TypeError):
                return _text(number)
        return _text(number)
