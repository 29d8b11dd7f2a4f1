"""How much of an uploaded spreadsheet is read before it is refused, and the ways a
file is refused as a whole."""

from dataclasses import dataclass

# --- Reading an uploaded file ---
#
# An upload is hostile until read: a few kilobytes of XLSX can unpack to gigabytes or
# name a cell at XFD1048576, and a CSV can hold millions of rows or columns. A CSV is
# decoded and split a piece at a time, counting as it goes: the rows, the columns and
# a cell's characters; the first limit passed stops the reading at once. An XLSX is
# first checked as a zip (its files, the sizes it declares, then the bytes each file
# really inflates to), and then read by python-calamine in a process of its own,
# within a memory and a time limit (``workbook``): calamine builds the whole sheet
# as a rectangle in memory, so two cells at A1 and XFD1048576 would ask it for half
# a terabyte, which aborts the process that asks. The rows it returns are held to
# the same limits as a CSV's.

MAX_COLUMNS = 50  # the template has 21 columns, an exported history 25
MAX_CELL_CHARACTERS = 5_000  # notes hold at most 2,000: the form says so row by row
# A CSV record longer than this has too many columns or too long a cell; it is never
# built (and csv's own field limit, 131,072, is never reached).
MAX_RECORD_CHARACTERS = 128 * 1024
# A file of an XLSX unpacks to at most this, and to at most XLSX_MAX_RATIO times its
# packed size; all of them together to at most XLSX_MAX_UNPACKED_BYTES. A sheet of
# 100,000 report rows (25 columns) unpacks to about 70 MB at a ratio below 10
# (bench/formats.py).
XLSX_MAX_PART_BYTES = 128 * 1024 * 1024
XLSX_MAX_UNPACKED_BYTES = 160 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_MAX_ENTRIES = 1_000  # a workbook has a few dozen files
# The process that reads an XLSX may take this much memory beyond what it starts
# with, and this many seconds of CPU: 100,000 report rows take calamine about 190 MB
# and 4 s here. Past either, it is stopped and the file refused as too large.
XLSX_READER_MEMORY_BYTES = 384 * 1024 * 1024
XLSX_READER_CPU_SECONDS = 30
# Text in all the cells read, at most: a shared string is stored once but copied
# into every cell that names it, so a tiny file could otherwise fill the memory.
# 100,000 report rows hold about 10 million characters.
MAX_TEXT_CHARACTERS = 32 * 1024 * 1024
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
    reader_memory: int = XLSX_READER_MEMORY_BYTES


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
        self.column = column_letter(min(max(column, 1), 16384))
        self.start = echo(start)


class TooLargeUnpacked(Refused):
    """An XLSX part unpacks to more than the limits allow (or claims to)."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


def column_letter(number: int) -> str:
    """A column's letters as a spreadsheet shows them: 1 is A, 27 is AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def echo(text: str, limit: int = ECHO_CHARACTERS) -> str:
    """``text`` as a message may quote it: at most ``limit`` characters."""
    text = " ".join(text[: limit * 4].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
