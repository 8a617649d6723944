"""Files only the service can read: the database, the search index, backups, the secret key.

The database and its backups hold names, progress and helpers' private notes (Quebec Law 25).
On Linux and macOS, `restrict_new_files()` sets the process umask at start-up, so every file
the service creates (SQLite makes its -wal and -shm files like the database file) is
readable and writable by its own account only; `coursesite init` fixes files made before.
On Windows the mode bits mean little: the instance folder's access list does the same job
(README, "Files only the service can read").
"""

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700
# Personal data, or the key that signs every cookie; the lesson files and their picture
# copies are the same for everyone and keep their modes.
PRIVATE_PATTERNS = ("*.db", "*.db-wal", "*.db-shm", "*.db-journal", "secret_key", "config.py")


def restrict_new_files() -> None:
    """Make every file this process creates from now on private to its account."""
    if os.name == "posix":
        os.umask(0o077)


def make_private(path: Path) -> None:
    """Make one file readable and writable by this account only (POSIX; no-op elsewhere)."""
    if os.name == "posix":
        os.chmod(path, FILE_MODE)


def private_files(instance: Path, database: Path | None) -> list[Path]:
    """Return the files of the instance folder (and the database, wherever it is) to protect."""
    found = set()
    for folder in (instance, instance / "backups"):
        if folder.is_dir():
            for pattern in PRIVATE_PATTERNS:
                found.update(p for p in folder.glob(pattern) if p.is_file())
    if database is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            candidate = database.with_name(database.name + suffix)
            if candidate.is_file():
                found.add(candidate)
    return sorted(found)


def fix_modes(instance: Path, database: Path | None) -> list[Path]:
    """Make the instance folder and its private files this account's only; return what changed."""
    if os.name != "posix":
        return []
    changed = []
    for folder in (instance, instance / "backups"):
        if folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) != FOLDER_MODE:
            os.chmod(folder, FOLDER_MODE)
            changed.append(folder)
    for path in private_files(instance, database):
        try:
            if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
                os.chmod(path, FILE_MODE)
                changed.append(path)
        except FileNotFoundError:
            # A journal that SQLite (the search index, indexing meanwhile) just removed.
            continue
    return changed
