"""The labour office's decisions: approve a qualifying village (designation), return
it to its officers, revoke or reopen a designation; and each regency's signatory.
Each one checks, writes, records its audit event and flushes; the request commits.

Concurrency: every decision changes the village row, whose UPDATE names the revision
it read (``Village.revision``). Of two reviewers deciding at once, the second one's
UPDATE matches no row and the decision is refused with ``ReviewConflict``; nothing of it
is kept. Numbers come from ``DesignationSequence`` in the same transaction, so a refused
or failed approval gives its number back and numbers have no gaps.
"""

import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, locks, rules, status
from ..criteria import criteria_for
from ..extensions import db
from ..i18n import local_today
from ..models import (
    Designation,
    DesignationSequence,
    RegencySetting,
    Region,
    User,
    Village,
    utcnow,
)
from ..regions.queries import names_of
from ..villages.service import CHANGED


class ReviewConflict(Exception):
    """The decision cannot be taken on the village as it is now; says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


NOT_NOW = _l(
    "This decision does not fit the village as it is now. Nothing was saved: look "
    "at it again."
)


@dataclass
class Signatory:
    office_name: str
    name: str
    title: str


def signatory_defaults(regency_code: str) -> Signatory:
    """What the regency's certificates carry unless the reviewer types otherwise: the
    admin's settings; else who signed the regency's latest designation, so that the
    name is not typed again at every approval; else the Dinas Ketenagakerjaan of the
    regency by its name, with the name left to type."""
    regency = db.session.get(Region, regency_code)
    setting = db.session.get(RegencySetting, regency_code)
    last = db.session.scalar(
        select(Designation)
        .where(Designation.regency_code == regency_code)
        .order_by(Designation.designated_at.desc(), Designation.id.desc())
        .limit(1)
    )
    office = f"Dinas Ketenagakerjaan {regency.name}"
    return Signatory(
        office_name=(setting and setting.office_name) or office,
        name=(setting and setting.signatory_name)
        or (last and last.signatory_name)
        or "",
        title=(setting and setting.signatory_title)
        or (last and last.signatory_title)
        or f"Kepala {office}",
    )


def set_signatory_defaults(regency: Region, signatory: Signatory) -> None:
    setting = db.session.get(RegencySetting, regency.code) or RegencySetting(
        regency_code=regency.code
    )
    db.session.add(setting)
    fields = ("office_name", "signatory_name", "signatory_title")
    before = {name: getattr(setting, name) for name in fields}
    setting.office_name = signatory.office_name.strip()
    setting.signatory_name = signatory.name.strip()
    setting.signatory_title = signatory.title.strip()
    audit.record(
        "signatory.set",
        before=before,
        after={name: getattr(setting, name) for name in fields},
        region_code=regency.code,
    )


def _flush_village_change(village: Village) -> None:
    """Flush the village's UPDATE (which names the revision it read) and turn a lost
    race into ReviewConflict with everything rolled back."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ReviewConflict(CHANGED) from None


def _check_seen(village: Village, seen: str | None) -> None:
    if str(village.revision) != (seen or "").strip():
        raise ReviewConflict(CHANGED)


def _next_sequence(regency_code: str, year: int) -> int:
    """The next number of the regency's year, taken in the caller's transaction. The
    UPDATE holds the row (PostgreSQL) or the database (SQLite) until commit, so
    concurrent approvals take their numbers one after the other."""
    insert = (
        postgresql_insert
        if db.session.get_bind().dialect.name == "postgresql"
        else sqlite_insert
    )
    db.session.execute(
        insert(DesignationSequence)
        .values(regency_code=regency_code, year=year, last=0)
        .on_conflict_do_nothing()
    )
    return db.session.scalar(
        update(DesignationSequence)
        .where(
            DesignationSequence.regency_code == regency_code,
            DesignationSequence.year == year,
        )
        .values(last=DesignationSequence.last + 1)
        .returning(DesignationSequence.last)
        .execution_options(synchronize_session=False)
    )


def approve(
    user: User, village: Village, seen: str | None, signatory: Signatory
) -> Designation:
    """Designate a qualifying village, re-checking the rule now. ``seen`` is the
    revision of the village the reviewer looked at; if it changed, nothing is done."""
    _check_seen(village, seen)
    if not village.awaits_review:
        raise ReviewConflict(
            _l("Only a qualifying village that is not returned can be approved.")
        )
    latest = status.latest_report(village)
    in_force = criteria_for(village.regency_code)
    if not status.qualifies(latest, village, in_force):
        raise ReviewConflict(
            _l(
                "The latest report no longer meets the criteria in force. Nothing "
                "was saved."
            )
        )
    village.status = rules.Status.DESIGNATED
    village.status_changed_at = utcnow()
    _flush_village_change(village)

    day = local_today()
    province, regency, district = rules.ancestor_codes(village.code)
    names = names_of([province, regency, district])
    sequence = _next_sequence(village.regency_code, day.year)
    designation = Designation(
        village_code=village.code,
        regency_code=village.regency_code,
        year=day.year,
        sequence=sequence,
        number=rules.designation_number(
            current_app.config["DESIGNATION_NUMBER_PATTERN"],
            sequence=sequence,
            regency=village.regency_code,
            year=day.year,
        ),
        token=secrets.token_urlsafe(24),
        designated_on=day,
        village_name=village.name,
        village_kind=rules.village_kind(village.code),
        district_name=names[district],
        regency_name=names[regency],
        province_name=names[province],
        approved_by_id=user.id,
        office_name=signatory.office_name.strip(),
        signatory_name=signatory.name.strip(),
        signatory_title=signatory.title.strip(),
        report_id=latest.id,
        report_as_of=latest.as_of,
        active_participants=latest.active_participants,
        worker_potential=latest.worker_potential,
        coverage_tenths=latest.coverage_tenths,
        threshold_tenths=in_force.threshold_tenths,
    )
    db.session.add(designation)
    try:
        db.session.flush()
    except IntegrityError:  # a valid designation exists: the database's own guard
        db.session.rollback()
        raise ReviewConflict(CHANGED) from None
    replaced = db.session.scalars(
        village.designations().where(
            Designation.id != designation.id, Designation.superseded_by_id.is_(None)
        )
    ).all()
    for earlier in replaced:
        earlier.superseded_by_id = designation.id
    audit.record(
        "review.approve",
        entity=designation,
        before={"status": rules.Status.QUALIFYING},
        after={
            "status": rules.Status.DESIGNATED,
            "number": designation.number,
            "coverage_tenths": designation.coverage_tenths,
            "active_participants": designation.active_participants,
            "worker_potential": designation.worker_potential,
            "signatory_name": designation.signatory_name,
            "supersedes": ", ".join(earlier.number for earlier in replaced) or None,
            # The criteria it rested on besides the threshold the designation keeps.
            "official_roles": ",".join(in_force.official_roles) or None,
            "quota": in_force.quota or None,
        },
        region_code=village.code,
    )
    return designation


def return_village(user: User, village: Village, seen: str | None, reason: str):
    """Send a qualifying village back to its officers with a reason, which they see
    until they log a new report."""
    _check_seen(village, seen)
    if not village.awaits_review:
        raise ReviewConflict(_l("Only a qualifying village can be returned."))
    village.returned_reason = reason.strip()
    village.returned_at = utcnow()
    village.returned_by_id = user.id
    _flush_village_change(village)
    audit.record(
        "review.return",
        entity=village,
        before={"returned_reason": None},
        after={"returned_reason": village.returned_reason},
        region_code=village.code,
    )


def _end(user: User, designation: Designation, state: str, reason: str) -> None:
    """Revoke or reopen: the certificate stops verifying as valid, the reports behind
    it are unlocked, and the village goes back to review by the rule."""
    if designation.state != rules.ACTIVE:
        raise ReviewConflict(
            _l("This designation is no longer valid. Nothing was saved.")
        )
    village = designation.village
    before = {
        "state": designation.state,
        "status": village.status,
        "returned_reason": village.returned_reason,
    }
    designation.state = state
    designation.ended_at = utcnow()
    designation.end_reason = reason.strip()
    designation.ended_by_id = user.id
    reaches = status.qualifies(
        status.latest_report(village), village, criteria_for(village.regency_code)
    )
    village.status = rules.status_when_designation_ends(reaches)
    village.status_changed_at = utcnow()
    if state == rules.REVOKED:
        # Out of the queue until the officers answer with a new report.
        village.returned_reason = designation.end_reason
        village.returned_at = designation.ended_at
        village.returned_by_id = user.id
    _flush_village_change(village)
    audit.record(
        f"designation.{'revoke' if state == rules.REVOKED else 'reopen'}",
        entity=designation,
        before=before,
        after={
            "state": state,
            "status": village.status,
            "number": designation.number,
            "end_reason": designation.end_reason,
            "returned_reason": village.returned_reason,
        },
        region_code=village.code,
    )


def revoke(user: User, designation: Designation, reason: str) -> None:
    _end(user, designation, rules.REVOKED, reason)


def reopen(user: User, designation: Designation, reason: str) -> None:
    _end(user, designation, rules.REOPENED, reason)


def approve_all(
    user: User, villages: list[tuple[Village, str | None]], signatory: Signatory
) -> list[Designation]:
    """Designate several villages at once, numbered in the order given, each under
    the checks of ``approve``. All or nothing: one that no longer fits (changed
    since the confirmation page, approved by someone else meanwhile, below the
    threshold now) stops them all, with its name in the conflict, and every number
    taken so far is given back.

    The villages are locked first, all of them and in the order of their codes:
    two batches sharing villages would otherwise each hold one village and wait
    for the other's (a deadlock on PostgreSQL). The second one then finds them
    changed and is refused."""
    locks.lock_villages(village.code for village, _seen in villages)
    designations = []
    for village, seen in villages:
        name = village.title
        try:
            designations.append(approve(user, village, seen, signatory))
        except ReviewConflict as conflict:
            db.session.rollback()
            message = _l("%(name)s: %(reason)s", name=name, reason=conflict.message)
            raise ReviewConflict(message) from None
    return designations
