"""Everything `coursesite lessons check` reports about lessons, as Problems.

Pure: reads files, never writes, knows nothing of the app. The entry points:

- `check_lessons(root, settings)`: every problem of a lessons folder, sorted (the command,
  the health page); `check_folder` also returns each lesson's LessonReport.
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
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from coursesite.lessons.content import (
    CheckContext,
    CheckSettings,
    ImageChecker,
    LessonLink,
    check_front_matter,
    check_images,
    check_links,
    check_raw_html,
)
from coursesite.lessons.loader import ParsedLesson, parse_lesson_text, read_text
from coursesite.lessons.model import N_, LessonError, Problem
from coursesite.lessons.paths import load_paths
from coursesite.lessons.synonyms import check_synonyms

__all__ = [
    "LESSON_CHECKS",
    "check_folder",
    "CheckSettings",
    "LessonReport",
    "check_lesson_source",
    "check_lessons",
    "check_one",
    "find_root",
    "lesson_link_problems",
    "lessons_under",
]

log = logging.getLogger(__name__)

LESSON_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# Below this many lessons, starting worker processes costs more than it saves.
PARALLEL_FROM = 120
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


def _check_many(jobs: list[tuple[str, Path]], settings: CheckSettings) -> list[LessonReport]:
    images = ImageChecker(settings)
    reports = [check_one(lang, path, settings, images) for lang, path in jobs]
    for report in reports:
        report.parsed = report.source = None  # heavy to send between processes, and unused
    return reports


def lessons_under(root: Path, settings: CheckSettings) -> tuple[list, list[Problem]]:
    """Return ([(lang, lesson.md)], problems with the folders themselves)."""
    jobs, problems = [], []
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError as exc:
        message = N_("cannot read the lessons folder (%(reason)s)")
        return [], [Problem(root, 1, message, "error", {"reason": exc.strerror or ""})]
    for entry in entries:
        if not entry.is_dir() or entry.name.startswith((".", "_")):
            continue
        if entry.name not in settings.languages:
            message = N_(
                "the folder `%(name)s` is not a language of the site (%(languages)s): it is ignored"
            )
            params = {"name": entry.name, "languages": settings.languages}
            problems.append(Problem(Path(entry.path), 1, message, "warning", params))
            continue
        try:
            folders = sorted(os.scandir(entry.path), key=lambda e: e.name)
        except OSError as exc:
            message = N_("cannot read this folder (%(reason)s)")
            problems.append(
                Problem(Path(entry.path), 1, message, "error", {"reason": exc.strerror or ""})
            )
            continue
        for folder in folders:
            if not folder.is_dir() or folder.name.startswith((".", "_")):
                continue
            lesson_md = Path(folder.path) / "lesson.md"
            if not lesson_md.is_file():
                message = N_("this folder has no lesson.md, so it is not a lesson")
                problems.append(Problem(Path(folder.path), 1, message, "warning"))
                continue
            if not LESSON_ID.fullmatch(folder.name):
                message = N_(
                    "the folder name `%(name)s` should use only a to z, 0 to 9 and - (it is "
                    "part of the lesson's address)"
                )
                problems.append(Problem(lesson_md, 1, message, "warning", {"name": folder.name}))
            jobs.append((entry.name, lesson_md))
    return jobs, problems


def _check_all(jobs: list, settings: CheckSettings, parallel: bool) -> list[LessonReport]:
    """Check every lesson, on several processors when there are many and it is allowed."""
    workers = min(os.cpu_count() or 1, 8)
    # Forked workers start at once with everything imported; where fork does not exist
    # (Windows), starting fresh interpreters would cost more than it saves.
    if (
        not parallel
        or len(jobs) < PARALLEL_FROM
        or workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return _check_many(jobs, settings)
    chunks = [jobs[index::workers] for index in range(workers)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = pool.map(_check_many, chunks, [settings] * workers)
            return [report for chunk in results for report in chunk]
    except (OSError, RuntimeError):  # no processes allowed here: do it in this one
        return _check_many(jobs, settings)


def check_translations(reports: list[LessonReport], languages) -> list[Problem]:
    """Warn about lessons missing in a language and translations whose step ids differ."""
    by_id: dict[str, dict[str, LessonReport]] = {}
    for report in reports:
        by_id.setdefault(report.lesson_id, {})[report.lang] = report
    problems = []
    for lesson_id, versions in by_id.items():
        first = next(versions[lang] for lang in languages if lang in versions)
        for lang in languages:
            if lang not in versions:
                message = N_("no %(lang)s version of this lesson: add %(path)s")
                params = {"lang": lang, "path": f"{lang}/{lesson_id}/lesson.md"}
                problems.append(Problem(first.path, 1, message, "warning", params))
        loaded = [versions[lang] for lang in languages if lang in versions]
        loaded = [report for report in loaded if report.step_ids is not None]
        if len(loaded) < 2:
            continue
        reference = loaded[0]
        for other in loaded[1:]:
            missing = [i for i in reference.step_ids if i not in other.step_ids]
            extra = [i for i in other.step_ids if i not in reference.step_ids]
            params = {"other": reference.lang, "missing": missing, "extra": extra}
            if missing and extra:
                message = N_(
                    "step ids differ from the %(other)s version (only there: %(missing)s; only "
                    "here: %(extra)s): give matching steps the same {#id} so that progress "
                    "follows the learner"
                )
            elif missing:
                message = N_(
                    "steps of the %(other)s version are missing here (%(missing)s): give "
                    "matching steps the same {#id} so that progress follows the learner"
                )
            elif extra:
                message = N_(
                    "steps %(extra)s are not in the %(other)s version: give matching steps the "
                    "same {#id} so that progress follows the learner"
                )
            else:
                continue
            problems.append(Problem(other.path, 1, message, "warning", params))
    return problems


def report_targets(reports: list[LessonReport]) -> LinkTargets:
    """Return a LinkTargets for the lessons of a whole folder."""
    found = {(report.lang, report.lesson_id): report for report in reports}
    ids = {lesson_id for _, lesson_id in found}

    def target(lang: str, lesson_id: str) -> str:
        report = found.get((lang, lesson_id))
        if report is not None:
            return LINK_DRAFT if report.draft else LINK_OK
        return LINK_OTHER_LANGUAGE if lesson_id in ids else LINK_MISSING

    return target


def check_lesson_links(reports: list[LessonReport]) -> list[Problem]:
    """Report links to lessons that do not exist, or not in the link's language."""
    target = report_targets(reports)
    problems = []
    for report in reports:
        problems.extend(lesson_link_problems(report.links, target, from_draft=report.draft))
    return problems


def check_paths(root: Path, reports: list[LessonReport]) -> list[Problem]:
    """Report paths.yml problems and the lessons it names that do not exist."""
    path = root / "paths.yml"
    if not path.is_file():
        return []
    paths, problems = load_paths(path)
    known = {report.lesson_id for report in reports}
    return problems + unknown_path_lessons(path, paths, known)


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


def check_lessons(
    root: Path, settings: CheckSettings | None = None, *, parallel: bool = False
) -> list[Problem]:
    """Return every problem in the lessons folder `root`, sorted by file and line.

    `parallel` lets a command use worker processes for large folders; a web server, with
    its threads, should not fork.
    """
    return check_folder(root, settings, parallel=parallel)[0]


def check_folder(
    root: Path, settings: CheckSettings | None = None, *, parallel: bool = False
) -> tuple[list[Problem], list[LessonReport]]:
    """Return (every problem, each lesson's report) of the lessons folder `root`."""
    settings = settings or CheckSettings()
    root = Path(root)
    jobs, problems = lessons_under(root, settings)
    reports = _check_all(jobs, settings, parallel)
    for report in reports:
        problems.extend(report.problems)
    problems.extend(check_translations(reports, settings.languages))
    problems.extend(check_lesson_links(reports))
    problems.extend(check_paths(root, reports))
    problems.extend(check_synonyms(root, settings.languages))
    return sorted(set(problems), key=sort_key), reports


def find_root(path: Path, languages) -> Path:
    """Return the lessons folder that holds `path`: itself, or up to two folders above it."""
    path = Path(path)
    start = path if path.is_dir() else path.parent
    # lessons/ itself, lessons/fr, or lessons/fr/some-lesson (the parent of lesson.md).
    for candidate in (start, *start.parents[:2]):
        if (candidate / "paths.yml").is_file() or any(
            (candidate / lang).is_dir() for lang in languages
        ):
            return candidate
    return start
