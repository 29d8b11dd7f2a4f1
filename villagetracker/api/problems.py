"""Errors of the API as RFC 9457 problem documents (``application/problem+json``),
in the caller's language, with the fields a request got wrong keyed by field."""

from http import HTTPStatus

import marshmallow as ma
from flask import jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest.utils import prepare_response

PROBLEM = "application/problem+json"
VALIDATION = "/api/v1/problems/validation"

# marshmallow and webargs say what is wrong in English; the API says it in the
# caller's language, by the same words.
FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid string.": _l("Enter text."),
    "Field may not be null.": _l("This field cannot be empty."),
    "Invalid input type.": _l("Wrong type of value."),
    "Invalid JSON body.": _l("The body is not valid JSON."),
}


class Problem(ma.Schema):
    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String())
    )


def render(code: int, title, message, error=None):
    """The problem for an error under the API's prefix (``web.errors``)."""
    body = {"type": "about:blank", "title": str(title), "status": code}
    body["detail"] = str(message)
    fields = field_errors(error)
    if fields:
        body.update(type=VALIDATION, errors=fields)
        body["detail"] = _("Some values are not right: see errors.")
    response = jsonify(body)
    response.status_code = code
    response.mimetype = PROBLEM
    for name, value in _headers(error):
        response.headers[name] = value
    return response


def field_errors(error) -> dict[str, list[str]]:
    """webargs' ``{location: {field: [message]}}`` (nested for objects), or our own
    validation's ``{field: message}``, as ``{field: [message]}``."""
    data = getattr(error, "data", None) or {}
    if "errors" in data:
        return {name: [str(text)] for name, text in data["errors"].items()}
    found = {}
    for messages in (data.get("messages") or {}).values():
        found.update(_flat(messages))
    return found


def _flat(messages, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(messages, list):
        return {prefix or "body": [_said(text) for text in messages]}
    found = {}
    for key, value in messages.items():
        key = "body" if key == "_schema" else str(key)
        found.update(_flat(value, f"{prefix}.{key}" if prefix else key))
    return found


def _said(text) -> str:
    return str(FIELD_MESSAGES.get(str(text), text))


def _headers(error):
    """Headers an error carries (405's Allow, 429's Retry-After)."""
    if not hasattr(error, "get_headers"):
        return []
    return [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]


def register_responses(spec) -> None:
    """flask-smorest's response of each status, and its default error, documented
    as problems."""
    for status in HTTPStatus:
        response = {"description": status.phrase}
        if status >= 400:
            response["schema"] = Problem
        prepare_response(response, spec, PROBLEM)
        spec.components.response(status.name, response, lazy=True)
    response = {"description": "Error", "schema": Problem}
    prepare_response(response, spec, PROBLEM)
    spec.components.response("DEFAULT_ERROR", response, lazy=True)
