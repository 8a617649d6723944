"""Database tables."""

import datetime as dt
import json

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from coursesite.data.database import BaseModel


def utcnow():
    """Return the current time in UTC, naive, as stored in the database."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Setting(BaseModel):
    """A small key/value store for facts about this installation (schema version…)."""

    key = CharField(primary_key=True, max_length=64)
    value = CharField(max_length=255)
    updated = DateTimeField(default=utcnow)


ROLES = ("learner", "helper", "staff")  # each role may do what the ones before it may
# Each preference's allowed values; the first is the default.
DISPLAY_PREFERENCES = {
    "text_size": ("100", "125", "150", "200"),  # percent of the site's already large text
    "contrast": ("normal", "high"),
    "motion": ("normal", "reduced"),
}


class User(BaseModel, UserMixin):
    """A learner, helper or staff account: no email, the least personal data that works."""

    username = CharField(max_length=40, unique=True)  # stored lower-case: unique regardless of case
    display_name = CharField(max_length=80)
    role = CharField(max_length=10, default="learner", index=True)
    language = CharField(max_length=8, default="fr")
    password_hash = CharField(max_length=255)
    preferences = TextField(default="{}")  # JSON, see DISPLAY_PREFERENCES
    # Raised when the password changes: every session signed in before that ends.
    auth_version = IntegerField(default=1)
    active = BooleanField(default=True)
    created = DateTimeField(default=utcnow)
    last_login = DateTimeField(null=True)
    # Set when `coursesite purge` or staff anonymised the account: personal data is gone.
    anonymised_at = DateTimeField(null=True)

    # Set on sign-in with a card, so that revoking the card ends that session too.
    card_id = None
    # "<SignIn id>:<secret>" of the request being served: see accounts/sign_ins.py.
    session_key = None

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """Return the key of this sign-in, kept in the cookies and checked on every request."""
        return self.session_key

    def has_role(self, role: str) -> bool:
        """Tell whether this account may do what `role` may (staff may do all a helper may)."""
        return role in ROLES and self.role in ROLES and ROLES.index(self.role) >= ROLES.index(role)

    @property
    def display_preferences(self) -> dict:
        """Return the display preferences, unknown or invalid values replaced by defaults."""
        try:
            stored = json.loads(self.preferences or "{}")
        except ValueError:
            stored = {}
        stored = stored if isinstance(stored, dict) else {}
        return {
            name: stored.get(name) if stored.get(name) in allowed else allowed[0]
            for name, allowed in DISPLAY_PREFERENCES.items()
        }


class StepProgress(BaseModel):
    """One step a person has done, keyed by lesson id and step id, never by language or position.

    A row outlives edits to the lesson: if the step is removed it is kept but no longer counted,
    and it counts again if a step with that id comes back.
    """

    user = ForeignKeyField(User, backref="progress", on_delete="CASCADE")
    lesson_id = CharField(max_length=200)
    step_id = CharField(max_length=80)
    done_at = DateTimeField(default=utcnow, index=True)  # reports count by period

    class Meta:
        indexes = ((("user", "lesson_id", "step_id"), True),)


class SignInCard(BaseModel):
    """A printed personal sign-in link; only the SHA-256 of its random token is kept."""

    user = ForeignKeyField(User, backref="cards", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created = DateTimeField(default=utcnow)
    revoked = DateTimeField(null=True)


class SignIn(BaseModel):
    """One person signed in on one browser, until they sign out (see accounts/sign_ins.py).

    The cookies hold this row's id and a random secret; only the secret's SHA-256 is stored,
    so a copy of the database opens no account, and ending the row ends every copy of the
    cookies at once.
    """

    user = ForeignKeyField(User, backref="sign_ins", on_delete="CASCADE")
    secret_hash = CharField(max_length=64)
    card = ForeignKeyField(SignInCard, null=True, backref="sign_ins", on_delete="CASCADE")
    auth_version = IntegerField()  # the password version it was opened with
    remember = BooleanField(default=False)  # "Stay signed in" (or a card): a long cookie
    created = DateTimeField(default=utcnow)
    ended = DateTimeField(null=True, index=True)


class KnownAddress(BaseModel):
    """A (username, address) that signed in successfully: a pause on the username spares it.

    The address is the throttle's keyed hash, never the address itself.
    """

    username = CharField(max_length=40, index=True)
    address = CharField(max_length=64)
    last_sign_in = DateTimeField(default=utcnow, index=True)


class LoginFailure(BaseModel):
    """A failed sign-in, kept in the database so that every thread and process sees it."""

    username = CharField(max_length=40, null=True, index=True)  # None for a bad card link
    address = CharField(max_length=64, index=True)
    at = DateTimeField(default=utcnow, index=True)


# How help is given; reports count each kind (funders ask for the three).
SESSION_KINDS = ("lab", "home", "phone")


class HelpSession(BaseModel):
    """A help session: a helper met a learner (at the lab, at their home or by phone, for some
    minutes) and left a lesson path, notes and the next meeting, or no path at all (a phone
    call that only solved a problem: `lessons` is then empty).

    The ordered lesson ids are copied when the path is assigned (from paths.yml or picked by
    the helper), so the printed slip and the learner's home page list the same lessons even if
    paths.yml changes later. Each id is looked up in the catalogue when shown: a lesson that is
    gone is shown as no longer available.
    """

    learner = ForeignKeyField(User, backref="help_sessions", on_delete="CASCADE")
    # Kept when the helper's account is deleted: the learner's history is theirs.
    helper = ForeignKeyField(User, null=True, backref="help_sessions_given", on_delete="SET NULL")
    created = DateTimeField(default=utcnow)
    path_id = CharField(max_length=100, null=True)  # the paths.yml path, None for a custom one
    lessons = TextField(default="[]")  # JSON list of lesson ids, in order
    title = CharField(max_length=200)  # as shown when assigned, in `language`
    note_for_learner = TextField(default="")
    private_note = TextField(default="")  # for helpers only, never shown to the learner
    next_appointment = DateTimeField(null=True)  # the lab's local time, as the helper typed it
    language = CharField(max_length=8, default="fr")
    # The after-session form's one-time key: the same form sent twice saves one help session.
    form_key = CharField(max_length=64, null=True, unique=True)
    kind = CharField(max_length=10, null=True)  # one of SESSION_KINDS; None: not recorded
    minutes = IntegerField(null=True)  # None: not recorded (sessions before kinds existed)

    class Meta:
        table_name = "assignment"  # its name before help sessions had a name of their own
        # Index names from the table name too ("assignment_form_key"), as the first release
        # made them; peewee's default takes them from the class name.
        legacy_table_names = False
        indexes = ((("learner", "created"), False),)

    @property
    def lesson_ids(self) -> list[str]:
        """Return the ordered lesson ids; a damaged value reads as an empty path."""
        try:
            ids = json.loads(self.lessons or "[]")
        except ValueError:
            return []
        return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []

    @property
    def has_path(self) -> bool:
        return bool(self.lesson_ids)

    @classmethod
    def with_path(cls):
        """Return the condition for the help sessions that gave a path (a call may give none)."""
        return cls.lessons != "[]"


class HelpRequest(BaseModel):
    """A learner pressed "I need help" on a step: sent, then taken by a helper, then closed
    (`handled_at`), with the helper's short answer (`reply`) or without one.

    How to reach the learner (`contact_phone`, `contact_when`) is optional and kept only while
    the request is open: closing it erases them.
    """

    learner = ForeignKeyField(User, backref="help_requests", on_delete="CASCADE")
    lesson_id = CharField(max_length=200)
    step_id = CharField(max_length=80)
    message = CharField(max_length=500, default="")
    created = DateTimeField(default=utcnow)
    handled_at = DateTimeField(null=True, index=True)
    handled_by = ForeignKeyField(User, null=True, backref="help_handled", on_delete="SET NULL")
    contact_phone = CharField(max_length=40, default="")
    contact_when = CharField(max_length=120, default="")
    taken_by = ForeignKeyField(User, null=True, backref="help_taken", on_delete="SET NULL")
    taken_at = DateTimeField(null=True)
    reply = TextField(default="")

    class Meta:
        indexes = ((("learner", "lesson_id", "step_id"), False),)

    @property
    def state(self) -> str:
        """Return "sent", "taken", "answered" (closed with a reply) or "closed"."""
        if self.handled_at is not None:
            return "answered" if self.reply else "closed"
        return "taken" if self.taken_by_id else "sent"


class LearnerGroup(BaseModel):
    """A workshop or a partner organisation's group of learners."""

    name = CharField(max_length=80)
    created = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(User, null=True, backref="groups_made", on_delete="SET NULL")


class GroupMember(BaseModel):
    group = ForeignKeyField(LearnerGroup, backref="memberships", on_delete="CASCADE")
    learner = ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    added = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "learner"), True),)


class AccountChange(BaseModel):
    """A change made to an account by staff or a helper: who, when, what (the audit list)."""

    subject = ForeignKeyField(User, backref="changes", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="changes_made", on_delete="SET NULL")
    at = DateTimeField(default=utcnow, index=True)
    action = CharField(max_length=20)  # see accounts/changes.py
    old_value = CharField(max_length=120, default="")
    new_value = CharField(max_length=120, default="")


class QuestionAnswer(BaseModel):
    """One answer a person gave to a lesson's question, right or not: every try is kept.

    Keyed by lesson id and question id, never by language or position, like StepProgress.
    """

    user = ForeignKeyField(User, backref="answers", on_delete="CASCADE")
    lesson_id = CharField(max_length=200)
    question_id = CharField(max_length=80)
    answer = CharField(max_length=500)  # the choices picked, or what was typed
    right = BooleanField()
    answered_at = DateTimeField(default=utcnow, index=True)  # reports count by period

    class Meta:
        indexes = ((("user", "lesson_id", "question_id"), False),)


class Certificate(BaseModel):
    """A certificate of completion, as printed: what it said on the day it was made.

    Anyone may check it at /verify/<code>; staff may withdraw it (`revoked_at`).
    """

    learner = ForeignKeyField(User, backref="certificates", on_delete="CASCADE")
    code = CharField(max_length=16, unique=True)
    # The help session whose path it completes; the certificate keeps what it said without it.
    help_session = ForeignKeyField(
        HelpSession, null=True, backref="certificates", on_delete="SET NULL"
    )
    path_id = CharField(max_length=100, null=True)
    # Set for a single lesson's certificate (paths.yml `lesson_certificates: true`).
    lesson_id = CharField(max_length=200, null=True)
    title = CharField(max_length=200)  # in `language`, the learner's on that day
    lessons = TextField(default="[]")  # JSON [[lesson id, title, minutes], …]
    language = CharField(max_length=8, default="fr")
    issued_at = DateTimeField(default=utcnow, index=True)
    revoked_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("learner", "help_session"), False),)


class LabDetail(BaseModel):
    """One of the lab's details as staff set them ("name.fr", "phone"…): see data/lab.py."""

    key = CharField(primary_key=True, max_length=40)
    value = TextField(default="")
    updated = DateTimeField(default=utcnow)
