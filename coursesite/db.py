"""The peewee database: SQLite in the instance folder by default, DATABASE_URL otherwise."""

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
    """Bind the database, create missing tables, and open/close a connection per request."""
    db = open_database(app.config["DATABASE_URL"])
    database.initialize(db)
    app.extensions["coursesite.db"] = db

    from coursesite import models

    with db.connection_context():
        models.create_tables(db)

    @app.before_request
    def connect_db():
        database.initialize(db)
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def close_db(exc):
        if not database.is_closed():
            database.close()
