"""Everything `coursesite lessons check` reports about a lessons folder, as Problems.

Pure: reads files, never writes, knows nothing of the app. `check_lessons(root, settings)`
returns every problem of the folder, sorted (the command, the health page); `check_folder`
also returns each lesson's LessonReport. Each lesson is checked on its own (check.py), then
what only the whole folder shows: missing translations and step ids that differ, links
between lessons, paths.yml and synonyms.yml.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from coursesite.lessons.checks.check import (
    LINK_DRAFT,
    LINK_MISSING,
    LINK_OK,
    LINK_OTHER_LANGUAGE,
    CheckSettings,
    ImageChecker,
    LessonReport,
    LinkTargets,
    check_one,
    lesson_link_problems,
    sort_key,
    unknown_path_lessons,
)
from coursesite.lessons.paths import load_paths
from coursesite.lessons.problems import N_, Problem
from coursesite.lessons.synonyms import check_synonyms

LESSON_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# Below this many lessons, starting worker processes costs more than it saves.
PARALLEL_FROM = 120


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
