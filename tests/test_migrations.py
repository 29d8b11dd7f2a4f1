"""The schema ships as migrations: they must build exactly what the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from villagetracker import create_app
from villagetracker.extensions import db


@pytest.mark.parametrize("round_trip", [False, True], ids=["up", "up-down-up"])
def test_the_migrations_build_the_schema_the_models_describe(tmp_path, round_trip):
    """Upgraded, and also downgraded to nothing and upgraded again: each downgrade
    undoes its upgrade, so that a release can be rolled back."""
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
        }
    )
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
