"""Language choice and locale-aware formatting (4.200 / 91,0% in Indonesian)."""

from babel.numbers import format_decimal
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

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


def format_number(value: int | float) -> str:
    """A whole number with the locale's grouping: 4.200 (id), 4,200 (en)."""
    return format_decimal(value, format="#,##0", locale=get_locale())


def format_percent(value: float, decimals: int = 1) -> str:
    """A percentage already multiplied by 100, with ``decimals`` places: 91,0% (id)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=get_locale()) + "%"


KIND_LABELS = {
    "province": _l("Province"),
    "kabupaten": _l("Regency"),
    "kota": _l("City"),
    "district": _l("District"),
    "desa": _l("Village (desa)"),
    "kelurahan": _l("Village (kelurahan)"),
    "desa_adat": _l("Village (desa adat)"),
}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "reviewer": _l("District labour office"),
    "officer": _l("Field officer"),
}


def kind_label(region) -> str:
    """What a region is, in the reader's words: Kecamatan, Desa, Kelurahan, Kota..."""
    return str(KIND_LABELS[region.kind or region.level])


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def init_app(app) -> None:
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.globals.update(
        get_locale=get_locale, kind_label=kind_label, role_label=role_label
    )
