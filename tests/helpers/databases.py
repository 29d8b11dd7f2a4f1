"""Where the suite's databases live: SQLite files, or a PostgreSQL server when
``VILLAGETRACKER_POSTGRES_SERVER`` names one. Each test's database is a copy of a
template holding the schema and the test regions."""

import os
import shutil
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

# Banten (Kabupaten Tangerang 36.03, Kabupaten Serang 36.04, ...) and Kabupaten
# Bandung (32.04) with its province: enough real regions for scope tests; and
# Kabupaten Aceh Utara (11.08), the regency with the most villages (852), which
# registers all of them from one spreadsheet.
TEST_REGION_ROOTS = ("36", "32.04", "11.08")
PROVINCES = {root.split(".")[0] for root in TEST_REGION_ROOTS}


def in_test_regions(code: str) -> bool:
    return code in PROVINCES or any(
        code == root or code.startswith(root + ".") for root in TEST_REGION_ROOTS
    )


class SQLiteDatabases:
    """Databases as files in a folder; a copy of the template is a copy of its file."""

    def __init__(self, folder: Path):
        self.folder, self.count = folder, 0

    def new(self, template: str | None = None) -> str:
        self.count += 1
        path = self.folder / f"villagetracker-{self.count}.sqlite3"
        if template:
            shutil.copyfile(make_url(template).database, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        Path(make_url(url).database).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    """Databases in a PostgreSQL server (``VILLAGETRACKER_POSTGRES_SERVER``, as set
    by ``.ci/with-postgres``); a copy of the template is made by the server."""

    def __init__(self, server_url: str):
        self.server = make_url(server_url)
        self.engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.count = 0

    def new(self, template: str | None = None) -> str:
        self.count += 1
        name = f"villagetracker_{os.getpid()}_{self.count}"
        statement = f'CREATE DATABASE "{name}"'
        if template:
            # FILE_COPY: a small database copies faster than WAL_LOG writes it.
            source = make_url(template).database
            statement += f' TEMPLATE "{source}" STRATEGY FILE_COPY'
        with self.engine.connect() as connection:
            connection.exec_driver_sql(statement)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.engine.dispose()
