"""Tables of what the reports still count about learners whose data was erased."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from coursesite.data.database import BaseModel
from coursesite.data.models import User

# What is left of a learner whose data was erased (by staff, or `coursesite purge`): only what
# the reports count. Each erased learner gets one random `learner_key`, stored nowhere else,
# so that distinct learners can still be counted but nobody can tell whose rows these were.
# Their User row stays as a tombstone (anonymised_at set, no name, no password) for the
# "new learners" counts.


class AnonymousProgress(BaseModel):
    """A step done by a learner since erased."""

    learner_key = CharField(max_length=32, index=True)
    lesson_id = CharField(max_length=200)
    step_id = CharField(max_length=80)
    done_at = DateTimeField(index=True)


class AnonymousSession(BaseModel):
    """A help session given to a learner since erased: by whom, when, how and how long."""

    learner_key = CharField(max_length=32, index=True)
    helper = ForeignKeyField(User, null=True, backref="anonymous_sessions", on_delete="SET NULL")
    created = DateTimeField(index=True)
    kind = CharField(max_length=10, null=True)
    minutes = IntegerField(null=True)


class AnonymousHelpRequest(BaseModel):
    """A help request of a learner since erased, without its message."""

    learner_key = CharField(max_length=32, index=True)
    lesson_id = CharField(max_length=200)
    step_id = CharField(max_length=80)
    created = DateTimeField(index=True)
    handled_at = DateTimeField(null=True, index=True)


class AnonymousAnswer(BaseModel):
    """An answer of a learner since erased: right or not, and when; never what was answered."""

    learner_key = CharField(max_length=32, index=True)
    lesson_id = CharField(max_length=200)
    question_id = CharField(max_length=80)
    right = BooleanField()
    answered_at = DateTimeField(index=True)


class AnonymousCertificate(BaseModel):
    """A certificate of a learner since erased: counted, and its code says "no longer available"."""

    learner_key = CharField(max_length=32, index=True)
    code = CharField(max_length=16, unique=True)
    issued_at = DateTimeField(index=True)
