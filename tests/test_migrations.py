"""The schema ships as migrations: they must build exactly what the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from villagetracker import create_app
from villagetracker.extensions import db


def migrated_app(database_url):
    return create_app(
        {"ENV": "testing", "SECRET_KEY": "x" * 40, "DATABASE_URL": database_url}
    )


@pytest.mark.parametrize("round_trip", [False, True], ids=["up", "up-down-up"])
def test_the_migrations_build_the_schema_the_models_describe(new_database, round_trip):
    """Upgraded, and also downgraded to nothing and upgraded again: each downgrade
    undoes its upgrade, so that a release can be rolled back. On SQLite and on
    PostgreSQL, whichever the suite runs on."""
    app = migrated_app(new_database(empty=True))
    with app.app_context():
        upgrade()
        if round_trip:
            downgrade(revision="base")
            upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection), db.metadata
            )
        db.engine.dispose()
    assert differences == []


def test_a_database_with_villages_and_reports_upgrades_from_each_release(
    new_database,
):
    """Rebuilding a table in SQLite (batch mode) drops the old one: with villages and
    reports referring to it, that must not fail nor lose a row. PostgreSQL alters the
    table in place; the rows must survive there too."""
    from sqlalchemy import text

    app = migrated_app(new_database(empty=True))
    rows = {
        "region": "INSERT INTO region (code, name, level, kind, parent_code) VALUES "
        "('36', 'Banten', 'province', NULL, NULL), "
        "('36.03', 'Kabupaten Tangerang', 'regency', 'kabupaten', '36'), "
        "('36.03.06', 'Kresek', 'district', NULL, '36.03'), "
        "('36.03.06.2018', 'Kresek', 'village', 'desa', '36.03.06')",
        "user": 'INSERT INTO "user" (id, username, full_name, password_hash, role, '
        "region_code, active, session_version, created_at) VALUES (1, 'siti', 'Siti', "
        "'x', 'officer', '36.03', true, 0, '2026-01-01')",
        "village": "INSERT INTO village (code, district_code, regency_code, "
        "head_name, worker_potential, status, status_changed_at, latest_report_date, "
        "active_participants, coverage_tenths, registered_at, registered_by_id) VALUES "
        "('36.03.06.2018', '36.03.06', '36.03', 'Kepala', 4615, 'registered', "
        "'2026-01-01', '2026-03-31', 4000, 866, '2026-01-01', 1)",
        "worker_potential": "INSERT INTO worker_potential (village_code, "
        "worker_potential, source, as_of, recorded_at, recorded_by_id) VALUES "
        "('36.03.06.2018', 4615, 'p3ke', '2026-01-01', '2026-01-01', 1)",
        "report": "INSERT INTO report (village_code, as_of, active_participants, bpu, "
        "pu, jakon, self_paid, apbd, apbdes, csr_other, worker_potential, "
        "coverage_tenths, created_at, created_by_id) VALUES ('36.03.06.2018', "
        "'2026-03-31', 4000, 4000, 0, 0, 2500, 1000, 300, 200, 4615, 866, "
        "'2026-01-01', 1)",
    }
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            for statement in rows.values():
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            counts = {
                table: connection.execute(
                    text(f'SELECT count(*) FROM "{table}"')
                ).scalar()
                for table in rows
            }
            revision = connection.execute(text("SELECT revision FROM village")).scalar()
            payers = connection.execute(
                text(
                    "SELECT self_paid, apbd, apbd_province, apbd_regency, apbdes, csr, "
                    "csr_other, other, pmi, perangkat_total FROM report"
                )
            ).one()
            missing = connection.execute(
                text("SELECT participants_missing, officials_missing FROM village")
            ).one()
        db.engine.dispose()
    assert counts == {
        "region": 4,
        "user": 1,
        "village": 1,
        "worker_potential": 1,
        "report": 1,
    }
    assert revision == 1
    # 0006: "APBD" and "CSR or other" are kept as recorded (level not recorded, not
    # told apart); the new payers, PMI and the officials start empty.
    assert tuple(payers) == (2500, 1000, 0, 0, 300, 0, 200, 0, 0, None)
    # 4,000 of 4,615 needs 154 more to reach 90%: the close list ranks by it at once.
    assert tuple(missing) == (154, None)
