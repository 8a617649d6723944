"""Database tables."""

import datetime as dt

from peewee import CharField, DateTimeField, Model

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


MODELS = [Setting]


def create_tables(db):
    """Create every table that does not exist yet."""
    db.create_tables(MODELS, safe=True)
