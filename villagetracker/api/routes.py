"""The API's resources. Each reads through the access module as the pages do: a
region or village outside the caller's scope is not found (404)."""

from flask import request
from flask_login import current_user
from flask_smorest import abort
from marshmallow import RAISE

from .. import access
from ..certificates import queries as certificate_queries
from ..certificates.routes import rate_limited
from ..regions import queries as region_queries
from . import bp, pages, schemas
from .problems import PROBLEM

# Open to anyone, as the verification page: a certificate's QR code is checked by
# whoever holds it.
PUBLIC = {"api.certificate", "api.certificate_by_number"}


@bp.before_request
def logged_in():
    """A session for now (the browser's own calls); API tokens come next."""
    if not current_user.is_authenticated and request.endpoint not in PUBLIC:
        abort(401)


ERRORS = {
    401: "UNAUTHORIZED",
    404: "NOT_FOUND",
    422: "UNPROCESSABLE_ENTITY",
    429: "TOO_MANY_REQUESTS",
}


def answers_problems(*codes):
    """The error answers a route documents, as problems."""

    def document(view):
        for code in codes:
            view = bp.alt_response(code, response=ERRORS[code], content_type=PROBLEM)(
                view
            )
        return view

    return document


@bp.route("/regions")
@bp.arguments(schemas.RegionQuery, location="query", unknown=RAISE)
@bp.response(200, schemas.Regions)
@answers_problems(401, 422)
def regions(args):
    """Regions in the caller's scope whose name or code matches ``q``."""
    found = region_queries.first_matches(
        current_user, args["q"], args.get("level"), args["limit"]
    )
    return {"items": found}


@bp.route("/villages")
@bp.arguments(schemas.VillageQuery, location="query", unknown=RAISE)
@bp.response(200, schemas.Villages)
@answers_problems(401, 422)
def villages(args):
    """The villages of the caller's scope that the filters select, in code order,
    a page at a time: ``next_cursor`` asks for the next page, which stays right
    while villages are registered or change meanwhile."""
    return pages.villages(current_user, args)


@bp.route("/villages/<code>")
@bp.response(200, schemas.Village)
@answers_problems(401, 404)
def village(code: str):
    """One village of the caller's scope."""
    found = access.get_village_or_404(current_user, code)
    return pages.village_row(found)


@bp.route("/certificates")
@bp.arguments(schemas.CertificateQuery, location="query", unknown=RAISE)
@bp.response(200, schemas.Certificate)
@answers_problems(404, 422, 429)
@rate_limited
def certificate_by_number(args):
    """A certificate found by the number printed on it. No login: the same answer,
    and the same budget of requests per address, as the verification page."""
    number = " ".join(args["number"].split())
    designation = certificate_queries.verifiable(number)
    if designation is None:
        abort(404)
    return pages.certificate(designation)


@bp.route("/certificates/<string(maxlength=64):token>")
@bp.response(200, schemas.Certificate)
@answers_problems(404, 429)
@rate_limited
def certificate(token: str):
    """A certificate found by the token in its QR code. No login."""
    designation = access.verifiable_designation(token=token)
    if designation is None:
        abort(404)
    return pages.certificate(designation)
