"""How many learners began and finished lessons in a period, and did each step: counted by
the database (reports.py gives the definitions).

A lab's years of steps never come to Python: the period's steps are found by their time,
and a learner's earlier steps are only looked up for the lessons they worked on in it.
"""

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, SQL, Case, Expression, Field, Select, Tuple, fn

from coursesite.data.database import database
from coursesite.data.models import StepProgress, User
from coursesite.data.privacy.anonymous_models import AnonymousProgress
from coursesite.lessons.model import Lesson
from coursesite.staff.reports.periods import in_period

STEPS_PER_QUERY = 500  # lesson steps given to one query as values (twice: lesson, step)


@dataclass(frozen=True)
class StepTable:
    """A table of steps done, and which of its rows count: live learners' or erased ones'."""

    model: type  # StepProgress or AnonymousProgress: lesson_id, step_id, done_at
    learner: Field  # the column that tells learners apart
    counted: Expression  # the rows of learners that count


def step_tables(learners: set[int] | None = None) -> list[StepTable]:
    """Return the tables to count steps in: learners' steps (of `learners` only, when given: a
    group), then erased learners', who belong to no group any more."""
    # "Not a helper's or staff's" rather than "a learner's": every step belongs to an account
    # (a foreign key), and so written the database finds the period's steps by their time
    # first, not every learner's steps one learner after another.
    live = StepProgress.user.not_in(User.select(User.id).where(User.role != "learner"))
    if learners is not None:
        live &= StepProgress.user.in_(list(learners))
        return [StepTable(StepProgress, StepProgress.user, live)]
    erased = AnonymousProgress.learner_key.is_null(False)
    return [
        StepTable(StepProgress, StepProgress.user, live),
        StepTable(AnonymousProgress, AnonymousProgress.learner_key, erased),
    ]


def steps_in(table: StepTable, start: dt.datetime, end: dt.datetime, *columns):
    """Return a query of the counted steps done in the period."""
    return table.model.select(*columns).where(
        table.counted & in_period(table.model.done_at, start, end)
    )


def lessons_begun_in(table: StepTable, start: dt.datetime, end: dt.datetime) -> Select:
    """Return a query of (learner, lesson id) of each learner with a step of a lesson in the
    period."""
    query = steps_in(table, start, end, table.learner.alias("learner"), table.model.lesson_id)
    return query.distinct()


def lessons_started(table: StepTable, start: dt.datetime, end: dt.datetime) -> int:
    """Return how many learners did their first step ever of a lesson in the period."""
    active = lessons_begun_in(table, start, end).alias("active")
    earlier = table.model.alias()
    first_steps = Select([active], [SQL("1")]).where(
        ~fn.EXISTS(
            earlier.select(SQL("1")).where(
                (getattr(earlier, table.learner.name) == active.c.learner)
                & (earlier.lesson_id == active.c.lesson_id)
                & (earlier.done_at < start)
            )
        )
    )
    return first_steps.count(database)


def lessons_finished(
    table: StepTable, start: dt.datetime, end: dt.datetime, lessons: dict[str, dict[str, Lesson]]
) -> int:
    """Return how many learners finished a lesson in the period: every step of one of its
    languages done, the last of them in the period (and no language complete before it)."""
    # Only a lesson with a step done in the period can be finished in it; its steps go into
    # the query as values, so they go in a few hundred at a time (PostgreSQL takes at most
    # 65,535 values in one statement, SQLite's usual build 32,766, and a learner may have
    # worked on thousands of lessons).
    begun = steps_in(table, start, end, table.model.lesson_id).distinct().tuples()
    ids = sorted({lesson_id for (lesson_id,) in begun} & lessons.keys())
    finished, chunk, steps = 0, [], 0
    for lesson_id in ids:
        chunk.append(lesson_id)
        steps += sum(len(version.steps) for version in lessons[lesson_id].values())
        if steps >= STEPS_PER_QUERY or lesson_id == ids[-1]:
            finished += finished_among(table, start, end, {i: lessons[i] for i in chunk})
            chunk, steps = [], 0
    return finished


def finished_among(
    table: StepTable, start: dt.datetime, end: dt.datetime, lessons: dict[str, dict[str, Lesson]]
) -> int:
    """Return how many learners finished one of these lessons in the period."""
    languages = sorted({lang for versions in lessons.values() for lang in versions})
    if not lessons:
        return 0
    steps_of = {
        lang: [
            (lesson_id, step.id)
            for lesson_id, versions in lessons.items()
            if lang in versions
            for step in versions[lang].steps
        ]
        for lang in languages
    }
    # Only a learner with a step of the lesson in the period can have finished it in it.
    active = lessons_begun_in(table, start, end).cte("active")
    done = table.model.alias()
    columns = []
    for lang in languages:
        # For each language: how many of its steps the learner did, and whether the last of
        # them was done in the period.
        of_lang = Tuple(done.lesson_id, done.step_id).in_(steps_of[lang] or [("", "")])
        columns += [
            fn.COUNT(Case(None, [(of_lang, done.step_id)]).distinct()),
            fn.MAX(Case(None, [(of_lang, done.done_at)])) >= start,
        ]
    # Cross joins, their conditions below, keep SQLite to this order: the learners active in
    # the period first, then their steps of the lesson.
    query = (
        Select([active], [active.c.learner, active.c.lesson_id, *columns])
        .join(done, JOIN.CROSS)
        .where(
            (getattr(done, table.learner.name) == active.c.learner)
            & (done.lesson_id == active.c.lesson_id)
            & active.c.lesson_id.in_(list(lessons))
            & (done.done_at < end)
        )
        .group_by(active.c.learner, active.c.lesson_id)
        .with_cte(active)
    )
    finished = 0
    for _learner, lesson_id, *counts in query.tuples().execute(database):
        versions = lessons[lesson_id]
        # Its time is when the first language was complete: every complete one's last step
        # must be in the period.
        complete = [
            bool(late)
            for lang, count, late in zip(languages, counts[::2], counts[1::2], strict=True)
            if lang in versions
            and versions[lang].steps
            and count == len({step.id for step in versions[lang].steps})
        ]
        finished += bool(complete) and all(complete)
    return finished
