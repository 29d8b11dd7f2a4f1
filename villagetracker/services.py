"""The multi-step actions: each checks, writes and records its audit event in one
transaction, so that a change is never kept without its record or half made."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified
from werkzeug.security import check_password_hash, generate_password_hash

from . import access, audit, locks, rules, throttles
from .evidence import StoredEvidence
from .extensions import db
from .i18n import format_number
from .models import (
    Designation,
    LoginFailure,
    ProgrammeSetting,
    RegencySetting,
    Region,
    Report,
    Role,
    User,
    Village,
    WorkerPotential,
    utcnow,
)


@cache
def _unknown_user_hash(method: str) -> str:
    """Checked when the username is unknown, so that a wrong username takes as long to
    refuse as a wrong password and the timing does not tell which accounts exist."""
    return generate_password_hash("no such user, no such password", method)


class LoginRefused(Exception):
    """The username and password do not open an account (whichever part was wrong)."""


class LoginThrottled(LoginRefused):
    """Too many recent failures for this account from this address (or for this
    account, or this address, where the account has not logged in before)."""

    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until


def authenticate(
    username: str, password: str, address: str, device: str | None = None
) -> User:
    """The active account with this username and password, or LoginRefused
    (LoginThrottled, with the time to try again, while a throttle refuses it).
    ``device`` is the id of a browser this account has logged in from before (a
    signed cookie): its attempts count on their own, so no stranger's failures,
    from anywhere, keep the owner out of their own phone or computer."""
    username = username.strip().lower()[:50]
    config = current_app.config
    # The attempt is written (and committed) before anything is checked, so that
    # parallel guesses count each other; a successful login removes it again.
    now = utcnow()
    source = throttles.source_key(address, device)
    attempt = LoginFailure(username=username, address=source, at=now)
    db.session.add(attempt)
    db.session.commit()
    throttle = throttles.throttle_for(attempt, now, address, known=device is not None)
    if throttle is not None:
        # A refused attempt is no guess: not counting it keeps the time shown true.
        db.session.delete(attempt)
        audit.record(
            "login.throttled", after={"username": username, "limit": throttle.kind}
        )
        db.session.commit()
        raise LoginThrottled(throttle.until)

    user = db.session.scalar(User.by_username(username))
    if user is None:
        check_password_hash(
            _unknown_user_hash(config["PASSWORD_HASH_METHOD"]), password
        )
        reason = "unknown"
    elif not user.check_password(password):
        reason = "password"
    elif not user.active:
        reason = "disabled"
    else:
        # The owner's own typos from here no longer count against them.
        db.session.execute(
            delete(LoginFailure).where(
                LoginFailure.username == username,
                LoginFailure.address == attempt.address,
            )
        )
        user.last_login_at = utcnow()
        audit.record("login", entity=user, actor=user)
        db.session.commit()
        return user
    audit.record("login.failed", after={"username": username, "reason": reason})
    db.session.commit()
    raise LoginRefused


def record_logout(user: User) -> None:
    """Log out: raising the session version also voids any copy of the session cookie
    (sessions live in signed cookies, so forgetting it in one browser is not enough)."""
    user.session_version += 1
    audit.record("logout", entity=user, actor=user)
    db.session.commit()


@dataclass
class AccountScope:
    role: str
    region_code: str | None
    district_codes: list[str]


def account_scope_errors(scope: AccountScope) -> dict[str, str]:
    """What is wrong with a role and region together, by form field; empty if nothing.

    An admin covers the country and has no region; a reviewer or officer has one
    regency/city; only an officer may be limited to kecamatan, all inside that regency.
    """
    errors: dict[str, str] = {}
    if scope.role not in set(Role):
        errors["role"] = _l("Choose a role.")
        return errors
    if scope.role == Role.ADMIN:
        if scope.region_code or scope.district_codes:
            errors["region_code"] = _l(
                "An admin covers the whole country: leave empty."
            )
        return errors
    region = db.session.get(Region, scope.region_code) if scope.region_code else None
    if region is None or region.level != "regency":
        errors["region_code"] = _l("Enter the code of a regency or city, e.g. 36.03.")
        return errors
    if scope.district_codes and scope.role != Role.OFFICER:
        errors["district_codes"] = _l(
            "Only a field officer can be limited to districts."
        )
    for code in scope.district_codes:
        district = db.session.get(Region, code)
        if district is None or district.parent_code != region.code:
            errors["district_codes"] = _l(
                "%(code)s is not a district of %(regency)s.",
                code=code,
                regency=region.name,
            )
            break
    return errors


def account_snapshot(user: User) -> dict:
    """What the audit trail keeps of an account: never the password hash."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "region_code": user.region_code,
        "district_codes": [d.code for d in user.districts],
        "active": user.active,
    }


def _districts(codes: list[str]) -> list[Region]:
    if not codes:
        return []
    return list(db.session.scalars(select(Region).where(Region.code.in_(codes))))


def create_account(
    *, username: str, full_name: str, password: str, scope: AccountScope
) -> User:
    """A new account; the caller has validated the scope and the password length."""
    user = User(
        username=username.strip().lower(),
        full_name=full_name.strip(),
        role=scope.role,
        region_code=scope.region_code or None,
        districts=_districts(scope.district_codes),
        password_hash="",
        session_version=0,
    )
    user.set_password(password)
    db.session.add(user)
    audit.record(
        "user.create",
        entity=user,
        after=account_snapshot(user),
        region_code=user.region_code,
    )
    db.session.commit()
    return user


def update_account(
    user: User, *, full_name: str, active: bool, scope: AccountScope
) -> None:
    before = account_snapshot(user)
    user.full_name = full_name.strip()
    user.role = scope.role
    user.region_code = scope.region_code or None
    user.districts = _districts(scope.district_codes)
    if user.active and not active:
        user.session_version += 1  # end the sessions of a disabled account
    user.active = active
    after = account_snapshot(user)
    if after != before:
        audit.record(
            "user.update",
            entity=user,
            before=before,
            after=after,
            region_code=user.region_code,
        )
    db.session.commit()


def reset_password(user: User, password: str) -> None:
    """A new password, which also ends every session the account has open."""
    user.set_password(password)
    audit.record("user.password_reset", entity=user, region_code=user.region_code)
    db.session.commit()


# --- Villages, worker potential, reports and the threshold ---


def programme_threshold() -> int:
    setting = db.session.get(ProgrammeSetting, 1)
    return setting.threshold_tenths if setting else rules.DEFAULT_THRESHOLD_TENTHS


def thresholds_by_regency(regency_codes: set[str]) -> dict[str, int]:
    """The threshold in force for each regency: its own override, else the
    programme's."""
    overrides = {}
    if regency_codes:
        query = select(
            RegencySetting.regency_code, RegencySetting.threshold_tenths
        ).where(
            RegencySetting.regency_code.in_(regency_codes),
            RegencySetting.threshold_tenths.is_not(None),
        )
        overrides = dict(db.session.execute(query).all())
    national = programme_threshold()
    return {code: overrides.get(code, national) for code in regency_codes}


def threshold_for(regency_code: str) -> int:
    return thresholds_by_regency({regency_code})[regency_code]


@dataclass
class PotentialInput:
    worker_potential: int
    source: str
    source_note: str | None
    as_of: date


@dataclass
class ReportInput:
    as_of: date
    active_participants: int
    bpu: int
    pu: int
    jakon: int
    self_paid: int
    apbd: int
    apbdes: int
    csr_other: int
    notes: str | None = None


def village_snapshot(village: Village) -> dict:
    return {
        "head_name": village.head_name,
        "contact_phone": village.contact_phone,
        "notes": village.notes,
        "worker_potential": village.worker_potential,
        "status": village.status,
    }


def report_snapshot(report: Report) -> dict:
    values = {name: getattr(report, name) for name in REPORT_FIELDS}
    values["as_of"] = report.as_of.isoformat()
    values["evidence_file"] = report.evidence_file
    return values


REPORT_FIELDS = (
    "as_of",
    "active_participants",
    *rules.SEGMENTS,
    *rules.PAYERS,
    "notes",
)


def _optional_text(value: str | None) -> str | None:
    """Stripped text, or None for nothing but white space."""
    return (value or "").strip() or None


def registration_problems(user: User, region_code: str) -> dict[str, str]:
    """Why this code cannot be registered by this user; empty if it can."""
    region = db.session.scalar(
        access.regions_visible_to(user).where(Region.code == region_code)
    )
    if region is None or region.level != "village":
        return {"region_code": _l("Choose a village in your area from the list.")}
    if db.session.get(Village, region_code) is not None:
        return {"region_code": _l("%(name)s is already registered.", name=region.name)}
    return {}


def register_village(
    user: User,
    region_code: str,
    *,
    head_name: str,
    contact_phone: str | None,
    notes: str | None,
    potential: PotentialInput,
) -> Village:
    """Register a village in the programme with its first worker potential."""
    region = db.session.get(Region, region_code)
    village = Village(
        code=region.code,
        district_code=region.parent_code,
        regency_code=rules.parent_of(region.parent_code),
        head_name=head_name.strip(),
        contact_phone=_optional_text(contact_phone),
        notes=_optional_text(notes),
        worker_potential=potential.worker_potential,
        status=rules.REGISTERED,
        registered_by=user,
    )
    db.session.add(village)
    db.session.add(_potential_row(village, potential, user))
    audit.record(
        "village.register",
        entity=village,
        after=village_snapshot(village),
        region_code=village.code,
    )
    db.session.commit()
    return village


def _potential_row(village: Village, potential: PotentialInput, user: User):
    return WorkerPotential(
        village_code=village.code,
        worker_potential=potential.worker_potential,
        source=potential.source,
        source_note=_optional_text(potential.source_note),
        as_of=potential.as_of,
        recorded_by=user,
    )


def _in_force(potentials: list[tuple[date, int]], day: date) -> int:
    """The worker potential in force on ``day`` from (as_of, figure) pairs sorted by
    date: the latest one on or before it, or the earliest when the day precedes all."""
    figure = potentials[0][1]
    for as_of, value in potentials:
        if as_of > day:
            break
        figure = value
    return figure


def _potential_pairs(village: Village) -> list[tuple[date, int]]:
    return [
        (p.as_of, p.worker_potential) for p in db.session.scalars(village.potentials())
    ]


def potential_in_force(village: Village, day: date) -> int:
    return _in_force(_potential_pairs(village), day)


def potential_problems(village: Village, potential: PotentialInput) -> dict[str, str]:
    """A new worker potential may not fall below the active participants of a report
    it would govern, nor change the figure a report locked by a designation is
    measured against (even one dated after it, if it becomes the earliest)."""
    current = _potential_pairs(village)
    pairs = dict(current)
    pairs[potential.as_of] = potential.worker_potential
    ordered = sorted(pairs.items())
    locked = locking_designation(village)
    reports = db.session.scalars(village.reports()).all()
    if locked is not None and any(
        _in_force(ordered, report.as_of) != _in_force(current, report.as_of)
        for report in reports
        if report.as_of <= locked.report_as_of
    ):
        return {"potential_as_of": locked_message(locked)}
    for report in reports:
        in_force = _in_force(ordered, report.as_of)
        if report.active_participants > in_force:
            return {
                "worker_potential": _l(
                    "The report of %(day)s counts %(active)s active participants, more "
                    "than this worker potential.",
                    day=format_date(report.as_of),
                    active=format_number(report.active_participants),
                )
            }
    return {}


class Refused(Exception):
    """The rules refuse a change, checked again under the village's lock: what the
    form checked may have changed since (another report, a designation)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def record_potential(user: User, village: Village, potential: PotentialInput) -> None:
    """Record a worker potential (replacing one of the same date), re-measure every
    report against the potential in force at its date, and re-evaluate the status.
    Raises Refused if the rules refuse it as the village is now."""
    locks.lock_village(village)
    problems = potential_problems(village, potential)
    if problems:
        raise Refused(problems)
    before = village_snapshot(village)
    existing = db.session.scalar(
        select(WorkerPotential).where(
            WorkerPotential.village_code == village.code,
            WorkerPotential.as_of == potential.as_of,
        )
    )
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    db.session.add(_potential_row(village, potential, user))
    db.session.flush()
    pairs = _potential_pairs(village)
    village.worker_potential = pairs[-1][1]
    for report in db.session.scalars(village.reports()):
        report.worker_potential = _in_force(pairs, report.as_of)
        report.coverage_tenths = rules.coverage_tenths(
            report.active_participants, report.worker_potential
        )
    audit.record(
        "village.potential",
        entity=village,
        before=before,
        after={
            **village_snapshot(village),
            "as_of": potential.as_of.isoformat(),
            "source": potential.source,
            "recorded": potential.worker_potential,
        },
        region_code=village.code,
    )
    refresh_village(village)
    db.session.commit()


def update_village_details(
    village: Village, *, head_name: str, contact_phone: str | None, notes: str | None
) -> None:
    before = village_snapshot(village)
    village.head_name = head_name.strip()
    village.contact_phone = _optional_text(contact_phone)
    village.notes = _optional_text(notes)
    after = village_snapshot(village)
    if after != before:
        audit.record(
            "village.update",
            entity=village,
            before=before,
            after=after,
            region_code=village.code,
        )
    db.session.commit()


def locking_designation(village: Village) -> Designation | None:
    """The valid designation of the village: the reports up to its report's date are
    behind it and locked until the labour office reopens or revokes it."""
    return db.session.scalar(village.active_designation())


def locked_message(designation: Designation) -> str:
    return _l(
        "Reports up to %(day)s are behind designation %(number)s and locked. The "
        "labour office can reopen the designation to allow a correction.",
        day=format_date(designation.report_as_of),
        number=designation.number,
    )


@dataclass
class VillageFacts:
    """What the report rules need to know of a village besides the report: loaded
    for one village by the form, for thousands at once by a spreadsheet import."""

    potentials: list[tuple[date, int]]  # (as of, figure), oldest first
    locked: Designation | None  # the valid designation, whose reports are locked
    report_days: dict[date, int]  # the village's reports by date (at least those asked)

    def potential_on(self, day: date) -> int:
        return _in_force(self.potentials, day)


def village_facts(village: Village) -> VillageFacts:
    days = select(Report.as_of, Report.id).where(Report.village_code == village.code)
    return VillageFacts(
        potentials=_potential_pairs(village),
        locked=locking_designation(village),
        report_days=dict(db.session.execute(days).all()),
    )


def report_problems(
    village: Village,
    data: ReportInput,
    report: Report | None = None,
    facts: VillageFacts | None = None,
) -> dict[str, str]:
    """What the rules refuse in a report, by form field; empty if nothing. A value that
    could not be read is None, and only the rules that need it are skipped, so that a
    person sees every problem at once."""
    facts = facts or village_facts(village)
    problems: dict[str, str] = {}
    locked = facts.locked
    if locked is not None:
        for day in (data.as_of, report.as_of if report else None):
            if day is not None and day <= locked.report_as_of:
                return {"as_of": locked_message(locked)}
    if data.as_of is not None:
        other = facts.report_days.get(data.as_of)
        if other is not None and (report is None or other != report.id):
            problems["as_of"] = _l(
                "There is already a report for %(day)s. Correct that one instead.",
                day=format_date(data.as_of),
            )
    if data.active_participants is None:
        return problems
    if data.as_of is not None:
        in_force = facts.potential_on(data.as_of)
        if data.active_participants > in_force:
            problems["active_participants"] = _l(
                "More than the worker potential in force on that date (%(potential)s).",
                potential=format_number(in_force),
            )
    for first, group, label in (
        ("bpu", rules.SEGMENTS, _l("BPU + PU + Jakon")),
        ("self_paid", rules.PAYERS, _l("Self-paid + APBD + APBDes + CSR/other")),
    ):
        parts = {name: getattr(data, name) for name in group}
        if None in parts.values():
            continue
        if rules.breakdown_problems(data.active_participants, parts):
            problems[first] = _l(
                "%(parts)s add up to %(sum)s, not %(total)s.",
                parts=label,
                sum=format_number(sum(parts.values())),
                total=format_number(data.active_participants),
            )
    return problems


def apply_report(
    report: Report,
    data: ReportInput,
    evidence: StoredEvidence | None,
    potential: int | None = None,
):
    """Set a report's values and measure it against ``potential``, the worker
    potential in force at its date (looked up when not given)."""
    for name in REPORT_FIELDS:
        setattr(report, name, getattr(data, name))
    report.notes = _optional_text(data.notes)
    if potential is None:
        potential = potential_in_force(report.village, data.as_of)
    report.worker_potential = potential
    report.coverage_tenths = rules.coverage_tenths(
        data.active_participants, report.worker_potential
    )
    if evidence is not None:
        report.evidence_name = evidence.name
        report.evidence_file = evidence.file
        report.evidence_type = evidence.media_type
        report.evidence_size = evidence.size


def log_report(
    user: User, village: Village, data: ReportInput, evidence: StoredEvidence | None
) -> Report:
    """Log a report; if it is the latest, the village's coverage and status follow it
    in the same transaction (a village reaching the threshold qualifies at once).
    Raises Refused if the rules refuse it as the village is now: reports for other
    dates logged meanwhile are no conflict, a report for the same date or a
    designation that locks the date is."""
    locks.lock_village(village)
    problems = report_problems(village, data)
    if problems:
        raise Refused(problems)
    report = Report(village=village, created_by=user)
    apply_report(report, data, evidence)
    # A new report answers the labour office's return: the village is reviewed again.
    village.returned_reason = village.returned_at = village.returned_by_id = None
    db.session.add(report)
    db.session.flush()
    audit.record(
        "report.create",
        entity=report,
        after=report_snapshot(report),
        region_code=village.code,
    )
    refresh_village(village)
    db.session.commit()
    return report


def correct_report(
    user: User, report: Report, data: ReportInput, evidence: StoredEvidence | None
) -> None:
    """Correct a report; its old values stay in the audit trail. Raises Refused if
    the rules refuse it as the village is now."""
    locks.lock_village(report.village)
    db.session.refresh(report)
    problems = report_problems(report.village, data, report)
    if problems:
        raise Refused(problems)
    before = report_snapshot(report)
    apply_report(report, data, evidence)
    report.updated_at = utcnow()
    report.updated_by_id = user.id
    audit.record(
        "report.correct",
        entity=report,
        before=before,
        after=report_snapshot(report),
        region_code=report.village_code,
    )
    refresh_village(report.village)
    db.session.commit()


def refresh_village(village: Village, threshold: int | None = None) -> None:
    """Copy the latest report's figures onto the village and move its status by the
    rule. Part of the caller's transaction.

    The village row is written even when its figures stay the same (a backdated or
    corrected report, new evidence): its revision rises, so a reviewer deciding on
    the page as it was is refused, and a report saved while a designation is approved
    fails instead of slipping in behind the designation's lock."""
    touch(village)
    db.session.flush()
    latest = db.session.scalars(village.latest_report()).first()
    follow_latest(village, latest, threshold)


def touch(village: Village) -> None:
    """Write the village row (raising its revision) even if nothing on it changes."""
    flag_modified(village, "head_name")


def follow_latest(
    village: Village, latest: Report | None, threshold: int | None = None
) -> None:
    """The figures and status of ``refresh_village``, with the latest report already
    known (an import knows it for thousands of villages without asking for each)."""
    if latest is None:
        return
    village.latest_report_date = latest.as_of
    village.active_participants = latest.active_participants
    village.coverage_tenths = latest.coverage_tenths
    if threshold is None:
        threshold = threshold_for(village.regency_code)
    reaches = rules.reaches_threshold(
        latest.active_participants, latest.worker_potential, threshold
    )
    _move_status(village, rules.next_status(village.status, reaches))


def _move_status(village: Village, status: str) -> None:
    if status == village.status:
        return
    audit.record(
        "village.status",
        entity=village,
        before={"status": village.status},
        after={"status": status, "coverage_tenths": village.coverage_tenths},
        region_code=village.code,
    )
    village.status = status
    village.status_changed_at = utcnow()


def set_threshold(threshold_tenths: int | None, regency_code: str | None = None) -> int:
    """Set the programme threshold, or a regency's override (None removes it), and
    re-evaluate every village it governs. Returns how many villages changed status."""
    if regency_code is None:
        setting = db.session.get(ProgrammeSetting, 1) or ProgrammeSetting(id=1)
        db.session.add(setting)
        before = setting.threshold_tenths
        setting.threshold_tenths = threshold_tenths
        governed = select(Village).where(
            Village.regency_code.not_in(
                select(RegencySetting.regency_code).where(
                    RegencySetting.threshold_tenths.is_not(None)
                )
            )
        )
    else:
        setting = db.session.get(RegencySetting, regency_code) or RegencySetting(
            regency_code=regency_code
        )
        db.session.add(setting)
        before = setting.threshold_tenths
        setting.threshold_tenths = threshold_tenths
        governed = select(Village).where(Village.regency_code == regency_code)
    audit.record(
        "threshold.set",
        before={"threshold_tenths": before, "regency_code": regency_code},
        after={"threshold_tenths": threshold_tenths, "regency_code": regency_code},
        region_code=regency_code,
    )
    db.session.flush()
    threshold = threshold_for(regency_code) if regency_code else threshold_tenths
    changed = 0
    for village in db.session.scalars(
        governed.where(Village.coverage_tenths.is_not(None))
    ):
        # coverage_tenths is rounded down, so comparing it with a threshold in tenths is
        # the same rule as comparing the counts (see rules.coverage_tenths).
        status = rules.next_status(village.status, village.coverage_tenths >= threshold)
        if status != village.status:
            _move_status(village, status)
            changed += 1
    db.session.commit()
    return changed


def set_target(regency_code: str, tenths: int | None, day: date | None) -> None:
    """Set (or, with None, remove) a regency's coverage target and its date."""
    setting = db.session.get(RegencySetting, regency_code) or RegencySetting(
        regency_code=regency_code
    )
    db.session.add(setting)
    before = _target_snapshot(setting)
    setting.target_tenths, setting.target_date = tenths, day if tenths else None
    after = _target_snapshot(setting)
    if after != before:
        audit.record(
            "target.set",
            before=before,
            after=after,
            region_code=regency_code,
        )
    db.session.commit()


def _target_snapshot(setting: RegencySetting) -> dict:
    day = setting.target_date
    return {
        "target_tenths": setting.target_tenths,
        "target_date": day.isoformat() if day else None,
    }
