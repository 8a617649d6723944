"""Open the app's database, bring its schema up to date, and manage connections per request."""

import logging

from peewee import DatabaseError, SqliteDatabase

from coursesite import services
from coursesite.data import lab
from coursesite.data.database import database, open_database
from coursesite.data.safekeeping.health import DatabaseHealth
from coursesite.data.schema import migrations

log = logging.getLogger(__name__)


def init_app(app):
    """Bind the database, create missing tables, and manage connections per request."""
    db = open_database(app.config["DATABASE_URL"], app.config["SQLITE_SYNCHRONOUS"])
    database.initialize(db)
    services.shared(app).database = db
    saved = services.shared(app).saved_lab_details = lab.SavedDetails()
    services.shared(app).lab_details = saved.details
    # An SQLite connection is cheap to keep and costly to open (its pragmas run each time),
    # so each server thread keeps its own; other databases give theirs back after a request.
    keep_open = isinstance(db, SqliteDatabase)

    services.shared(app).database_health = DatabaseHealth(lambda: db)
    try:
        with db.connection_context():
            for applied in migrations.upgrade(db):
                log.warning("database upgraded: %s", applied)
    except DatabaseError as exc:
        if not isinstance(db, SqliteDatabase):
            raise  # a server that does not answer: its own message says more than ours
        # A damaged file: the app is still made, so that `coursesite restore` can run;
        # `coursesite serve` refuses to start and /healthz answers 503.
        services.shared(app).database_problem = str(exc) or type(exc).__name__
        log.error("the database is damaged: %s", exc)

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
