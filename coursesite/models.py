"""Database tables."""

import datetime as dt
import json

from flask_login import UserMixin
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from coursesite.db import database


def utcnow():
    """Return the current time in UTC, naive, as stored in the database."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database


class Setting(BaseModel):
    """A small key/value store for facts about this installation (schema version…)."""

    key = CharField(primary_key=True, max_length=64)
    value = CharField(max_length=255)
    updated = DateTimeField(default=utcnow)


ROLES = ("learner", "helper", "staff")  # each role may do what the ones before it may
DISPLAY_PREFERENCES = {"text_size": ("normal", "large", "larger")}  # first value is the default


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

    # Set on sign-in with a card, so that revoking the card ends that session too.
    card_id = None

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """Return the session id: user, password version and card, checked on every request."""
        return f"{self.id}:{self.auth_version}:{self.card_id or 0}"

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
    done_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "lesson_id", "step_id"), True),)


class SignInCard(BaseModel):
    """A printed personal sign-in link; only the SHA-256 of its random token is kept."""

    user = ForeignKeyField(User, backref="cards", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created = DateTimeField(default=utcnow)
    revoked = DateTimeField(null=True)


class LoginFailure(BaseModel):
    """A failed sign-in, kept in the database so that every thread and process sees it."""

    username = CharField(max_length=40, null=True, index=True)  # None for a bad card link
    address = CharField(max_length=64, index=True)
    at = DateTimeField(default=utcnow, index=True)


MODELS = [Setting, User, StepProgress, SignInCard, LoginFailure]


def create_tables(db):
    """Create every table that does not exist yet."""
    db.create_tables(MODELS, safe=True)
