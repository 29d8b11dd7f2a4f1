"""Language choice and locale-aware formatting (4.200 / 91,0% in Indonesian)."""

import functools
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import flask_babel
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from . import audit, rules
from .rules import Status

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The language switch (a cookie) first, then the browser's Accept-Language among
    the languages we have, then Bahasa Indonesia."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # shell commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(
        languages, default=current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def local_today() -> date:
    """Today in Indonesia's western time zone, where the programme's dates are set."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def parse_whole_number(text: str) -> int:
    """A whole number as a person types it in the current locale: "4200", "4.200" (id)
    or "4,200" (en). Raises ValueError("fraction"|"negative"|"not_a_number")."""
    if text.isascii() and text.isdigit():  # as most are: no locale to ask
        return int(text)
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    group = get_locale().number_symbols["latn"]["group"]
    negative = text.startswith("-")
    digits = text.lstrip("-+")
    if re.fullmatch(r"\d{1,3}(" + re.escape(group) + r"\d{3})+", digits):
        digits = digits.replace(group, "")
    if not digits.isdigit() or not digits.isascii():
        if re.fullmatch(r"\d*[.,]\d+", digits):
            raise ValueError("fraction")
        raise ValueError("not_a_number")
    if negative and int(digits) != 0:
        raise ValueError("negative")
    return int(digits)


def parse_percent_tenths(text: str) -> int:
    """A percentage with at most one decimal, with either decimal mark, in tenths:
    "90" -> 900, "90,5" or "90.5" -> 905. Raises ValueError otherwise."""
    match = re.fullmatch(r"(\d{1,3})(?:[.,](\d))?\s*%?", text.strip())
    if not match:
        raise ValueError(text)
    return int(match.group(1)) * 10 + int(match.group(2) or 0)


@functools.cache
def _marks(locale: str) -> dict[int, str]:
    """The locale's grouping and decimal marks, as a table for ``str.translate``
    from Python's own (',' and '.')."""
    return str.maketrans(
        {",": get_group_symbol(locale), ".": get_decimal_symbol(locale)}
    )


def format_number(value: int | float) -> str:
    """A whole number with the locale's grouping: 4.200 (id), 4,200 (en). Tables show
    hundreds of them: whole numbers are grouped by Python, marked by the locale."""
    if isinstance(value, int):
        return f"{value:,}".translate(_marks(str(get_locale())))
    return format_decimal(value, format="#,##0", locale=get_locale())


def format_percent(value: float, decimals: int = 1) -> str:
    """A percentage already multiplied by 100, with ``decimals`` places: 91,0% (id)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=get_locale()) + "%"


def format_file_size(size: int) -> str:
    """A download's size for people: 350 KB, 1,2 MB (id)."""
    if size < 1024 * 1024:
        return format_number(max(1, round(size / 1024))) + " KB"
    return (
        format_decimal(size / 1024 / 1024, format="#,##0.0", locale=get_locale())
        + " MB"
    )


def format_tenths(tenths: int | None) -> str:
    """Coverage kept in tenths of a percent, shown with one decimal: 910 -> 91,0%
    (as format_percent would, without its cost: tables show hundreds)."""
    if tenths is None:
        return "–"
    return f"{tenths // 10:,}.{tenths % 10}%".translate(_marks(str(get_locale())))


KIND_LABELS = {
    "province": _l("Province"),
    "kabupaten": _l("Regency"),
    "kota": _l("City"),
    "district": _l("District"),
    "desa": _l("Village (desa)"),
    "kelurahan": _l("Village (kelurahan)"),
    "desa_adat": _l("Village (desa adat)"),
}
STATUS_LABELS = {
    Status.REGISTERED: _l("Registered"),
    Status.QUALIFYING: _l("Qualifying"),
    Status.DESIGNATED: _l("Designated"),
    Status.AT_RISK: _l("At risk"),
}
BAND_LABELS = {
    "under_50": _l("Under 50%"),
    "50_75": _l("50–75%"),
    "75_threshold": _l("75% to the threshold"),
    "at_threshold": _l("At or over the threshold"),
}
DESIGNATION_STATE_LABELS = {
    "active": _l("Valid"),
    "revoked": _l("Revoked"),
    "reopened": _l("Reopened for a correction"),
}
PRINT_FORMAT_LABELS = {
    "print_view": _l("Print view"),
    "pdf": _l("PDF"),
    "batch_pdf": _l("PDF of a batch"),
}
SOURCE_LABELS = {
    "p3ke": _l("P3KE (extreme-poverty register)"),
    "census": _l("Village census"),
    "bps": _l("BPS statistics"),
    "other": _l("Other (explain in the note)"),
}
PAYER_LABELS = {
    "self_paid": _l("Self-paid"),
    "apbd_province": _l("APBD provinsi"),
    "apbd_regency": _l("APBD kabupaten/kota"),
    "apbdes": "APBDes",
    "csr": _l("CSR and donations"),
    "other": _l("Other payer"),
    "apbd": _l("APBD, level not recorded"),
    "csr_other": _l("CSR or other, not told apart"),
}
SEGMENT_LABELS = {"bpu": "BPU", "pu": "PU", "jakon": "Jakon", "pmi": "PMI"}
OFFICIAL_ROLE_LABELS = {
    "perangkat": _l("village head and perangkat desa"),
    "bpd": _l("BPD members"),
    "rtrw": _l("RT and RW heads"),
}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "reviewer": _l("District labour office"),
    "officer": _l("Field officer"),
}


ACTION_LABELS = {
    "jobs.daily": _l("The day's tidying"),
    "login": _l("Logged in"),
    "login.failed": _l("Failed login"),
    "login.throttled": _l("Login refused (too many failures)"),
    "login.throttle_cleared": _l("Login throttle cleared"),
    "logout": _l("Logged out"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password_reset": _l("Password reset"),
    "village.register": _l("Village registered"),
    "village.update": _l("Details changed"),
    "village.potential": _l("Worker potential recorded"),
    "village.status": _l("Status changed"),
    "report.create": _l("Report logged"),
    "report.correct": _l("Report corrected"),
    "threshold.set": _l("Threshold changed"),
    "criteria.set": _l("Designation criteria changed"),
    "review.approve": _l("Designation approved"),
    "review.return": _l("Returned to the officers"),
    "review.answered": _l("Answered: back in the review queue"),
    "designation.revoke": _l("Designation revoked"),
    "designation.reopen": _l("Designation reopened"),
    "certificate.print": _l("Certificate printed"),
    "signatory.set": _l("Signatory changed"),
    "target.set": _l("Coverage target changed"),
    "region.potential": _l("Worker potential of the region recorded"),
    "reports.import": _l("Reports imported from a spreadsheet"),
    "villages.import": _l("Villages registered from a spreadsheet"),
}
FIELD_LABELS = {
    "status": _l("Status"),
    "coverage_tenths": _l("Coverage"),
    "threshold_tenths": _l("Threshold"),
    "worker_potential": _l("Worker potential"),
    "recorded": _l("Worker potential"),
    "active_participants": _l("Active participants"),
    "as_of": _l("As of"),
    "source": _l("Source"),
    "head_name": _l("Village head's name"),
    "contact_phone": _l("Contact phone"),
    "notes": _l("Notes"),
    "evidence_file": _l("Evidence"),
    **PAYER_LABELS,
    **SEGMENT_LABELS,
    "perangkat_total": _l("Village head and perangkat desa"),
    "bpd_total": _l("BPD members"),
    "rtrw_total": _l("RT and RW heads"),
    "perangkat_active": _l("Village head and perangkat desa, active"),
    "bpd_active": _l("BPD members, active"),
    "rtrw_active": _l("RT and RW heads, active"),
    "official_roles": _l("Officials who must all be active"),
    "quota": _l("Active participants each village needs"),
    "quota_payer": _l("Counted from"),
    "number": _l("Number"),
    "state": _l("State"),
    "returned_reason": _l("Reason for returning"),
    "end_reason": _l("Reason"),
    "signatory_name": _l("Signatory's name"),
    "signatory_title": _l("Signatory's position"),
    "office_name": _l("Issuing office"),
    "format": _l("Printed as"),
    "start": _l("Designated from"),
    "end": _l("Designated until"),
    "supersedes": _l("Replaces"),
    "target_tenths": _l("Coverage target"),
    "target_date": _l("To be reached by"),
    "file": _l("File"),
    "added": _l("Reports added"),
    "corrected": _l("Reports corrected"),
    "unchanged": _l("Rows already as they were"),
    "registered": _l("Villages registered"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def display_change(key: str, value):
    """An audited value as a reader wants it: statuses in words, coverage as 91,0%."""
    if value is None:
        return None
    if key == "status":
        return status_label(value)
    if key == "state":
        return str(DESIGNATION_STATE_LABELS.get(value, value))
    if key == "format":
        return str(PRINT_FORMAT_LABELS.get(value, value))
    if key in ("coverage_tenths", "threshold_tenths", "target_tenths"):
        return format_tenths(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return value


def roles_text(roles) -> str:
    """('perangkat', 'bpd') -> "village head and perangkat desa, BPD members"."""
    return ", ".join(str(OFFICIAL_ROLE_LABELS[role]) for role in roles)


def criterion_text(criterion: str, criteria: rules.Criteria) -> str:
    """A criterion in force, as a sentence: what a village must have."""
    if criterion == rules.COVERAGE:
        return flask_babel.gettext(
            "Coverage of at least %(threshold)s",
            threshold=format_tenths(criteria.threshold_tenths),
        )
    if criterion == rules.OFFICIALS:
        return flask_babel.gettext(
            "Every village official is an active participant (%(roles)s)",
            roles=roles_text(criteria.official_roles),
        )
    if criteria.quota_payer:
        return flask_babel.gettext(
            "At least %(quota)s active participants paid by %(payer)s",
            quota=format_number(criteria.quota),
            payer=PAYER_LABELS[criteria.quota_payer],
        )
    return flask_babel.gettext(
        "At least %(quota)s active participants", quota=format_number(criteria.quota)
    )


def criterion_short(criterion: str, criteria: rules.Criteria) -> str:
    """A criterion in a few words, for a table's cell: "Coverage ≥ 90.0%"."""
    if criterion == rules.COVERAGE:
        return flask_babel.gettext(
            "Coverage ≥ %(threshold)s",
            threshold=format_tenths(criteria.threshold_tenths),
        )
    if criterion == rules.OFFICIALS:
        return flask_babel.gettext("All officials active")
    return flask_babel.gettext(
        "At least %(quota)s participants", quota=format_number(criteria.quota)
    )


def missing_text(verdict: rules.Verdict) -> str:
    """What a criterion not met still misses, in plain words."""
    if verdict.missing is None:
        return flask_babel.gettext("Officials not recorded in the latest report")
    if verdict.criterion == rules.OFFICIALS:
        return flask_babel.ngettext(
            "%(num)s official not yet enrolled",
            "%(num)s officials not yet enrolled",
            verdict.missing,
        )
    return flask_babel.ngettext(
        "%(num)s more active participant",
        "%(num)s more active participants",
        verdict.missing,
    )


def why_not_yet(found: list) -> str:
    """Every criterion not met, in one line: "1 official not yet enrolled"."""
    return "; ".join(missing_text(verdict) for verdict in found if not verdict.met)


def kind_label(region) -> str:
    """What a region is, in the reader's words: Kecamatan, Desa, Kelurahan, Kota..."""
    return str(KIND_LABELS[region.kind or region.level])


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def init_app(app) -> None:
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.filters["tenths"] = format_tenths
    app.jinja_env.filters["filesize"] = format_file_size
    app.jinja_env.filters["date"] = flask_babel.format_date
    app.jinja_env.filters["datetime"] = flask_babel.format_datetime
    app.jinja_env.globals.update(
        get_locale=get_locale,
        kind_label=kind_label,
        role_label=role_label,
        status_label=status_label,
        designation_state_label=lambda state: str(DESIGNATION_STATE_LABELS[state]),
        source_labels=SOURCE_LABELS,
        payer_labels=PAYER_LABELS,
        segment_labels=SEGMENT_LABELS,
        criterion_text=criterion_text,
        criterion_short=criterion_short,
        missing_text=missing_text,
        why_not_yet=why_not_yet,
        roles_text=roles_text,
        criteria_names=rules.criteria_names,
        Status=Status,
        statuses=list(Status),
        overdue_days=rules.OVERDUE_DAYS,
        kind_labels=KIND_LABELS,
        band_labels=BAND_LABELS,
        local_today=local_today,
        action_label=action_label,
        field_label=field_label,
        audit_changes=lambda event: [
            (key, display_change(key, before), display_change(key, after))
            for key, before, after in audit.changes(event)
        ],
    )
