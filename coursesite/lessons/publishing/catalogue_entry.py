"""What the catalogue remembers of one lesson file: its state as last checked, and its stamp.

An `Entry` holds the file's current version (checked by `lessons check`'s per-lesson check,
kept packed), its problems and links, and the version learners get; `file_signature` tells
cheaply whether the file or one of its pictures changed since.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from coursesite.lessons.checks.check import CheckSettings, ImageChecker, check_one
from coursesite.lessons.checks.content import LessonLink
from coursesite.lessons.model import Lesson
from coursesite.lessons.problems import Problem


@dataclass
class Entry:
    """What the catalogue remembers about one lesson.md."""

    lang: str
    path: Path
    signature: tuple = ()  # stats of lesson.md, its folder and its pictures when last checked
    current: Lesson | None = None
    problems: list[Problem] = field(default_factory=list)  # the current file's own problems
    links: list[LessonLink] = field(default_factory=list)
    pictures: tuple[str, ...] = ()
    source: str | None = None  # the current file's text
    published: Lesson | None = None
    published_at: float | None = None
    link_problems: list[Problem] = field(default_factory=list)
    logged: tuple = ()  # the signature last written to the log as held back

    @property
    def key(self) -> tuple[str, str]:
        return self.lang, self.path.parent.name

    @property
    def clean(self) -> bool:
        """Tell whether the current version passes its own checks (links aside)."""
        return self.current is not None and not any(p.is_error for p in self.problems)

    def check(self, settings: CheckSettings, images: ImageChecker) -> None:
        """Run `lessons check`'s per-lesson checks on the file as it is now."""
        report = check_one(self.lang, self.path, settings, images)
        # Kept packed: the steps' Markdown is unpacked when a page shows them.
        self.current = report.parsed.lesson.packed_copy() if report.parsed else None
        self.problems = report.problems
        self.links = report.links
        self.pictures = report.pictures
        self.source = report.source

    def first_error(self) -> str:
        """Return the first error holding this version back, for the log."""
        errors = [p for p in self.problems + self.link_problems if p.is_error]
        return str(errors[0]) if errors else str(self.path)


def file_signature(path: Path, pictures: tuple[str, ...]) -> tuple | None:
    """Return what tells that the lesson or one of its pictures changed; None if no file."""
    # os.stat on strings: a quarter of the cost of Path.stat, thousands of times a second.
    file = str(path)
    try:
        stat = os.stat(file)
    except OSError:
        return None
    found = [(stat.st_mtime_ns, stat.st_size)]
    folder = os.path.dirname(file)
    # A picture added, renamed or deleted changes the folder; one overwritten, itself.
    for target in (folder, *(os.path.join(folder, name) for name in pictures)):
        try:
            stat = os.stat(target)
            found.append((stat.st_mtime_ns, stat.st_size))
        except (OSError, ValueError):
            found.append(None)
    return tuple(found)
