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
import json
import logging
import secrets

from flask import current_app
from peewee import chunked, fn

from coursesite.data.database import database
from coursesite.data.models import (
    AccountChange,
    AnonymousAnswer,
    AnonymousCertificate,
    AnonymousHelpRequest,
    AnonymousProgress,
    AnonymousSession,
    Certificate,
    GroupMember,
    HelpRequest,
    HelpSession,
    KnownAddress,
    LoginFailure,
    QuestionAnswer,
    SignIn,
    SignInCard,
    StepProgress,
    User,
    utcnow,
)

log = logging.getLogger(__name__)

# A werkzeug hash always holds a "$"; this never does, so no password can ever match it.
UNUSABLE_PASSWORD = "!erased"


def tombstone_username() -> str:
    """Return a new unguessable username for an erased account."""
    return "deleted-" + secrets.token_hex(8)


def erasable(user: User | None) -> bool:
    """Tell whether this account is a learner's whose data is still there to erase."""
    return user is not None and user.role == "learner" and user.anonymised_at is None


def anonymise_learner(user: User, now: dt.datetime | None = None) -> None:
    """Erase a learner's personal data, keeping anonymous copies of what the reports count."""
    if not erasable(user):
        raise ValueError("only a learner's account that is not erased yet can be erased")
    key = secrets.token_hex(16)
    now = now or utcnow()
    with database.atomic():
        progress = StepProgress.select().where(StepProgress.user == user)
        copy(
            AnonymousProgress,
            [
                {
                    "learner_key": key,
                    "lesson_id": row.lesson_id,
                    "step_id": row.step_id,
                    "done_at": row.done_at,
                }
                for row in progress
            ],
        )
        sessions = HelpSession.select().where(HelpSession.learner == user)
        copy(
            AnonymousSession,
            [
                {
                    "learner_key": key,
                    "helper": row.helper_id,
                    "created": row.created,
                    "kind": row.kind,
                    "minutes": row.minutes,
                }
                for row in sessions
            ],
        )
        requests = HelpRequest.select().where(HelpRequest.learner == user)
        copy(
            AnonymousHelpRequest,
            [
                {
                    "learner_key": key,
                    "lesson_id": row.lesson_id,
                    "step_id": row.step_id,
                    "created": row.created,
                    "handled_at": row.handled_at,
                }
                for row in requests
            ],
        )
        answers = QuestionAnswer.select().where(QuestionAnswer.user == user)
        copy(
            AnonymousAnswer,
            [
                {
                    "learner_key": key,
                    "lesson_id": row.lesson_id,
                    "question_id": row.question_id,
                    "right": row.right,
                    "answered_at": row.answered_at,
                }
                for row in answers
            ],
        )
        certificates = Certificate.select().where(Certificate.learner == user)
        copy(
            AnonymousCertificate,
            [
                {"learner_key": key, "code": row.code, "issued_at": row.issued_at}
                for row in certificates
            ],
        )
        for model, field in (
            (QuestionAnswer, QuestionAnswer.user),
            (Certificate, Certificate.learner),
            (StepProgress, StepProgress.user),
            (HelpSession, HelpSession.learner),
            (HelpRequest, HelpRequest.learner),
            (SignIn, SignIn.user),
            (SignInCard, SignInCard.user),
            (GroupMember, GroupMember.learner),
            (AccountChange, AccountChange.subject),
        ):
            model.delete().where(field == user).execute()
        LoginFailure.delete().where(LoginFailure.username == user.username).execute()
        KnownAddress.delete().where(KnownAddress.username == user.username).execute()
        User.update(
            username=tombstone_username(),
            display_name="",
            password_hash=UNUSABLE_PASSWORD,
            preferences="{}",
            language=current_app.config["BABEL_DEFAULT_LOCALE"],
            active=False,
            last_login=None,
            # Ends every session the person still had open, on their next request.
            auth_version=User.auth_version + 1,
            anonymised_at=now,
        ).where(User.id == user.id).execute()
    log.info("erased the personal data of account %d", user.id)


def copy(model, rows: list[dict]) -> None:
    # In batches: SQLite limits the number of values in one statement.
    for batch in chunked(rows, 100):
        model.insert_many(batch).execute()


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """Return the same day and time `months` calendar months earlier (the 31st may shorten)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def last_activity_of_learners() -> dict[int, dt.datetime]:
    """Return each learner's latest trace: creation, sign-in, step done, help request, path.

    A path given by a helper counts: the learner met someone at the lab that day.
    """
    learners = User.select(User.id, User.created, User.last_login).where(
        (User.role == "learner") & User.anonymised_at.is_null()
    )
    latest = {u.id: max(t for t in (u.created, u.last_login) if t) for u in learners}
    for model, owner, moment in (
        (StepProgress, StepProgress.user, StepProgress.done_at),
        (QuestionAnswer, QuestionAnswer.user, QuestionAnswer.answered_at),
        (HelpRequest, HelpRequest.learner, HelpRequest.created),
        (HelpSession, HelpSession.learner, HelpSession.created),
    ):
        for user_id, when in model.select(owner, fn.MAX(moment)).group_by(owner).tuples():
            if user_id in latest and when and when > latest[user_id]:
                latest[user_id] = when
    return latest


def inactive_learners(months: int, now: dt.datetime | None = None) -> list[tuple[int, dt.datetime]]:
    """Return (account id, last activity) of learners with no trace for over `months` months."""
    cutoff = months_before(now or utcnow(), months)
    return sorted(
        (user_id, when) for user_id, when in last_activity_of_learners().items() if when < cutoff
    )


def purge(months: int, now: dt.datetime | None = None) -> list[int]:
    """Erase the learners inactive for over `months` months; return their account ids."""
    erased = []
    for user_id, _ in inactive_learners(months, now):
        user = User.get_or_none(User.id == user_id)
        if erasable(user):  # not erased by someone else meanwhile
            anonymise_learner(user, now)
            erased.append(user_id)
    log.info("purge: erased %d learners inactive for over %d months", len(erased), months)
    return erased


def iso(moment) -> str | None:
    """Return a stored (naive UTC) time as ISO 8601 with a Z, or None."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def export_user(user: User) -> dict:
    """Return everything stored about a person, for their right of access (Quebec Law 25)."""
    progress = (
        StepProgress.select()
        .where(StepProgress.user == user)
        .order_by(StepProgress.done_at, StepProgress.lesson_id, StepProgress.step_id)
    )
    cards = SignInCard.select().where(SignInCard.user == user).order_by(SignInCard.created)
    failures = (
        LoginFailure.select()
        .where(LoginFailure.username == user.username)
        .order_by(LoginFailure.at)
    )
    return {
        "exported_at": iso(utcnow()),
        "account": {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "language": user.language,
            "display_preferences": user.display_preferences,
            "active": user.active,
            "created": iso(user.created),
            "last_login": iso(user.last_login),
            "password": "stored only as a one-way hash; it cannot be read back",
        },
        "progress": [
            {
                "lesson_id": str(row.lesson_id),
                "step_id": str(row.step_id),
                "done_at": iso(row.done_at),
            }
            for row in progress
        ],
        "sign_in_cards": [
            {"created": iso(card.created), "revoked": iso(card.revoked)} for card in cards
        ],
        # Each browser signed in on (the secret in its cookie is stored only as a hash).
        "sign_ins": [
            {
                "started": iso(row.created),
                "ended": iso(row.ended),
                "stay_signed_in": row.remember,
                "with_a_card": row.card_id is not None,
            }
            for row in SignIn.select().where(SignIn.user == user).order_by(SignIn.created)
        ],
        # Addresses signed in from (keyed hashes): a pause on the username spares them.
        "known_addresses": [
            {"address": row.address, "last_sign_in": iso(row.last_sign_in)}
            for row in KnownAddress.select().where(KnownAddress.username == user.username)
        ],
        # Kept only for the throttle window (minutes), with the address the try came from.
        "failed_sign_ins": [{"at": iso(f.at), "address": f.address} for f in failures],
        # Helpers' notes about the person are theirs to read too, the private ones included.
        # Every help session, with its path when it gave one.
        "paths": [
            {
                "given": iso(a.created),
                "given_by": a.helper.username if a.helper else None,
                "kind": a.kind,
                "minutes": a.minutes,
                "path_id": a.path_id,
                "title": a.title,
                "lessons": a.lesson_ids,
                "note_for_learner": a.note_for_learner,
                "private_note": a.private_note,
                "next_appointment": a.next_appointment.isoformat(timespec="minutes")
                if a.next_appointment
                else None,
            }
            for a in HelpSession.select()
            .where(HelpSession.learner == user)
            .order_by(HelpSession.created, HelpSession.id)
        ],
        # Every answer to a lesson's question, the wrong ones too, and the certificates.
        "answers": [
            {
                "lesson_id": a.lesson_id,
                "question_id": a.question_id,
                "answer": a.answer,
                "right": a.right,
                "answered_at": iso(a.answered_at),
            }
            for a in QuestionAnswer.select()
            .where(QuestionAnswer.user == user)
            .order_by(QuestionAnswer.answered_at, QuestionAnswer.id)
        ],
        "certificates": [
            {
                "code": c.code,
                "title": c.title,
                "path_id": c.path_id,
                "language": c.language,
                "lessons": json.loads(c.lessons or "[]"),
                "issued": iso(c.issued_at),
                "withdrawn": iso(c.revoked_at),
            }
            for c in Certificate.select()
            .where(Certificate.learner == user)
            .order_by(Certificate.issued_at, Certificate.id)
        ],
        "help_requests": [
            {
                "asked": iso(r.created),
                "lesson_id": r.lesson_id,
                "step_id": r.step_id,
                "message": r.message,
                "contact_phone": r.contact_phone,
                "contact_when": r.contact_when,
                "taken_by": r.taken_by.username if r.taken_by else None,
                "handled": iso(r.handled_at),
                "reply": r.reply,
            }
            for r in HelpRequest.select()
            .where(HelpRequest.learner == user)
            .order_by(HelpRequest.created, HelpRequest.id)
        ],
        "groups": [
            m.group.name
            for m in GroupMember.select()
            .where(GroupMember.learner == user)
            .order_by(GroupMember.id)
        ],
        "account_changes": [
            {
                "at": iso(c.at),
                "by": c.actor.username if c.actor else None,
                "change": c.action,
                "from": c.old_value,
                "to": c.new_value,
            }
            for c in AccountChange.select()
            .where(AccountChange.subject == user)
            .order_by(AccountChange.at, AccountChange.id)
        ],
    }
