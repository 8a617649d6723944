"""Which steps a person has done: in their account when signed in, in this browser otherwise.

Progress is keyed by (lesson id, step id), never by language or position, so it survives
restarts, language switches and lesson edits. When staff edit a lesson:

- a step reworded but keeping its id is still done;
- a step removed keeps its record, which is no longer counted (and counts again if a step
  with that id comes back);
- a new step is not done;
- reordered steps stay done or not done by their id, whatever their new position.

A step without an explicit `{#id}` gets an id made from its heading, so rewording that
heading makes it a new step (not done). That is why lessons should give every step an
explicit id, as the starter lessons do.

A visitor's progress lives in the signed session cookie, oldest entries dropped if it ever
outgrew the cookie. After signing in, the person is asked whether those steps are theirs
(visitor.py); on yes they join the account, a step done on both sides kept once with the
earlier time. The session cookie ends with the browser: on a shared computer a visitor's
steps are gone once the browser is closed.
"""

import datetime as dt
import json

from flask import g, session
from markupsafe import Markup, escape

from coursesite import services
from coursesite.data.database import database
from coursesite.data.models import StepProgress, utcnow
from coursesite.data.prepared import PreparedQuery, slot
from coursesite.learn.visitor import VisitorData, of_this_request
from coursesite.web.templating import page_translations

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


# Read on every page of a signed-in learner: its SQL is built once (data/prepared.py).
DONE_STEPS = PreparedQuery(
    lambda: (
        StepProgress.select(StepProgress.lesson_id, StepProgress.step_id, StepProgress.done_at)
        .where(StepProgress.user == slot("user", StepProgress.user))
        .tuples()
    )
)


class AccountStore:
    """Progress kept in the database, one StepProgress row per step done."""

    def __init__(self, user):
        self.user = user

    def load(self) -> dict[tuple[str, str], dt.datetime]:
        # Plain tuples: a learner well along has hundreds of rows, read on every page.
        rows = DONE_STEPS.rows(user=self.user)
        return {(lesson_id, step_id): done_at for lesson_id, step_id, done_at in rows}

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


class Progress:
    """One person's progress, read once per request."""

    def __init__(self, store):
        self.store = store
        self._done = None
        self._touched = None

    @property
    def done(self) -> dict[tuple[str, str], dt.datetime]:
        if self._done is None:
            self._done = self.store.load()
        return self._done

    @property
    def touched_lessons(self) -> set[str]:
        """Return the ids of lessons with at least one step done."""
        if self._touched is None:
            self._touched = {lesson_id for lesson_id, _ in self.done}
        return self._touched

    def is_done(self, lesson_id: str, step_id: str) -> bool:
        return (lesson_id, step_id) in self.done

    def set_done(self, lesson_id: str, step_id: str, done: bool) -> None:
        """Mark a step done or not done."""
        (self.store.add if done else self.store.remove)(lesson_id, step_id)
        self._done = self._touched = None

    def done_numbers(self, lesson) -> list[int]:
        """Return the numbers (from 1) of the lesson's steps that are done."""
        if lesson.id not in self.touched_lessons:  # most lessons, on a catalogue of hundreds
            return []
        return [n for n, step in enumerate(lesson.steps, 1) if self.is_done(lesson.id, step.id)]

    def counts(self, lesson) -> tuple[int, int]:
        """Return (steps done, steps) for the lesson as it is now; removed steps do not count."""
        return len(self.done_numbers(lesson)), len(lesson.steps)

    def next_step(self, lesson) -> int | None:
        """Return the number of the first step not done, or None when all are done."""
        for number, step in enumerate(lesson.steps, 1):
            if not self.is_done(lesson.id, step.id):
                return number
        return None

    def resume(self, lang: str):
        """Return (lesson, step number) of the next step not done in the lesson last worked on.

        Lessons whose steps are all done are skipped; None when nothing is left to continue.
        """
        catalogue = services.catalogue()
        drafts = services.drafts_visible()
        latest: dict[str, dt.datetime] = {}
        for (lesson_id, _step_id), when in self.done.items():
            latest[lesson_id] = max(when, latest.get(lesson_id, when))
        for lesson_id in sorted(latest, key=latest.get, reverse=True):
            lesson = catalogue.get(lang, lesson_id, drafts=drafts) or next(
                (
                    catalogue.get(other, lesson_id, drafts=drafts)
                    for other in catalogue.languages_of(lesson_id, drafts=drafts)
                ),
                None,
            )
            number = lesson and self.next_step(lesson)
            if number:
                return lesson, number
        return None


def current_progress() -> Progress:
    """Return the progress of the person making this request."""
    return of_this_request("progress", Progress, AccountStore, SessionStore)


def merge_visitor_progress(user) -> int:
    """Move this browser's visitor progress into the account; return how many steps it held."""
    visitor = SessionStore(session)
    done = visitor.load()
    account = AccountStore(user)
    with database.atomic():
        for (lesson_id, step_id), when in done.items():
            if len(lesson_id) <= 200 and len(step_id) <= 80:
                account.add(lesson_id, step_id, when)
                # Keep the earlier time when the account already had the step.
                StepProgress.update(done_at=when).where(
                    (StepProgress.user == user)
                    & (StepProgress.lesson_id == lesson_id)
                    & (StepProgress.step_id == step_id)
                    & (StepProgress.done_at > when)
                ).execute()
    visitor.clear()
    g.pop("progress", None)
    return len(done)


VISITOR_STEPS = VisitorData(
    name="steps",
    count=lambda: len(SessionStore(session).load()),
    join=merge_visitor_progress,
    forget=lambda: SessionStore(session).clear(),
)


# What the lesson pages show


def step_state(lesson, number: int) -> dict:
    """Return what the step page shows about this step's progress."""
    progress = current_progress()
    done_count, total = progress.counts(lesson)
    return {
        "done": progress.is_done(lesson.id, lesson.steps[number - 1].id),
        "done_count": done_count,
        "total": total,
    }


def step_count(state: dict) -> Markup:
    """Return the sentence under a step, escaped: "Steps done in this lesson: 3 of 7"."""
    sentence = page_translations().ugettext("Steps done in this lesson: %(done)d of %(total)d")
    return escape(sentence % {"done": state["done_count"], "total": state["total"]})


def lesson_state(lesson) -> dict:
    """Return what the lesson overview shows: steps done, counts and the next step."""
    progress = current_progress()
    done_count, total = progress.counts(lesson)
    return {
        "done_numbers": set(progress.done_numbers(lesson)),
        "done_count": done_count,
        "total": total,
        "next_number": progress.next_step(lesson),
    }


def catalogue_state(lang: str, lessons) -> dict:
    """Return per-lesson and overall counts, and where to continue, for the catalogue."""
    progress = current_progress()
    # Only the lessons with a step done are counted one by one: on a catalogue of
    # thousands, most are untouched, and a page shows a few dozen of them.
    counts = LessonCounts(lang)
    done, touched = 0, progress.touched_lessons
    for lesson in lessons:
        if lesson.id in touched:
            counts[lesson.id] = progress.counts(lesson)
            done += counts[lesson.id][0]
    resume = progress.resume(lang)
    return {
        "counts": counts,
        "done": done,
        # Shown only beside steps done: not worth adding up thousands of lessons otherwise.
        "total": sum(len(lesson.steps) for lesson in lessons) if done else 0,
        "resume": resume and {"lesson": resume[0], "number": resume[1]},
    }


class LessonCounts(dict):
    """(steps done, steps) by lesson id; a lesson nobody touched is (0, steps) when asked."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def __missing__(self, lesson_id: str) -> tuple[int, int]:
        lesson = services.catalogue().get(self.lang, lesson_id, drafts=True)
        if lesson is None:
            raise KeyError(lesson_id)
        return 0, len(lesson.steps)


def find_step(lesson_id: str, step_id: str):
    """Return the lesson (in any language) that has this step, or None."""
    catalogue = services.catalogue()
    drafts = services.drafts_visible()
    for lang in catalogue.languages_of(lesson_id, drafts=drafts):
        lesson = catalogue.get(lang, lesson_id, drafts=drafts)
        if lesson and lesson.step_index(step_id):
            return lesson
    return None
