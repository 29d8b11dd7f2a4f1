"""The world the requests land in: users of every kind, and villages,
designations, evidence, settings and imports in every state."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

import villagetracker
from tests.helpers.villages import registration, report_values
from villagetracker import status
from villagetracker.dashboards import service as dashboard_service
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import Role, User
from villagetracker.review import service as review_service
from villagetracker.spreadsheets import files as import_files
from villagetracker.spreadsheets import template as import_template
from villagetracker.spreadsheets.formats import REGISTRATION_COLUMNS, headers
from villagetracker.villages import evidence
from villagetracker.villages import service as village_service

KRESEK = "36.03.06.2018"
TALOK = "36.03.06.2011"  # not registered: a file of villages to register names it
# Each kind of user, with the scope make_user gives it.
ROLES = {
    "admin": {"role": Role.ADMIN},
    "reviewer": {"role": Role.REVIEWER, "region": "36.03"},
    "officer": {"role": Role.OFFICER, "region": "36.03"},
    "officer limited to Kresek": {
        "role": Role.OFFICER,
        "region": "36.03",
        "districts": ["36.03.06"],
    },
    "anonymous": None,
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@dataclass
class World:
    users: dict[str, User]  # by role name; more users exist (other regencies)
    today: date
    codes: list[str]  # of regions, registered villages and villages to register


def build_world(make_user) -> World:
    """Villages in every state in Kabupaten Tangerang (36.03), a designated one in
    Kabupaten Serang and one in Kabupaten Bandung; designations valid, revoked,
    reopened and at risk; evidence; a target, a signatory, a regency threshold; and
    an import of reports and one of villages waiting for confirmation for each user
    who may import."""
    today = local_today()
    users = {name: make_user(**args) for name, args in ROLES.items() if args}
    officers = {
        "36.03": users["officer"],
        "36.04": make_user(Role.OFFICER, region="36.04"),
        "32.04": make_user(Role.OFFICER, region="32.04"),
    }
    reviewers = {
        "36.03": users["reviewer"],
        "36.04": make_user(Role.REVIEWER, region="36.04"),
    }

    def village(code, potential, *reports, evidence_on=None):
        officer = officers[code[:5]]
        registered = village_service.register_village(
            officer,
            registration(
                code, potential, contact_phone="0812 3456 7890", notes="Balai desa"
            ),
        )
        db.session.commit()
        for as_of, active in reports:
            stored = kept_evidence() if as_of == evidence_on else None
            values = report_values(active, as_of)
            village_service.log_report(officer, registered, values, stored)
            db.session.commit()
        return registered

    def approve(village):
        reviewer = reviewers[village.regency_code]
        signatory = review_service.Signatory("Dinas", "Drs. Kepala", "Kepala Dinas")
        written = review_service.approve(
            reviewer, village, str(village.revision), signatory
        )
        db.session.commit()
        return written

    september, october = date(2019, 9, 1), date(2019, 10, 1)
    approve(village(KRESEK, 4615, (september, 4200)))
    village("36.03.06.2001", 1000, (september, 950))  # waits for review
    village(
        "36.03.06.2003", 1000, (september, 600), (october, 700), evidence_on=october
    )
    kronjo = approve(village("36.03.07.2001", 2000, (september, 1900)))
    review_service.revoke(reviewers["36.03"], kronjo, "Data tidak sah")
    db.session.commit()
    reopened = approve(village("36.03.06.2007", 1000, (september, 950)))
    review_service.reopen(reviewers["36.03"], reopened, "Koreksi laporan")
    db.session.commit()
    at_risk = village("36.03.07.2002", 3000, (september, 2790))
    approve(at_risk)
    village_service.log_report(
        officers["36.03"], at_risk, report_values(2000, october), None
    )
    db.session.commit()
    returned = village("36.03.07.2006", 500, (september, 499))
    review_service.return_village(
        reviewers["36.03"], returned, str(returned.revision), "Bukti kurang"
    )
    db.session.commit()
    village("36.03.06.2009", 1000)  # no report yet
    approve(village("36.04.15.2001", 1500, (september, 1400)))
    village("32.04.05.2001", 2500, (september, 2400))
    dashboard_service.set_target("36.03", 750, today + timedelta(days=100))
    db.session.commit()
    status.set_criteria({"threshold_tenths": 850}, "36.04")
    db.session.commit()
    tangerang = db.session.get(villagetracker.models.Region, "36.03")
    review_service.set_signatory_defaults(
        tangerang, review_service.Signatory("Dinas Tangerang", "Drs. A", "Kepala")
    )
    db.session.commit()
    for name in ("admin", "reviewer", "officer", "officer limited to Kresek"):
        import_files.keep(users[name], "laporan.csv", import_file(KRESEK, today))
        import_files.keep(users[name], "desa.csv", villages_file(TALOK), "villages")
        db.session.commit()
    regions = select(villagetracker.models.Region.code).where(
        villagetracker.models.Region.code.like("36.03.0_.20__")
    )
    codes = sorted(db.session.scalars(regions.limit(30)))
    return World(users=users, today=today, codes=codes)


def kept_evidence() -> evidence.StoredEvidence:
    name = "a" * 32
    (evidence.folder() / name).write_bytes(PDF)
    return evidence.StoredEvidence("bukti.pdf", name, "application/pdf", len(PDF))


def import_file(code: str, day: date) -> bytes:
    """A CSV with the template's columns (in English) and one row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(import_template.TEMPLATE_COLUMNS, "en"))
    row = {**import_template.EXAMPLE_ROW, "code": code, "as_of": day.isoformat()}
    writer.writerow(
        [row.get(column.key, "") for column in import_template.TEMPLATE_COLUMNS]
    )
    return out.getvalue().encode()


def villages_file(code: str) -> bytes:
    """A CSV with the villages template's columns (in English) and one row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(REGISTRATION_COLUMNS, "en"))
    row = {**import_template.VILLAGE_EXAMPLE_ROW, "code": code, "village": "Talok"}
    writer.writerow([row.get(column.key, "") for column in REGISTRATION_COLUMNS])
    return out.getvalue().encode()
