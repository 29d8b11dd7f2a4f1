"""The shapes of the API's requests and answers, for the OpenAPI document and for
reading a request: they say what a value must look like; whether it is right is
the app's own validation's to say, as for the forms."""

import marshmallow as ma

from .. import rules
from ..villages.queries import STATUSES

PAGE_SIZE, MAX_PAGE_SIZE = 100, 1_000


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class RegionQuery(Strict):
    q = ma.fields.String(required=True, validate=ma.validate.Length(2, 100))
    level = ma.fields.String(
        validate=ma.validate.OneOf(["province", "regency", "district", "village"])
    )
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))


class Region(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    level = ma.fields.String(required=True)


class Regions(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(Region), required=True)


class VillageQuery(Strict):
    area = ma.fields.String(metadata={"description": "a region's code, e.g. 36.03"})
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    band = ma.fields.String(validate=ma.validate.OneOf([*rules.BANDS, "none"]))
    q = ma.fields.String(validate=ma.validate.Length(max=100))
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=200),
        metadata={"description": "next_cursor of the page before"},
    )
    limit = ma.fields.Integer(
        load_default=PAGE_SIZE, validate=ma.validate.Range(1, MAX_PAGE_SIZE)
    )


class Village(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    worker_potential = ma.fields.Integer(required=True, allow_none=True)
    active_participants = ma.fields.Integer(required=True, allow_none=True)
    coverage_percent = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "rounded down"}
    )
    latest_report_date = ma.fields.Date(required=True, allow_none=True)


class Villages(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(Village), required=True)
    next_cursor = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "null on the last page"},
    )


class CertificateQuery(Strict):
    number = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 60),
        metadata={"description": "as printed, e.g. 001/DSJSK/36.03/2026"},
    )


class Certificate(ma.Schema):
    """What the public verification page says of a certificate: places and the
    issuing office, never a person."""

    number = ma.fields.String(required=True)
    valid = ma.fields.Boolean(required=True)
    state = ma.fields.String(required=True)
    province = ma.fields.String(required=True)
    regency = ma.fields.String(required=True)
    district = ma.fields.String(required=True)
    village = ma.fields.String(required=True)
    village_kind = ma.fields.String(required=True)
    designated_on = ma.fields.Date(required=True)
    coverage_percent = ma.fields.Float(required=True)
    active_participants = ma.fields.Integer(required=True)
    worker_potential = ma.fields.Integer(required=True)
    report_as_of = ma.fields.Date(required=True)
    issued_by = ma.fields.String(required=True)
    ended_on = ma.fields.Date(required=True, allow_none=True)
    end_reason = ma.fields.String(required=True, allow_none=True)
    replaced_by = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "its number"}
    )
