"""Row locks for writes that must build on the latest state of a village.

A report, a worker potential or an import changes the village row too (its figures,
status and revision). Checked against a copy read earlier, two writers of one village
would refuse each other ("changed meanwhile") although their reports do not conflict.
So a write first takes the village rows and reads them afresh, then checks its rules
against what it holds, and keeps the rows until it commits: the next writer waits a
moment instead of failing, and sees what the first one wrote.
"""

from collections.abc import Iterable, Iterator

from sqlalchemy import Row, Select, select

from .extensions import db, plain_rows
from .models import Village


def begin_writing() -> None:
    """Take the database's write lock now, on SQLite, where a transaction that has
    read and then writes fails if another one wrote in between (WAL snapshots).
    PostgreSQL locks rows instead (``lock_villages``); there this does nothing."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:  # a transaction with writes already holds the lock
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_villages(codes: Iterable[str]) -> dict[str, Village]:
    """The villages with these codes, read as they are now and locked until the
    transaction ends (SELECT ... FOR UPDATE; on SQLite the database write lock)."""
    query = select(Village).execution_options(populate_existing=True)
    return {
        village.code: village for village in _locked(codes, query, db.session.scalars)
    }


def lock_village_rows(codes: Iterable[str], *columns) -> dict[str, Row]:
    """``lock_villages`` for an import's thousands: these columns of each (``code``
    among them) as plain rows."""
    query = select(*columns)
    return {village.code: village for village in _locked(codes, query, plain_rows)}


def _locked(codes: Iterable[str], query: Select, run) -> Iterator:
    codes = sorted(set(codes))  # always the same order: two writers cannot deadlock
    begin_writing()
    for start in range(0, len(codes), 500):
        yield from run(
            query.where(Village.code.in_(codes[start : start + 500]))
            .order_by(Village.code)
            .with_for_update(of=Village)  # not the rows of its eager joins
        )


def lock_village(village: Village) -> Village:
    """``village`` read afresh and locked until the transaction ends."""
    return lock_villages([village.code])[village.code]
