"""Reading an XLSX workbook's first sheet from its zip, each part unpacked within
the limits."""

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from .limits import (
    CHUNK_BYTES,
    XLSX_ELEMENTS_BESIDE_ROWS,
    XLSX_ELEMENTS_PER_ROW,
    XLSX_MAX_ENTRIES,
    XLSX_MAX_SMALL_PART_BYTES,
    NotASpreadsheet,
    ReadingLimits,
    Refused,
    TooLargeUnpacked,
)
from .sheet_xml import Relations, SharedStrings, Sheet, Styles, WorkbookPart

# --- XLSX, read from its XML: openpyxl would pad every row to the sheet's stated
# dimension (a cell at XFD1048576 means 17 billion cells) and hold shared strings
# as Python objects. ---

MAIN_RELS = "_rels/.rels"
OFFICE_DOCUMENT = "/officeDocument"


def xlsx_rows(content: bytes, limits: ReadingLimits) -> Iterator[tuple[int, list]]:
    if _zip_entries(content) > XLSX_MAX_ENTRIES:
        raise TooLargeUnpacked("entries")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = _Parts(archive, limits)
            workbook_path = parts.related(MAIN_RELS, "", OFFICE_DOCUMENT)
            if workbook_path is None:
                raise NotASpreadsheet("no workbook")
            book = WorkbookPart()
            parts.parse(workbook_path, book, XLSX_MAX_SMALL_PART_BYTES)
            rels = _rels_path(workbook_path)
            sheet_path = parts.target(rels, workbook_path, book.first_sheet)
            if sheet_path is None:
                raise NotASpreadsheet("no sheet")
            strings = SharedStrings()
            strings_path = parts.related(rels, workbook_path, "/sharedStrings")
            if strings_path:
                parts.parse(strings_path, strings)
            styles = Styles()
            styles_path = parts.related(rels, workbook_path, "/styles")
            if styles_path:
                parts.parse(styles_path, styles, XLSX_MAX_SMALL_PART_BYTES)
            sheet = Sheet(strings, styles.date_styles(), book.epoch, limits)
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
        found = Relations()
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
