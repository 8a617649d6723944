"""`coursesite backup` and `restore`: copies of the SQLite database, safe while serving."""

import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from coursesite.data.backup import (
    BackupError,
    backup_name,
    check_database,
    copy_database,
    database_path,
    prune,
)


def checked(function, *args):
    """Run a backup function, turning its refusal into a clean one-line error."""
    try:
        return function(*args)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


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
    source = checked(database_path)
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
    target = checked(database_path)
    checked(check_database, file)
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
