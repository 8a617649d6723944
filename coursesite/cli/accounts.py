"""Account commands: create-user, import-learners, export-learner.

Messages are in English like the rest of the `coursesite` command; the printed cards are
in each learner's own language.
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import force_locale
from markupsafe import Markup

from coursesite.accounts.cards import issue_card, render_card
from coursesite.accounts.learner_csv import MAX_FILE_BYTES, LearnerImportError
from coursesite.accounts.learner_import import (
    DUPLICATE_CHOICES,
    DuplicatesToDecide,
    import_learners,
)
from coursesite.accounts.users import AccountError, create_user, normalize_username
from coursesite.data.database import database
from coursesite.data.models import ROLES, User
from coursesite.data.privacy.personal_export import export_user


def public_base() -> str:
    """Return the site address for printed links: PUBLIC_URL, else this machine on port 8000."""
    from coursesite.web.network import site_urls

    return (current_app.config.get("PUBLIC_URL") or site_urls("0.0.0.0", 8000)[0]).rstrip("/") + "/"


def fail(problems) -> None:
    """Print each problem on standard error and exit with status 1."""
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(1)


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
@click.option("--name", help="The name shown on pages and cards (default: the username).")
@click.option("--password", help="Its password (default: an easy one, printed once).")
@click.option("--language", help="fr or en (default: the site's language).")
@with_appcontext
def create_user_command(username, role, name, password, language):
    """Create an account; without --password, print an easy generated one once."""
    with force_locale("en"), database.connection_context():
        try:
            user, generated = create_user(username, role, name, password, language)
        except AccountError as exc:
            fail(exc.problems)
    click.echo(f"Created {user.role} “{user.username}” ({user.display_name}).")
    if generated:
        click.echo(f"Password: {generated}")
        click.echo("Write it down or give it to the person now: it will not be shown again.")
    if user.role == "learner":
        click.echo(f"Print a sign-in card at {public_base()}helper/learners/{user.id}/card")


def read_start(path: Path) -> bytes:
    """Return the file's bytes, no more than a list of learners can hold (plus one)."""
    try:
        with path.open("rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None


@click.command("import-learners")
@click.argument(
    "csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the printable sheet of cards (default: a new file here).",
)
@click.option(
    "--duplicates",
    type=click.Choice(DUPLICATE_CHOICES),
    help="For names already known (in the file or the database): skip them as the same "
    "person, or create new people with the next free username. Required when there are any.",
)
@with_appcontext
def import_learners_command(csv_file, sheet, duplicates):
    """Create a workshop's learners from a CSV file (name, username, language), all or none."""
    app = current_app._get_current_object()
    sheet = sheet or Path(f"learner-cards-{dt.datetime.now():%Y%m%d-%H%M%S}.html")
    with force_locale("en"), database.connection_context():
        try:
            with database.atomic():
                found = import_learners(read_start(csv_file), duplicates)
                learners = [learner for learner in found if learner.created]
                tokens = [issue_card(learner.user) for learner in learners]
        except LearnerImportError as exc:
            fail(
                [*exc.problems, "Nothing was imported: correct the file and run the command again."]
            )
        except DuplicatesToDecide as exc:
            fail(
                [
                    f"line {learner.line}: {learner.name}: " + " ".join(map(str, learner.reasons))
                    for learner in exc.learners
                ]
                + [
                    "Nothing was imported: these names are already known. Run the command "
                    "again with --duplicates skip (the same people: no new account) or "
                    "--duplicates create (new people, with the next free username)."
                ]
            )
    with app.test_request_context("/", base_url=public_base()):
        cards = [
            render_card(learner.user, token, learner.password)
            for learner, token in zip(learners, tokens, strict=True)
        ]
        css = (Path(app.static_folder) / "css" / "cards.css").read_text(encoding="utf-8")
        html = render_template(
            "cards/sheet_file.html",
            cards=cards,
            css=Markup(css),
            lang=app.config["BABEL_DEFAULT_LOCALE"],
        )
    # Owner-only: the sheet holds passwords and sign-in links until it is printed.
    fd = os.open(sheet, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(html)
    for learner in found:
        if not learner.created:
            click.echo(f"Skipped line {learner.line}: {learner.name} (already known).")
    click.echo(f"Created {len(learners)} learners:")
    for learner in learners:
        click.echo(
            f"  line {learner.line}: {learner.name} — username {learner.username}, "
            f"password {learner.password}"
        )
    click.echo(
        f"Their sign-in cards are in {sheet}: print it, then delete it (it holds passwords)."
    )


@click.command("export-learner")
@click.argument("username")
@with_appcontext
def export_learner_command(username):
    """Print everything stored about a person as one JSON document (Quebec Law 25)."""
    with database.connection_context():
        user = User.get_or_none(User.username == normalize_username(username))
        if user is None:
            fail([f"there is no account with the username “{username}”."])
        document = export_user(user)
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


COMMANDS = (create_user_command, import_learners_command, export_learner_command)
