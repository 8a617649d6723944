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

from flask import g, session
from markupsafe import Markup, escape

from coursesite import services
from coursesite.data.database import database
from coursesite.data.models import StepProgress
from coursesite.learn.progress_stores import AccountStore, SessionStore
from coursesite.learn.visitor import VisitorData, of_this_request
from coursesite.web.templating import page_translations


class Progress:
    """One person's progress, read once per request: everything, or only the lessons asked
    about when the store can read one lesson (a learner's account: a step page reads that
    lesson's rows, not a history of hundreds of steps)."""

    def __init__(self, store):
        self.store = store
        self._done = None
        self._by_lesson = None  # {lesson id: step ids done}, made from everything read
        self._lessons: dict[str, set[str]] = {}  # read one lesson at a time

    @property
    def done(self) -> dict[tuple[str, str], dt.datetime]:
        if self._done is None:
            self._done = self.store.load()
        return self._done

    @property
    def by_lesson(self) -> dict[str, set[str]]:
        """Return the ids of the steps done, by lesson id, for every lesson touched."""
        if self._by_lesson is None:
            if self._done is None and hasattr(self.store, "load_steps"):
                self._by_lesson = self.store.load_steps()
            else:
                found: dict[str, set[str]] = {}
                for lesson_id, step_id in self.done:
                    found.setdefault(lesson_id, set()).add(step_id)
                self._by_lesson = found
        return self._by_lesson

    @property
    def touched_lessons(self):
        """Return the ids of lessons with at least one step done."""
        return self.by_lesson.keys()

    def steps_done(self, lesson_id: str) -> set[str]:
        """Return the ids of the lesson's steps done (removed steps included)."""
        if self._by_lesson is None and self._done is None and hasattr(self.store, "load_lesson"):
            found = self._lessons.get(lesson_id)
            if found is None:
                found = self._lessons[lesson_id] = self.store.load_lesson(lesson_id)
            return found
        return self.by_lesson.get(lesson_id, set())

    def is_done(self, lesson_id: str, step_id: str) -> bool:
        return step_id in self.steps_done(lesson_id)

    def set_done(self, lesson_id: str, step_id: str, done: bool) -> None:
        """Mark a step done or not done."""
        (self.store.add if done else self.store.remove)(lesson_id, step_id)
        self._done = self._by_lesson = None
        self._lessons.clear()

    def done_numbers(self, lesson) -> list[int]:
        """Return the numbers (from 1) of the lesson's steps that are done."""
        done = self.steps_done(lesson.id)
        if not done:  # most lessons, on a catalogue of hundreds
            return []
        return [n for n, step in enumerate(lesson.steps, 1) if step.id in done]

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
        if self._done is None and hasattr(self.store, "last_done"):
            latest = self.store.last_done()
        else:
            latest = {}
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
