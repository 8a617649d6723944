"""What is kept about a person, for their right of access (Quebec Law 25): everything
stored, as one document, and the counts staff see before answering a request.

No HTTP here, and nothing personal is ever logged.
"""

import json

from peewee import Field

from coursesite.data.models import (
    AccountChange,
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
            for a in owned(HelpSession.learner, user, HelpSession.created)
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
            for a in owned(QuestionAnswer.user, user, QuestionAnswer.answered_at)
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
            for c in owned(Certificate.learner, user, Certificate.issued_at)
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
            for r in owned(HelpRequest.learner, user, HelpRequest.created)
        ],
        "groups": [m.group.name for m in owned(GroupMember.learner, user)],
        "account_changes": [
            {
                "at": iso(c.at),
                "by": c.actor.username if c.actor else None,
                "change": c.action,
                "from": c.old_value,
                "to": c.new_value,
            }
            for c in owned(AccountChange.subject, user, AccountChange.at)
        ],
    }


def owned(owner: Field, user: User, *order: Field):
    """Return the rows of `owner`'s table that belong to `user`, oldest first (then by id)."""
    model = owner.model
    return model.select().where(owner == user).order_by(*order, model.id)


def kept_counts(user: User) -> dict[str, int]:
    """Return how many of each kind of row are kept about a learner, for staff's page."""
    return {
        "steps": StepProgress.select().where(StepProgress.user == user).count(),
        "paths": HelpSession.select()
        .where((HelpSession.learner == user) & HelpSession.with_path())
        .count(),
        "requests": HelpRequest.select().where(HelpRequest.learner == user).count(),
        "cards": SignInCard.select().where(SignInCard.user == user).count(),
        "answers": QuestionAnswer.select().where(QuestionAnswer.user == user).count(),
        "certificates": Certificate.select().where(Certificate.learner == user).count(),
    }
