"""Where a person's steps done are kept: this browser's session cookie for a visitor, the
account's StepProgress rows for a signed-in person (progress.py reads them through either).

An account's rows are read as each page needs them: a step page one lesson's, the
catalogue every lesson's steps without their times and one time per lesson.
"""

import datetime as dt
import json

from peewee import fn

from coursesite.data.models import StepProgress, utcnow
from coursesite.data.prepared import PreparedQuery, slot

SESSION_KEY = "progress"
# Browsers drop cookies over 4 KB; stay well below, leaving room for the rest of the session.
SESSION_BUDGET = 2400


class SessionStore:
    """Progress kept in the browser's session: [[lesson id, step id, unix time], …]."""

    def __init__(self, session):
        self.session = session

    def load(self) -> dict[tuple[str, str], dt.datetime]:
        done = {}
        for entry in self.session.get(SESSION_KEY, []):
            if (
                isinstance(entry, list)
                and len(entry) == 3
                and isinstance(entry[0], str)
                and isinstance(entry[1], str)
                and isinstance(entry[2], int)
            ):
                when = dt.datetime.fromtimestamp(entry[2], dt.UTC).replace(tzinfo=None)
                done[(entry[0], entry[1])] = when
        return done

    def _save(self, done: dict) -> None:
        entries = sorted(
            (
                [lesson_id, step_id, int(when.replace(tzinfo=dt.UTC).timestamp())]
                for (lesson_id, step_id), when in done.items()
            ),
            key=lambda entry: entry[2],
        )
        while entries and len(json.dumps(entries)) > SESSION_BUDGET:
            entries.pop(0)  # the oldest goes first; signed-in progress has no such limit
        self.session[SESSION_KEY] = entries

    def add(self, lesson_id: str, step_id: str) -> None:
        done = self.load()
        done.setdefault((lesson_id, step_id), utcnow())
        self._save(done)

    def remove(self, lesson_id: str, step_id: str) -> None:
        done = self.load()
        done.pop((lesson_id, step_id), None)
        self._save(done)

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)


# Every step with its time: where the whole history is needed (joining a visitor's steps,
# "continue" from a store without last_done). Its SQL is built once (data/prepared.py).
DONE_STEPS = PreparedQuery(
    lambda: (
        StepProgress.select(StepProgress.lesson_id, StepProgress.step_id, StepProgress.done_at)
        .where(StepProgress.user == slot("user", StepProgress.user))
        .tuples()
    )
)

# Read on every step page of a signed-in learner: that lesson's rows alone (through the
# unique (user, lesson, step) index), whatever the length of the learner's history.
LESSON_STEPS_DONE = PreparedQuery(
    lambda: (
        StepProgress.select(StepProgress.step_id)
        .where(
            (StepProgress.user == slot("user", StepProgress.user))
            & (StepProgress.lesson_id == slot("lesson", StepProgress.lesson_id))
        )
        .tuples()
    )
)

# The catalogue's: every lesson's steps, without the times (reading a time costs more than
# the rest of the row); then one time per lesson, for "continue where you left off".
STEPS_DONE = PreparedQuery(
    lambda: (
        StepProgress.select(StepProgress.lesson_id, StepProgress.step_id)
        .where(StepProgress.user == slot("user", StepProgress.user))
        .tuples()
    )
)
LAST_DONE = PreparedQuery(
    lambda: (
        StepProgress.select(StepProgress.lesson_id, fn.MAX(StepProgress.done_at))
        .where(StepProgress.user == slot("user", StepProgress.user))
        .group_by(StepProgress.lesson_id)
        .tuples()
    )
)


class AccountStore:
    """Progress kept in the database, one StepProgress row per step done."""

    def __init__(self, user):
        self.user = user

    def load(self) -> dict[tuple[str, str], dt.datetime]:
        # Plain tuples: a learner well along has hundreds of rows.
        rows = DONE_STEPS.rows(user=self.user)
        return {(lesson_id, step_id): done_at for lesson_id, step_id, done_at in rows}

    def load_lesson(self, lesson_id: str) -> set[str]:
        """Return the ids of one lesson's steps done: what a step page needs."""
        rows = LESSON_STEPS_DONE.plain_rows(user=self.user, lesson=lesson_id)
        return {step_id for (step_id,) in rows}

    def load_steps(self) -> dict[str, set[str]]:
        """Return the ids of the steps done by lesson id, without their times: what the
        catalogue counts."""
        found: dict[str, set[str]] = {}
        for lesson_id, step_id in STEPS_DONE.plain_rows(user=self.user):
            found.setdefault(lesson_id, set()).add(step_id)
        return found

    def last_done(self) -> dict[str, dt.datetime]:
        """Return when a step of each lesson was last done, by lesson id."""
        return dict(LAST_DONE.rows(user=self.user))

    def add(self, lesson_id: str, step_id: str, when: dt.datetime | None = None) -> None:
        # The unique (user, lesson, step) index makes a second mark a no-op: never doubled.
        StepProgress.insert(
            user=self.user, lesson_id=lesson_id, step_id=step_id, done_at=when or utcnow()
        ).on_conflict_ignore().execute()

    def remove(self, lesson_id: str, step_id: str) -> None:
        StepProgress.delete().where(
            (StepProgress.user == self.user)
            & (StepProgress.lesson_id == lesson_id)
            & (StepProgress.step_id == step_id)
        ).execute()
