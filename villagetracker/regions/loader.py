"""The official region list shipped with the package (data/NOTICE.md) and its loader."""

import csv
import gzip
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update

from .. import rules
from ..extensions import db
from ..models import Region

DATA_DIR = Path(__file__).parent / "data"
# Parents before children, so that every foreign key resolves as rows go in.
FILES = ("provinces", "regencies", "districts", "villages")


def official_rows() -> Iterator[dict]:
    """Every row of the Kemendagri list (see data/NOTICE.md) as Region column values."""
    for name in FILES:
        with gzip.open(
            DATA_DIR / f"{name}.csv.gz", "rt", encoding="utf-8", newline=""
        ) as f:
            for row in csv.DictReader(f):
                yield region_values(row["code"], row["name"])


def region_values(code: str, name: str) -> dict:
    level = rules.level_of(code)
    kind = None
    if level == "regency":
        kind = rules.regency_kind(name)
    elif level == "village":
        kind = rules.village_kind(code)
    return {
        "code": code,
        "name": name,
        "level": level,
        "kind": kind,
        "parent_code": rules.parent_of(code),
    }


@dataclass
class LoadReport:
    added: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    # In the database but no longer in the list: kept, since data may refer to them.
    not_in_list: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def load_regions(rows: Iterable[dict]) -> LoadReport:
    """Bring the region table up to date with ``rows`` in one transaction.

    Idempotent: new codes are inserted, renamed ones updated, the rest left alone.
    A command of its own (``flask regions load``), so it commits.
    """
    existing = {
        row.code: row
        for row in db.session.execute(
            select(
                Region.code, Region.name, Region.level, Region.kind, Region.parent_code
            )
        )
    }
    report = LoadReport()
    to_add, to_update, seen = [], [], set()
    for values in rows:
        code, level = values["code"], values["level"]
        seen.add(code)
        current = existing.get(code)
        if current is None:
            to_add.append(values)
            report.added[level] += 1
        elif current._asdict() != values:
            to_update.append(values)
            report.updated[level] += 1
        else:
            report.unchanged[level] += 1
    for code in existing.keys() - seen:
        report.not_in_list[existing[code].level] += 1

    # Sorted by level, parents first: PostgreSQL checks each foreign key as it goes.
    to_add.sort(key=lambda values: rules.LEVELS.index(values["level"]))
    if to_add:
        db.session.execute(insert(Region), to_add)
    if to_update:
        db.session.execute(update(Region), to_update)
    db.session.commit()
    return report
