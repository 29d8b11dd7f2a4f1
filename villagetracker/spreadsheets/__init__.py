"""Spreadsheets: exports of the villages list and the report history, and imports of
reports with their template. Reading an upload is bounded before it is expensive
(``limits``, ``reading``, ``workbook`` and its ``sheet_reader`` process)."""

from flask import Blueprint

bp = Blueprint("spreadsheets", __name__)

from . import routes  # noqa: E402,F401
