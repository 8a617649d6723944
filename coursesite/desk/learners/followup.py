"""What the helper desk shows about learners: last activity, path progress, where they are stuck.

"Stuck" means an open help request, or a lesson begun but not finished whose last step done is
older than STUCK_AFTER: the learner stopped at its next step. Steps are only recorded when done
(nothing records a learner merely looking at a step), so a stall is dated by the last step done.

The desk lists a few dozen learners at most, so each list costs a handful of queries whatever
its length: progress, paths and requests are fetched for all shown learners at once.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import fn

from coursesite.data.models import HelpRequest, StepProgress, User, utcnow
from coursesite.desk.help_requests.help_requests import ShownRequest, open_requests, shown_requests
from coursesite.desk.paths import PathState, find_lesson, newest_paths, path_state
from coursesite.learn.progress import Progress
from coursesite.lessons.model import Lesson
from coursesite.lessons.text import comparable

STUCK_AFTER = dt.timedelta(days=7)
SHOWN_LEARNERS = 30
QUERY_MAX = 80


class LoadedStore:
    """Progress already read from the database, for progress.Progress."""

    def __init__(self, done: dict):
        self.done = done

    def load(self) -> dict:
        return self.done


@dataclass
class Stall:
    """A lesson begun and left: the learner stopped before step `number`."""

    lesson: Lesson
    number: int
    since: dt.datetime  # when the last step of that lesson was done


@dataclass
class LessonHistory:
    """One lesson a learner worked on."""

    lesson_id: str
    lesson: Lesson | None
    done: int
    total: int
    next_number: int | None
    last: dt.datetime


@dataclass
class LearnerSummary:
    learner: User
    last_activity: dt.datetime | None
    path: PathState | None = None
    requests: list[ShownRequest] = field(default_factory=list)
    stalls: list[Stall] = field(default_factory=list)
    not_started: bool = False  # a path given over STUCK_AFTER ago, not one step done on it


def last_activity(ids: list[int] | None = None) -> dict[int, dt.datetime]:
    """Return each learner's latest sign-in, step done or help request (of `ids` if given)."""
    signed_in = User.select(User.id, User.last_login).where(User.role == "learner")
    stepped = StepProgress.select(StepProgress.user, fn.MAX(StepProgress.done_at)).group_by(
        StepProgress.user
    )
    asked = HelpRequest.select(HelpRequest.learner, fn.MAX(HelpRequest.created)).group_by(
        HelpRequest.learner
    )
    if ids is not None:
        signed_in = signed_in.where(User.id.in_(ids))
        stepped = stepped.where(StepProgress.user.in_(ids))
        asked = asked.where(HelpRequest.learner.in_(ids))
    latest: dict[int, dt.datetime] = {}
    for query in (signed_in, stepped, asked):
        for user_id, when in query.tuples():
            if when and (user_id not in latest or when > latest[user_id]):
                latest[user_id] = when
    return latest


def find_learners(
    query: str = "", among: set[int] | None = None, limit: int | None = SHOWN_LEARNERS
) -> tuple[list[tuple[User, dt.datetime | None]], int]:
    """Return the learners to show (of `among` if given, e.g. a group), most recently active
    first, and how many matched."""
    key = comparable(query[:QUERY_MAX])
    latest = last_activity()
    learners = [
        u
        for u in User.select().where((User.role == "learner") & (User.active == True))  # noqa: E712
        if (not key or key in comparable(u.display_name) or key in u.username)
        and (among is None or u.id in among)
    ]
    oldest = dt.datetime.min
    learners.sort(key=lambda u: (latest.get(u.id) or oldest, u.created, u.id), reverse=True)
    return [(u, latest.get(u.id)) for u in learners[:limit]], len(learners)


def stalls(done: dict, lang: str, now: dt.datetime) -> list[Stall]:
    """Return the lessons begun and left for longer than STUCK_AFTER, most recent first."""
    return [
        Stall(item.lesson, item.next_number, item.last)
        for item in history(done, lang)
        if item.lesson and item.done and item.next_number and now - item.last > STUCK_AFTER
    ]


def history(done: dict, lang: str) -> list[LessonHistory]:
    """Return every lesson with a step done, the most recently worked on first."""
    progress = Progress(LoadedStore(done))
    last: dict[str, dt.datetime] = {}
    for (lesson_id, _), when in done.items():
        last[lesson_id] = max(when, last.get(lesson_id, when))
    rows = []
    for lesson_id in sorted(last, key=last.get, reverse=True):
        lesson = find_lesson(lesson_id, lang)
        if lesson is None:
            rows.append(LessonHistory(lesson_id, None, 0, 0, None, last[lesson_id]))
            continue
        count, total = progress.counts(lesson)
        rows.append(
            LessonHistory(
                lesson_id, lesson, count, total, progress.next_step(lesson), last[lesson_id]
            )
        )
    return rows


def progress_by_learner(ids: list[int]) -> dict[int, dict]:
    done: dict[int, dict] = defaultdict(dict)
    rows = StepProgress.select().where(StepProgress.user.in_(ids)) if ids else []
    for row in rows:
        done[row.user_id][(row.lesson_id, row.step_id)] = row.done_at
    return done


def summarize(learner: User, latest, done: dict, help_session, requests, lang, now):
    summary = LearnerSummary(learner, latest, requests=requests, stalls=stalls(done, lang, now))
    if help_session is not None:
        summary.path = path_state(help_session, lang, Progress(LoadedStore(done)))
        # Counted as the progress bar counts, so the two never disagree ("4 of 24" and "has
        # not started" together): steps of the path's lessons done, whenever they were done.
        summary.not_started = (
            summary.path.done == 0
            and summary.path.total > 0
            and now - help_session.created > STUCK_AFTER
        )
    return summary


def needs_help_now(summaries: list[LearnerSummary]) -> tuple[list, list]:
    """Split learners into those stuck (an open request, a lesson left, a path not started),
    and the rest; each keeps its order (by last activity)."""
    stuck = [s for s in summaries if s.requests or s.stalls or s.not_started]
    return stuck, [s for s in summaries if s not in stuck]


def summaries(found: list[tuple[User, dt.datetime | None]], lang: str) -> list[LearnerSummary]:
    """Return what the desk shows for each of these learners."""
    ids = [learner.id for learner, _ in found]
    done = progress_by_learner(ids)
    newest = newest_paths(ids)
    requests = defaultdict(list)
    for row in shown_requests([r for r in open_requests() if r.learner_id in set(ids)], lang):
        requests[row.request.learner_id].append(row)
    now = utcnow()
    return [
        summarize(
            learner,
            latest,
            done.get(learner.id, {}),
            newest.get(learner.id),
            requests[learner.id],
            lang,
            now,
        )
        for learner, latest in found
    ]


def learner_history(learner: User, lang: str) -> dict:
    """Return the lessons a learner worked on and where they stopped, for their page."""
    done = progress_by_learner([learner.id]).get(learner.id, {})
    return {
        "lessons": history(done, lang),
        "stalls": stalls(done, lang, utcnow()),
        "last_activity": last_activity([learner.id]).get(learner.id),
    }
