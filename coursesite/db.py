"""The peewee database: SQLite in the instance folder by default, DATABASE_URL otherwise."""

import logging

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect

# peewee binds models to a database object at class-definition time; the proxy is
# pointed at the real database by init_app, once per app.
database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def open_database(url: str):
    """Return an unconnected peewee database for a sqlite:/// or postgresql:// URL."""
    if url.startswith("sqlite:///"):
        return SqliteDatabase(url.removeprefix("sqlite:///"), pragmas=SQLITE_PRAGMAS)
    return connect(url)


def init_app(app):
    """Bind the database, create missing tables, and manage connections per request."""
    # peewee logs every query with its values (names, notes, messages) at DEBUG: turning on
    # debug logging must never write personal data (Law 25), so its logger stops at INFO.
    logging.getLogger("peewee").setLevel(logging.INFO)
    db = open_database(app.config["DATABASE_URL"])
    database.initialize(db)
    app.extensions["coursesite.db"] = db
    # An SQLite connection is cheap to keep and costly to open (its pragmas run each time),
    # so each server thread keeps its own; other databases give theirs back after a request.
    keep_open = isinstance(db, SqliteDatabase)

    from coursesite import migrations

    with db.connection_context():
        for applied in migrations.upgrade(db):
            app.logger.warning("database upgraded: %s", applied)

    @app.before_request
    def bind_db():
        # Several apps may live in one process (tests): point the proxy at this one.
        # Pages that never touch the database never open a connection (peewee connects
        # on first query).
        if database.obj is not db:
            database.initialize(db)

    @app.teardown_request
    def close_db(exc):
        if not keep_open and not database.is_closed():
            database.close()
