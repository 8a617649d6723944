"""Is the database sound? SQLite's quick_check, cheap enough to run once a minute at most.

`/healthz` and `coursesite serve` ask; a damaged file is reported with the way back:
`coursesite restore` and the newest backup.
"""

import threading
import time
from pathlib import Path

from peewee import Database, DatabaseError, SqliteDatabase

CHECK_EVERY = 60.0  # seconds a result is reused: quick_check reads every page of the file


def problem_of(db: Database) -> str | None:
    """Return what is wrong with the database, or None when it answers and is sound."""
    try:
        with db.connection_context():
            if not isinstance(db, SqliteDatabase):
                db.execute_sql("SELECT 1").fetchone()
                return None
            # quick_check(1): stop at the first problem; it skips the slow index comparison.
            result = db.execute_sql("PRAGMA quick_check(1)").fetchone()[0]
    except DatabaseError as exc:
        return str(exc) or type(exc).__name__
    return None if result == "ok" else result


class DatabaseHealth:
    """The last quick_check of one app's database, redone at most once a minute."""

    def __init__(self, db_of, clock=time.monotonic):
        self._db_of = db_of  # a function: the database is opened after this object is made
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._problem: str | None = None

    def problem(self) -> str | None:
        """Return the database's problem (None when sound), from a check under a minute old."""
        with self._lock:  # one thread checks; the others wait for its answer
            now = self._clock()
            if self._checked_at is None or now - self._checked_at >= CHECK_EVERY:
                self._problem = problem_of(self._db_of())
                self._checked_at = self._clock()
            return self._problem


def newest_backup(folder: Path) -> Path | None:
    """Return the newest backup in a folder (by name: they are named by date), if any."""
    backups = sorted(folder.glob("coursesite-*.db")) if folder.is_dir() else []
    return backups[-1] if backups else None


def how_to_restore(database: Path, instance: Path) -> str:
    """Return the sentences that tell an operator how to get a sound database back."""
    backup = newest_backup(instance / "backups")
    if backup:
        return (
            f"Stop here and restore the newest backup:\n"
            f"  coursesite restore {backup}\n"
            f"(coursesite backup makes copies; the damaged file is kept in {instance / 'backups'}.)"
        )
    return (
        f"No backup was found in {instance / 'backups'}. If you have a copy elsewhere:\n"
        f"  coursesite restore /path/to/copy.db\n"
        f"Otherwise move {database} away and run coursesite init to start an empty database."
    )
