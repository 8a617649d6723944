"""Staff pages about lessons: health report, drafts, and a side-by-side preview."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

from coursesite.lessons.catalogue import Catalogue
from coursesite.lessons.check import CheckSettings, check_lessons, lessons_under
from coursesite.lessons.model import Lesson, Problem
from coursesite.lessons.render import LessonRenderer

# Every URL under /staff/ needs the staff role: roles.py checks the prefix before any view.
bp = Blueprint("staff", __name__, url_prefix="/staff")


class HealthReport:
    """The `lessons check` report of the app's lessons folder, redone only when files change."""

    def __init__(self, root: Path, settings: CheckSettings):
        self.root = Path(root)
        self.settings = settings
        self._signature = None
        self._problems: list[Problem] = []
        self._lock = threading.Lock()

    def signature(self) -> tuple:
        """Return the names, times and sizes of every file: cheap next to a full check."""
        found = []
        for folder, folders, files in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for name in sorted(files):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found.append((folder, name, stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def problems(self) -> list[Problem]:
        with self._lock:
            # Today's date is part of it: "updated" dates go stale while the server runs.
            settings = replace(self.settings, today=dt.date.today())
            signature = (settings.today, self.signature())
            if signature != self._signature:
                self._problems = check_lessons(self.root, settings)
                self._signature = signature
            return list(self._problems)


def catalogue() -> Catalogue:
    return current_app.extensions["coursesite.catalogue"]


def renderer() -> LessonRenderer:
    return current_app.extensions["coursesite.renderer"]


def health() -> HealthReport:
    return current_app.extensions["coursesite.lesson_health"]


def lesson_of(problem: Problem, root: Path) -> tuple[str, str] | None:
    """Return (lang, lesson id) of the lesson a problem is about, or None."""
    try:
        parts = problem.path.relative_to(root).parts
    except ValueError:
        return None
    if len(parts) >= 2 and parts[0] in current_app.config["LANGUAGES"]:
        return parts[0], parts[1]
    return None


def shown(problems: list[Problem], root: Path) -> list[dict]:
    """Return problems ready to show: file relative to the lessons folder, line, message."""
    rows = []
    for problem in problems:
        try:
            file = problem.path.relative_to(root).as_posix()
        except ValueError:
            file = str(problem.path)
        rows.append(
            {
                "severity": problem.severity,
                "line": problem.line,
                "file": file,
                "message": problem.message,
            }
        )
    return rows


def lesson_versions(lesson_id: str) -> dict[str, Lesson]:
    """Return the lesson in each language it exists in, drafts included."""
    versions = {}
    for lang in current_app.config["LANGUAGES"]:
        lesson = catalogue().get(lang, lesson_id, drafts=True)
        if lesson is not None:
            versions[lang] = lesson
    return versions


@bp.route("/lessons")
def lessons():
    """Show every problem in the lesson files, grouped by lesson, with links to previews."""
    root = health().root
    problems = health().problems()
    by_lesson, other = defaultdict(list), []
    for problem in problems:
        key = lesson_of(problem, root)
        (by_lesson[key[1]] if key else other).append(problem)
    groups = []
    for lesson_id in sorted(by_lesson):
        versions = lesson_versions(lesson_id)
        title = next((lesson.title for lesson in versions.values()), lesson_id)
        groups.append(
            {"id": lesson_id, "title": title, "problems": shown(by_lesson[lesson_id], root)}
        )
    errors = sum(p.severity == "error" for p in problems)
    return render_template(
        "staff/lessons.html",
        groups=groups,
        other=shown(other, root),
        errors=errors,
        warnings=len(problems) - errors,
        lesson_count=len(lessons_under(root, health().settings)[0]),
    )


@bp.route("/lessons/drafts")
def drafts():
    """List the draft lessons, which only staff can see."""
    found = defaultdict(dict)
    for lang in current_app.config["LANGUAGES"]:
        for lesson in catalogue().lessons(lang, drafts=True):
            if lesson.draft:
                found[lesson.id][lang] = lesson
    rows = sorted(found.items(), key=lambda item: next(iter(item[1].values())).title.casefold())
    return render_template("staff/drafts.html", rows=rows)


@bp.route("/lessons/<lesson_id>/preview")
def preview(lesson_id):
    """Show a lesson in every language side by side, step by step, drafts included."""
    versions = lesson_versions(lesson_id)
    root = health().root
    problems = [p for p in health().problems() if (lesson_of(p, root) or ("", ""))[1] == lesson_id]
    if not versions and not problems:
        abort(404)
    languages = list(versions)
    # Steps are matched by id, as progress is: a row per step id, in the order of the first
    # language, then the steps only a translation has.
    step_ids = []
    for lesson in versions.values():
        step_ids.extend(step.id for step in lesson.steps if step.id not in step_ids)
    rows = []
    for step_id in step_ids:
        cells = {}
        for lang, lesson in versions.items():
            number = lesson.step_index(step_id)
            if number:
                cells[lang] = {
                    "number": number,
                    "title": renderer().step_title(lesson, number),
                    "body": renderer().step(lesson, number),
                }
        rows.append({"id": step_id, "cells": cells})
    # Files that do not load now: the catalogue serves their last good version.
    not_loading = {p.path: p for p in catalogue().problems()}
    broken = {
        lang: not_loading[lesson.path]
        for lang, lesson in versions.items()
        if lesson.path in not_loading
    }
    return render_template(
        "staff/preview.html",
        lesson_id=lesson_id,
        versions=versions,
        languages=languages,
        intros={lang: renderer().intro(lesson) for lang, lesson in versions.items()},
        rows=rows,
        problems=shown(problems, root),
        broken={lang: shown([problem], root)[0] for lang, problem in broken.items()},
    )


@bp.route("/")
def home():
    """Show the staff's home: links to every staff tool."""
    return render_template("staff/home.html")


def init_app(app):
    """Check the app's lessons folder for the health page, and serve the staff pages."""
    app.extensions["coursesite.lesson_health"] = HealthReport(
        Path(app.config["LESSONS"]), CheckSettings.from_config(app.config)
    )
    app.register_blueprint(bp)
