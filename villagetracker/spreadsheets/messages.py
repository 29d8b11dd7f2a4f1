"""What an import says about a file it cannot take, in the reader's language."""

from flask_babel import lazy_gettext as _l

from . import limits
from .limits import echo

SHOWN = 5  # names or rows a message lists before "and N more"


def some(items: list[str], separator: str = ", ", cut=echo) -> str:
    """The first few of ``items``, each ``cut`` short, and how many more: a message
    never repeats a file's four million headings, nor a thousand conflicts."""
    shown = separator.join(cut(item) for item in items[:SHOWN])
    if len(items) > SHOWN:
        shown += " " + str(_l("and %(num)s more", num=len(items) - SHOWN))
    return shown


def refusal_message(refusal: limits.Refused) -> str:
    """Why a file was refused as a whole, in the reader's language."""
    if isinstance(refusal, limits.TooManyBlankRows):
        return str(
            _l(
                "The file has more than %(limit)s empty rows. Delete them and upload "
                "it again.",
                limit=refusal.limit,
            )
        )
    if isinstance(refusal, limits.TooManyRows):
        limit = refusal.limit
        return str(_l("At most %(limit)s rows in one file; split it.", limit=limit))
    if isinstance(refusal, limits.TooManyColumns):
        return str(
            _l(
                "Row %(row)s has more than %(limit)s columns. Use the template's "
                "columns.",
                row=refusal.row,
                limit=refusal.limit,
            )
        )
    if isinstance(refusal, limits.CellTooLong):
        return str(
            _l(
                "Row %(row)s, column %(column)s holds more than %(limit)s characters "
                "(%(start)s).",
                row=refusal.row,
                column=refusal.column,
                limit=refusal.limit,
                start=refusal.start,
            )
        )
    if isinstance(refusal, limits.TooLargeUnpacked):
        return str(
            _l(
                "This XLSX file unpacks to more data than an import takes. Delete "
                "what is not needed or split it, or save the sheet as CSV."
            )
        )
    if isinstance(refusal, limits.UnreadableText):
        return str(
            _l(
                "The file's characters cannot be read with confidence: it is not "
                "UTF-8, UTF-16 or Windows-1252 text. Save it from the spreadsheet as "
                "CSV UTF-8, or as XLSX, and upload it again."
            )
        )
    return str(_l("This file is not a spreadsheet: upload CSV or XLSX."))
