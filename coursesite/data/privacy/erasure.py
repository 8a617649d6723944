"""Everything stored about a learner (Quebec Law 25): exported on request, erased on request
or after long inactivity.

Erasing keeps the account's row as a tombstone: a random username, no name, no password, no
preferences, `active` off and `anonymised_at` set, so the person can never sign in again and
no helper list shows them. Everything else about them is deleted: sign-in cards, failed
sign-ins under their username, paths with their notes, help requests with their messages,
progress, answers to questions and certificates (a certificate's code alone stays, under
no name, so that its verification page can say it is no longer available). Before that,
what the reports count is copied, without any text typed about the person, to the
Anonymous* tables under one random key that is stored nowhere else: the numbers of past
periods do not change when someone exercises their right to be forgotten, and nobody can
tell whose rows those were. It all happens in one transaction.

Only learners are erased here: helpers' and staff's accounts are managed by hand.
No HTTP here, and nothing personal is ever logged: accounts are named by their id.
"""

import datetime as dt
import logging
import secrets

from flask import current_app
from peewee import chunked

from coursesite.data import models
from coursesite.data.database import database
from coursesite.data.privacy import anonymous_models

log = logging.getLogger(__name__)

# A werkzeug hash always holds a "$"; this never does, so no password can ever match it.
UNUSABLE_PASSWORD = "!erased"

# What the reports count, copied under the learner's random key before their rows go:
# (the anonymous table, the learner's field in the table copied from, the columns copied).
# A helper is copied as their account's id; no text typed about the learner ever is.
ANONYMOUS_COPIES = (
    (
        anonymous_models.AnonymousProgress,
        models.StepProgress.user,
        ("lesson_id", "step_id", "done_at"),
    ),
    (
        anonymous_models.AnonymousSession,
        models.HelpSession.learner,
        ("helper", "created", "kind", "minutes"),
    ),
    (
        anonymous_models.AnonymousHelpRequest,
        models.HelpRequest.learner,
        ("lesson_id", "step_id", "created", "handled_at"),
    ),
    (
        anonymous_models.AnonymousAnswer,
        models.QuestionAnswer.user,
        ("lesson_id", "question_id", "right", "answered_at"),
    ),
    (anonymous_models.AnonymousCertificate, models.Certificate.learner, ("code", "issued_at")),
)


def tombstone_username() -> str:
    """Return a new unguessable username for an erased account."""
    return "deleted-" + secrets.token_hex(8)


def erasable(user: models.User | None) -> bool:
    """Tell whether this account is a learner's whose data is still there to erase."""
    return user is not None and user.role == "learner" and user.anonymised_at is None


def anonymise_learner(user: models.User, now: dt.datetime | None = None) -> None:
    """Erase a learner's personal data, keeping anonymous copies of what the reports count."""
    if not erasable(user):
        raise ValueError("only a learner's account that is not erased yet can be erased")
    key = secrets.token_hex(16)
    now = now or models.utcnow()
    with database.atomic():
        for anonymous, owner, names in ANONYMOUS_COPIES:
            columns = [getattr(owner.model, name) for name in names]
            rows = owner.model.select(*columns).where(owner == user).tuples()
            copy(
                anonymous, [{"learner_key": key, **dict(zip(names, r, strict=True))} for r in rows]
            )
        # Every row that names the learner goes (their copies for the reports were made above).
        for owner in (
            models.QuestionAnswer.user,
            models.Certificate.learner,
            models.StepProgress.user,
            models.HelpSession.learner,
            models.HelpRequest.learner,
            models.SignIn.user,
            models.SignInCard.user,
            models.GroupMember.learner,
            models.AccountChange.subject,
        ):
            owner.model.delete().where(owner == user).execute()
        models.LoginFailure.delete().where(models.LoginFailure.username == user.username).execute()
        models.KnownAddress.delete().where(models.KnownAddress.username == user.username).execute()
        models.User.update(
            username=tombstone_username(),
            display_name="",
            password_hash=UNUSABLE_PASSWORD,
            preferences="{}",
            language=current_app.config["BABEL_DEFAULT_LOCALE"],
            active=False,
            last_login=None,
            # Ends every session the person still had open, on their next request.
            auth_version=models.User.auth_version + 1,
            anonymised_at=now,
        ).where(models.User.id == user.id).execute()
    log.info("erased the personal data of account %d", user.id)


def copy(model, rows: list[dict]) -> None:
    # In batches: SQLite limits the number of values in one statement.
    for batch in chunked(rows, 100):
        model.insert_many(batch).execute()
