"""The national dataset: every village of the official list in the programme, with two
years of monthly reports, built reproducibly from a seed.

Rows go in through the database driver (COPY on PostgreSQL, executemany on SQLite), not
through the services: two million reports through the ORM would take an hour. They are
shaped as the services leave them: each village's latest report's figures on its row,
its status from the rules, an audit event for every registration, report, status change
and approval, and a designation (with its number and certificate token) for most
villages that qualified.
"""

import base64
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from villagetracker import rules
from villagetracker.extensions import db
from villagetracker.models import Level, Region, Role

MONTHS = 24
# The latest monthly report of every village: fixed, so that the dataset is the same
# whatever the day it is built on (it must not be in the future; see ``check_today``).
LAST_REPORT = date(2026, 10, 1)
# Designations from this day on, at most PER_CEREMONY a day in each regency/city: a
# regency's first 100 certificates were designated in its first four days.
DESIGNATED_ON = LAST_REPORT + timedelta(days=10)
PER_CEREMONY = 25
POTENTIAL_AS_OF = date(2024, 1, 1)
PASSWORD = "bench-password-2026"
# Of the villages whose latest report reaches the threshold, the share the labour
# office has designated already; the rest wait in its review queue.
DESIGNATED_SHARE = 0.7


@dataclass
class Dataset:
    villages: int = 0
    reports: int = 0
    audit_events: int = 0
    users: int = 0
    designations: int = 0
    qualifying: int = 0
    # Per regency: designation tokens (for the verification page), in code order.
    tokens: dict[str, list[str]] = field(default_factory=dict)


def months_back(last: date, count: int) -> list[date]:
    """The first days of the ``count`` months ending with ``last``'s, oldest first."""
    days, year, month = [], last.year, last.month
    for _ in range(count):
        days.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return days[::-1]


def check_today(today: date) -> None:
    if today <= DESIGNATED_ON + timedelta(days=30):
        raise SystemExit(f"the dataset's reports run to {LAST_REPORT}: too early")


class Writer:
    """Appends rows to a table through the driver: COPY on PostgreSQL, executemany
    on SQLite (both far faster than one INSERT per row)."""

    def __init__(self, connection):
        self.raw = connection
        self.postgres = connection.dialect.name == "postgresql"

    def write(self, table: str, columns: tuple[str, ...], rows) -> int:
        names = ", ".join(columns)
        cursor = self.raw.connection.dbapi_connection.cursor()
        count = 0
        if self.postgres:
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:

            def counted():
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            marks = ", ".join("?" * len(columns))
            cursor.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})', counted()
            )
        cursor.close()
        return count


def parts_of(active: int) -> tuple[int, int, int, int, int, int, int]:
    """Segments (BPU, PU, Jakon) and payers (self, APBD kabupaten/kota, APBDes, CSR)
    that add up to ``active``, as the report form requires."""
    bpu, pu = active * 6 // 10, active * 3 // 10
    self_paid, apbd, apbdes = active * 5 // 10, active * 2 // 10, active // 10
    return (
        bpu,
        pu,
        active - bpu - pu,
        self_paid,
        apbd,
        apbdes,
        active - self_paid - apbd - apbdes,
    )


def build(seed: int, threshold: int = rules.DEFAULT_THRESHOLD_TENTHS) -> Dataset:
    """Fill the (migrated, region-loaded, otherwise empty) database of the current app
    context. Returns what it wrote."""
    rng = random.Random(seed)
    found = Dataset()
    regencies = db.session.scalars(
        select(Region.code).where(Region.level == Level.REGENCY).order_by(Region.code)
    ).all()
    villages = db.session.execute(
        select(Region.code, Region.name, Region.parent_code)
        .where(Region.level == Level.VILLAGE)
        .order_by(Region.code)
    ).all()
    names = dict(
        db.session.execute(
            select(Region.code, Region.name).where(Region.level != Level.VILLAGE)
        ).all()
    )
    months = months_back(LAST_REPORT, MONTHS)
    # One hash for every account: the same password, and scrypt costs 0.1 s each.
    password_hash = generate_password_hash(PASSWORD, "scrypt")
    connection = db.session.connection()
    writer = Writer(connection)
    now = datetime(2026, 10, 20)

    officer_of, reviewer_of = {}, {}
    users = [(1, "admin", "Administrator", password_hash, Role.ADMIN, None)]
    for regency in regencies:
        for role, kept in ((Role.OFFICER, officer_of), (Role.REVIEWER, reviewer_of)):
            kept[regency] = len(users) + 1
            users.append(
                (
                    kept[regency],
                    f"{role}.{regency}",
                    f"{role.title()} {names[regency]}",
                    password_hash,
                    role,
                    regency,
                )
            )
    found.users = writer.write(
        "user",
        ("id", "username", "full_name", "password_hash", "role", "region_code")
        + ("active", "session_version", "created_at"),
        (user + (True, 0, now) for user in users),
    )

    village_rows, potential_rows, report_rows, audit_rows, designation_rows = (
        [],
        [],
        [],
        [],
        [],
    )
    sequences: dict[str, int] = {}
    report_id = 0

    def audit(at, actor, action, entity_type, entity_id, region, before, after):
        audit_rows.append(
            (
                at,
                actor,
                action,
                entity_type,
                entity_id,
                region,
                json.dumps(before) if before is not None else None,
                json.dumps(after) if after is not None else None,
            )
        )

    for code, name, district in villages:
        regency = rules.parent_of(district)
        officer = officer_of[regency]
        potential = rng.randint(300, 6000)
        start = rng.uniform(0.05, 0.7)
        gain = rng.uniform(0.0, 0.6)
        registered = datetime.combine(months[0], datetime.min.time())
        audit(
            registered,
            officer,
            "village.register",
            "village",
            code,
            code,
            None,
            {"head_name": "Kepala Desa", "worker_potential": potential},
        )
        status, status_changed = rules.Status.REGISTERED, registered
        for index, as_of in enumerate(months):
            share = start + gain * index / (MONTHS - 1) + rng.uniform(-0.02, 0.02)
            active = max(0, min(potential, int(potential * share)))
            coverage = rules.coverage_tenths(active, potential)
            report_id += 1
            created = datetime.combine(as_of, datetime.min.time()) + timedelta(hours=9)
            report_rows.append(
                (report_id, code, as_of, active, *parts_of(active))
                + (potential, coverage, created, officer, 0, 0)
            )
            audit(
                created,
                officer,
                "report.create",
                "report",
                str(report_id),
                code,
                None,
                {"as_of": as_of.isoformat(), "active_participants": active},
            )
            following = rules.next_status(status, coverage >= threshold)
            if following != status:
                audit(
                    created,
                    officer,
                    "village.status",
                    "village",
                    code,
                    code,
                    {"status": status},
                    {"status": following},
                )
                status, status_changed = following, created
        if status == rules.Status.QUALIFYING and rng.random() < DESIGNATED_SHARE:
            sequences[regency] = sequences.get(regency, 0) + 1
            token = base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
            found.tokens.setdefault(regency, []).append(token)
            number = rules.designation_number(
                rules.DEFAULT_NUMBER_PATTERN,
                sequence=sequences[regency],
                regency=regency,
                year=DESIGNATED_ON.year,
            )
            designated_on = DESIGNATED_ON + timedelta(
                days=(sequences[regency] - 1) // PER_CEREMONY
            )
            designated_at = datetime.combine(designated_on, datetime.min.time())
            office = f"Dinas Ketenagakerjaan {names[regency]}"
            designation_rows.append(
                (code, regency, DESIGNATED_ON.year, sequences[regency], number, token)
                + (designated_on, designated_at, name, rules.village_kind(code))
                + (names[district], names[regency], names[regency[:2]])
                + (reviewer_of[regency], office, "Kepala Dinas", f"Kepala {office}")
                + (report_id, months[-1], active, potential, coverage, threshold)
                + (rules.ACTIVE,)
            )
            audit(
                designated_at,
                reviewer_of[regency],
                "review.approve",
                "village",
                code,
                code,
                {"status": status},
                {"status": rules.Status.DESIGNATED, "number": number},
            )
            status, status_changed = rules.Status.DESIGNATED, designated_at
        found.qualifying += status == rules.Status.QUALIFYING
        missing = rules.participants_needed(active, potential, threshold)
        village_rows.append(
            (code, district, regency, "Kepala Desa", potential, status, status_changed)
            + (months[-1], active, coverage, registered, officer, missing)
        )
        potential_rows.append((code, potential, "p3ke", POTENTIAL_AS_OF, registered))
        if len(report_rows) >= 200_000:
            _flush(writer, found, village_rows, potential_rows, report_rows, audit_rows)
    _flush(writer, found, village_rows, potential_rows, report_rows, audit_rows)
    found.designations = writer.write(
        "designation",
        ("village_code", "regency_code", "year", "sequence", "number", "token")
        + ("designated_on", "designated_at", "village_name", "village_kind")
        + ("district_name", "regency_name", "province_name")
        + ("approved_by_id", "office_name", "signatory_name", "signatory_title")
        + ("report_id", "report_as_of", "active_participants", "worker_potential")
        + ("coverage_tenths", "threshold_tenths", "state"),
        designation_rows,
    )
    writer.write(
        "designation_sequence",
        ("regency_code", "year", "last"),
        ((regency, DESIGNATED_ON.year, last) for regency, last in sequences.items()),
    )
    # Every regency/city aims at 75% by the end of the year, as Kab. Tangerang did.
    writer.write(
        "regency_setting",
        ("regency_code", "target_tenths", "target_date"),
        ((regency, 750, date(2026, 12, 31)) for regency in regencies),
    )
    if writer.postgres:
        # Ids were given explicitly: the sequences must continue after them.
        for table in ("user", "report"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT max(id) FROM "{table}"))'
                )
            )
    db.session.commit()
    return found


def _flush(writer, found, villages, potentials, reports, audits) -> None:
    """Write the rows gathered so far (villages first: the others refer to them)."""
    found.villages += writer.write(
        "village",
        ("code", "district_code", "regency_code", "head_name", "worker_potential")
        + ("status", "status_changed_at", "latest_report_date")
        + ("active_participants", "coverage_tenths", "registered_at")
        + ("registered_by_id", "participants_missing"),
        villages,
    )
    writer.write(
        "worker_potential",
        ("village_code", "worker_potential", "source", "as_of", "recorded_at"),
        potentials,
    )
    found.reports += writer.write(
        "report",
        ("id", "village_code", "as_of", "active_participants")
        + ("bpu", "pu", "jakon", "self_paid", "apbd_regency", "apbdes", "csr")
        + ("worker_potential", "coverage_tenths", "created_at", "created_by_id")
        # The payers before they were told apart: none in a new report, and their
        # columns have no default (migration 0002).
        + ("apbd", "csr_other"),
        reports,
    )
    found.audit_events += writer.write(
        "audit_event",
        ("at", "actor_id", "action", "entity_type", "entity_id", "region_code")
        + ("before", "after"),
        audits,
    )
    for rows in (villages, potentials, reports, audits):
        rows.clear()
