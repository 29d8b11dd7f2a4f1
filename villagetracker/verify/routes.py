from flask import abort, current_app, render_template, request

from .. import access
from ..extensions import limiter
from . import bp

# One budget for both ways in, per address: enough for people checking certificates,
# too little to walk through numbers or tokens.
rate_limited = limiter.shared_limit(
    lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="verify"
)
MAX_NUMBER_LENGTH = 60


def _page(designation=None, number: str = "", status: int = 200):
    """The verification page: the search form, and the certificate if one was found.
    It names places and the issuing office only, never a person."""
    return render_template(
        "verify/show.html", designation=designation, number=number
    ), status


@bp.route("")
@rate_limited
def search():
    """Find a certificate by the number printed on it."""
    number = " ".join(request.args.get("number", "").split())[:MAX_NUMBER_LENGTH]
    if not number:
        return _page()
    designation = access.verifiable_designation(number=number)
    if designation is None and number.upper() != number:
        designation = access.verifiable_designation(number=number.upper())
    return _page(designation, number, 200 if designation else 404)


@bp.route("/<string(maxlength=64):token>")
@rate_limited
def show(token: str):
    """Where a certificate's QR code leads."""
    designation = access.verifiable_designation(token=token)
    if designation is None:
        abort(404)
    return _page(designation)
