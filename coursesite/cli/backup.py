"""`coursesite backup` and `restore`: copies of the SQLite database, safe while serving."""

import shutil
import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from coursesite import services
from coursesite.data.safekeeping.backup import (
    BackupError,
    backup_name,
    check_database,
    copy_database,
    database_path,
    prune,
)
from coursesite.data.safekeeping.private_files import make_private
from coursesite.data.schema import migrations


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
    """Replace the database with a backup FILE (the current one is saved first).

    What was done since the backup to keep accounts safe is kept: cards stopped since then
    stay stopped, sign-ins ended since then stay ended, and new passwords stay.
    """
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
    kept = None
    if target.exists():
        try:
            copy_database(target, safety)
            kept = read_security_state(target)
        except sqlite3.DatabaseError:
            # A damaged file cannot be read page by page: keep it as it is, for the record.
            shutil.copyfile(target, safety)
            make_private(safety)
        click.echo(f"The current database was saved first: {safety}")
    # Restoring through the backup API writes into the live file under SQLite's own locks,
    # so a running server sees either the old or the new database, never a mix.
    try:
        restore_into(file, target)
    except sqlite3.DatabaseError:
        for suffix in ("", "-wal", "-shm"):  # damaged beyond use: start from a fresh file
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        restore_into(file, target)
    # A backup made by an older version lacks newer tables and columns: add them now.
    db = services.database()
    with db.connection_context():
        migrations.upgrade(db)
    click.echo(f"Restored {file} into {target}.")
    if kept is None:
        click.echo(
            "The current database could not be read: cards stopped, sign-ins ended and "
            "passwords changed since the backup are undone. Old cards work again: print new "
            "cards for learners who lost theirs, and give new passwords where needed."
        )
        return
    cards, sign_ins, passwords = reapply_security_state(target, kept)
    click.echo(
        f"Kept from the current database: {cards} stopped cards, {sign_ins} ended sign-ins, "
        f"{passwords} new passwords."
    )


def restore_into(file: Path, target: Path) -> None:
    with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def read_security_state(path: Path) -> dict:
    """Return the cards stopped, sign-ins ended and password versions of a database."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        state = {
            "cards": db.execute(
                "SELECT token_hash, revoked FROM signincard WHERE revoked IS NOT NULL"
            ).fetchall(),
            "users": db.execute(
                'SELECT id, username, password_hash, auth_version FROM "user"'
            ).fetchall(),
            "sign_ins": db.execute(
                "SELECT secret_hash, ended FROM signin WHERE ended IS NOT NULL"
            ).fetchall()
            if "signin" in tables
            else [],
        }
    db.close()
    return state


# What is re-applied to a restored database, from the state read before restoring: each
# UPDATE takes one row of that state as its numbered parameters. A password changed since
# the backup (a lost card, a leaked password) stays changed, and the sign-ins made with the
# old one stay ended.
REAPPLIED = (
    ("cards", "UPDATE signincard SET revoked = ?2 WHERE token_hash = ?1 AND revoked IS NULL"),
    ("sign_ins", "UPDATE signin SET ended = ?2 WHERE secret_hash = ?1 AND ended IS NULL"),
    (
        "users",
        'UPDATE "user" SET password_hash = ?3, auth_version = ?4 '
        "WHERE id = ?1 AND username = ?2 AND auth_version < ?4",
    ),
)


def reapply_security_state(path: Path, state: dict) -> tuple[int, int, int]:
    """Re-apply to a restored database what was done since its backup to keep accounts safe.

    Return how many cards were revoked, sign-ins ended and passwords changed again.
    """
    with sqlite3.connect(path) as db:
        # executemany's rowcount is the sum of the rows each UPDATE changed.
        cards, sign_ins, passwords = (
            db.executemany(sql, state[key]).rowcount for key, sql in REAPPLIED
        )
    db.close()
    return cards, sign_ins, passwords


COMMANDS = (backup_command, restore_command)
