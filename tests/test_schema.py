"""The models and the migrations describe the same database.

A lab's database made by the first release (schema version 1), upgraded by the migrations,
must end with exactly the tables, columns, indexes and foreign keys of a database made fresh
from the models: a model changed without its migration fails here (on SQLite, and on
PostgreSQL when COURSESITE_TEST_POSTGRES is set).
"""

import re

import pytest

from coursesite import services
from coursesite.data.database import open_database
from coursesite.data.schema import migrations
from tests.conftest import FIXTURE_LESSONS, app_database, database_config, make_app
from tests.test_migrations import V1_SCHEMA

pytestmark = pytest.mark.db


def v1_statements(backend: str) -> list[str]:
    """The first release's schema, in this database's dialect (it was written by peewee)."""
    sql = re.sub(r"^--.*$", "", V1_SCHEMA.read_text(), flags=re.MULTILINE)
    if backend == "postgresql":  # what peewee writes there for the same fields
        sql = sql.replace('"id" INTEGER NOT NULL PRIMARY KEY', '"id" SERIAL NOT NULL PRIMARY KEY')
        sql = sql.replace("DATETIME", "TIMESTAMP")
        sql = sql.replace('"active" INTEGER NOT NULL', '"active" BOOLEAN NOT NULL')
    return [statement.strip() for statement in sql.split(";") if statement.strip()]


def schema(db) -> dict:
    """Every table's columns, indexes and foreign keys, in an order-free form."""
    described = {}
    for table in sorted(db.get_tables()):
        foreign_keys = {(k.column, k.dest_table, k.dest_column) for k in db.get_foreign_keys(table)}
        if db.__class__.__name__ == "SqliteDatabase":  # what happens on delete, too
            foreign_keys = {
                (row[3], row[2], row[4], row[6])
                for row in db.execute_sql(f'PRAGMA foreign_key_list("{table}")').fetchall()
            }
        described[table] = {
            "columns": {
                c.name: (c.data_type.lower(), c.null, c.primary_key) for c in db.get_columns(table)
            },
            "indexes": {i.name: (tuple(i.columns), i.unique) for i in db.get_indexes(table)},
            "foreign keys": foreign_keys,
        }
    return described


def first_release_database(folder, backend) -> dict:
    """Make the first release's empty database; return the settings of an app that uses it."""
    config = database_config(backend)  # on PostgreSQL: an emptied database
    url = config.get("DATABASE_URL") or f"sqlite:///{folder / 'instance' / 'coursesite.db'}"
    (folder / "instance").mkdir(parents=True)
    db = open_database(url)
    with db.connection_context():
        for statement in v1_statements(backend):
            db.execute_sql(statement)
    db.close()
    return {**config, "DATABASE_URL": url}


def test_an_upgraded_first_release_database_matches_the_models(tmp_path, database_backend):
    config = first_release_database(tmp_path / "old", database_backend)
    upgraded_app = make_app(tmp_path / "old", FIXTURE_LESSONS, **config)  # upgrades at start-up
    db = services.database(upgraded_app)
    with app_database(upgraded_app):
        assert migrations.stored_version(db) == migrations.LATEST
        upgraded = schema(db)
    db.close()
    assert "anonymised_at" in upgraded["user"]["columns"]  # the migrations did run

    fresh_app = make_app(tmp_path / "fresh", FIXTURE_LESSONS, **database_config(database_backend))
    fresh_db = services.database(fresh_app)
    with app_database(fresh_app):
        fresh = schema(fresh_db)
    fresh_db.close()

    assert sorted(upgraded) == sorted(fresh)
    for table in fresh:
        for part in ("columns", "indexes", "foreign keys"):
            assert upgraded[table][part] == fresh[table][part], (
                f"{table} {part}: the models and the migrations differ (a model changed without "
                "a migration in coursesite/data/schema/migrations.py?)"
            )
