"""The designation criteria in force: the programme's, and a regency's or city's own
where it set them (``RegencySetting``); and a report read as the criteria read it.
The rules that judge are in ``rules``; ``status`` moves villages by them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from . import rules
from .extensions import db, plain_rows
from .models import ProgrammeSetting, RegencySetting, Region, Report, Village

CHUNK = 500  # codes per IN (...)


def roles_of(text: str | None) -> tuple[str, ...] | None:
    """'perangkat,bpd' -> ('perangkat', 'bpd'); None stays None (not set)."""
    if text is None:
        return None
    return tuple(role for role in rules.OFFICIAL_ROLES if role in text.split(","))


def programme_criteria() -> rules.Criteria:
    setting = db.session.get(ProgrammeSetting, 1)
    if setting is None:
        return rules.Criteria()
    return rules.Criteria(
        threshold_tenths=setting.threshold_tenths,
        official_roles=roles_of(setting.official_roles),
        quota=setting.quota,
        quota_payer=setting.quota_payer if setting.quota else None,
    )


def own_criteria(setting: RegencySetting | None, programme: rules.Criteria):
    """A regency's criteria: each one it set, else the programme's."""
    if setting is None:
        return programme
    roles = roles_of(setting.official_roles)
    quota, payer = programme.quota, programme.quota_payer
    if setting.quota is not None:
        quota, payer = setting.quota, setting.quota_payer if setting.quota else None
    return rules.Criteria(
        threshold_tenths=setting.threshold_tenths or programme.threshold_tenths,
        official_roles=programme.official_roles if roles is None else roles,
        quota=quota,
        quota_payer=payer,
    )


def criteria_by_regency(regency_codes: Iterable[str]) -> dict[str, rules.Criteria]:
    """The criteria in force in each regency, in one query per 500 regencies."""
    programme = programme_criteria()
    codes = sorted(set(regency_codes))
    found = {}
    for start in range(0, len(codes), CHUNK):
        query = (
            select(Region.code, RegencySetting)
            .outerjoin(RegencySetting, RegencySetting.regency_code == Region.code)
            .where(Region.code.in_(codes[start : start + CHUNK]))
        )
        for code, setting in db.session.execute(query):
            found[code] = own_criteria(setting, programme)
    return found


def criteria_for(regency_code: str) -> rules.Criteria:
    return criteria_by_regency([regency_code])[regency_code]


# The columns of a report that the criteria read (``figures_of``), for reading many
# reports as plain rows.
FIGURE_COLUMNS = (
    Report.village_code,
    Report.as_of,
    Report.active_participants,
    Report.worker_potential,
    Report.coverage_tenths,
    *(getattr(Report, payer) for payer in rules.ALL_PAYERS),
    *(
        getattr(Report, f"{role}_{count}")
        for role in rules.OFFICIAL_ROLES
        for count in ("total", "active")
    ),
)


def figures_of(report) -> rules.Figures:
    """A report's figures as the criteria read them: of a ``Report``, or of a row of
    ``FIGURE_COLUMNS``."""
    return rules.Figures(
        active=report.active_participants,
        potential=report.worker_potential,
        paid_by={payer: getattr(report, payer) for payer in rules.ALL_PAYERS},
        officials={
            role: (getattr(report, f"{role}_total"), getattr(report, f"{role}_active"))
            for role in rules.OFFICIAL_ROLES
        },
    )


def judge(report: Report, village: Village, criteria: rules.Criteria):
    """Each criterion in force for the village, judged on the report."""
    return rules.verdicts(criteria, village.kind, figures_of(report))


@dataclass(frozen=True)
class Standing:
    """The criteria in force for a village and each judged on its latest report."""

    criteria: rules.Criteria
    verdicts: list[rules.Verdict]


def standing(villages: list[Village]) -> dict[str, Standing]:
    """Each village's criteria judged on its latest report (none: no report yet), for
    a page of a list: two queries, however many villages."""
    with_reports = [village for village in villages if village.latest_report_date]
    if not with_reports:
        return {}
    latest = latest_reports([village.code for village in with_reports])
    criteria = criteria_by_regency(village.regency_code for village in with_reports)
    found = {}
    for village in with_reports:
        if village.code in latest:
            own = criteria[village.regency_code]
            found[village.code] = Standing(
                own, judge(latest[village.code], village, own)
            )
    return found


def latest_reports(codes: list[str], columns=None) -> dict[str, Report]:
    """Each village's latest report, by its date: also while the village row is
    still to follow it (``status.refresh_villages``). With ``columns`` (which name
    ``Report.village_code``), those of each as a plain row: thousands are read, not
    changed."""
    found = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        newest = (
            select(Report.village_code, func.max(Report.as_of).label("as_of"))
            .where(Report.village_code.in_(chunk))
            .group_by(Report.village_code)
            .subquery()
        )
        query = select(*columns) if columns else select(Report)
        query = query.join(
            newest,
            and_(
                Report.village_code == newest.c.village_code,
                Report.as_of == newest.c.as_of,
            ),
        ).where(Report.village_code.in_(chunk))  # or PostgreSQL joins every report
        if columns:
            found.update((row.village_code, row) for row in plain_rows(query))
        else:
            found.update(
                (report.village_code, report) for report in db.session.scalars(query)
            )
    return found
