"""Everything `coursesite lessons check` reports about a lessons folder, as Problems.

Pure: reads files, never writes, knows nothing of the app. The CLI formats the result and the
staff pages show it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from coursesite.lessons.content import (
    CheckSettings,
    ImageChecker,
    LessonLink,
    check_lesson_content,
)
from coursesite.lessons.loader import parse_lesson
from coursesite.lessons.model import LessonError, Problem
from coursesite.lessons.paths import load_paths

__all__ = ["CheckSettings", "check_lessons", "find_root", "lessons_under"]

log = logging.getLogger(__name__)

LESSON_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# Below this many lessons, starting worker processes costs more than it saves.
PARALLEL_FROM = 120
SEVERITY_ORDER = {"error": 0, "warning": 1}


@dataclass
class LessonReport:
    """What checking one lesson.md found."""

    lang: str
    lesson_id: str
    path: Path
    problems: list[Problem] = field(default_factory=list)
    step_ids: tuple[str, ...] | None = None  # None if the file did not load
    links: list[LessonLink] = field(default_factory=list)


def check_one(lang: str, path: Path, settings: CheckSettings, images=None) -> LessonReport:
    """Check one lesson.md on its own; never raises for a bad file."""
    report = LessonReport(lang, path.parent.name, path)
    try:
        parsed = parse_lesson(path, lang)
    except LessonError as exc:
        report.problems.append(exc.problem)
        return report
    except OSError as exc:
        report.problems.append(Problem(path, 1, f"cannot read the file: {exc.strerror}"))
        return report
    except RecursionError:  # absurdly nested lists or quotes
        report.problems.append(Problem(path, 1, "the Markdown is nested too deeply to read"))
        return report
    report.step_ids = tuple(step.id for step in parsed.lesson.steps)
    try:
        problems, report.links = check_lesson_content(
            parsed, settings, images or ImageChecker(settings)
        )
    except RecursionError:
        problems = [Problem(path, 1, "the Markdown is nested too deeply to read")]
    except Exception:  # a bug in one check must not hide the report on every other lesson
        log.exception("checking %s failed", path)
        problems = [Problem(path, 1, "this file could not be checked completely (a bug: tell us)")]
    report.problems.extend(problems)
    return report


def _check_many(jobs: list[tuple[str, Path]], settings: CheckSettings) -> list[LessonReport]:
    images = ImageChecker(settings)
    return [check_one(lang, path, settings, images) for lang, path in jobs]


def lessons_under(root: Path, settings: CheckSettings) -> tuple[list, list[Problem]]:
    """Return ([(lang, lesson.md)], problems with the folders themselves)."""
    jobs, problems = [], []
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError as exc:
        return [], [Problem(root, 1, f"cannot read the lessons folder: {exc.strerror}")]
    for entry in entries:
        if not entry.is_dir() or entry.name.startswith((".", "_")):
            continue
        if entry.name not in settings.languages:
            languages = ", ".join(settings.languages)
            message = f"folder `{entry.name}` is not a language of the site ({languages}): ignored"
            problems.append(Problem(Path(entry.path), 1, message, "warning"))
            continue
        try:
            folders = sorted(os.scandir(entry.path), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(Path(entry.path), 1, f"cannot read: {exc.strerror}"))
            continue
        for folder in folders:
            if not folder.is_dir() or folder.name.startswith((".", "_")):
                continue
            lesson_md = Path(folder.path) / "lesson.md"
            if not lesson_md.is_file():
                message = "this folder has no lesson.md, so it is not a lesson"
                problems.append(Problem(Path(folder.path), 1, message, "warning"))
                continue
            if not LESSON_ID.fullmatch(folder.name):
                message = (
                    f"lesson id `{folder.name}` should use only a-z, 0-9 and - "
                    "(it is part of the lesson's address)"
                )
                problems.append(Problem(lesson_md, 1, message, "warning"))
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
                message = f"no {lang} version of this lesson: add {lang}/{lesson_id}/lesson.md"
                problems.append(Problem(first.path, 1, message, "warning"))
        loaded = [versions[lang] for lang in languages if lang in versions]
        loaded = [report for report in loaded if report.step_ids is not None]
        if len(loaded) < 2:
            continue
        reference = loaded[0]
        for other in loaded[1:]:
            missing = [i for i in reference.step_ids if i not in other.step_ids]
            extra = [i for i in other.step_ids if i not in reference.step_ids]
            if missing or extra:
                parts = []
                if missing:
                    parts.append(f"only in {reference.lang}: {', '.join(missing)}")
                if extra:
                    parts.append(f"only here: {', '.join(extra)}")
                message = (
                    f"step ids differ from the {reference.lang} version ({'; '.join(parts)}): "
                    "give matching steps the same {#id} so progress follows the learner"
                )
                problems.append(Problem(other.path, 1, message, "warning"))
    return problems


def check_lesson_links(reports: list[LessonReport]) -> list[Problem]:
    """Report links to lessons that do not exist, or not in the link's language."""
    exists = {(report.lang, report.lesson_id) for report in reports}
    ids = {lesson_id for _, lesson_id in exists}
    problems = []
    for report in reports:
        for link in report.links:
            if link.lesson_id not in ids:
                message = f"link `{link.written}`: there is no lesson `{link.lesson_id}`"
                problems.append(Problem(link.path, link.line, message))
            elif (link.lang, link.lesson_id) not in exists:
                message = (
                    f"link `{link.written}`: lesson `{link.lesson_id}` has no {link.lang} "
                    "version yet, so learners will find no page"
                )
                problems.append(Problem(link.path, link.line, message, "warning"))
    return problems


def check_paths(root: Path, reports: list[LessonReport]) -> list[Problem]:
    """Report paths.yml problems and the lessons it names that do not exist."""
    path = root / "paths.yml"
    if not path.is_file():
        return []
    paths, problems = load_paths(path)
    known = {report.lesson_id for report in reports}
    for lesson_path in paths:
        for lesson_id, line in lesson_path.lesson_lines:
            if lesson_id not in known:
                message = f"path `{lesson_path.id}` names an unknown lesson `{lesson_id}`"
                problems.append(Problem(path, line, message))
    return problems


def sort_key(problem: Problem):
    return (
        str(problem.path),
        problem.line,
        SEVERITY_ORDER.get(problem.severity, 2),
        problem.message,
    )


def check_lessons(
    root: Path, settings: CheckSettings | None = None, *, parallel: bool = False
) -> list[Problem]:
    """Return every problem in the lessons folder `root`, sorted by file and line.

    `parallel` lets a command use worker processes for large folders; a web server, with
    its threads, should not fork.
    """
    settings = settings or CheckSettings()
    root = Path(root)
    jobs, problems = lessons_under(root, settings)
    reports = _check_all(jobs, settings, parallel)
    for report in reports:
        problems.extend(report.problems)
    problems.extend(check_translations(reports, settings.languages))
    problems.extend(check_lesson_links(reports))
    problems.extend(check_paths(root, reports))
    # One problem, one line: `path:line: severity: message` must survive grep and editors.
    problems = [Problem(p.path, p.line, " ".join(p.message.split()), p.severity) for p in problems]
    return sorted(set(problems), key=sort_key)


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
