"""An upload's check, kept: what the check job found, row by row (``ImportRow``) and
in sum (``PendingImport.summary``), so that the preview pages through it without
checking the file again, and the confirmation writes what was checked unless a
village changed since (its revision then is kept too)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select

from ..extensions import db, plain_rows
from ..models import ImportRow, PendingImport, utcnow
from ..web.pagination import paginate

LISTS = {
    "reports": ("problems", "additions", "corrections"),
    "villages": ("problems", "registrations"),
}
CHUNK = 1_000  # rows a statement


@dataclass
class Summary:
    """What the preview says of a kept check."""

    rows: int
    counts: dict[str, int]
    unchanged: int = 0
    file_problem: str | None = None

    @classmethod
    def of(cls, pending: PendingImport) -> "Summary":
        kept = pending.summary or {}
        return cls(
            kept.get("rows", 0),
            kept.get("counts", {}),
            kept.get("unchanged", 0),
            kept.get("file_problem"),
        )

    def count(self, name: str) -> int:
        return self.counts.get(name, 0)

    @property
    def problems(self) -> int:
        return self.count("problems")

    @property
    def changes(self) -> int:
        return sum(n for name, n in self.counts.items() if name != "problems")

    @property
    def can_commit(self) -> bool:
        return not self.file_problem and not self.problems and self.changes > 0


def keep(pending: PendingImport, rows: list[dict], summary: dict) -> None:
    """Keep a check's rows and summary in place of any earlier one."""
    clear(pending)
    add(pending, rows)
    counts = dict.fromkeys(LISTS[pending.kind], 0)
    for row in rows:
        counts[row["list"]] += 1
    sum_up(pending, summary, counts)


def clear(pending: PendingImport) -> None:
    """An earlier check's rows gone, before a check keeps its own a block at a time."""
    db.session.execute(delete(ImportRow).where(ImportRow.pending_id == pending.id))


def add(pending: PendingImport, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        db.session.execute(
            insert(ImportRow), [{"pending_id": pending.id, **row} for row in chunk]
        )


def sum_up(pending: PendingImport, summary: dict, counts: dict[str, int]) -> None:
    """The check's summary, and how many rows each of its lists holds."""
    kept = dict(pending.summary or {})
    kept.update(summary, counts=counts)
    pending.summary, pending.checked_at = kept, utcnow()


def problem_rows(problems: list) -> list[dict]:
    """Problems (``imports.RowProblem``) as ``keep`` keeps them."""
    return [
        {
            "list": "problems",
            "row": problem.row,
            "column": problem.column[:100],
            "value": problem.value[:200],
            "message": problem.message,
        }
        for problem in problems
    ]


def page(pending: PendingImport, name: str):
    """A page of one of the check's lists, in the file's order."""
    query = (
        select(ImportRow)
        .where(ImportRow.pending_id == pending.id, ImportRow.list == name)
        .order_by(ImportRow.row, ImportRow.id)
    )
    return paginate(query)


def rows_of(
    pending: PendingImport, names: tuple[str, ...], block: int
) -> Iterator[list]:
    """Every row of these lists (what the confirmation writes), ``block`` rows at a
    time in the file's order, as plain rows: a country's are read, not changed."""
    query = (
        select(ImportRow.row, ImportRow.code, ImportRow.values, ImportRow.revision)
        .where(ImportRow.pending_id == pending.id, ImportRow.list.in_(names))
        .order_by(ImportRow.row)
    )
    last = 0
    while rows := plain_rows(query.where(ImportRow.row > last).limit(block)).all():
        yield rows
        last = rows[-1].row


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
