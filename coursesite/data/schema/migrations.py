"""Versioned schema changes, applied in order at start-up and by `coursesite init`.

A lab's database upgrades in place: each migration runs once, in a transaction, and the
version reached is kept in the `setting` table. To change the schema: change the model in
`data/models.py`, then add a migration below that brings an existing database to the same shape
(a new table needs none: missing tables are created after the migrations run).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField
from playhouse.migrate import SchemaMigrator, migrate

from coursesite.data import models
from coursesite.data.schema import tables

log = logging.getLogger(__name__)

VERSION_KEY = "schema_version"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[SchemaMigrator], None]


def add_anonymised_at_and_progress_time_index(migrator: SchemaMigrator) -> None:
    migrate(
        migrator.add_column("user", "anonymised_at", DateTimeField(null=True)),
        migrator.add_index("stepprogress", ("done_at",), False),
    )


def add_two_way_help_and_session_kinds(migrator: SchemaMigrator) -> None:
    migrate(
        migrator.add_column("assignment", "kind", CharField(max_length=10, null=True)),
        migrator.add_column("assignment", "minutes", IntegerField(null=True)),
        migrator.add_column("helprequest", "contact_phone", CharField(max_length=40, default="")),
        migrator.add_column("helprequest", "contact_when", CharField(max_length=120, default="")),
        migrator.add_column(
            "helprequest",
            "taken_by_id",
            ForeignKeyField(models.User, null=True, field=models.User.id, on_delete="SET NULL"),
        ),
        migrator.add_column("helprequest", "taken_at", DateTimeField(null=True)),
        migrator.add_column("helprequest", "reply", TextField(default="")),
    )
    # A database older than erasing has no such table yet: it is made whole further on.
    if "anonymoussession" in migrator.database.get_tables():
        migrate(
            migrator.add_column("anonymoussession", "kind", CharField(max_length=10, null=True)),
            migrator.add_column("anonymoussession", "minutes", IntegerField(null=True)),
        )


MIGRATIONS = [
    Migration(
        2,
        "when a learner was made anonymous; progress indexed by time",
        add_anonymised_at_and_progress_time_index,
    ),
    Migration(
        4,
        "help requests that go both ways; how and how long each help session was",
        add_two_way_help_and_session_kinds,
    ),
]
LATEST = MIGRATIONS[-1].version if MIGRATIONS else 1


def stored_version(db) -> int:
    """Return the schema version of the database (1 for a database made before versions)."""
    row = models.Setting.get_or_none(models.Setting.key == VERSION_KEY)
    return int(row.value) if row else 1


def set_version(version: int) -> None:
    models.Setting.insert(key=VERSION_KEY, value=str(version), updated=models.utcnow()).on_conflict(
        conflict_target=[models.Setting.key], update={models.Setting.value: str(version)}
    ).execute()


def upgrade(db) -> list[str]:
    """Bring the database to the latest schema; return the descriptions of what ran."""
    if "user" not in db.get_tables():  # a new database: create everything at the latest version
        tables.create_tables(db)
        set_version(LATEST)
        return []
    db.create_tables([models.Setting], safe=True)
    version = stored_version(db)
    if version > LATEST:
        raise RuntimeError(
            f"the database is at schema version {version}, newer than this coursesite "
            f"({LATEST}): upgrade coursesite, or restore a backup made by this version"
        )
    applied = []
    migrator = SchemaMigrator.from_database(db)
    for migration in MIGRATIONS:
        if migration.version <= version:
            continue
        with db.atomic():
            migration.apply(migrator)
            set_version(migration.version)
        log.info(
            "database upgraded to schema version %d: %s", migration.version, migration.description
        )
        applied.append(f"{migration.version}: {migration.description}")
    tables.create_tables(db)  # tables added since the database was made
    return applied
