"""Reports as the services take them and as a browser's form sends them."""

from datetime import date

from villagetracker.villages import validation


def report_values(active, as_of=date(2019, 9, 1), **parts):
    """A consistent report: all BPU and self-paid unless parts say otherwise."""

    values = {
        "bpu": active,
        "pu": 0,
        "jakon": 0,
        "pmi": 0,
        "self_paid": active,
        "apbd_province": 0,
        "apbd_regency": 0,
        "apbdes": 0,
        "csr": 0,
        "other": 0,
        **parts,
    }
    return validation.ReportInput(as_of=as_of, active_participants=active, **values)


def registration(
    code,
    potential=4615,
    as_of=date(2019, 1, 1),
    head_name="Kepala Desa",
    contact_phone=None,
    notes=None,
    officials=(None, None, None),
):
    """A village to register, as the validation gives it to the services."""
    return validation.Registration(
        code,
        validation.DetailsInput(head_name, contact_phone, notes, *officials),
        validation.PotentialInput(potential, "p3ke", None, as_of),
    )


def report_form(active, as_of="2019-09-01", **fields) -> dict:
    """The fields of the report form as a browser sends them."""
    values = {
        "as_of": as_of,
        "active_participants": str(active),
        "bpu": str(active),
        "pu": "0",
        "jakon": "0",
        "pmi": "0",
        "self_paid": str(active),
        "apbd_province": "0",
        "apbd_regency": "0",
        "apbdes": "0",
        "csr": "0",
        "other": "0",
        "notes": "",
    }
    values.update({key: str(value) for key, value in fields.items()})
    return values


def registered_villages(user, regency: str, how_many: int) -> list[str]:
    """The first ``how_many`` villages of a regency, registered by ``user`` through
    the write path and committed; their codes."""
    from sqlalchemy import select

    from villagetracker.extensions import db
    from villagetracker.models import Region
    from villagetracker.villages import service

    codes = db.session.scalars(
        select(Region.code)
        .where(Region.code.like(regency + ".%"), Region.level == "village")
        .order_by(Region.code)
        .limit(how_many)
    ).all()
    for code in codes:
        service.register_village(user, registration(code, potential=1000))
    db.session.commit()
    return list(codes)
