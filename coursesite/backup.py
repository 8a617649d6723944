"""`coursesite backup` and `restore`: copies of the SQLite database, safe while serving."""

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

PREFIX = "coursesite-"
EXPECTED_TABLES = {"setting"}


def database_path() -> Path:
    """Return the SQLite file of this app, or stop with a clear message for other databases."""
    url = current_app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise click.ClickException(
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
    os.replace(partial, destination)


def check_database(path: Path) -> None:
    """Refuse a file that is not a sound coursesite database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise click.ClickException(f"{path} is damaged (integrity check failed)")
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        connection.close()
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{path} is not an SQLite database ({exc})") from None
    if not tables >= EXPECTED_TABLES:
        raise click.ClickException(f"{path} is not a coursesite database")


def backup_name() -> str:
    return PREFIX + dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f") + ".db"


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in folder; return what was deleted."""
    backups = sorted(folder.glob(f"{PREFIX}*.db"))
    doomed = backups[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


@click.command("backup")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option(
    "--keep",
    default=14,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="When DEST is a folder, how many copies to keep.",
)
@with_appcontext
def backup_command(dest, keep):
    """Copy the database to DEST (a file, or a folder keeping the last copies)."""
    source = database_path()
    dest = dest or Path(current_app.instance_path) / "backups"
    if dest.is_dir() or not dest.suffix:
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / backup_name()
        copy_database(source, target)
        removed = prune(dest, keep)
        click.echo(
            f"Backup written: {target}" + (f" ({len(removed)} older removed)" if removed else "")
        )
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        copy_database(source, dest)
        click.echo(f"Backup written: {dest}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file, yes):
    """Replace the database with a backup FILE (the current one is saved first)."""
    target = database_path()
    check_database(file)
    if not yes and not click.confirm(
        f"Replace everything in {target} with {file}? Progress recorded since then will be lost.",
        default=False,
    ):
        click.echo("Nothing changed.")
        sys.exit(1)
    safety = Path(current_app.instance_path) / "backups" / ("before-restore-" + backup_name())
    safety.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        copy_database(target, safety)
        click.echo(f"The current database was saved first: {safety}")
    # Restoring through the backup API writes into the live file under SQLite's own locks,
    # so a running server sees either the old or the new database, never a mix.
    with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    click.echo(f"Restored {file} into {target}.")


COMMANDS = (backup_command, restore_command)
