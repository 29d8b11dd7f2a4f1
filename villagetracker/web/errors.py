"""Friendly error pages in the reader's language, for every error, 500 included."""

from flask import current_app, has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Not logged in"), _l("Log in first.")),
    403: (_l("Not allowed"), _l("Your account may not open this page.")),
    404: (
        _l("Page not found"),
        _l("There is nothing here, or it is outside your area."),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("The file is too large.")),
    415: (_l("Not JSON"), _l("Send the body as application/json.")),
    422: (_l("Not right"), _l("Some values are not right.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("The error has been logged. Please try again."),
    ),
}


def render_error(code: int, title=None, message=None, error=None):
    """The error's page; or, under the prefix of an area that answers in another
    format (the API's problems), what that area renders of it."""
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    title, message = title or default_title, message or default_message
    for prefix, render in current_app.extensions.get("error_formats", {}).items():
        if has_request_context() and request.path.startswith(prefix):
            return render(code, title, message, error)
    page = render_template(
        "error.html",
        code=code,
        title=title,
        message=message,
    )
    return page, code


def handle_http_error(error: HTTPException):
    if error.code == 413:  # refused before anything of it was read: say the limits
        return render_error(
            413,
            message=_l(
                "The file is too large: at most %(request)s MB can be sent at once, a "
                "spreadsheet of reports at most %(spreadsheet)s MB and evidence at "
                "most %(evidence)s MB. Go back and choose a smaller file, or split it.",
                request=current_app.config["MAX_CONTENT_LENGTH"] // 2**20,
                spreadsheet=current_app.config["IMPORT_MAX_BYTES"] // 2**20,
                evidence=current_app.config["EVIDENCE_MAX_BYTES"] // 2**20,
            ),
        )
    return render_error(error.code or 500, error=error)


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _l("The form has expired"),
        _l("Go back, reload the page and send the form again."),
    )


def handle_changed_meanwhile(error: StaleDataError):
    """Two people changed the same row at once and this request came second."""
    db.session.rollback()
    return render_error(
        409,
        _l("Changed meanwhile"),
        _l(
            "Someone else changed this at the same moment. Nothing was saved: go back, "
            "reload the page and try again."
        ),
    )


def handle_unexpected_error(error: Exception):
    db.session.rollback()  # leave nothing half-written behind the error page
    return render_error(500)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(StaleDataError, handle_changed_meanwhile)
    app.register_error_handler(500, handle_unexpected_error)
