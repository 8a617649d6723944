"""Numbers for funders and lesson authors: what learners did over a period. No HTTP here.

How each number is counted (the report page and the README say the same):

- A period is whole days in the lab's local time (the server's time zone), the first and the
  last day included. Times are stored in UTC without a zone, so the days are turned into UTC
  bounds here, in Python, and the database only compares times: the same queries run on
  SQLite and PostgreSQL, and a step done at 23:30 on the last evening counts in the period.
- Only learners count: helpers and staff trying a lesson out are left out.
- Active learners: learners with a step done, a help request or a help session in the period.
- New learners: learner accounts created in the period.
- Help sessions: as recorded by the after-session form (at the lab, at home or by phone, and
  how many minutes), per kind and per helper; sessions recorded before kinds existed count
  as "kind not recorded", with no minutes.
- A lesson started: a learner's first step ever in that lesson was done in the period.
- A lesson finished: a learner has done every step of the lesson (of at least one of its
  languages), the last of them in the period.
- Help requests opened, and handled, in the period.
- Steps: for each lesson, how many learners marked each step done in the period; a step
  far below the one before it is where learners stop.

Erased learners (see anonymise.py) still count, through the Anonymous* tables: numbers for a
past period do not change when someone's data is erased. Live learners are told apart by
their account id (an int), erased ones by their random key (a str).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import fn

from coursesite.data.models import SESSION_KINDS, HelpRequest, HelpSession, User
from coursesite.data.privacy.anonymous_models import (
    AnonymousHelpRequest,
    AnonymousSession,
)
from coursesite.desk.help_sessions.session_kinds import kind_label
from coursesite.lessons.model import Lesson
from coursesite.staff.reports.periods import Period, in_period
from coursesite.staff.reports.step_counts import (
    lessons_finished,
    lessons_started,
    step_tables,
    steps_in,
)


@dataclass
class KindCount:
    kind: str | None  # one of SESSION_KINDS; None: not recorded
    sessions: int = 0
    minutes: int = 0

    @property
    def label(self):
        return kind_label(self.kind)


@dataclass
class HelperSessions:
    helper: User | None  # None: an account deleted since
    sessions: int
    minutes: int = 0
    kinds: list[KindCount] = field(default_factory=list)  # the kinds given, in order


@dataclass
class StepCount:
    step_id: str
    numbers: dict[str, int]  # the step's number in each language that has it
    learners: int


@dataclass
class LessonSteps:
    lesson_id: str
    versions: dict[str, Lesson]  # the lesson in each language it exists in
    steps: list[StepCount]
    learners: int  # learners with any step of this lesson done in the period


@dataclass
class Report:
    period: Period
    active_learners: int = 0
    new_learners: int = 0
    sessions: int = 0
    minutes: int = 0
    kinds: list[KindCount] = field(default_factory=list)  # the three kinds, then "not recorded"
    lessons_started: int = 0
    lessons_finished: int = 0
    requests_opened: int = 0
    requests_handled: int = 0
    helpers: list[HelperSessions] = field(default_factory=list)
    lessons: list[LessonSteps] = field(default_factory=list)


def lessons_by_id(catalogue, languages) -> dict[str, dict[str, Lesson]]:
    """Return {lesson id: {lang: lesson}} for every lesson, drafts included."""
    found: dict[str, dict[str, Lesson]] = defaultdict(dict)
    for lang in languages:
        for lesson in catalogue.lessons(lang, drafts=True):
            found[lesson.id][lang] = lesson
    return dict(found)


def step_order(versions: dict[str, Lesson]) -> list[str]:
    """Return a lesson's step ids: the first language's order, then steps only others have."""
    ids: list[str] = []
    for lesson in versions.values():
        ids.extend(step.id for step in lesson.steps if step.id not in ids)
    return ids


def session_rows(
    start: dt.datetime, end: dt.datetime, learners: set[int] | None = None
) -> list[tuple]:
    """Return (learner, helper id or None, kind, minutes) of every help session in the period."""
    live = HelpSession.select(
        HelpSession.learner, HelpSession.helper, HelpSession.kind, HelpSession.minutes
    ).where(in_period(HelpSession.created, start, end))
    if learners is not None:
        return [row for row in live.tuples() if row[0] in learners]
    erased = AnonymousSession.select(
        AnonymousSession.learner_key,
        AnonymousSession.helper,
        AnonymousSession.kind,
        AnonymousSession.minutes,
    ).where(in_period(AnonymousSession.created, start, end))
    return [*live.tuples(), *erased.tuples()]


def help_request_counts(
    start: dt.datetime, end: dt.datetime, learners: set[int] | None = None
) -> tuple[set, int, int]:
    """Return (learners who asked, requests opened, requests handled) in the period."""
    live = HelpRequest.select(HelpRequest.learner).join(User, on=(HelpRequest.learner == User.id))
    live = live.where(User.role == "learner")
    if learners is not None:
        live = live.where(HelpRequest.learner.in_(list(learners)))
        opened = list(live.where(in_period(HelpRequest.created, start, end)).tuples())
        handled = live.where(in_period(HelpRequest.handled_at, start, end)).count()
        return {learner for (learner,) in opened}, len(opened), handled
    opened = list(live.where(in_period(HelpRequest.created, start, end)).tuples())
    opened += list(
        AnonymousHelpRequest.select(AnonymousHelpRequest.learner_key)
        .where(in_period(AnonymousHelpRequest.created, start, end))
        .tuples()
    )
    handled = live.where(in_period(HelpRequest.handled_at, start, end)).count()
    handled += (
        AnonymousHelpRequest.select()
        .where(in_period(AnonymousHelpRequest.handled_at, start, end))
        .count()
    )
    return {learner for (learner,) in opened}, len(opened), handled


def kind_rows(sessions: list[tuple]) -> list[KindCount]:
    """Return the sessions and minutes of each kind: the three kinds always, then the sessions
    whose kind was not recorded, if any."""
    counts = {kind: KindCount(kind) for kind in SESSION_KINDS}
    for _, _, kind, minutes in sessions:
        row = counts.setdefault(kind if kind in SESSION_KINDS else None, KindCount(None))
        row.sessions += 1
        row.minutes += minutes or 0
    return list(counts.values())


def helper_rows(sessions: list[tuple]) -> list[HelperSessions]:
    """Return the sessions per helper (and per kind, and minutes): the most first, then by
    name."""
    by_helper: dict[int | None, list[tuple]] = defaultdict(list)
    for row in sessions:
        by_helper[row[1]].append(row)
    helpers = {u.id: u for u in User.select().where(User.id.in_([i for i in by_helper if i]))}
    rows = []
    for helper_id, own in by_helper.items():
        kinds = [k for k in kind_rows(own) if k.sessions]
        rows.append(
            HelperSessions(
                helpers.get(helper_id) if helper_id else None,
                len(own),
                sum(minutes or 0 for *_, minutes in own),
                kinds,
            )
        )
    return sorted(
        rows,
        key=lambda r: (
            -r.sessions,
            r.helper is None,
            r.helper.display_name.casefold() if r.helper else "",
            r.helper.id if r.helper else 0,
        ),
    )


def build_report(
    period: Period,
    catalogue,
    languages,
    tz: dt.tzinfo | None = None,
    learners: set[int] | None = None,
) -> Report:
    """Return every number of the report for this period (for `learners` only, if given: the
    members of a group)."""
    start, end = period.bounds(tz)
    report = Report(period)
    lessons = lessons_by_id(catalogue, languages)

    active: set = set()
    step_learners: dict[tuple[str, str], int] = defaultdict(int)
    lesson_learners: dict[str, int] = defaultdict(int)
    # Live and erased learners are told apart by their key's type: their counts add up.
    for table in step_tables(learners):
        active.update(
            learner for (learner,) in steps_in(table, start, end, table.learner).distinct().tuples()
        )
        by_step = steps_in(
            table,
            start,
            end,
            table.model.lesson_id,
            table.model.step_id,
            fn.COUNT(table.learner.distinct()),
        ).group_by(table.model.lesson_id, table.model.step_id)
        for lesson_id, step_id, count in by_step.tuples():
            step_learners[(lesson_id, step_id)] += count
        by_lesson = steps_in(
            table, start, end, table.model.lesson_id, fn.COUNT(table.learner.distinct())
        ).group_by(table.model.lesson_id)
        for lesson_id, count in by_lesson.tuples():
            lesson_learners[lesson_id] += count
        report.lessons_started += lessons_started(table, start, end)
        report.lessons_finished += lessons_finished(table, start, end, lessons)

    sessions = session_rows(start, end, learners)
    report.sessions = len(sessions)
    report.minutes = sum(row[3] or 0 for row in sessions)
    report.kinds = kind_rows(sessions)
    report.helpers = helper_rows(sessions)
    asked, report.requests_opened, report.requests_handled = help_request_counts(
        start, end, learners
    )
    report.active_learners = len(active | asked | {row[0] for row in sessions})
    new = User.select().where((User.role == "learner") & in_period(User.created, start, end))
    if learners is not None:
        new = new.where(User.id.in_(list(learners)))
    report.new_learners = new.count()
    for lesson_id in sorted(lessons):
        versions = lessons[lesson_id]
        steps = [
            StepCount(
                step_id,
                {lang: n for lang, lesson in versions.items() if (n := lesson.step_index(step_id))},
                step_learners[(lesson_id, step_id)],
            )
            for step_id in step_order(versions)
        ]
        report.lessons.append(LessonSteps(lesson_id, versions, steps, lesson_learners[lesson_id]))
    return report


def bar_widths(values: list[int]) -> list[float]:
    """Return each value as a percentage of the largest, for bar charts (0 when all are 0)."""
    top = max(values, default=0)
    return [round(100 * value / top, 1) if top else 0 for value in values]
