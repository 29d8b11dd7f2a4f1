"""The rules every row obeys, checked over the whole database."""

from collections import defaultdict
from datetime import date

from sqlalchemy import select

import villagetracker
from villagetracker import criteria, rules
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import (
    Designation,
    DesignationSequence,
    PendingImport,
    ProgrammeSetting,
    RegencySetting,
    Report,
    Role,
    User,
    Village,
    WorkerPotential,
)
from villagetracker.villages import evidence


def in_force(potentials: list[tuple[date, int]], day: date) -> int:
    """The worker potential in force on a day: the latest on or before it, or the
    earliest when the day precedes them all."""
    earlier = [figure for as_of, figure in potentials if as_of <= day]
    return earlier[-1] if earlier else potentials[0][1]


def rule_breaches() -> list[str]:
    """Every row that breaks a rule of the programme, said in words; empty if none."""
    db.session.expire_all()
    found = []
    today = local_today()

    def check(condition, what, row) -> None:
        if not condition:
            found.append(f"{what}: {row!r} {getattr(row, '__dict__', '')}"[:600])

    programme = db.session.get(ProgrammeSetting, 1)
    national = programme.threshold_tenths if programme else None
    programme_criteria = criteria.programme_criteria()
    national = national or rules.DEFAULT_THRESHOLD_TENTHS
    check(500 <= national <= 1000, "programme threshold out of range", programme)
    settings_by_regency = {}
    for setting in db.session.scalars(select(RegencySetting)):
        settings_by_regency[setting.regency_code] = setting
        own = setting.threshold_tenths
        check(own is None or 500 <= own <= 1000, "regency threshold", setting)
        target = (setting.target_tenths, setting.target_date)
        check(
            target == (None, None)
            or (1 <= (target[0] or 0) <= 1000 and target[1] is not None),
            "a target without a date, or out of range",
            setting,
        )

    potentials = defaultdict(list)
    for potential in db.session.scalars(
        select(WorkerPotential).order_by(WorkerPotential.as_of)
    ):
        potentials[potential.village_code].append(
            (potential.as_of, potential.worker_potential)
        )
        check(
            1 <= potential.worker_potential <= rules.MAX_PARTICIPANTS,
            "worker potential out of range",
            potential,
        )
        check(date(2014, 1, 1) <= potential.as_of <= today, "potential date", potential)
        check(
            potential.source in villagetracker.rules.POTENTIAL_SOURCES
            and (potential.source != "other" or potential.source_note),
            "potential source",
            potential,
        )

    reports = defaultdict(list)
    for report in db.session.scalars(select(Report).order_by(Report.as_of)):
        reports[report.village_code].append(report)
        segments = [getattr(report, name) for name in rules.SEGMENTS]
        payers = [getattr(report, name) for name in rules.PAYERS]
        active = report.active_participants
        check(min([active, *segments, *payers]) >= 0, "a negative count", report)
        check(sum(segments) == active, "segments do not add up", report)
        check(sum(payers) == active, "payers do not add up", report)
        check(date(2014, 1, 1) <= report.as_of <= today, "report date", report)
        first = potentials[report.village_code][0][0]
        check(report.as_of >= first, "a report before the first potential", report)
        figure = in_force(potentials[report.village_code], report.as_of)
        check(report.worker_potential == figure, "not the potential in force", report)
        check(active <= report.worker_potential, "more active than potential", report)
        check(
            report.coverage_tenths == rules.coverage_tenths(active, figure),
            "coverage not the rule's",
            report,
        )
        if report.evidence_file:
            check(
                evidence.path_of(report.evidence_file).is_file(),
                "evidence named but missing",
                report,
            )

    valid = {}
    numbers = defaultdict(list)
    for designation in db.session.scalars(select(Designation)):
        numbers[designation.regency_code, designation.year].append(designation.sequence)
        check(designation.state in rules.DESIGNATION_STATES, "state", designation)
        if designation.state == rules.ACTIVE:
            check(designation.village_code not in valid, "two valid", designation)
            valid[designation.village_code] = designation
        check(
            designation.coverage_tenths
            == rules.coverage_tenths(
                designation.active_participants, designation.worker_potential
            )
            and designation.coverage_tenths >= designation.threshold_tenths,
            "designated below its threshold",
            designation,
        )
    last = {
        (s.regency_code, s.year): s.last
        for s in db.session.scalars(select(DesignationSequence))
    }
    for key, sequences in numbers.items():
        check(
            sorted(sequences) == list(range(1, len(sequences) + 1))
            and last.get(key) == len(sequences),
            "designation numbers with a gap or a repeat",
            (key, sorted(sequences), last.get(key)),
        )

    for village in db.session.scalars(select(Village)):
        pairs = potentials[village.code]
        check(pairs and village.worker_potential == pairs[-1][1], "potential", village)
        history = reports[village.code]
        latest = history[-1] if history else None
        if latest is None:
            check(
                (village.latest_report_date, village.active_participants)
                == (None, None)
                and village.status == rules.Status.REGISTERED,
                "figures without a report",
                village,
            )
            continue
        check(
            (
                village.latest_report_date,
                village.active_participants,
                village.coverage_tenths,
            )
            == (latest.as_of, latest.active_participants, latest.coverage_tenths),
            "figures not those of the latest report",
            village,
        )
        own = criteria.own_criteria(
            settings_by_regency.get(village.regency_code), programme_criteria
        )
        judged = criteria.judge(latest, village, own)
        reaches = rules.qualifies(judged)
        check(
            (village.participants_missing, village.officials_missing)
            == rules.shortfall(judged),
            "what is missing, not that of the latest report",
            village,
        )
        if village.code in valid:
            expected = rules.Status.DESIGNATED if reaches else rules.Status.AT_RISK
        else:
            expected = rules.Status.QUALIFYING if reaches else rules.Status.REGISTERED
        check(village.status == expected, f"status, not {expected}", village)
        returned = (village.returned_reason, village.returned_at)
        check(
            returned == (None, None) or None not in returned, "half returned", village
        )

    usernames = set()
    for user in db.session.scalars(select(User)):
        check(user.username not in usernames, "username twice", user)
        usernames.add(user.username)
        check(user.username == user.username.strip().lower(), "username", user)
        check(user.role in set(Role), "role", user)
        if user.role == Role.ADMIN:
            check(user.region_code is None and not user.districts, "admin", user)
        else:
            region = user.region
            check(region is not None and region.level == "regency", "region", user)
            check(
                all(d.parent_code == user.region_code for d in user.districts),
                "a district outside the account's regency",
                user,
            )
    for pending in db.session.scalars(select(PendingImport)):
        check(db.session.get(User, pending.user_id) is not None, "import", pending)
    return found
