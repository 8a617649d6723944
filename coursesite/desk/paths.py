"""Lesson paths given to learners, and how far each learner got along them. No HTTP here.

An help_session keeps its ordered lesson ids (see models.HelpSession); each is looked up in the
catalogue when shown, in the reader's language or else in another language that has it, and a
lesson that no longer exists is shown as no longer available, never as an error. Progress is
counted with progress.Progress, by lesson id and step id, like everywhere else.
"""

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coursesite import services
from coursesite.data.models import SESSION_KINDS, HelpSession, User
from coursesite.learn.progress import Progress, current_progress
from coursesite.learn.progress_stores import AccountStore
from coursesite.lessons.model import Lesson

# A helper composing a path picks at most this many lessons: the slip prints on one page.
CUSTOM_MAX_LESSONS = 12
TITLE_MAX = 80
NOTE_MAX = 600  # printed on the slip, in large type
PRIVATE_NOTE_MAX = 1000
DEFAULT_CUSTOM_TITLE = _l("Lessons chosen for you")


def clean_text(text: str) -> str:
    """Return typed text trimmed, without control characters (NUL breaks PostgreSQL)."""
    text = (text or "").replace("\r\n", "\n")
    return "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs")
    ).strip()


def find_lesson(lesson_id: str, lang: str) -> Lesson | None:
    """Return the lesson in this language, else in another language that has it, else None."""
    drafts = services.drafts_visible()
    lesson = services.catalogue().get(lang, lesson_id, drafts=drafts)
    if lesson is None:
        others = services.catalogue().languages_of(lesson_id, drafts=drafts)
        lesson = services.catalogue().get(others[0], lesson_id, drafts=drafts) if others else None
    return lesson


def named_path(path_id: str | None):
    """Return the paths.yml path with this id, or None."""
    return (
        next((p for p in services.catalogue().paths() if p.id == path_id), None)
        if path_id
        else None
    )


def path_title(help_session: HelpSession, lang: str) -> str:
    """Return the help_session's title in this language when paths.yml still has its path."""
    path = named_path(help_session.path_id)
    if path is not None:
        return path.title(lang)
    return help_session.title or str(DEFAULT_CUSTOM_TITLE)


def newest_paths(learner_ids: list[int]) -> dict[int, HelpSession]:
    """Return each of these learners' newest help session that gave a path, by learner id."""
    newest: dict[int, HelpSession] = {}
    if learner_ids:
        for help_session in (
            HelpSession.select()
            .where(HelpSession.learner.in_(learner_ids) & HelpSession.with_path())
            .order_by(HelpSession.created.desc(), HelpSession.id.desc())
        ):
            newest.setdefault(help_session.learner_id, help_session)
    return newest


@dataclass
class ListedLesson:
    """A lesson named in a path or a group's plan, found or not among today's lessons."""

    lesson_id: str
    lesson: Lesson | None  # None: the lesson no longer exists


@dataclass
class PathLesson(ListedLesson):
    """One lesson of an assigned path, as it is now for one learner."""

    done: int = 0
    total: int = 0
    next_number: int | None = None  # first step not done, None when all are done

    @property
    def finished(self) -> bool:
        return self.lesson is not None and self.next_number is None


@dataclass
class PathState:
    """An help_session with its lessons looked up and the learner's progress along it."""

    help_session: HelpSession
    title: str
    lessons: list[PathLesson] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(item.done for item in self.lessons)

    @property
    def total(self) -> int:
        return sum(item.total for item in self.lessons)

    @property
    def minutes(self) -> int:
        return sum(item.lesson.duration for item in self.lessons if item.lesson)

    @property
    def next(self) -> PathLesson | None:
        """Return the first lesson, in the path's order, with a step not done."""
        return next((i for i in self.lessons if i.lesson and i.next_number), None)

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.next is None


def path_state(help_session: HelpSession, lang: str, progress: Progress) -> PathState:
    """Return the help_session as shown in `lang`, with `progress` counted along it."""
    items = []
    for lesson_id in help_session.lesson_ids:
        lesson = find_lesson(lesson_id, lang)
        if lesson is None:
            items.append(PathLesson(lesson_id, None))
            continue
        done, total = progress.counts(lesson)
        items.append(PathLesson(lesson_id, lesson, done, total, progress.next_step(lesson)))
    return PathState(help_session, path_title(help_session, lang), items)


def progress_of(user: User) -> Progress:
    """Return a person's progress: this request's when it is theirs, else from the database."""
    if current_user.is_authenticated and current_user.id == user.id:
        return current_progress()
    return Progress(AccountStore(user))


def assignments_of(learner: User) -> list[HelpSession]:
    """Return a learner's help_sessions, newest first."""
    return list(
        HelpSession.select()
        .where((HelpSession.learner == learner) & HelpSession.with_path())
        .order_by(HelpSession.created.desc(), HelpSession.id.desc())
    )


def sessions_of(learner: User) -> list[HelpSession]:
    """Return every help session of a learner, with a path or without, newest first."""
    return list(
        HelpSession.select()
        .where(HelpSession.learner == learner)
        .order_by(HelpSession.created.desc(), HelpSession.id.desc())
    )


def assign_path(
    learner: User,
    helper: User | None,
    lesson_ids: list[str],
    *,
    path_id: str | None = None,
    title: str = "",
    note_for_learner: str = "",
    private_note: str = "",
    next_appointment: dt.datetime | None = None,
    form_key: str | None = None,
    kind: str | None = None,
    minutes: int | None = None,
) -> HelpSession:
    """Give a learner a path: ordered lesson ids, from paths.yml (path_id) or picked by hand.

    `kind` and `minutes` say how the help session was given (SESSION_KINDS) and how long.
    """
    if learner.role != "learner":
        raise ValueError("paths are assigned to learners only")
    if not lesson_ids:
        raise ValueError("a path needs at least one lesson")
    path = named_path(path_id)
    if path_id and path is None:
        raise ValueError(f"no path {path_id!r} in paths.yml")
    language = learner.language
    return HelpSession.create(
        learner=learner,
        helper=helper,
        path_id=path_id,
        lessons=json.dumps(list(lesson_ids)),
        # A title is one line: newlines and tabs typed or pasted into it become spaces.
        title=(path.title(language) if path else " ".join(clean_text(title).split()))[:200],
        note_for_learner=clean_text(note_for_learner),
        private_note=clean_text(private_note),
        next_appointment=next_appointment,
        language=language,
        form_key=form_key,
        kind=kind,
        minutes=minutes,
    )


def record_session(
    learner: User, helper: User | None, kind: str, minutes: int, form_key: str | None = None
) -> HelpSession:
    """Record a help session that gave no path (a phone call that only solved a problem)."""
    if learner.role != "learner":
        raise ValueError("help sessions are given to learners")
    if kind not in SESSION_KINDS:
        raise ValueError(f"unknown kind of help session: {kind!r}")
    return HelpSession.create(
        learner=learner,
        helper=helper,
        lessons="[]",
        title="",
        language=learner.language,
        form_key=form_key,
        kind=kind,
        minutes=minutes,
    )


def learner_paths(learner: User, lang: str) -> list[PathState]:
    """Return every path given to a learner, newest first, with their progress."""
    progress = progress_of(learner)
    return [path_state(a, lang, progress) for a in assignments_of(learner)]


def home_state(lang: str) -> dict | None:
    """Return "My path" for the learner making this request, or None if there is none.

    `leads` says the path's next step is the page's one main button: the catalogue's own
    "continue where you left off" then steps aside, as a plain link when it goes elsewhere.
    """
    if not current_user.is_authenticated or current_user.role != "learner":
        return None
    paths = learner_paths(current_user, lang)
    if not paths:
        return None
    following = paths[0].next
    resume = current_progress().resume(lang) if following else None
    elsewhere = resume and (resume[0].id, resume[1]) != (following.lesson_id, following.next_number)
    return {
        "current": paths[0],
        "earlier": paths[1:],
        "leads": following is not None,
        "resume_elsewhere": {"lesson": resume[0], "number": resume[1]} if elsewhere else None,
    }


def next_path_step(learner: User, lang: str) -> tuple[Lesson, int] | None:
    """Return (lesson, step number) of the next step not done on the learner's newest path."""
    latest = (
        HelpSession.select()
        .where((HelpSession.learner == learner) & HelpSession.with_path())
        .order_by(HelpSession.created.desc(), HelpSession.id.desc())
        .first()
    )
    if latest is None:
        return None
    following = path_state(latest, lang, progress_of(learner)).next
    return (following.lesson, following.next_number) if following else None


def paths_to_offer(lang: str) -> list[dict]:
    """Return the paths.yml paths for the after-session form, with their lessons looked up."""
    offered = []
    for path in services.catalogue().paths():
        lessons = [lesson for i in path.lesson_ids if (lesson := find_lesson(i, lang))]
        if lessons:  # a path whose lessons are all gone cannot be given
            offered.append(
                {
                    "id": path.id,
                    "title": path.title(lang),
                    "description": path.description(lang),
                    "lessons": lessons,
                    "minutes": sum(lesson.duration for lesson in lessons),
                }
            )
    return offered


def lessons_to_offer(lang: str) -> list[Lesson]:
    """Return the lessons a helper may pick one by one, in this language first."""
    drafts = services.drafts_visible()
    found = {lesson.id: lesson for lesson in services.catalogue().lessons(lang, drafts=drafts)}
    for other in current_app.config["LANGUAGES"]:
        for lesson in services.catalogue().lessons(other, drafts=drafts):
            found.setdefault(lesson.id, lesson)
    return sorted(found.values(), key=lambda lesson: (lesson.level, lesson.title.casefold()))
