"""The programme's rules as pure functions over plain values: no Flask, no SQLAlchemy.

Region codes follow Kemendagri: ``36`` province, ``36.03`` regency/city, ``36.03.06``
district (kecamatan), ``36.03.06.2018`` village.
"""

import enum
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
# What a person may type to look a region up by code: "36", "36.03", "36.03.06.2".
CODE_PREFIX = re.compile(r"^\d{2}[\d.]*$")
LEVELS = ("province", "regency", "district", "village")

# The first digit of a village's four-digit part says what kind of village it is.
VILLAGE_KINDS = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}
# What each kind is called before its name, in every language: "Desa Kresek".
KIND_WORDS = {"desa": "Desa", "kelurahan": "Kelurahan", "desa_adat": "Desa Adat"}


def has_village_budget(kind: str) -> bool:
    """A desa (and a desa adat) has a village budget (APBDes) and perangkat desa; a
    kelurahan, a unit of the regency's administration, has neither."""
    return kind != "kelurahan"


def is_region_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(text))


def level_of(code: str) -> str:
    """The level of a region from the number of parts in its code."""
    if not is_region_code(code):
        raise ValueError(f"not a Kemendagri region code: {code!r}")
    return LEVELS[code.count(".")]


def parent_of(code: str) -> str | None:
    """The code one level up, or None for a province."""
    return code.rpartition(".")[0] or None


def ancestor_codes(code: str) -> list[str]:
    """The codes above a region, 36.03.06.2018 -> 36, 36.03, 36.03.06"""
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts))]


def village_kind(code: str) -> str:
    """desa, kelurahan or desa_adat, told apart by the code, not the name."""
    if level_of(code) != "village":
        raise ValueError(f"not a village code: {code!r}")
    kind = VILLAGE_KINDS.get(code[-4])
    if kind is None:
        raise ValueError(f"unknown kind of village: {code!r}")
    return kind


def village_title(code: str, name: str) -> str:
    """A village as it is called: Desa Kresek, Kelurahan Sukasari, Desa Adat ..."""
    return f"{KIND_WORDS[village_kind(code)]} {name}"


def regency_kind(name: str) -> str:
    """kabupaten or kota: the official names carry it ("Kota Administrasi ..." too)."""
    return "kota" if name.startswith("Kota ") else "kabupaten"


# --- Coverage and the Desa Sadar threshold ---
# Percentages are kept as whole tenths of a percent (900 = 90.0%) and compared with
# integer arithmetic only, so that 4,154 of 4,615 is on the right side of 90% exactly.

PER_TENTH = 1000  # tenths of a percent in a whole
DEFAULT_THRESHOLD_TENTHS = 900
HALF_TENTHS = 500  # the edge between the two lowest coverage bands
CLOSE_FROM_TENTHS = 750  # "close to the threshold" starts at 75%
MAX_PARTICIPANTS = 10_000_000  # more is a typing error, not a village
# The programme has counted participants since BPJS Ketenagakerjaan began in 2014.
EARLIEST_DAY = date(2014, 1, 1)
# A village without a report for this long is overdue: the officers should count again.
OVERDUE_DAYS = 30


class Status(enum.StrEnum):
    """Where a village stands in the programme, in this order."""

    REGISTERED = "registered"
    QUALIFYING = "qualifying"
    DESIGNATED = "designated"
    AT_RISK = "at_risk"


# Where a worker potential comes from (i18n.SOURCE_LABELS names each).
POTENTIAL_SOURCES = ("p3ke", "census", "bps", "other")
# Informal workers, wage earners, construction (Jasa Konstruksi), migrant workers.
SEGMENTS = ("bpu", "pu", "jakon", "pmi")
# Who pays the contributions: the participant, the province's budget, the regency's or
# city's, the village's (APBDes), a company or donor scheme (CSR, GN Lingkaran), other.
PAYERS = ("self_paid", "apbd_province", "apbd_regency", "apbdes", "csr", "other")
# A report from before payers were told apart (migration 0006) keeps its "APBD" and
# "CSR or other" as recorded; no new report uses them, a correction may move them.
OLD_PAYERS = ("apbd", "csr_other")
ALL_PAYERS = PAYERS + OLD_PAYERS


def coverage_tenths(active: int, potential: int) -> int:
    """Coverage in whole tenths of a percent, rounded down: 4,200 of 4,615 -> 910.

    Rounded down so that what is shown never claims more than the rule grants: a village
    shown at 90.0% has reached a 90.0% threshold, one at 89.9% has not.
    """
    if potential <= 0:
        raise ValueError("the worker potential must be a positive number")
    return active * PER_TENTH // potential


def reaches_threshold(active: int, potential: int, threshold_tenths: int) -> bool:
    """active / potential >= threshold, without a division."""
    if potential <= 0:
        raise ValueError("the worker potential must be a positive number")
    return active * PER_TENTH >= threshold_tenths * potential


def participants_needed(active: int, potential: int, threshold_tenths: int) -> int:
    """How many more active participants reach the threshold: the smallest whole number
    of participants that reaches it, minus those active now (never below zero)."""
    if potential <= 0:
        raise ValueError("the worker potential must be a positive number")
    smallest = -(-threshold_tenths * potential // PER_TENTH)  # ceiling division
    return max(0, smallest - active)


def next_status(current: str, reaches: bool) -> Status:
    """The status after a village's latest report (or the threshold) changes.

    registered -> qualifying when the threshold is reached, and back when it is not;
    designated -> at risk when coverage falls below, and back when it recovers.
    Designation itself is the labour office's decision, never automatic.
    """
    if current in (Status.REGISTERED, Status.QUALIFYING):
        return Status.QUALIFYING if reaches else Status.REGISTERED
    if current in (Status.DESIGNATED, Status.AT_RISK):
        return Status.DESIGNATED if reaches else Status.AT_RISK
    raise ValueError(f"unknown status: {current!r}")


# --- The criteria a village must meet to qualify ---
# Set by the programme, or a regency/city for itself: the coverage threshold; maybe
# that every village official is active (Kresek); maybe a quota per village, perhaps
# of one payer's participants only (Kudus: 10 paid from APBDes). Officials by role:
# the village head and perangkat desa, BPD members, RT and RW heads, in this order.
OFFICIAL_ROLES = ("perangkat", "bpd", "rtrw")
COVERAGE, OFFICIALS, QUOTA = "coverage", "officials", "quota"
Officials = dict[str, tuple[int | None, int | None]]  # role -> (total, active)


@dataclass(frozen=True)
class Criteria:
    threshold_tenths: int = DEFAULT_THRESHOLD_TENTHS
    official_roles: tuple[str, ...] = ()  # empty: officials are not a criterion
    quota: int = 0  # active participants each village needs at least; 0: none
    quota_payer: str | None = None  # count only those this payer funds


@dataclass(frozen=True)
class Figures:
    active: int  # what a report says, as the criteria read it
    potential: int
    paid_by: dict[str, int]  # payer -> active participants it funds
    officials: Officials


@dataclass(frozen=True)
class Verdict:
    """One criterion, met or not, and how many participants (or officials) are
    missing; None when the report does not record what it needs."""

    criterion: str
    met: bool
    missing: int | None


def criteria_in_force(criteria: Criteria, kind: str) -> Criteria:
    """The criteria for a kind of village: a kelurahan has no perangkat desa nor
    APBDes, so neither officials nor a quota of APBDes-paid participants apply."""
    if has_village_budget(kind):
        return criteria
    quota = 0 if criteria.quota_payer == "apbdes" else criteria.quota
    payer = criteria.quota_payer if quota else None
    return Criteria(criteria.threshold_tenths, (), quota, payer)


def criteria_names(criteria: Criteria, kind: str) -> list[str]:
    """The criteria in force for this kind of village, by name."""
    own = criteria_in_force(criteria, kind)
    wanted = {OFFICIALS: own.official_roles, QUOTA: own.quota}
    return [COVERAGE] + [name for name, value in wanted.items() if value]


def verdicts(criteria: Criteria, kind: str, figures: Figures) -> list[Verdict]:
    """Each criterion in force for this kind of village, judged on a report."""
    criteria = criteria_in_force(criteria, kind)
    figure = (figures.active, figures.potential, criteria.threshold_tenths)
    found = [
        Verdict(COVERAGE, reaches_threshold(*figure), participants_needed(*figure))
    ]
    if criteria.official_roles:
        missing = officials_missing(figures.officials, criteria.official_roles)
        found.append(Verdict(OFFICIALS, missing == 0, missing))
    if criteria.quota:
        payer = criteria.quota_payer
        counted = figures.paid_by.get(payer, 0) if payer else figures.active
        short = max(0, criteria.quota - counted)
        found.append(Verdict(QUOTA, short == 0, short))
    return found


def officials_missing(officials: Officials, roles: tuple[str, ...]) -> int | None:
    """Officials of these roles not active (None: the report does not say)."""
    missing = 0
    for role in roles:
        total, active = officials.get(role, (None, None))
        if total is None or active is None:
            return None
        missing += max(0, total - active)
    return missing


def qualifies(found: list[Verdict]) -> bool:
    """A village qualifies when every criterion in force holds."""
    return all(verdict.met for verdict in found)


def shortfall(found: list[Verdict]) -> tuple[int | None, int | None]:
    """(participants, officials) still missing, which the close list ranks by: the
    larger participant gap; the officials (None: no criterion, or not recorded)."""
    participants = max(
        (v.missing for v in found if v.criterion in (COVERAGE, QUOTA)), default=0
    )
    officials = next((v.missing for v in found if v.criterion == OFFICIALS), None)
    return participants, officials


BANDS = ("under_50", "50_75", "75_threshold", "at_threshold")


def coverage_band(coverage: int, threshold_tenths: int) -> str:
    """Which coverage band a village falls in (coverage in tenths of a percent)."""
    if coverage >= threshold_tenths:
        return "at_threshold"
    if coverage >= CLOSE_FROM_TENTHS:
        return "75_threshold"
    if coverage >= HALF_TENTHS:
        return "50_75"
    return "under_50"


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day where it is
    shorter): 2026-05-31 minus 3 months is 2026-02-28."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def is_stale(as_of: date | None, today: date, months: int) -> bool:
    """A report ``months`` months old or older no longer tells who is active now."""
    return as_of is not None and as_of <= months_before(today, months)


def overdue_since(today: date) -> date:
    """A village with no report, or whose latest report is on or before this day, is
    overdue: the officers should count again."""
    return today - timedelta(days=OVERDUE_DAYS)


def potential_in_force(potentials: list[tuple[date, int]], day: date) -> int:
    """The worker potential in force on ``day`` from (as_of, figure) pairs sorted by
    date: the latest one on or before it, or the earliest when the day precedes all."""
    figure = potentials[0][1]
    for as_of, value in potentials:
        if as_of > day:
            break
        figure = value
    return figure


# A worker potential changed this close before a village qualified is shown to the
# reviewer: the easiest number to move is the denominator.
POTENTIAL_WATCH_DAYS = 90


def potential_change_to_watch(
    before: int, after: int, recorded: date, qualified: date | None
) -> bool:
    """Whether the reviewer must see this change of a village's worker potential: it
    was lowered, or it was recorded within 90 days before the village qualified."""
    if after < before:
        return True
    if qualified is None:
        return False
    return timedelta(0) <= qualified - recorded <= timedelta(days=POTENTIAL_WATCH_DAYS)


def breakdown_problems(total: int, parts: dict[str, int | None]) -> str | None:
    """None when the parts add up to the total; else which way they are off."""
    given = sum(value or 0 for value in parts.values())
    if given == total:
        return None
    return "less" if given < total else "more"


# --- Designation by the labour office ---

ACTIVE = "active"  # the certificate is valid
REVOKED = "revoked"  # withdrawn for good, with a reason
REOPENED = "reopened"  # withdrawn so that the reports behind it can be corrected
DESIGNATION_STATES = (ACTIVE, REVOKED, REOPENED)

# 001/DSJSK/36.03/2026: a sequence per regency/city per year.
DEFAULT_NUMBER_PATTERN = "{sequence:03d}/DSJSK/{regency}/{year}"


def designation_number(pattern: str, *, sequence: int, regency: str, year: int) -> str:
    """A designation's number from the pattern: ``{sequence}``, ``{regency}`` (its
    code), ``{province}`` (its code) and ``{year}`` may appear in it."""
    return pattern.format(
        sequence=sequence, regency=regency, province=regency[:2], year=year
    )


def number_pattern_problem(pattern: str) -> str | None:
    """Why a number pattern cannot be used, or None. Numbers must never repeat: not
    between two sequences, two regencies or two years."""
    samples = [(1, "36.03", 2026), (2, "36.03", 2026), (1, "36.04", 2026)]
    samples.append((1, "36.03", 2027))
    try:
        numbers = {
            designation_number(pattern, sequence=s, regency=r, year=y)
            for s, r, y in samples
        }
    except (KeyError, IndexError, ValueError) as error:
        return f"the pattern {pattern!r} cannot be filled in: {error}"
    if len(numbers) < len(samples):
        return (
            f"the pattern {pattern!r} gives the same number twice: it needs "
            "{sequence}, {regency} and {year}"
        )
    if any(len(number) > 60 for number in numbers):
        return f"the pattern {pattern!r} gives numbers longer than 60 characters"
    return None


def status_when_designation_ends(reaches: bool) -> Status:
    """A village whose designation is revoked or reopened goes back to review: it
    qualifies again if its latest report still reaches the threshold."""
    return next_status(Status.REGISTERED, reaches)


def designation_locks(report_as_of: date, day: date) -> bool:
    """A valid designation locks the reports up to the date of the report behind it:
    a report of ``day`` may not be logged, corrected or re-measured while it holds."""
    return day <= report_as_of


# --- Coverage targets of a regency/city ---


@dataclass(frozen=True)
class TargetProgress:
    target_tenths: int
    target_date: date
    coverage_tenths: int
    participants_needed: int  # the gap: more active participants to reach the target
    days_left: int  # negative once the date has passed
    reached: bool
    progress_tenths: int  # coverage as a share of the target, at most 1000 (100%)


def target_progress(
    active: int, potential: int, target_tenths: int, target_date: date, today: date
) -> TargetProgress | None:
    """How far a regency is from its coverage target (e.g. 75% by 2026-12-31), or
    None while it has no worker potential to measure against."""
    if potential <= 0:
        return None
    coverage = coverage_tenths(active, potential)
    needed = participants_needed(active, potential, target_tenths)
    return TargetProgress(
        target_tenths=target_tenths,
        target_date=target_date,
        coverage_tenths=coverage,
        participants_needed=needed,
        days_left=(target_date - today).days,
        reached=needed == 0,
        progress_tenths=min(PER_TENTH, coverage * PER_TENTH // target_tenths),
    )
