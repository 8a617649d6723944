"""What the helper desk shows about learners: last activity, path progress, where they are stuck.

"Stuck" means an open help request, or a lesson begun but not finished whose last step done is
older than STUCK_AFTER: the learner stopped at its next step. Steps are only recorded when done
(nothing records a learner merely looking at a step), so a stall is dated by the last step done.
On the desk, "now" has an end: a lesson left, or a path not started, more than STUCK_WINDOW
ago is in the learner's history (their page), not among those who need help now; after a few
years nearly every learner has a lesson they once left.

The desk lists a few dozen learners at most, so each list costs a handful of queries whatever
its length: progress, paths and requests are fetched for all shown learners at once. Which
learners may be stuck is found in SQL from the recent rows alone (help_now.py), so a lab's
years of history never go through Python.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import fn

from coursesite.data.models import HelpRequest, StepProgress, User, utcnow
from coursesite.desk.help_requests.help_requests import ShownRequest, open_requests, shown_requests
from coursesite.desk.paths import PathState, find_lesson, newest_paths, path_state
from coursesite.learn.progress import Progress
from coursesite.lessons.model import Lesson
from coursesite.lessons.text import comparable

STUCK_AFTER = dt.timedelta(days=7)
STUCK_WINDOW = dt.timedelta(days=60)  # on the desk, what is older is history, not "now"
SHOWN_LEARNERS = 30
FEW_LEARNERS = 500  # a list this short is read by its ids (a group, a name)
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
    ranked = rank_learners(query, among)
    return load_learners(ranked[:limit]), len(ranked)


def name_matcher(query: str) -> Callable[[str, str], bool]:
    """Return a test of (display name, username) for what a helper typed: the name holds it
    (accents and case aside) or the username does; nothing typed matches everyone."""
    key = comparable(query[:QUERY_MAX])
    return lambda name, username: not key or key in comparable(name) or key in username


def rank_learners(
    query: str = "", among: set[int] | None = None
) -> list[tuple[int, dt.datetime | None]]:
    """Return (id, last activity) of the active learners matching `query` (of `among` if
    given), most recently active first: from their names alone, not whole accounts."""
    matches = name_matcher(query)
    rows = (
        User.select(User.id, User.display_name, User.username, User.created)
        .where((User.role == "learner") & (User.active == True))  # noqa: E712
        .tuples()
    )
    found = [
        (user_id, created)
        for user_id, name, username, created in rows
        if matches(name, username) and (among is None or user_id in among)
    ]
    # A name or a group: only their last activity is read.
    few = len(found) <= FEW_LEARNERS
    latest = last_activity([user_id for user_id, _ in found] if few else None)
    oldest = dt.datetime.min
    found.sort(key=lambda row: (latest.get(row[0]) or oldest, row[1], row[0]), reverse=True)
    return [(user_id, latest.get(user_id)) for user_id, _ in found]


def load_learners(
    ranked: list[tuple[int, dt.datetime | None]],
) -> list[tuple[User, dt.datetime | None]]:
    """Return the accounts of these (id, last activity), in the same order."""
    ids = [user_id for user_id, _ in ranked]
    users = {user.id: user for user in User.select().where(User.id.in_(ids))} if ids else {}
    return [(users[user_id], latest) for user_id, latest in ranked if user_id in users]


def stalls(
    done: dict,
    lang: str,
    now: dt.datetime,
    window: dt.timedelta | None = None,
    find: Callable[[str], Lesson | None] | None = None,
) -> list[Stall]:
    """Return the lessons begun and left for longer than STUCK_AFTER (and, with a `window`,
    not longer than it), most recent first."""
    return [
        Stall(item.lesson, item.next_number, item.last)
        for item in history(done, lang, find)
        if item.lesson
        and item.done
        and item.next_number
        and now - item.last > STUCK_AFTER
        and (window is None or now - item.last <= window)
    ]


def lesson_finder(lang: str) -> Callable[[str], Lesson | None]:
    """Return paths.find_lesson for this language, each lesson looked up once: a desk page
    looks up the same few lessons for every learner it shows."""
    found: dict[str, Lesson | None] = {}

    def find(lesson_id: str) -> Lesson | None:
        if lesson_id not in found:
            found[lesson_id] = find_lesson(lesson_id, lang)
        return found[lesson_id]

    return find


def history(
    done: dict, lang: str, find: Callable[[str], Lesson | None] | None = None
) -> list[LessonHistory]:
    """Return every lesson with a step done, the most recently worked on first."""
    find = find or lesson_finder(lang)
    progress = Progress(LoadedStore(done))
    last: dict[str, dt.datetime] = {}
    for (lesson_id, _), when in done.items():
        last[lesson_id] = max(when, last.get(lesson_id, when))
    rows = []
    for lesson_id in sorted(last, key=last.get, reverse=True):
        lesson = find(lesson_id)
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
    fields = (StepProgress.user, StepProgress.lesson_id, StepProgress.step_id, StepProgress.done_at)
    rows = StepProgress.select(*fields).where(StepProgress.user.in_(ids)).tuples() if ids else []
    for user_id, lesson_id, step_id, done_at in rows:
        done[user_id][(lesson_id, step_id)] = done_at
    return done


def summarize(learner: User, latest, done: dict, help_session, requests, lang, now, find):
    summary = LearnerSummary(
        learner, latest, requests=requests, stalls=stalls(done, lang, now, STUCK_WINDOW, find)
    )
    if help_session is not None:
        summary.path = path_state(help_session, lang, Progress(LoadedStore(done)))
        # Counted as the progress bar counts, so the two never disagree ("4 of 24" and "has
        # not started" together): steps of the path's lessons done, whenever they were done.
        summary.not_started = (
            summary.path.done == 0
            and summary.path.total > 0
            and STUCK_AFTER < now - help_session.created <= STUCK_WINDOW
        )
    return summary


def summaries(found: list[tuple[User, dt.datetime | None]], lang: str) -> list[LearnerSummary]:
    """Return what the desk shows for each of these learners."""
    ids = [learner.id for learner, _ in found]
    done = progress_by_learner(ids)
    newest = newest_paths(ids)
    requests = defaultdict(list)
    for row in shown_requests(open_requests(learner_ids=ids) if ids else [], lang):
        requests[row.request.learner_id].append(row)
    now, find = utcnow(), lesson_finder(lang)
    return [
        summarize(
            learner,
            latest,
            done.get(learner.id, {}),
            newest.get(learner.id),
            requests[learner.id],
            lang,
            now,
            find,
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
