"""Copies of the SQLite database made with SQLite's online backup, safe while serving."""

import datetime as dt
import os
import sqlite3
from pathlib import Path

from flask import current_app

from coursesite.data.safekeeping.private_files import make_private

PREFIX = "coursesite-"
EXPECTED_TABLES = {"setting"}


class BackupError(Exception):
    """A backup or restore that cannot be done, said in a sentence for the terminal."""


def database_path() -> Path:
    """Return the SQLite file of this app, or stop with a clear message for other databases."""
    url = current_app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise BackupError(
            "backup and restore handle the SQLite database; "
            "for PostgreSQL use pg_dump and pg_restore"
        )
    return Path(url.removeprefix("sqlite:///"))


def copy_database(source: Path, destination: Path) -> None:
    """Copy an SQLite database with SQLite's online backup, atomically at the destination."""
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    # The online backup API copies a consistent snapshot even while other threads and
    # processes write (WAL); a plain file copy could catch a half-written page.
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
        sqlite3.connect(partial) as dst,
    ):
        src.backup(dst)
    src.close()
    dst.close()
    make_private(partial)  # a copy written elsewhere (a USB key) is private too
    os.replace(partial, destination)


def check_database(path: Path) -> None:
    """Refuse a file that is not a sound coursesite database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (integrity check failed)")
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database ({exc})") from None
    if not tables >= EXPECTED_TABLES:
        raise BackupError(f"{path} is not a coursesite database")


def backup_name() -> str:
    return PREFIX + dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f") + ".db"


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in folder; return what was deleted."""
    backups = sorted(folder.glob(f"{PREFIX}*.db"))
    doomed = backups[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed
