"""The official list of regions."""

import enum

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Level(enum.StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    DISTRICT = "district"
    VILLAGE = "village"


class Region(db.Model):
    """One row of the official Kemendagri list: a province, regency/city, district
    (kecamatan) or village (desa/kelurahan), keyed by its dotted code."""

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(8))
    # kabupaten/kota for a regency, desa/kelurahan/desa_adat for a village.
    kind: Mapped[str | None] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code"), index=True
    )

    parent: Mapped["Region | None"] = relationship(remote_side=[code])

    __table_args__ = (Index("ix_region_level_name", "level", "name"),)

    def ancestors(self) -> list["Region"]:
        """From the province down to this region's parent."""
        chain, region = [], self.parent
        while region is not None:
            chain.append(region)
            region = region.parent
        return chain[::-1]

    def children(self):
        return (
            select(Region).where(Region.parent_code == self.code).order_by(Region.code)
        )
