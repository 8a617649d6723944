"""What `coursesite lessons check` reports about one lesson, as Problems.

Pure: reads files, never writes, knows nothing of the app. The entry points (a whole
folder's are in folder_check.py):

- `check_lesson_source(text, folder, lang, settings=…, targets=catalogue.link_target)`: the
  problems of lesson text not saved yet, as if it were `folder/lesson.md` (the editor).
- `check_one(lang, path, settings)`: one file's own checks; the catalogue publishes a version
  only when this, plus `lesson_link_problems`, finds no error (the publishing rule).

A Problem is a msgid and parameters: `coursesite.lessons.messages.translator(lang)` makes the
sentence in the reader's language. Each check run on every lesson is a function
`(ParsedLesson, CheckContext) -> problems` in LESSON_CHECKS: add new kinds of checks there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coursesite.lessons.checks.content import (
    CheckContext,
    CheckSettings,
    ImageChecker,
    LessonLink,
    check_front_matter,
    check_images,
)
from coursesite.lessons.checks.link_check import check_links, check_raw_html
from coursesite.lessons.problems import N_, LessonError, Problem
from coursesite.lessons.reading.loader import ParsedLesson, parse_lesson_text, read_text

__all__ = [
    "LESSON_CHECKS",
    "CheckSettings",
    "LessonReport",
    "check_lesson_source",
    "check_one",
    "lesson_link_problems",
]

log = logging.getLogger(__name__)

SEVERITY_ORDER = {"error": 0, "warning": 1}
BUG = N_("this file could not be checked completely (a bug: tell us)")
TOO_DEEP = N_(
    "the Markdown is nested too deeply to read: put fewer lists or quotes inside each other"
)

LessonCheck = Callable[[ParsedLesson, CheckContext], Iterable[Problem]]
# Every check run on each lesson, in order. A new kind of check (questions, …) adds itself
# here; a check that raises is reported as a bug in that file, never hides the others.
LESSON_CHECKS: list[LessonCheck] = [check_front_matter, check_images, check_links, check_raw_html]


@dataclass
class LessonReport:
    """What checking one lesson.md found."""

    lang: str
    lesson_id: str
    path: Path
    problems: list[Problem] = field(default_factory=list)
    step_ids: tuple[str, ...] | None = None  # None if the file did not load
    links: list[LessonLink] = field(default_factory=list)
    draft: bool = False
    pictures: tuple[str, ...] = ()  # the picture names the lesson shows, as written
    source: str | None = None  # the text checked (None if unreadable; not sent between processes)
    # The parsed lesson, for a caller that wants it; not sent back from worker processes.
    parsed: ParsedLesson | None = None

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)


def run_checks(report: LessonReport, parsed: ParsedLesson, context: CheckContext) -> None:
    """Run every lesson check on a parsed lesson, adding to the report."""
    report.parsed, report.draft = parsed, parsed.lesson.draft
    report.step_ids = tuple(step.id for step in parsed.lesson.steps)
    report.problems.extend(parsed.problems)
    for check in LESSON_CHECKS:
        before = len(context.links)
        try:
            report.problems.extend(check(parsed, context))
        except RecursionError:
            del context.links[before:]
            report.problems.append(Problem(report.path, 1, TOO_DEEP))
        except Exception:  # a bug in one check must not hide the report on every other lesson
            del context.links[before:]
            log.exception(
                "checking %s failed in %s", report.path, getattr(check, "__name__", check)
            )
            report.problems.append(Problem(report.path, 1, BUG))
    report.links = list(context.links)
    try:
        report.pictures = tuple(dict.fromkeys(ref.src for ref in context.references(parsed).images))
    except RecursionError:
        report.pictures = ()


def check_one(lang: str, path: Path, settings: CheckSettings, images=None) -> LessonReport:
    """Check one lesson.md on its own (not its links to others); never raises for a bad file."""
    report = LessonReport(lang, path.parent.name, path)
    context = CheckContext(settings, images or ImageChecker(settings))
    try:
        report.source = read_text(path)
        parsed = parse_lesson_text(report.source, path, lang)
    except LessonError as exc:
        report.problems.append(exc.problem)
        return report
    except OSError as exc:
        message = N_("cannot read the file (%(reason)s): check that it exists and may be read")
        report.problems.append(Problem(path, 1, message, "error", {"reason": exc.strerror or ""}))
        return report
    except RecursionError:  # absurdly nested lists or quotes
        report.problems.append(Problem(path, 1, TOO_DEEP))
        return report
    run_checks(report, parsed, context)
    return report


def check_source(
    text: str, path: Path, lang: str, settings: CheckSettings, images=None
) -> LessonReport:
    """Check lesson text as if it were saved at `path` (its pictures are looked for there)."""
    report = LessonReport(lang, path.parent.name, path, source=text)
    context = CheckContext(settings, images or ImageChecker(settings))
    try:
        parsed = parse_lesson_text(text, path, lang)
    except LessonError as exc:
        report.problems.append(exc.problem)
        return report
    except RecursionError:
        report.problems.append(Problem(path, 1, TOO_DEEP))
        return report
    run_checks(report, parsed, context)
    return report


# What a lesson link finds: (lang, lesson id) -> one of these.
LINK_OK, LINK_DRAFT, LINK_HELD_BACK = "ok", "draft", "held-back"
LINK_OTHER_LANGUAGE, LINK_MISSING = "other-language", "missing"
LinkTargets = Callable[[str, str], str]


def lesson_link_problems(
    links: Iterable[LessonLink], target: LinkTargets, *, from_draft: bool = False
) -> list[Problem]:
    """Return an error for each link that learners would find broken.

    `target(lang, lesson_id)` says what the link leads to (LINK_OK, LINK_DRAFT, …). A draft
    may link to other drafts: learners see neither.
    """
    problems = []
    for link in links:
        status = target(link.lang, link.lesson_id)
        params = {"href": link.written, "id": link.lesson_id, "lang": link.lang}
        if status == LINK_MISSING:
            message = N_(
                "link `%(href)s`: there is no lesson `%(id)s`: check the folder name of the lesson"
            )
        elif status == LINK_OTHER_LANGUAGE:
            message = N_(
                "link `%(href)s`: lesson `%(id)s` has no %(lang)s version yet, so learners would "
                "find no page: translate it first, or remove the link"
            )
        elif status == LINK_HELD_BACK and not from_draft:
            message = N_(
                "link `%(href)s`: lesson `%(id)s` has errors, so learners do not see it yet: "
                "fix it first (see its own messages)"
            )
        elif status == LINK_DRAFT and not from_draft:
            message = N_(
                "link `%(href)s`: lesson `%(id)s` is still a draft, so learners would find no "
                "page: publish it first, or remove the link"
            )
        else:
            continue
        problems.append(Problem(link.path, link.line, message, "error", params))
    return problems


def folder_targets(root: Path, languages) -> LinkTargets:
    """Return a LinkTargets that looks at the lesson files on disk (drafts not told apart)."""

    def target(lang: str, lesson_id: str) -> str:
        if (root / lang / lesson_id / "lesson.md").is_file():
            return LINK_OK
        if any((root / other / lesson_id / "lesson.md").is_file() for other in languages):
            return LINK_OTHER_LANGUAGE
        return LINK_MISSING

    return target


def check_lesson_source(
    text: str,
    folder: Path,
    lang: str,
    *,
    settings: CheckSettings | None = None,
    targets: LinkTargets | None = None,
) -> list[Problem]:
    """Return every problem of lesson text not saved yet, as `lessons check` would report it.

    `folder` is the lesson's folder (lessons/<lang>/<id>): its pictures are looked for there,
    and problems name `folder/lesson.md`. `targets` says where `lesson:` links lead (the
    catalogue's `link_target`, so that drafts and broken lessons count as learners see them);
    without it, the lesson files beside `folder` are looked at.
    """
    settings = settings or CheckSettings()
    folder = Path(folder)
    path = folder / "lesson.md"
    report = check_source(text, path, lang, settings)
    targets = targets or folder_targets(folder.parent.parent, settings.languages)
    problems = report.problems + lesson_link_problems(
        report.links, targets, from_draft=report.draft
    )
    return sorted(set(problems), key=sort_key)


def unknown_path_lessons(path: Path, paths, known) -> list[Problem]:
    """Return an error for each lesson a path names that does not exist."""
    problems = []
    for lesson_path in paths:
        for lesson_id, line in lesson_path.lesson_lines:
            if lesson_id not in known:
                message = N_(
                    "path `%(path)s` names a lesson `%(id)s` that does not exist: check its "
                    "folder name"
                )
                params = {"path": lesson_path.id, "id": lesson_id}
                problems.append(Problem(path, line, message, "error", params))
    return problems


def sort_key(problem: Problem):
    return (
        str(problem.path),
        problem.line,
        SEVERITY_ORDER.get(problem.severity, 2),
        problem.msgid,
        problem.params,
    )
