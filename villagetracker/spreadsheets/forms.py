from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.validators import ValidationError


class UploadForm(FlaskForm):
    """A spreadsheet of reports."""

    spreadsheet = FileField(
        _l("Spreadsheet (CSV or XLSX)"), render_kw={"accept": ".csv,.xlsx"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limits as configured, in the reader's way of writing numbers.
        self.spreadsheet.description = _(
            "With the template's columns, at most %(rows)s rows and %(size)s MB.",
            rows=format_number(current_app.config["IMPORT_MAX_ROWS"]),
            size=current_app.config["IMPORT_MAX_BYTES"] // 1024 // 1024,
        )

    def validate_spreadsheet(self, field) -> None:
        """A file, not too large: read at most one byte past the limit, so that a
        larger file costs nothing more. Its headings and rows are read by the job
        worker (the check), never by a web worker: a hostile file costs the web
        nothing."""
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            raise ValidationError(_l("Choose a file."))
        limit = current_app.config["IMPORT_MAX_BYTES"]
        self.content = upload.read(limit + 1)
        if len(self.content) > limit:
            raise ValidationError(
                _l("The file is larger than %(size)s MB.", size=limit // 1024 // 1024)
            )


class VillagesUploadForm(UploadForm):
    """A spreadsheet of villages to register."""
