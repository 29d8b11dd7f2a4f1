"""Villages registered from a spreadsheet: a preview, problems by row and column, all
or nothing, within the uploader's scope, through the registration form's rule and
write path; and a regency's 852 villages from one file."""

import csv
import io
from datetime import date

import lxml.html
import openpyxl
import pytest
from sqlalchemy import func, select

from tests.helpers.jobs import followed, kept_and_checked
from villagetracker.extensions import db
from villagetracker.models import (
    AuditEvent,
    PendingImport,
    Region,
    Role,
    Village,
    WorkerPotential,
)
from villagetracker.spreadsheets.formats import REGISTRATION_COLUMNS, headers

KRESEK = "36.03.06.2018"
PASIR_AMPO, RANCAILAT, RENGED = "36.03.06.2001", "36.03.06.2003", "36.03.06.2009"
KRONJO = "36.03.07.2001"  # another kecamatan of Kabupaten Tangerang
CIKANDE = "36.04.15.2001"  # Kabupaten Serang
BALARAJA = "36.03.01.1001"  # a kelurahan of Kabupaten Tangerang
ACEH_UTARA = "11.08"


@pytest.fixture
def officer(login):
    """An officer of Kabupaten Tangerang who reads the app in English."""
    session, user = login(Role.OFFICER, region="36.03")
    session.post("/language", {"lang": "en"})
    session.user = user
    return session


def row(code, **values) -> list:
    """A row under the template's columns: a desa with a P3KE potential of 1,000
    as of 30 June 2025 unless ``values`` say otherwise."""
    values = {
        "code": code,
        "head_name": "Kepala Desa",
        "worker_potential": 1000,
        "source": "p3ke",
        "potential_as_of": "2025-06-30",
        **values,
    }
    return [values.get(column.key, "") for column in REGISTRATION_COLUMNS]


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(REGISTRATION_COLUMNS, "en"))
    writer.writerows(rows)
    return buffer.getvalue().encode()


def upload(session, content: bytes, name="desa.csv"):
    return session.post(
        "/imports/villages/",
        {"spreadsheet": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def preview_of(session, content: bytes, name="desa.csv"):
    """The upload's token and its preview page."""
    response = upload(session, content, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert location.startswith("/imports/villages/")
    return location.rsplit("/", 1)[1], session.get(location)


def listed(page) -> list[list[str]]:
    """The cells of the preview's table: its problems, or its villages to register."""
    tree = lxml.html.fromstring(page.get_data(as_text=True))
    return [
        [cell.text_content().strip() for cell in line.findall("td")]
        for line in tree.cssselect("section table tbody tr")
    ]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- Preview, then all or nothing ---


def test_a_file_of_villages_is_previewed_then_registered_with_potential_and_officials(
    officer,
):
    content = to_csv(
        [
            row(
                PASIR_AMPO,
                village="Pasir Ampo",
                head_name="Haji Udin",
                contact_phone="0812 3456 7890",
                perangkat_total=12,
                bpd_total=9,
                rtrw_total=24,
                notes="Balai desa",
            ),
            row(RANCAILAT, source="village CENSUS", worker_potential="2,500"),
            row(RENGED, source="BPS", potential_as_of="31/10/2025"),
            row(BALARAJA, source="Sensus desa"),  # a kelurahan, without officials
        ]
    )
    token, preview = preview_of(officer, content)
    assert preview.status_code == 200
    assert count(Village) == count(WorkerPotential) == 0  # a preview writes nothing
    assert [line[:4] for line in listed(preview)] == [
        ["2", "Pasir Ampo 36.03.06.2001", "Haji Udin", "1,000"],
        ["3", "Rancailat 36.03.06.2003", "Kepala Desa", "2,500"],
        ["4", "Renged 36.03.06.2009", "Kepala Desa", "1,000"],
        ["5", "Balaraja 36.03.01.1001", "Kepala Desa", "1,000"],
    ]
    assert "Register 4 villages" in preview.get_data(as_text=True)

    response = officer.post(f"/imports/villages/{token}/commit")
    assert response.status_code == 302
    outcome = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 villages registered." in outcome
    pasir_ampo = db.session.get(Village, PASIR_AMPO)
    assert (pasir_ampo.head_name, pasir_ampo.contact_phone, pasir_ampo.notes) == (
        "Haji Udin",
        "0812 3456 7890",
        "Balai desa",
    )
    assert (
        pasir_ampo.perangkat_total,
        pasir_ampo.bpd_total,
        pasir_ampo.rtrw_total,
    ) == (12, 9, 24)
    assert (pasir_ampo.status, pasir_ampo.registered_by_id) == (
        "registered",
        officer.user.id,
    )
    assert pasir_ampo.regency_code == "36.03"
    potentials = {
        p.village_code: (p.worker_potential, p.source, p.as_of)
        for p in db.session.scalars(select(WorkerPotential))
    }
    assert potentials == {
        PASIR_AMPO: (1000, "p3ke", date(2025, 6, 30)),
        RANCAILAT: (2500, "census", date(2025, 6, 30)),
        RENGED: (1000, "bps", date(2025, 10, 31)),
        BALARAJA: (1000, "census", date(2025, 6, 30)),
    }
    # Logging in, then each village as the form records it, then the file.
    assert actions()[-5:] == ["village.register"] * 4 + ["villages.import"]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "villages.import")
    )
    assert event.after == {"file": "desa.csv", "registered": 4}
    assert event.actor_id == officer.user.id
    assert count(PendingImport) == 0
    page = officer.get("/villages/").get_data(as_text=True)
    assert f'href="/villages/{RENGED}"' in page


def test_one_bad_row_stops_the_whole_file(officer):
    content = to_csv(
        [row(PASIR_AMPO), row(RANCAILAT, worker_potential="many"), row(RENGED)]
    )
    token, preview = preview_of(officer, content)
    text = preview.get_data(as_text=True)
    assert "Nothing can be imported yet" in text
    assert f"/imports/villages/{token}/commit" not in text  # no button to confirm
    assert listed(preview) == [
        ["3", "Worker potential", "many", "Enter a number, for example 4200."]
    ]
    response = officer.post(f"/imports/villages/{token}/commit")
    assert response.status_code == 409
    assert "Nothing was written" in response.get_data(as_text=True)
    assert count(Village) == count(WorkerPotential) == 0
    assert "villages.import" not in actions()
    assert count(PendingImport) == 1  # kept: it can still be looked at, or discarded


def test_each_problem_names_its_row_and_its_column(officer):
    content = to_csv(
        [
            row(PASIR_AMPO, contact_phone="call me", head_name=""),
            row("", potential_as_of="2999-01-01"),
            row(RANCAILAT, source="a survey", worker_potential="0"),
            row(RENGED, source="other"),
        ]
    )
    _token, preview = preview_of(officer, content)
    assert listed(preview) == [
        ["2", "Village head's name", "–", "Enter the village head's name."],
        ["2", "Contact phone", "call me", "Enter a phone number, e.g. 0812 3456 7890."],
        ["3", "Village code", "–", "Enter the village code."],
        [
            "3",
            "Worker potential as of",
            "2999-01-01",
            "The date cannot be in the future.",
        ],
        ["4", "Worker potential", "0", "Must be at least 1."],
        [
            "4",
            "Source of the worker potential",
            "a survey",
            "Write one of: p3ke, census, bps, other, or the source's name from the "
            "template's instructions.",
        ],
        ["5", "Note on the source", "–", "Say where the number comes from."],
    ]


def test_villages_outside_the_scope_or_registered_or_twice_in_the_file_are_refused(
    officer, register
):
    register(KRESEK)
    content = to_csv(
        [
            row(CIKANDE),  # Kabupaten Serang
            row(KRESEK),  # registered already
            row(PASIR_AMPO),
            row(PASIR_AMPO),  # twice
            row("36.03.06"),  # a kecamatan, not a village
            row("99.99.99.9999"),  # no such village
        ]
    )
    token, preview = preview_of(officer, content)
    elsewhere = "No village of your area has this code."
    assert listed(preview) == [
        ["2", "Village code", CIKANDE, elsewhere],
        ["3", "Village code", KRESEK, "Kresek is already registered."],
        ["5", "Village code", PASIR_AMPO, "Row 4 has the same village code."],
        ["6", "Village code", "36.03.06", elsewhere],
        ["7", "Village code", "99.99.99.9999", elsewhere],
    ]
    assert officer.post(f"/imports/villages/{token}/commit").status_code == 409
    assert count(Village) == 1


def test_an_officer_limited_to_a_kecamatan_registers_only_its_villages(login):
    session, _ = login(Role.OFFICER, region="36.03", districts=["36.03.06"])
    _token, preview = preview_of(session, to_csv([row(PASIR_AMPO), row(KRONJO)]))
    assert [line[:3] for line in listed(preview)] == [["3", "Kode desa", KRONJO]]


def test_a_kelurahan_is_refused_officials(officer):
    content = to_csv([row(BALARAJA, perangkat_total=10, rtrw_total="")])
    token, preview = preview_of(officer, content)
    assert listed(preview) == [
        [
            "2",
            "Village head and perangkat desa",
            "10",
            "A kelurahan has no village officials (perangkat desa).",
        ]
    ]
    assert officer.post(f"/imports/villages/{token}/commit").status_code == 409
    assert count(Village) == 0


def test_a_village_registered_after_the_preview_stops_the_import(officer, register):
    token, _preview = preview_of(officer, to_csv([row(PASIR_AMPO), row(RANCAILAT)]))
    register(RANCAILAT)  # by another officer, meanwhile
    response = officer.post(f"/imports/villages/{token}/commit")
    outcome = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was written: check the preview." in outcome
    response = officer.get(f"/imports/villages/{token}")  # checked again
    assert listed(response) == [
        ["3", "Village code", RANCAILAT, "Rancailat is already registered."]
    ]
    assert db.session.get(Village, PASIR_AMPO) is None
    assert "villages.import" not in actions()


def test_a_discarded_upload_writes_nothing(officer):
    token, _preview = preview_of(officer, to_csv([row(PASIR_AMPO)]))
    response = officer.post(f"/imports/villages/{token}/cancel")
    assert response.headers["Location"] == "/imports/villages/"
    assert count(PendingImport) == count(Village) == 0
    assert officer.get(f"/imports/villages/{token}").status_code == 404


# --- Files that are not a file of villages ---


def test_a_file_of_reports_is_refused_as_a_whole_naming_the_missing_columns(officer):
    reports = officer.get("/imports/template.csv?lang=en").get_data()
    response = followed(officer, upload(officer, reports))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Missing columns: Village head&#39;s name, Worker potential" in text
    assert db.session.scalars(select(PendingImport.content)).all() == [b""]


@pytest.mark.parametrize(
    ("lang", "first", "source"),
    [("id", "Kode desa", "Sumber potensi tenaga kerja"), ("en", "Village code", None)],
)
def test_the_template_comes_in_both_languages_with_an_example_row(
    officer, lang, first, source
):
    text = officer.get(f"/imports/villages/template.csv?lang={lang}").get_data()
    text = text.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if lang == "id" else ","))
    assert rows[0][0] == first and len(rows[0]) == len(REGISTRATION_COLUMNS) == 12
    assert rows[1][:3] == [KRESEK, "Kresek", "Ahmad Fauzi"]
    if source:
        assert source in rows[0]
    response = officer.get(f"/imports/villages/template.xlsx?lang={lang}")
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    assert sheet[0] == rows[0]
    assert sheet[1][0] == KRESEK and sheet[1][4] == 4615
    assert len(workbook.worksheets) == 2  # and a sheet of instructions


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_uploaded_as_it_is_asks_to_delete_the_example(officer, kind):
    """Kresek is in the officer's area and not registered: the example would
    register it, were it not refused."""
    template = officer.get(f"/imports/villages/template.{kind}").get_data()
    token, preview = preview_of(officer, template, f"template.{kind}")
    assert [line[:2] + line[3:] for line in listed(preview)] == [
        ["2", "Notes", "Delete the example row."]
    ]
    assert officer.post(f"/imports/villages/{token}/commit").status_code == 409
    assert count(Village) == 0


def test_an_upload_is_seen_only_by_the_one_who_made_it(officer, login):
    token, _preview = preview_of(officer, to_csv([row(PASIR_AMPO)]))
    other, _ = login(Role.OFFICER, region="36.03")
    assert other.get(f"/imports/villages/{token}").status_code == 404
    assert other.post(f"/imports/villages/{token}/commit").status_code == 404
    assert other.post(f"/imports/villages/{token}/cancel").status_code == 404
    assert count(PendingImport) == 1 and count(Village) == 0


# --- One kind of upload is never confirmed as the other ---


def test_a_token_is_confirmed_only_as_what_it_was_uploaded_as(officer):
    user = officer.user
    content = to_csv([row(PASIR_AMPO)])
    villages = kept_and_checked(user, "desa.csv", content, "villages")
    reports = officer.get("/imports/template.csv?lang=en").get_data()
    reports = kept_and_checked(user, "laporan.csv", reports, "reports")
    db.session.commit()
    villages, reports = villages.token, reports.token
    for path in (f"/imports/{villages}", f"/imports/villages/{reports}"):
        assert officer.get(path).status_code == 404
    for path in (
        f"/imports/{villages}/commit",
        f"/imports/{villages}/cancel",
        f"/imports/villages/{reports}/commit",
        f"/imports/villages/{reports}/cancel",
    ):
        assert officer.post(path).status_code == 404
    assert count(PendingImport) == 2 and count(Village) == 0
    assert officer.get(f"/imports/villages/{villages}").status_code == 200
    assert officer.get(f"/imports/{reports}").status_code == 200


# --- A regency's villages in one go ---


def test_all_852_villages_of_aceh_utara_register_from_one_file(login):
    session, user = login(Role.OFFICER, region=ACEH_UTARA)
    villages = db.session.scalars(
        select(Region)
        .where(Region.level == "village", Region.code.like(ACEH_UTARA + ".%"))
        .order_by(Region.code)
    ).all()
    assert len(villages) == 852
    content = to_csv(
        [
            row(
                village.code,
                village=village.name,
                head_name=f"Keuchik {village.name}",
                worker_potential=300 + index,
                source=("p3ke", "census", "bps")[index % 3],
                perangkat_total=8,
                bpd_total=5,
                rtrw_total=4,
            )
            for index, village in enumerate(villages)
        ]
    )
    session.post("/language", {"lang": "en"})
    token, preview = preview_of(session, content)
    assert "Register 852 villages" in preview.get_data(as_text=True)
    response = session.post(f"/imports/villages/{token}/commit")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    registered = select(func.count()).where(Village.regency_code == ACEH_UTARA)
    assert db.session.scalar(registered) == 852
    assert count(WorkerPotential) == 852
    assert actions().count("village.register") == 852
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "villages.import")
    )
    assert (event.after["registered"], event.actor_id) == (852, user.id)
    assert db.session.get(Village, villages[-1].code).worker_potential == 300 + 851
