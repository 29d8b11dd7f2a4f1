"""The certificate (piagam): one template gives the print view and the PDF, with a QR
code that opens the public verification page.

The certificate is an official document of an Indonesian regency, so its own text is
Indonesian whatever language the person printing it reads; the page around it follows
the reader's language.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import current_app, render_template, request
from markupsafe import Markup

from .. import audit, rules
from ..models import Designation

CERTIFICATE_LOCALE = "id"
QR_COLOUR = "#123a2c"


def stylesheet() -> Path:
    return Path(current_app.static_folder) / "css" / "certificate.css"


def verification_url(designation: Designation, site: str | None = None) -> str:
    """Where the QR code leads: the public address if one is set (a certificate
    printed on an office intranet must still verify from any phone), else the
    address it was asked for from: ``site`` (as the request that asked the job
    worker saw it) or this request's."""
    base = current_app.config["PUBLIC_URL"] or site or request.url_root
    # Built without a request: the job worker has none.
    path = current_app.url_map.bind("").build(
        "certificates.verify", {"token": designation.token}
    )
    return base.rstrip("/") + path


def qr_code(url: str) -> Markup:
    """The QR code as inline SVG: sharp at any print size, no image file to fetch."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=4, omitsize=True, dark=QR_COLOUR, light="#ffffff"
    )
    return Markup(svg)


def long_date(day: date) -> str:
    return format_date(day, "d MMMM y", locale=CERTIFICATE_LOCALE)


def number(value: int) -> str:
    return format_decimal(value, format="#,##0", locale=CERTIFICATE_LOCALE)


def percent(tenths: int) -> str:
    return format_decimal(Decimal(tenths) / 10, format="0.0", locale=CERTIFICATE_LOCALE)


class PdfUnavailable(Exception):
    """WeasyPrint's system libraries (Pango) are not installed on this server."""


@dataclass
class Certificate:
    designation: Designation
    url: str
    qr: Markup

    @property
    def village_words(self) -> str:  # "Desa Kresek"
        d = self.designation
        return f"{rules.KIND_WORDS[d.village_kind]} {d.village_name}"


def certificates(
    designations: list[Designation], site: str | None = None
) -> list[Certificate]:
    result = []
    for designation in designations:
        url = verification_url(designation, site)
        result.append(Certificate(designation, url, qr_code(url)))
    return result


def render(
    designations: list[Designation], *, for_pdf: bool, site: str | None = None
) -> str:
    return render_template(
        "certificates/piagam.html",
        certificates=certificates(designations, site),
        for_pdf=for_pdf,
        long_date=long_date,
        number=number,
        percent=percent,
    )


# Certificates laid out before their pages are written: each laid-out page holds a
# few megabytes until then, so a batch is written this many at a time and the parts
# joined (a batch of 100 took a job 410 MB in one piece).
PDF_PART = 10


def pdf(designations: list[Designation], target, say=None, site=None) -> None:
    """The certificates as one PDF written to ``target`` (a path or file), a page
    each, from the print view's template. Each is drawn on its own so that ``say``
    (certificates drawn so far) can tell how far it got; they are written
    ``PDF_PART`` at a time and joined. WeasyPrint may fetch nothing: the stylesheet
    is read from disk, fonts come from the system, the QR code is inline."""
    try:
        from weasyprint import CSS, HTML  # a heavy import, needed only here
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # no Pango: the print view still works
        raise PdfUnavailable(str(error)) from None
    from pypdf import PdfWriter

    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheets = [CSS(filename=str(stylesheet()), url_fetcher=fetcher)]
    joined = PdfWriter()
    for start in range(0, len(designations), PDF_PART):
        drawn = []
        for designation in designations[start : start + PDF_PART]:
            page = render([designation], for_pdf=True, site=site)
            html = HTML(string=page, url_fetcher=fetcher)
            drawn.append(html.render(stylesheets=stylesheets))
            if say:
                say(start + len(drawn), len(designations))
        pages = [page for document in drawn for page in document.pages]
        part = BytesIO(drawn[0].copy(pages).write_pdf())
        del drawn, pages
        joined.append(part)
    joined.write(target)


def record_print(designations: list[Designation], kind: str, **details) -> None:
    """Printing is audited: which certificates, in which form, by whom."""
    for designation in designations:
        audit.record(
            "certificate.print",
            entity=designation,
            after={"number": designation.number, "format": kind, **details},
            region_code=designation.village_code,
        )
