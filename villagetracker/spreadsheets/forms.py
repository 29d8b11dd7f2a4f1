from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.validators import ValidationError

from . import files, imports, registrations


class UploadForm(FlaskForm):
    """A spreadsheet of reports; ``layout`` says which columns it must have."""

    layout = imports.LAYOUT
    spreadsheet = FileField(
        _l("Spreadsheet (CSV or XLSX)"),
        description=_l("With the template's columns, at most 20,000 rows."),
        render_kw={"accept": ".csv,.xlsx"},
    )

    def validate_spreadsheet(self, field) -> None:
        """A file, not too large, whose headings and rows can be read: read at most
        one byte past the limit, so that a larger file costs nothing more."""
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            raise ValidationError(_l("Choose a file."))
        limit = current_app.config["IMPORT_MAX_BYTES"]
        self.content = upload.read(limit + 1)
        if len(self.content) > limit:
            raise ValidationError(
                _l("The file is larger than %(size)s MB.", size=limit // 1024 // 1024)
            )
        _, problem = files.read_records(upload.filename, self.content, self.layout)
        if problem:
            raise ValidationError(problem)


class VillagesUploadForm(UploadForm):
    """A spreadsheet of villages to register."""

    layout = registrations.LAYOUT
