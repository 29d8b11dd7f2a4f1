"""The certificate's print view and PDF, batches for a ceremony, and the public
verification page."""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access
from ..extensions import limiter
from ..jobs import pages, service
from ..web.pagination import paginate
from . import bp, documents, queries
from .forms import BatchForm

DESIGNATION = "/villages/<code>/designations/<int(max=2147483647):designation_id>"
# One budget for both ways into verification, per address: enough for people checking
# certificates, too little to walk through numbers or tokens.
rate_limited = limiter.shared_limit(
    lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="verify"
)
MAX_NUMBER_LENGTH = 60


def printable(code: str, designation_id: int):
    """A valid designation in the user's scope, or None with a message: a revoked or
    reopened certificate prints no more."""
    designation = access.get_designation_or_404(current_user, code, designation_id)
    if designation.is_valid:
        return designation
    flash(
        _(
            "Designation %(number)s is no longer valid; its certificate cannot be "
            "printed.",
            number=designation.number,
        ),
        "error",
    )
    return None


@bp.route(DESIGNATION + "/certificate")
@login_required
def show(code: str, designation_id: int):
    """The certificate's print view (A4 landscape). Looking at it records nothing:
    the official copy is the PDF, made and recorded by the button on this page."""
    designation = printable(code, designation_id)
    if designation is None:
        return redirect(url_for("villages.show", code=code))
    return documents.render([designation], for_pdf=False)


@bp.route(DESIGNATION + "/certificate.pdf", methods=["GET", "POST"])
@login_required
def pdf(code: str, designation_id: int):
    """The certificate as a PDF, from the print view's template, drawn by the job
    worker and recorded in the audit trail as a copy made by this user. Asked for
    only by the print view's button (a POST): a GET, such as a link from elsewhere,
    shows the print view instead."""
    designation = printable(code, designation_id)
    if designation is None:
        return redirect(url_for("villages.show", code=code))
    if request.method == "GET":
        return redirect(url_for(".show", code=code, designation_id=designation_id))
    asked = {"designation": designation.id, **site()}
    return pages.start(service.submit("certificates.one", current_user, **asked))


def site() -> dict:
    """Where the certificates are asked for from: their QR codes lead there when no
    public address is set (``documents.verification_url``)."""
    return {"site": request.url_root}


def batch_page(form: BatchForm, page=None):
    """The batch page with the form, its errors, and the certificates it found."""
    return render_template(
        "certificates/batch.html",
        form=form,
        page=page,
        limit=current_app.config["CERTIFICATE_BATCH_LIMIT"],
    ), (400 if form.errors else 200)


@bp.route("/review/certificates")
@access.reviewers
def batch():
    """Choose the designation dates; see which certificates a batch PDF will hold."""
    form = BatchForm(request.args)
    if request.args and form.validate():
        query = queries.batch(current_user, form.start.data, form.end.data)
        return batch_page(form, paginate(query))
    return batch_page(form)


@bp.route("/review/certificates.pdf", methods=["GET", "POST"])
@access.reviewers
def batch_pdf():
    """One PDF of every valid certificate designated in the date range, for a
    ceremony: a page each, in the order of their numbers, drawn by the job worker
    and recorded in the audit trail. Asked for only by the batch page's button (a
    POST); a GET shows that page."""
    if request.method == "GET":
        days = {name: request.args.get(name) for name in ("start", "end")}
        return redirect(url_for(".batch", **days))
    form = BatchForm(request.form)
    if not form.validate():
        return batch_page(form)
    start, end = form.start.data, form.end.data
    query = queries.batch(current_user, start, end)
    limit = current_app.config["CERTIFICATE_BATCH_LIMIT"]
    found = queries.first_of_batch(query, limit)
    if not found or len(found) > limit:
        form.form_errors.append(
            _("No valid certificate was designated in these days.")
            if not found
            else _("More than %(limit)s certificates: choose fewer days.", limit=limit)
        )
        return batch_page(form, paginate(query))
    days = {"start": start.isoformat(), "end": end.isoformat()}
    return pages.start(
        service.submit(
            "certificates.batch", current_user, limit=limit, **days, **site()
        )
    )


# --- Public verification: no login, nothing personal, rate-limited ---


def verification_page(designation=None, number: str = "", status: int = 200):
    """The verification page: the search form, and the certificate if one was found.
    It names places and the issuing office only, never a person."""
    return render_template(
        "certificates/verify.html", designation=designation, number=number
    ), status


@bp.route("/verify")
@rate_limited
def verify_number():
    """Find a certificate by the number printed on it."""
    number = " ".join(request.args.get("number", "").split())[:MAX_NUMBER_LENGTH]
    if not number:
        return verification_page()
    designation = queries.verifiable(number)
    return verification_page(designation, number, 200 if designation else 404)


@bp.route("/verify/<string(maxlength=64):token>")
@rate_limited
def verify(token: str):
    """Where a certificate's QR code leads."""
    designation = access.verifiable_designation(token=token)
    if designation is None:
        abort(404)
    return verification_page(designation)
