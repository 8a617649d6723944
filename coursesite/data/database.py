"""The database proxy and the base of every table: the leaf that every data module imports.

peewee binds models to a database object when their class is defined; the proxy is pointed at
the real database (SQLite in the instance folder, or DATABASE_URL) by
`coursesite.data.schema.setup`.
"""

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect

database = DatabaseProxy()

# WAL with synchronous=FULL: each commit reaches the disk (fdatasync of the WAL) before the
# request that made it is answered, so an answered "I did this step" survives a power cut.
# (NORMAL syncs only at checkpoints: safe from a crash of the program, not from a power cut.)
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "full",
}


class BaseModel(Model):
    class Meta:
        database = database


def open_database(url: str, synchronous: str = "full"):
    """Return an unconnected peewee database for a sqlite:/// or postgresql:// URL."""
    if url.startswith("sqlite:///"):
        pragmas = {**SQLITE_PRAGMAS, "synchronous": synchronous}
        return SqliteDatabase(url.removeprefix("sqlite:///"), pragmas=pragmas)
    return connect(url)
