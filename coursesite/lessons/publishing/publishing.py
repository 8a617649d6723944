"""The publishing rule: which version of each lesson learners get, and what staff are told.

A version reaches learners only when `lessons check` finds no error in it: its own checks
(catalogue_entry.py runs them) and its `lesson:` links as learners would find them. Until
the file is fixed, learners keep its last good version (served from the stored copy, when
there is one); a new lesson with errors is not shown. `build_snapshot` applies the rule to
every entry at once and returns what the catalogue serves until the next change.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coursesite.lessons.checks.check import (
    LINK_DRAFT,
    LINK_HELD_BACK,
    LINK_MISSING,
    LINK_OK,
    LINK_OTHER_LANGUAGE,
    lesson_link_problems,
    unknown_path_lessons,
)
from coursesite.lessons.model import Lesson
from coursesite.lessons.paths import LessonPath, PathsFile
from coursesite.lessons.problems import Problem
from coursesite.lessons.publishing.catalogue_entry import Entry
from coursesite.lessons.publishing.stored_versions import StoredVersions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LessonStatus:
    """Where one lesson file stands: what it says now, and what learners see."""

    lang: str
    lesson_id: str
    path: Path  # lessons/<lang>/<id>/lesson.md
    current: Lesson | None  # the file as it is now, if it can be read at all
    published: Lesson | None  # what learners see: the current version or the last good one
    problems: tuple[Problem, ...] = ()  # of the current version; any error holds it back
    published_at: float | None = None  # when the version learners see was published (epoch)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def held_back(self) -> bool:
        """Tell whether the file now holds a version that learners do not get."""
        return bool(self.errors)


@dataclass
class Snapshot:
    """An immutable view of the catalogue, swapped whole on refresh."""

    lessons: dict[tuple[str, str], Lesson] = field(default_factory=dict)  # (lang, id)
    problems: list[Problem] = field(default_factory=list)
    paths: tuple[LessonPath, ...] = ()
    statuses: dict[tuple[str, str], LessonStatus] = field(default_factory=dict)
    # Counts the snapshots built: what is cached from the lessons is keyed by it, so a
    # lesson edit makes every page built from the previous snapshot unreachable at once.
    version: int = 0
    # Each language's lessons in catalogue order, sorted once per snapshot.
    in_order: dict[tuple[str, bool], tuple[Lesson, ...]] = field(default_factory=dict)

    def lessons_in_order(self, lang: str, drafts: bool) -> tuple[Lesson, ...]:
        """Return this language's lessons, sorted by level then title."""
        found = self.in_order.get((lang, drafts))
        if found is None:
            found = tuple(
                sorted(
                    (
                        lesson
                        for (lesson_lang, _), lesson in self.lessons.items()
                        if lesson_lang == lang and (drafts or not lesson.draft)
                    ),
                    key=lambda lesson: (lesson.level, lesson.title.casefold()),
                )
            )
            self.in_order[(lang, drafts)] = found
        return found


def link_targets(lessons: dict, statuses: dict):
    """Return a LinkTargets for what learners see (and what is held back, for messages)."""
    ids = {lesson_id for _, lesson_id in lessons} | {lesson_id for _, lesson_id in statuses}

    def target(lang: str, lesson_id: str) -> str:
        lesson = lessons.get((lang, lesson_id))
        if lesson is not None:
            return LINK_DRAFT if lesson.draft else LINK_OK
        if (lang, lesson_id) in statuses:
            return LINK_HELD_BACK
        return LINK_OTHER_LANGUAGE if lesson_id in ids else LINK_MISSING

    return target


def decide(entries: Iterable[Entry]) -> dict[tuple[str, str], Entry]:
    """Return the entries whose current version is published now (the publishing rule).

    A clean version is published unless one of its `lesson:` links would lead nowhere
    for learners; as holding one lesson back can break a link to it, decide again until
    nothing changes.
    """
    entries = {entry.key: entry for entry in entries}
    publish = {key for key, entry in entries.items() if entry.clean}
    while True:
        lessons = {
            key: (entry.current if key in publish else entry.published)
            for key, entry in entries.items()
        }
        lessons = {key: lesson for key, lesson in lessons.items() if lesson is not None}
        target = link_targets(lessons, entries)
        refused = set()
        for key in publish:
            entry = entries[key]
            entry.link_problems = lesson_link_problems(
                entry.links, target, from_draft=entry.current.draft
            )
            if entry.link_problems:
                refused.add(key)
        if not refused:
            return {key: entries[key] for key in publish}
        publish -= refused


def build_snapshot(
    entries: Iterable[Entry],
    paths: PathsFile,
    version: int,
    stored: StoredVersions | None,
    pending: Iterable[Path] = (),
) -> Snapshot:
    """Apply the rule to every entry: publish, or hold back; return what learners get.

    `pending` are the files another process is checking: nothing is logged about them
    until it is done.
    """
    entries = list(entries)
    published = decide(entries)
    pending = set(pending)
    statuses, lessons, problems = {}, {}, []
    for key, entry in sorted((e.key, e) for e in entries):
        if key in published:
            if entry.published is not entry.current:
                publish(entry, stored)
            entry.link_problems = []
        else:
            hold_back(entry, stored, quiet=entry.path in pending)
            if not entry.clean:
                entry.link_problems = []
            problems.extend(p for p in entry.problems + entry.link_problems if p.is_error)
        if entry.published is entry.current or not entry.clean:
            # Its text is only needed to keep a copy when it is published: done, or never.
            entry.source = None
        if entry.published is not None:
            lessons[key] = entry.published
        statuses[key] = LessonStatus(
            entry.lang,
            key[1],
            entry.path,
            entry.current,
            entry.published,
            tuple(entry.problems + entry.link_problems),
            entry.published_at,
        )
    known = {lesson_id for _, lesson_id in lessons}
    problems.extend(unknown_path_lessons(paths.path, paths.paths, known))
    problems.extend(paths.problems)
    problems.sort(key=lambda p: (str(p.path), p.line))
    return Snapshot(
        lessons=lessons, problems=problems, paths=paths.paths, statuses=statuses, version=version
    )


def publish(entry: Entry, stored: StoredVersions | None) -> None:
    """Make the current version the one learners see, and keep a copy of it."""
    entry.published = entry.current
    entry.published_at = time.time()
    if stored is None:
        return
    try:
        stored.save(entry)
    except OSError as exc:
        log.warning("cannot keep a copy of %s: %s", entry.path, exc)


def hold_back(entry: Entry, stored: StoredVersions | None, *, quiet: bool = False) -> None:
    """Keep serving the last good version, from the stored copy when there is one."""
    # Staff read why on the health page; the log says it once per version of the file, at
    # debug level: every command starts the app (and its search indexing, which reads the
    # lessons), and `coursesite lessons check` must print each problem once, not twice.
    if entry.logged != entry.signature and not quiet:
        entry.logged = entry.signature
        if entry.published is None:
            log.debug("lesson not shown, it has errors: %s", entry.first_error())
        else:
            log.debug("lesson held back (last good version shown): %s", entry.first_error())
    if entry.published is not None and stored is not None:
        stored.serve_stored(entry)
