"""The first sheet of an XLSX workbook read by python-calamine, run as a process of
its own by ``workbook``:

    python -I sheet_reader.py MEMORY_BYTES CPU_SECONDS COLUMNS CELL_CHARACTERS \
        < workbook.xlsx

It takes its limits first (no core file, MEMORY_BYTES of memory beyond what it
starts with, CPU_SECONDS of CPU), then writes the sheet's rows to its output as
frames: a length (4 bytes, little-endian) and a marshalled ``(kind, payload)``,
where kind is "rows" (a list of (row number, first column, cells as text)),
"broken" (why calamine cannot read it) or "end" (with its peak memory). A file that
takes more than the limits stops the process, and ``workbook`` refuses it. A row is
sent with at most one cell more than COLUMNS and a cell with at most one character
more than CELL_CHARACTERS: enough for ``reading`` to refuse it, and a frame stays small.

It imports nothing of the app (nor Flask), so that it starts in a few hundredths of
a second.
"""

import io
import marshal
import resource
import struct
import sys
from datetime import date, datetime

ROWS_PER_FRAME = 1_000
FRAME_CHARACTERS = 1024 * 1024  # a frame is sent once its rows hold this much text
TOO_LARGE = 3  # the exit status of a reader out of memory
# formats.FORMULA_START: an exported cell that began with one of these was kept as
# text with an apostrophe before it, which reading drops (formats.uncell).
FORMULA_START = ("=", "+", "-", "@")


def cell_text(value) -> str:
    """A cell as the import reads it: a date as 2026-03-31, a whole number without
    decimals, text without the spaces around it."""
    kind = value.__class__
    if kind is str:
        text = value.strip()
        if text.startswith("'") and text[1:].startswith(FORMULA_START):
            return text[1:]
        return text
    if kind is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if kind is datetime:
        return value.date().isoformat()
    if kind is date:
        return value.isoformat()
    return str(value)  # int, bool (True), a time of day (12:30:00), a duration


def rows_of(sheet, columns: int, cell_characters: int):
    """(row number from 1, first column from 0, the row's cells as text up to its
    last filled one) for each row of ``sheet``; a blank row has no cells."""
    first_row, first_column = sheet.start or (0, 0)
    room = max(columns + 1 - first_column, 1)
    # The rows come from the sheet's first row, those above its first filled cell
    # included, as wide as the columns from that cell's to the last filled one.
    for number, values in enumerate(sheet.iter_rows(), start=1):
        if number <= first_row:
            continue
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            yield number, 0, cells
            continue
        if len(cells) > room:
            del cells[room:]
        for index, text in enumerate(cells):
            if len(text) > cell_characters:
                cells[index] = text[: cell_characters + 1]
        yield number, first_column, cells


def write(out, kind: str, payload) -> None:
    frame = marshal.dumps((kind, payload))
    out.write(struct.pack("<I", len(frame)))
    out.write(frame)


def process_memory(key: str) -> int:
    """VmSize (virtual) or VmHWM (peak resident) of this process, in bytes; 0 where
    /proc cannot tell."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def limit(memory: int, cpu_seconds: int) -> None:
    """A crash writes no core file; calamine's allocations past ``memory`` fail (and
    abort the process) instead of taking the machine's memory."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    started = process_memory("VmSize")
    if started:
        resource.setrlimit(resource.RLIMIT_AS, (started + memory, started + memory))


def main() -> None:
    memory, cpu_seconds, columns, cell_characters = map(int, sys.argv[1:5])
    limit(memory, cpu_seconds)
    import python_calamine  # after the limits: its allocations count

    out = sys.stdout.buffer
    content = sys.stdin.buffer.read()
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        batch, characters = [], 0
        for row in rows_of(sheet, columns, cell_characters):
            batch.append(row)
            characters += sum(map(len, row[2]))
            if len(batch) == ROWS_PER_FRAME or characters > FRAME_CHARACTERS:
                write(out, "rows", batch)
                batch, characters = [], 0
        write(out, "rows", batch)
    except MemoryError:
        sys.exit(TOO_LARGE)  # as a failed allocation in calamine aborts it
    except Exception as error:  # a broken workbook, in any of calamine's words
        write(out, "broken", f"{type(error).__name__}: {error}"[:200])
    except BaseException as error:  # a panic in calamine (pyo3's PanicException)
        if isinstance(error, SystemExit | KeyboardInterrupt):
            raise
        write(out, "broken", f"calamine: {str(error)[:180]}")
    else:
        write(out, "end", process_memory("VmHWM"))  # its peak: for the log, the bench
    out.flush()


if __name__ == "__main__":
    main()
