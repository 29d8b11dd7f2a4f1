"""Spreadsheets as people really save them, and as an attacker would make them: every
line ending and encoding a CSV comes in reads or says why not, and a file past the
limits (rows, columns, a cell's length, an XLSX's unpacked size, the memory its
reader process may take) is refused while it is read, with a short message. Small
variants of the files in ``bench/hostile.py``, which measures the large ones."""

import base64
import csv
import io
import os
import resource
import struct
import zipfile
import zlib
from pathlib import Path

import lxml.html
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from tests.helpers.jobs import followed
from villagetracker.extensions import db
from villagetracker.models import PendingImport, Report, Role
from villagetracker.spreadsheets import formats, reading, sheet_reader, workbook
from villagetracker.spreadsheets import limits as refusals
from villagetracker.spreadsheets.limits import ReadingLimits
from villagetracker.spreadsheets.reading import read_rows

CISOKA = "36.03.06.2003"
HEADER = [
    "Village code",
    "Village",
    "As of",
    "Active participants",
    "BPU (informal workers)",
    "PU (wage earners)",
    "Jakon (construction)",
    "Self-paid (mandiri)",
    "APBD (regency budget)",
    "APBDes (village budget)",
    "CSR or other",
    "Notes",
]


@pytest.fixture
def officer(login, register):
    register(CISOKA, potential=1000)
    session, _ = login(Role.OFFICER, region="36.03")
    session.post("/language", {"lang": "en"})
    return session


def line(as_of="2025-09-30", active=900, notes="") -> list:
    return [CISOKA, "Cisoka", as_of, active, active, 0, 0, active, 0, 0, 0, notes]


def to_csv(rows, delimiter=",", ending="\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerows(rows)
    return buffer.getvalue()


def upload(session, content: bytes, name="laporan.csv"):
    """The page the upload leads to once the job worker checked it: its preview,
    which says why a file is refused (400)."""
    response = session.post(
        "/imports/",
        {"spreadsheet": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    return followed(session, response)


def previewed(session, content: bytes, name="laporan.csv"):
    """The preview's additions and problems, as the page lists them."""
    response = upload(session, content, name)
    assert response.status_code == 200, refusal(response)
    page = response.get_data(as_text=True)
    tiles = lxml.html.fromstring(page).cssselect(".tile-number")
    return int(tiles[0].text), int(tiles[3].text), page


def refusal(response) -> str:
    """The message next to the file field."""
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    errors = (
        tree.cssselect(".field-error")
        or tree.cssselect(".error-summary li")
        or tree.cssselect(".error-summary p")
    )
    return " ".join(errors[0].text_content().split()) if errors else ""


def nothing_kept() -> bool:
    """No upload kept but, for its page to say why, the refused one without its
    file."""
    return db.session.scalars(select(PendingImport.content)).all() in ([], [b""])


def committed_notes(session, content: bytes) -> str:
    token = upload(session, content).request.path.rsplit("/", 1)[1]
    assert session.post(f"/imports/{token}/commit").status_code == 302
    return db.session.scalar(select(Report.notes).where(Report.village_code == CISOKA))


# --- Every CSV a person might have ---


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_a_csv_reads_whatever_its_line_endings(officer, ending):
    rows = [HEADER, line("2025-08-31", 800), line("2025-09-30", 900)]
    additions, problems, _ = previewed(officer, to_csv(rows, ending=ending).encode())
    assert (additions, problems) == (2, 0)


def test_a_carriage_return_inside_a_quoted_cell_stays_in_the_cell(officer):
    content = to_csv([HEADER, line(notes="baris satu\rbaris dua")], ending="\r")
    assert committed_notes(officer, content.encode()) == "baris satu\rbaris dua"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"]
)
def test_a_csv_reads_in_every_encoding_excel_saves(officer, encoding):
    notes = "Kecamatan Cisoka – café “sentra” 5 €"
    text = to_csv([HEADER, line(notes=notes)])
    if encoding == "utf-16-be-bom":
        content = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        content = text.encode(encoding)  # utf-16 here: little endian with a BOM
    assert committed_notes(officer, content) == notes


def test_excels_unicode_text_tab_separated_in_utf16_reads(officer):
    content = to_csv([HEADER, line()], delimiter="\t").encode("utf-16")
    assert previewed(officer, content)[:2] == (1, 0)


@pytest.mark.parametrize(
    "content",
    [
        # Cyrillic in Windows-1251: every byte is defined in Windows-1252 too.
        "Примечание".encode("cp1251"),
        # UTF-8 but for one stray Latin-1 byte: would become "Ã©" everywhere.
        "café".encode() + b" \xe9",
        # Bytes Windows-1252 leaves undefined.
        b"\x81\x8d\x8f",
        # A control character no spreadsheet writes.
        b"\x01\x02",
    ],
)
def test_a_file_whose_text_cannot_be_decoded_with_confidence_is_refused(
    officer, content
):
    header = to_csv([HEADER]).encode()
    row = to_csv([line()])[:-2].encode() + content + b"\r\n"
    response = upload(officer, header + row)
    assert response.status_code == 400
    assert "UTF-8" in refusal(response)
    assert nothing_kept()


def test_an_indonesian_spreadsheet_reads_semicolons_decimal_commas_and_dates(
    login, register
):
    """As Excel set to Indonesian saves CSV: `;` between cells, a decimal comma, a
    day first, and the headings of an exported history in Indonesian."""
    register(CISOKA, potential=1000)
    session, _ = login(Role.OFFICER, region="36.03")
    header = (
        "Kode desa;Desa;Per tanggal;Peserta aktif;BPU (bukan penerima upah);"
        "PU (penerima upah);Jakon (jasa konstruksi);Mandiri;APBD (anggaran "
        "kabupaten/kota);APBDes (anggaran desa);CSR atau lainnya;Potensi tenaga kerja;"
        "Cakupan (%);Catatan"
    )
    rows = [
        f"{CISOKA};Cisoka;31/10/2025;905;905;0;0;905;0;0;0;1.000;90,5;sudah dicek",
        f"{CISOKA};Cisoka;30/11/2025;910;900;10;0;910;0;0;0;1.000;91,0;",
    ]
    content = "\r\n".join([header, *rows]).encode("cp1252")
    token = upload(session, content).request.path.rsplit("/", 1)[1]
    assert session.post(f"/imports/{token}/commit").status_code == 302
    reports = db.session.execute(
        select(Report.as_of, Report.active_participants, Report.coverage_tenths)
        .where(Report.village_code == CISOKA)
        .order_by(Report.as_of)
    ).all()
    assert [(str(day), active, tenths) for day, active, tenths in reports] == [
        ("2025-10-31", 905, 905),
        ("2025-11-30", 910, 910),
    ]


def test_excels_separator_line_is_followed_and_not_counted_as_a_row():
    content = ("sep=;\r\n" + to_csv([HEADER, line()], delimiter=";")).encode()
    rows = list(read_rows("x.csv", content, ReadingLimits(rows=5)))
    assert [number for number, _ in rows] == [1, 2]
    assert rows[1][1][0] == CISOKA


# --- Files past the limits: refused while read, with a short message ---


def test_too_many_columns_are_refused_with_a_short_message(officer):
    header = HEADER + [f"Kolom {n}" for n in range(100_000)]
    response = upload(officer, to_csv([header, line()]).encode())
    assert response.status_code == 400
    message = refusal(response)
    assert "Row 1" in message and "50 columns" in message
    assert len(message) < 300
    assert len(response.get_data()) < 20_000
    assert nothing_kept()


def test_unknown_columns_are_named_a_few_with_how_many_more(officer):
    header = HEADER + [f"Tanda tangan {n} " + "x" * 200 for n in range(30)]
    response = upload(officer, to_csv([header, line()]).encode())
    message = refusal(response)
    assert "Tanda tangan 4 " in message and "Tanda tangan 5 " not in message
    assert "and 25 more" in message
    assert len(message) < 800


def test_a_long_cell_is_never_echoed_whole(officer):
    """Notes over the form's 2,000 characters: a problem on the row, its value cut
    short; a cell past 5,000 characters: the file is refused."""
    notes = "panjang " * 400  # 3,200 characters
    _, problems, page = previewed(officer, to_csv([HEADER, line(notes=notes)]).encode())
    assert problems == 1
    assert notes[:50] in page and notes[:100] not in page

    response = upload(officer, to_csv([HEADER, line(notes="x" * 100_000)]).encode())
    assert response.status_code == 400
    message = refusal(response)
    assert "Row 2, column L" in message and "5000 characters" in message
    assert len(response.get_data()) < 20_000


def test_an_unclosed_quote_does_not_swallow_the_file(officer):
    content = to_csv([HEADER]) + '"36.03.06.2003,' + "9,\r\n" * 100_000
    response = upload(officer, content.encode())
    assert response.status_code == 400
    assert "Row 2" in refusal(response)


def test_rows_past_the_limit_stop_the_reading(app, officer):
    """The reader stops at the first row past the limit: a CSV row further on that
    would be refused for its 100 columns is never reached."""
    app.config["IMPORT_MAX_ROWS"] = 5
    rows = [HEADER] + [line(f"2025-0{month}-28") for month in range(1, 8)]
    content = to_csv(rows) + "," * 100 + "x\r\n"
    response = upload(officer, content.encode())
    assert response.status_code == 400
    assert "At most 5 rows" in refusal(response)

    read = read_rows("x.csv", content.encode(), ReadingLimits(rows=5))
    assert [number for number, _ in (next(read) for _ in range(6))] == list(range(1, 7))
    with pytest.raises(refusals.TooManyRows):
        next(read)


def test_a_flood_of_empty_rows_is_refused():
    content = to_csv([HEADER, line()]) + "\r\n" * 1000 + to_csv([line()])
    with pytest.raises(refusals.TooManyBlankRows):
        list(read_rows("x.csv", content.encode(), ReadingLimits(rows=100)))


# --- XLSX: its files unpacked within limits, its sheet read in a process of its own ---


def xlsx(sheet_data: str, dimension=None, sheet_extra=b"", lie_about_size=False):
    """A minimal workbook whose first sheet holds ``sheet_data`` (rows of cells with
    inline strings or numbers); ``sheet_extra`` is appended inside <sheetData>."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (
        (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{sheet_data}"
        ).encode()
        + sheet_extra
        + b"</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Laporan" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in parts.items():
            zf.writestr(name, text if isinstance(text, bytes) else text.encode())
    content = buffer.getvalue()
    if lie_about_size:  # the directory and the local header claim 1,000 bytes
        # and the checksum of those 1,000: zipfile itself would read them and stop
        checksum = zlib.crc32(sheet[:1000])
        content = _claim_size(content, "xl/worksheets/sheet1.xml", 1000, checksum)
    return content


def _claim_size(content: bytes, name: str, size: int, checksum: int) -> bytes:
    data = bytearray(content)
    encoded = name.encode()
    start = 0
    while (start := data.find(encoded, start + 1)) > 0:
        if data[start - 46 : start - 42] == b"PK\x01\x02":  # central directory
            struct.pack_into("<I", data, start - 46 + 24, size)
            struct.pack_into("<I", data, start - 46 + 16, checksum)
        elif data[start - 30 : start - 26] == b"PK\x03\x04":  # local header
            struct.pack_into("<I", data, start - 30 + 22, size)
            struct.pack_into("<I", data, start - 30 + 14, checksum)
    return bytes(data)


def cells(row: int, values: list) -> str:
    inner = "".join(
        f'<c r="{get_column_letter(n + 1)}{row}" t="inlineStr">'
        f"<is><t>{value}</t></is></c>"
        if isinstance(value, str)
        else f'<c r="{get_column_letter(n + 1)}{row}"><v>{value}</v></c>'
        for n, value in enumerate(values)
    )
    return f'<row r="{row}">{inner}</row>'


def template_sheet() -> str:
    return cells(1, HEADER) + cells(2, line()[:11] + ["dari XLSX"])


def test_an_xlsx_written_by_hand_reads_like_one_from_excel(officer):
    additions, problems, _ = previewed(officer, xlsx(template_sheet()), "l.xlsx")
    assert (additions, problems) == (1, 0)


def test_a_sheet_claiming_a_huge_dimension_is_read_as_wide_as_its_cells():
    """openpyxl pads every row to the stated dimension: XFD20 gave 20 rows of 16,384
    cells; at XFD1048576 that is 17 billion."""
    rows = list(
        read_rows("l.xlsx", xlsx(template_sheet(), "A1:XFD20"), ReadingLimits(5))
    )
    assert [len(row) for _, row in rows] == [12, 12]


def test_a_single_cell_at_xfd1048576_is_refused_without_building_rows(officer):
    content = xlsx('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    read = read_rows("l.xlsx", content, ReadingLimits(rows=5))
    with pytest.raises(refusals.TooManyColumns) as refused:
        next(read)  # refused before the row is built, let alone padded
    assert refused.value.row == 1_048_576

    response = upload(officer, content, "l.xlsx")
    assert response.status_code == 400
    assert "Row 1048576 has more than 50 columns" in refusal(response)


def test_a_zip_bomb_is_refused_by_the_unpacked_size_limit(officer):
    padding = b" " * (refusals.XLSX_MAX_PART_BYTES + 1)
    content = xlsx(template_sheet(), sheet_extra=padding)
    assert len(content) * 500 < refusals.XLSX_MAX_PART_BYTES  # packed over 500:1
    response = upload(officer, content, "l.xlsx")
    assert response.status_code == 400
    assert "unpacks to more data" in refusal(response)
    assert nothing_kept()


def test_a_bomb_below_the_size_limit_is_refused_by_its_compression_ratio():
    padding = b" " * 8_000_000
    content = xlsx(template_sheet(), sheet_extra=padding)
    with pytest.raises(refusals.TooLargeUnpacked):
        list(read_rows("l.xlsx", content, ReadingLimits(rows=5)))


def test_a_zip_that_lies_about_its_sizes_is_not_unpacked_past_them():
    """A part that claims 1,000 bytes (and their checksum, which zipfile would take)
    but inflates to 20 MB: it is inflated from its packed bytes, whatever it claims,
    counted as it comes, and refused for not being what its directory declares;
    the part limit holds either way."""
    padding = b" " * 20_000_000
    content = xlsx(template_sheet(), sheet_extra=padding, lie_about_size=True)
    with pytest.raises(refusals.NotASpreadsheet):
        list(read_rows("l.xlsx", content, ReadingLimits(rows=5, ratio=10_000)))
    limits = ReadingLimits(rows=5, part_bytes=1_000_000, ratio=10_000)
    with pytest.raises(refusals.TooLargeUnpacked):
        list(read_rows("l.xlsx", content, limits))  # counted past the part limit
    with pytest.raises(refusals.TooLargeUnpacked):
        list(read_rows("l.xlsx", xlsx(template_sheet(), sheet_extra=padding), limits))


def reader_processes() -> set[str]:
    """The processes this one started that are still there."""
    pid = os.getpid()
    return set(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())


def test_xlsx_rows_past_the_limit_are_refused_as_they_come():
    """calamine reads the sheet whole (its size bounded by the unpacked-size limits
    and its reader process's), then the rows are counted as they come: at the
    first row past the limit the file is refused and the reader process stopped.
    XML broken anywhere is a broken file, whatever the limit."""
    rows = "".join(cells(n, line()[:11] + [f"baris {n}"]) for n in range(2, 2000))
    before = reader_processes()
    read = read_rows("l.xlsx", xlsx(cells(1, HEADER) + rows), ReadingLimits(rows=10))
    assert [number for number, _ in (next(read) for _ in range(11))] == list(
        range(1, 12)
    )
    with pytest.raises(refusals.TooManyRows):
        next(read)
    assert reader_processes() == before

    broken = xlsx(cells(1, HEADER) + rows, sheet_extra=b"<row><c><v>")
    for limit in (10, 10_000):
        with pytest.raises(refusals.NotASpreadsheet):
            list(read_rows("l.xlsx", broken, ReadingLimits(rows=limit)))


def test_an_xlsx_with_a_document_type_is_refused():
    doctype = b'<!DOCTYPE lol [<!ENTITY lol "lol">]>'
    sheet = xlsx(template_sheet())
    with zipfile.ZipFile(io.BytesIO(sheet)) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/workbook.xml"] = doctype + parts["xl/workbook.xml"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(refusals.NotASpreadsheet):
        list(read_rows("l.xlsx", buffer.getvalue(), ReadingLimits(rows=5)))


def cpu_seconds() -> float:
    """This process's CPU time and that of the processes it started and waited for."""
    mine, theirs = (resource.getrusage(who) for who in (0, -1))  # self, children
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


def test_a_sea_of_empty_cells_costs_no_more_than_its_size():
    """Two million empty cells (8 MB of XML, packed below the 100:1 ratio) took the
    XML parser the import had 4 s, so it counted elements against a budget per row;
    calamine passes over an empty cell in nanoseconds and keeps nothing of it: the
    file costs what its size does, and reads as the cells it fills."""
    padding = b"<!-- " + base64.b64encode(os.urandom(120_000)) + b" -->"
    flood = b"<row>" + b"<c/>" * 2_000_000 + b"</row>" + padding
    content = xlsx(template_sheet(), sheet_extra=flood)
    started = cpu_seconds()
    rows = list(read_rows("l.xlsx", content, ReadingLimits(rows=10)))
    assert cpu_seconds() - started < 2.5  # about 0.5 s; our XML parser took 4 s
    assert [number for number, _ in rows] == [1, 2]


def test_two_cells_far_apart_are_refused_without_touching_the_worker():
    """calamine builds a sheet as the rectangle between its first and last cells:
    A1 and XFD1048576 ask it for half a terabyte, and a failed allocation aborts
    the process that asks. That is the reader process, stopped by its memory
    limit; the worker only refuses the file."""
    content = xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    with pytest.raises(refusals.TooLargeUnpacked):
        list(read_rows("l.xlsx", content, ReadingLimits(rows=10)))


def test_the_reader_process_is_stopped_at_its_memory_limit():
    """One shared string copied into every cell that names it: calamine holds each
    copy. Past the memory the reader may take, it is stopped and the file refused
    (the total of text would refuse it next, in the worker)."""
    rows = "".join(
        f'<row r="{n}">' + '<c t="s"><v>0</v></c>' * 12 + "</row>"
        for n in range(2, 4002)
    )
    content = _with_shared_string(xlsx(cells(1, HEADER) + rows), "x" * 5000)
    limits = ReadingLimits(rows=10_000, reader_memory=64 * 1024 * 1024)
    with pytest.raises(refusals.TooLargeUnpacked) as refused:
        list(read_rows("l.xlsx", content, limits))
    assert refused.value.part == "reader"


def test_a_reader_that_fails_for_another_reason_is_an_error_not_a_refusal(
    monkeypatch, tmp_path
):
    """A reader that cannot start (calamine not installed, say) must not tell people
    their file is too large: it is the server's fault, logged as such."""
    broken = tmp_path / "reader.py"
    broken.write_text("raise ImportError('python_calamine')\n")
    monkeypatch.setattr(workbook, "READER", broken)
    with pytest.raises(RuntimeError):
        list(read_rows("l.xlsx", xlsx(template_sheet()), ReadingLimits(rows=10)))


def _with_shared_string(content: bytes, text: str) -> bytes:
    """The workbook with a shared string table holding ``text`` alone."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{main}"><si><t>{text}</t></si></sst>'
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'.encode(),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_with_data_before_its_first_file_is_refused():
    """zipfile and calamine's zip reader could each find the files somewhere else:
    the one calamine reads must be the one counted."""
    content = b"MZ" + b"\0" * 1000 + xlsx(template_sheet())
    with pytest.raises(refusals.NotASpreadsheet):
        list(read_rows("l.xlsx", content, ReadingLimits(rows=10)))


def test_the_reader_drops_the_apostrophe_that_exports_put_before_a_formula():
    assert sheet_reader.FORMULA_START == formats.FORMULA_START
    assert sheet_reader.cell_text(" '=SUM(A1) ") == "=SUM(A1)"
    assert sheet_reader.cell_text("'tanda kutip") == "'tanda kutip"
    assert [sheet_reader.cell_text(value) for value in (4200.0, 90.5, True)] == [
        "4200",
        "90.5",
        "True",
    ]


def test_text_in_all_cells_together_is_bounded(monkeypatch):
    """One shared string named by every cell costs its length in every cell: the
    reader stops at a total of text, whatever the file's own size."""
    monkeypatch.setattr(reading, "MAX_TEXT_CHARACTERS", 5_000)
    rows = "".join(cells(n, line()[:11] + ["x" * 400]) for n in range(2, 20))
    with pytest.raises(refusals.TooLargeUnpacked):
        list(read_rows("l.xlsx", xlsx(cells(1, HEADER) + rows), ReadingLimits(100)))


def test_a_zip_that_hides_how_many_files_it_holds_is_refused():
    """zipfile reads the whole directory whatever count the archive declares."""
    buffer = io.BytesIO()
    original = io.BytesIO(xlsx(template_sheet()))
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        for number in range(refusals.XLSX_MAX_ENTRIES + 100):
            target.writestr(f"x/{number}", b"")
    data = bytearray(buffer.getvalue())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # "one file" on disk and in all
    with pytest.raises(refusals.TooLargeUnpacked):
        list(read_rows("l.xlsx", bytes(data), ReadingLimits(rows=10)))


def test_a_file_over_the_request_limit_is_told_the_limits_before_it_is_read(officer):
    response = upload(officer, b"x" * (17 * 1024 * 1024))
    assert response.status_code == 413
    page = " ".join(response.get_data(as_text=True).split())
    assert "at most 16 MB can be sent at once" in page and "at most 14 MB" in page
    assert nothing_kept()


def test_the_upload_form_says_the_limits_as_configured(app, officer, login):
    page = " ".join(officer.get("/imports/").get_data(as_text=True).split())
    assert "at most 100,000 rows and 14 MB" in page
    app.config["IMPORT_MAX_ROWS"] = 5_000
    indonesian, _ = login(Role.OFFICER, region="36.03")
    page = " ".join(indonesian.get("/imports/villages/").get_data(as_text=True).split())
    assert "paling banyak 5.000 baris dan 14 MB" in page
