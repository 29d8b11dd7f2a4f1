"""Reading an uploaded spreadsheet's rows as text, within the limits: CSV here, XLSX
in ``workbook``."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator

from .formats import uncell
from .limits import (
    CHUNK_BYTES,
    MAX_RECORD_CHARACTERS,
    MAX_TEXT_CHARACTERS,
    CellTooLong,
    NotASpreadsheet,
    ReadingLimits,
    Refused,
    TooLargeUnpacked,
    TooManyBlankRows,
    TooManyColumns,
    TooManyRows,
    UnreadableText,
)
from .workbook import xlsx_rows

# An XLSX sheet's extent is declared at its start, before its rows.
DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
DIMENSION_BYTES = 4096


def read_rows(
    filename: str, content: bytes, limits: ReadingLimits
) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first sheet of an XLSX file, or of a CSV file (comma,
    semicolon or tab separated), each with its number as the spreadsheet shows it
    (from 1), every cell as text: a date as 2026-03-31, a whole number without
    decimals. Empty rows are left out; the numbers stay. Read as it is iterated:
    past ``limits`` it raises a ``Refused`` at once (an XLSX's sheet is read whole
    by calamine first, within the limits of ``workbook``)."""
    if zipfile.is_zipfile(io.BytesIO(content)):
        rows = xlsx_rows(content, limits)
    elif filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise NotASpreadsheet(filename)
    else:
        rows = _csv_rows(content, limits)
    counter = _RowCounter(limits)
    try:
        for number, row in rows:
            while row and not row[-1]:
                row.pop()
            if counter.counts(number, row):
                yield number, row
    finally:
        rows.close()  # an XLSX's reader process stops at once


def rows_about(filename: str, content: bytes) -> int | None:
    """About how many rows a file holds under its header, before it is read, for a
    progress bar: a CSV's lines (a cell may hold a line break, and empty lines
    count too); an XLSX's by the extent its first sheet declares (``<dimension
    ref="A1:M10001">``, as Excel, LibreOffice and our exports write it), or None."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return max(content.count(b"\n") + (not content.endswith(b"\n")) - 1, 0)
    try:
        with (
            zipfile.ZipFile(io.BytesIO(content)) as workbook,
            workbook.open("xl/worksheets/sheet1.xml") as sheet,
        ):
            start = sheet.read(DIMENSION_BYTES)  # inflated no further
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError):
        return None  # the reading says what is wrong with it
    extent = DIMENSION.search(start)
    return int(extent.group(1)) - 1 if extent else None


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
            yield number, [uncell(cell.strip()) for cell in row]
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
