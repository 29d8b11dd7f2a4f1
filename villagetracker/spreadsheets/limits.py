"""How much of an uploaded spreadsheet is read before it is refused, and the ways a
file is refused as a whole."""

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

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
