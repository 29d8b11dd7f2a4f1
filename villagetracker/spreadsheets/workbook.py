"""Reading an XLSX workbook's first sheet: its zip checked file by file before any
is inflated, each file then inflated once to count what it really holds, and the
sheet read by python-calamine in a process of its own (``sheet_reader``) that a file
cannot take past its memory and time limits."""

import io
import logging
import marshal
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from .limits import (
    CHUNK_BYTES,
    XLSX_MAX_ENTRIES,
    XLSX_MAX_UNPACKED_BYTES,
    XLSX_READER_CPU_SECONDS,
    NotASpreadsheet,
    ReadingLimits,
    Refused,
    TooLargeUnpacked,
    TooManyColumns,
)
from .sheet_reader import TOO_LARGE

log = logging.getLogger(__name__)

READER = Path(__file__).with_name("sheet_reader.py")
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name and extra lengths
INFLATE_BYTES = 1024 * 1024  # inflated at most this much at a time
MARKUP = (".xml", ".rels", ".vml")
# The reader sends a frame of rows when it holds this much text; a frame from it is
# never longer than FRAME_LIMIT, so that the worker never holds more of it at once.
FRAME_LIMIT = 8 * 1024 * 1024


def xlsx_rows(content: bytes, limits: ReadingLimits) -> Iterator[tuple[int, list]]:
    """The first sheet's rows as (row number, cells as text), blank rows included
    as empty lists, each as wide as its last filled cell."""
    _check_zip(content, limits)
    yield from _read_sheet(content, limits)


def _check_zip(content: bytes, limits: ReadingLimits) -> None:
    """Refuse a workbook whose files are too many or unpack to too much, by what
    its zip declares (before anything is inflated) and then by what each file
    really inflates to: calamine reads the same bytes as they come, so a declaration
    that lies must not be what bounds it."""
    if _zip_entries(content) > XLSX_MAX_ENTRIES:
        raise TooLargeUnpacked("entries")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = archive.infolist()
        # Nothing before the zip: zipfile and calamine's zip reader could each find
        # the files somewhere else, and calamine must read what was counted here.
        first = min((info.header_offset for info in files), default=None)
        if first != 0 or not content.startswith(b"PK\x03\x04"):
            raise NotASpreadsheet("not a zip from its first byte")
        declared = 0
        for info in files:
            if info.flag_bits & 1 or info.compress_type not in (
                zipfile.ZIP_STORED,
                zipfile.ZIP_DEFLATED,
            ):
                raise NotASpreadsheet(f"{info.filename}: encrypted or not deflated")
            if info.file_size > _allowed(info, limits):
                raise TooLargeUnpacked(info.filename)
            declared += info.file_size
        if declared > XLSX_MAX_UNPACKED_BYTES:
            raise TooLargeUnpacked("workbook")
        for info in files:
            _inflate_counted(content, info, _allowed(info, limits))
    except Refused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        struct.error,
        EOFError,
        OSError,
        NotImplementedError,
        ValueError,
        KeyError,
        IndexError,
        OverflowError,
    ) as error:  # any broken zip: say so, do not crash
        raise NotASpreadsheet(str(error)[:200]) from None


def _allowed(info: zipfile.ZipInfo, limits: ReadingLimits) -> int:
    return min(limits.part_bytes, limits.ratio * max(info.compress_size, CHUNK_BYTES))


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


def _inflate_counted(content: bytes, info: zipfile.ZipInfo, allowed: int) -> None:
    """Inflate one file of the zip from its packed bytes, whatever sizes its headers
    claim, counting what comes out: past ``allowed`` it is refused at once, and a
    file that does not inflate to exactly the size and checksum its directory
    declares is broken. Markup with a document type is refused (no workbook part
    declares entities)."""
    signature, name_length, extra_length = LOCAL_HEADER.unpack_from(
        content, info.header_offset
    )
    if signature != b"PK\x03\x04":
        raise NotASpreadsheet(f"{info.filename}: no local header")
    start = info.header_offset + LOCAL_HEADER.size + name_length + extra_length
    packed = memoryview(content)[start : start + info.compress_size]
    if len(packed) != info.compress_size:
        raise NotASpreadsheet(f"{info.filename}: cut short")
    markup = info.filename.lower().endswith(MARKUP)
    size, checksum, tail = 0, 0, b""
    for piece in _inflated(packed, info.compress_type):
        size += len(piece)
        if size > allowed:
            raise TooLargeUnpacked(info.filename)
        checksum = zlib.crc32(piece, checksum)
        if markup:
            if b"<!DOCTYPE" in tail + piece[:16] or b"<!DOCTYPE" in piece:
                raise NotASpreadsheet(f"{info.filename}: document type")
            tail = bytes(piece[-16:])
    if size != info.file_size or checksum != info.CRC:
        raise NotASpreadsheet(f"{info.filename}: not the size or checksum declared")


def _inflated(packed: memoryview, method: int) -> Iterator[bytes]:
    """A file's bytes a piece at a time, never more than INFLATE_BYTES at once."""
    if method == zipfile.ZIP_STORED:
        for offset in range(0, len(packed), INFLATE_BYTES):
            yield bytes(packed[offset : offset + INFLATE_BYTES])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for offset in range(0, len(packed), INFLATE_BYTES):
        pending = packed[offset : offset + INFLATE_BYTES]
        while True:
            piece = inflater.decompress(pending, INFLATE_BYTES)
            if piece:
                yield piece
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(piece) < INFLATE_BYTES):
                break
        if inflater.eof:
            break
    if not inflater.eof:
        raise NotASpreadsheet("a file's data ends before its end")


def _read_sheet(content: bytes, limits: ReadingLimits) -> Iterator[tuple[int, list]]:
    """The sheet's rows as the reader process sends them. Closed early (the caller
    refused the file), the process is stopped."""
    reader = subprocess.Popen(
        [sys.executable, "-I", str(READER), str(limits.reader_memory)]
        + [str(XLSX_READER_CPU_SECONDS), str(limits.columns)]
        + [str(limits.cell_characters)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        try:
            reader.stdin.write(content)
            reader.stdin.close()
        except BrokenPipeError:
            pass  # it stopped at once: said below
        while (frame := _frame(reader.stdout)) is not None:
            kind, payload = marshal.loads(frame)
            if kind == "end":
                log.debug("XLSX reader: peak %.1f MB", payload / 2**20)
                return
            if kind == "broken":
                raise NotASpreadsheet(payload)
            for number, first_column, cells in payload:
                if first_column:  # the sheet starts right of column A
                    if first_column + len(cells) > limits.columns:
                        raise TooManyColumns(number, limits.columns)
                    cells = [""] * first_column + cells
                yield number, cells
        status = reader.wait()
        # Stopped by its limits: a failed allocation aborts it (SIGABRT), its CPU
        # time ends it (SIGXCPU), Python's MemoryError exits with TOO_LARGE.
        if status < 0 or status == TOO_LARGE:
            log.info("XLSX reader stopped by its limits (status %s)", status)
            raise TooLargeUnpacked("reader")
        raise RuntimeError(f"the XLSX reader failed (status {status})")
    finally:
        if reader.poll() is None:
            reader.kill()
        reader.wait()
        reader.stdout.close()


def _frame(stream) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (length,) = struct.unpack("<I", head)
    if length > FRAME_LIMIT:
        raise TooLargeUnpacked("frame")
    frame = stream.read(length)
    return frame if len(frame) == length else None
