"""Privacy commands (Quebec Law 25): delete-learner, and purge to run on a schedule.

`purge` is meant for cron or the Windows Task Scheduler (README, "Privacy requests"): what it
prints names accounts by their id only, so its output can go to a log file.
"""

import click
from flask import current_app
from flask.cli import with_appcontext

from coursesite.accounts.users import normalize_username
from coursesite.cli.accounts import fail
from coursesite.data.database import database
from coursesite.data.models import User
from coursesite.data.privacy.erasure import anonymise_learner
from coursesite.data.privacy.inactivity import inactive_learners, purge


@click.command("delete-learner")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Delete without asking to confirm.")
@with_appcontext
def delete_learner_command(username, yes):
    """Delete a learner's personal data for good, keeping anonymous counts for the reports."""
    with database.connection_context():
        user = User.get_or_none(User.username == normalize_username(username))
        if user is None or user.anonymised_at is not None:
            fail([f"there is no account with the username “{username}”."])
        if user.role != "learner":
            fail(
                [
                    f"“{user.username}” is a {user.role}'s account: only learners' data is "
                    "deleted by this command."
                ]
            )
        if not yes:
            click.confirm(
                f"Delete the personal data of “{user.username}” ({user.display_name}) for good? "
                "Run `coursesite export-learner` first if they want a copy.",
                abort=True,
            )
        anonymise_learner(user)
    click.echo(
        f"The personal data of “{user.username}” is deleted. The reports keep anonymous counts."
    )


@click.command("purge")
@click.option(
    "--months",
    type=click.IntRange(min=1, max=1200),
    help="Inactive for more than this many months (default: PURGE_AFTER_MONTHS, 24).",
)
@click.option("--dry-run", is_flag=True, help="Only say how many and which accounts, by id.")
@with_appcontext
def purge_command(months, dry_run):
    """Anonymise the learners inactive for more than PURGE_AFTER_MONTHS months (Law 25)."""
    months = months or int(current_app.config["PURGE_AFTER_MONTHS"])
    if months < 1:
        fail(["PURGE_AFTER_MONTHS must be at least 1."])
    with database.connection_context():
        if dry_run:
            found = inactive_learners(months)
            click.echo(
                f"{len(found)} learner accounts have had no activity for more than "
                f"{months} months and would be anonymised:"
            )
            for user_id, when in found:
                click.echo(f"  account {user_id}, last activity {when:%Y-%m-%d}")
            click.echo("Nothing was changed (--dry-run).")
            return
        erased = purge(months)
    click.echo(
        f"Anonymised {len(erased)} learner accounts with no activity for more than {months} months."
    )


COMMANDS = (delete_learner_command, purge_command)
