"""The XML parts of an XLSX workbook, read by a parser that builds no tree: the
workbook, its relations, shared strings, styles and the sheet's rows."""

import re
from array import array
from datetime import date, datetime

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904 as MAC_EPOCH
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900 as WINDOWS_EPOCH
from openpyxl.utils.datetime import from_excel

from .formats import uncell
from .limits import (
    ECHO_CHARACTERS,
    XLSX_MAX_ENTRIES,
    CellTooLong,
    NotASpreadsheet,
    ReadingLimits,
    TooManyColumns,
)

CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
DATE_FORMAT_IDS = frozenset((*range(14, 23), 45, 46, 47))
NOT_WHOLE = re.compile(r"[.eE]")  # openpyxl's test: a float, else an integer


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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return uncell(str(value).strip())


class Target:
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


class Relations(Target):
    def __init__(self):
        self.items: list[tuple[str, str, str]] = []

    def start(self, tag, attrib) -> None:
        if _local(tag) == "Relationship" and len(self.items) < XLSX_MAX_ENTRIES:
            self.items.append(
                (attrib.get("Id"), attrib.get("Type", ""), attrib.get("Target", ""))
            )


class WorkbookPart(Target):
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


class SharedStrings(Target):
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


class Styles(Target):
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


class Sheet(Target):
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
