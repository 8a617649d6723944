"""A lab's existing database upgrades in place, on SQLite and on PostgreSQL, losing nothing."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coursesite import services
from coursesite.data.schema import migrations
from tests.conftest import FIXTURE_LESSONS, app_database, database_config, make_app

pytestmark = pytest.mark.db

V1_SCHEMA = Path(__file__).parent / "data" / "schema_v1.sql"
V1_DATA = """
INSERT INTO "user" VALUES (1, 'carole', 'Carole', 'learner', 'fr', 'scrypt:x', '{}', 1, 1,
                           '2026-01-05 10:00:00', '2026-02-01 09:30:00');
INSERT INTO "user" VALUES (2, 'richard', 'Richard', 'helper', 'fr', 'scrypt:y', '{}', 1, 1,
                           '2026-01-02 10:00:00', NULL);
INSERT INTO "stepprogress" VALUES (1, 1, 'bonjour', 'open-door', '2026-02-01 09:40:00');
INSERT INTO "stepprogress" VALUES (2, 1, 'bonjour', 'leave', '2026-02-01 09:45:00');
INSERT INTO "assignment" VALUES (1, 1, 2, '2026-01-05 10:05:00', NULL, '["bonjour"]', 'Premiers pas',
                                 'Bravo Carole!', '', NULL, 'fr', NULL);
"""


def v1_database(instance: Path) -> Path:
    """Write a database as the first release made it, with some learners' data in it."""
    instance.mkdir(parents=True)
    path = instance / "coursesite.db"
    connection = sqlite3.connect(path)
    connection.executescript(V1_SCHEMA.read_text() + V1_DATA)
    connection.commit()
    connection.close()
    return path


def columns(path: Path, table: str) -> list[str]:
    connection = sqlite3.connect(path)
    names = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    connection.close()
    return names


def test_a_first_release_database_is_upgraded_at_start_up_and_keeps_its_data(tmp_path):
    path = v1_database(tmp_path / "instance")
    assert "anonymised_at" not in columns(path, "user")
    app = make_app(tmp_path, FIXTURE_LESSONS)
    assert "anonymised_at" in columns(path, "user")
    from coursesite.data.models import HelpSession, StepProgress, User

    with app_database(app):
        assert migrations.stored_version(None) == migrations.LATEST
        carole = User.get(User.username == "carole")
        assert carole.display_name == "Carole" and carole.anonymised_at is None
        assert sorted(p.step_id for p in StepProgress.select()) == ["leave", "open-door"]
        assert HelpSession.get().note_for_learner == "Bravo Carole!"
    # The upgraded lab keeps working: Carole's progress shows on her lesson page.
    client = app.test_client()
    assert client.get("/fr/lessons/bonjour/").status_code == 200


def test_upgrading_twice_changes_nothing(tmp_path):
    v1_database(tmp_path / "instance")
    make_app(tmp_path, FIXTURE_LESSONS)
    app = make_app(tmp_path, FIXTURE_LESSONS)
    db = services.database(app)
    with app_database(app):
        assert migrations.upgrade(db) == []


def test_coursesite_init_upgrades_and_says_the_version(tmp_path):
    v1_database(tmp_path / "instance")
    env = {
        "COURSESITE_INSTANCE": str(tmp_path / "instance"),
        "COURSESITE_LESSONS": str(FIXTURE_LESSONS),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "coursesite.cli", "init"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"(schema version {migrations.LATEST})" in result.stdout
    assert "database upgraded: 2:" in result.stderr


def test_a_database_newer_than_the_code_is_refused_clearly(tmp_path):
    app = make_app(tmp_path / "first", FIXTURE_LESSONS)
    with app_database(app):
        migrations.set_version(migrations.LATEST + 1)
    with pytest.raises(RuntimeError, match="newer than this coursesite"):
        make_app(tmp_path / "first", FIXTURE_LESSONS)


def test_a_new_database_starts_at_the_latest_version(app):
    with app_database(app):
        assert migrations.stored_version(None) == migrations.LATEST


def old_help_request_table(db):
    """Return the help request table as versions 1 to 3 made it."""
    from peewee import CharField, DateTimeField, ForeignKeyField, Model

    from coursesite.data.models import User

    class HelpRequest(Model):
        learner = ForeignKeyField(User, on_delete="CASCADE")
        lesson_id = CharField(max_length=200)
        step_id = CharField(max_length=80)
        message = CharField(max_length=500, default="")
        created = DateTimeField()
        handled_at = DateTimeField(null=True, index=True)
        handled_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "helprequest"

    return HelpRequest


def test_an_older_database_upgrades_on_either_database(tmp_path, database_backend):
    """Made at the latest version, taken back to version 1, then upgraded (SQLite and PostgreSQL)."""
    config = database_config(database_backend)
    app = make_app(tmp_path, FIXTURE_LESSONS, **config)
    db = services.database(app)
    from playhouse.migrate import SchemaMigrator, migrate

    from coursesite.data.models import HelpRequest, Setting, User

    with app_database(app):
        User.create(username="lea", display_name="Léa", password_hash="x")
        migrator = SchemaMigrator.from_database(db)
        migrate(
            migrator.drop_index("stepprogress", "stepprogress_done_at"),
            migrator.drop_column("user", "anonymised_at"),
            migrator.drop_column("anonymoussession", "kind"),  # version 4
            migrator.drop_column("anonymoussession", "minutes"),
            migrator.drop_column("assignment", "kind"),
            migrator.drop_column("assignment", "minutes"),
        )
        # Version 4's foreign key cannot be dropped from a SQLite table: make the table again
        # as versions 1 to 3 had it.
        db.drop_tables([HelpRequest])
        db.create_tables([old_help_request_table(db)])
        Setting.delete().where(Setting.key == migrations.VERSION_KEY).execute()
        assert "anonymised_at" not in [c.name for c in db.get_columns("user")]
        assert migrations.upgrade(db) == [
            f"{m.version}: {m.description}" for m in migrations.MIGRATIONS
        ]
        assert "anonymised_at" in [c.name for c in db.get_columns("user")]
        assert "reply" in [c.name for c in db.get_columns("helprequest")]
        assert User.get(User.username == "lea").display_name == "Léa"
    if database_backend == "postgresql":
        db.close()


def test_version_4_keeps_past_sessions_and_opens_help_requests_both_ways(tmp_path):
    path = v1_database(tmp_path / "instance")
    app = make_app(tmp_path, FIXTURE_LESSONS)
    assert {"contact_phone", "contact_when", "taken_by_id", "taken_at", "reply"} <= set(
        columns(path, "helprequest")
    )
    assert {"kind", "minutes"} <= set(columns(path, "assignment"))
    from coursesite.data.models import HelpSession

    with app_database(app):
        # Carole's path of January was a help session: it still is, kind and length unknown.
        session = HelpSession.get()
        assert session.learner.username == "carole" and session.helper.username == "richard"
        assert (session.kind, session.minutes, session.lesson_ids) == (None, None, ["bonjour"])
