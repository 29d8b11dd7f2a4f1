"""The labour office's review: the villages it approves, approving one as a
reviewer's form does, and reading designations and audit events back."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from villagetracker.extensions import db
from villagetracker.models import AuditEvent, Designation, Village

KRESEK = "36.03.06.2018"
KRONJO = "36.03.07.2001"
CIKANDE = "36.04.15.2001"
# The year of designations made today in Jakarta (local_today needs an app).
YEAR = datetime.now(ZoneInfo("Asia/Jakarta")).year
FIRST_NUMBER = f"001/DSJSK/36.03/{YEAR}"


def village(code=KRESEK) -> Village:
    return db.session.get(Village, code)


def approve(session, code=KRESEK, seen=None, **fields):
    values = {
        "approve-seen": str(village(code).revision) if seen is None else seen,
        "approve-signatory_name": "Drs. H. Septo Kalnadi, M.M.",
        "approve-signatory_title": "Kepala Dinas Ketenagakerjaan Kabupaten Tangerang",
    }
    values.update({f"approve-{key}": value for key, value in fields.items()})
    return session.post(f"/villages/{code}/approve", values)


def designation(code=KRESEK) -> Designation | None:
    return db.session.scalar(
        select(Designation)
        .where(Designation.village_code == code)
        .order_by(Designation.id.desc())
    )


def events(action) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    )


def text(response) -> str:
    return response.get_data(as_text=True)
