"""Staff pages about lessons: health report, drafts, and a side-by-side preview."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template
from flask_babel import format_date, get_locale
from werkzeug.exceptions import NotFound

from coursesite import services
from coursesite.lessons.checks.folder_check import lessons_under
from coursesite.lessons.messages import Translator, code_parts, translator
from coursesite.lessons.model import Lesson
from coursesite.lessons.problems import Problem
from coursesite.staff.editor.editing import check, open_folder

# Every URL under /staff/ needs the staff role: roles.py checks the prefix before any view.
bp = Blueprint("staff", __name__, url_prefix="/staff")


def lesson_of(problem: Problem, root: Path) -> tuple[str, str] | None:
    """Return (lang, lesson id) of the lesson a problem is about, or None."""
    try:
        parts = problem.path.relative_to(root).parts
    except ValueError:
        return None
    if len(parts) >= 2 and parts[0] in current_app.config["LANGUAGES"]:
        return parts[0], parts[1]
    return None


def speaker() -> Translator:
    """Return the Translator of the page's language, for lessons check's messages."""
    return translator(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))


def problem_rows(problems: list[Problem], root: Path) -> list[dict]:
    """Return problems ready to show: file relative to the lessons folder, line, message."""
    rows, words = [], speaker()
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
                "message": words.message(problem),
                "parts": code_parts(words.message(problem)),
            }
        )
    return rows


def translations_of(lesson_id: str) -> dict[str, Lesson]:
    """Return the lesson in each language it exists in, drafts included."""
    versions = {}
    for lang in current_app.config["LANGUAGES"]:
        lesson = services.catalogue().get(lang, lesson_id, drafts=True)
        if lesson is not None:
            versions[lang] = lesson
    return versions


def held_back_versions(lesson_id: str) -> dict[str, Lesson]:
    """Return the versions of a lesson not shown yet, as their files say now."""
    found = {}
    for status in services.catalogue().held_back():
        if status.lesson_id == lesson_id and status.current is not None:
            found[status.lang] = status.current
    return found


def held_back_rows(root: Path) -> list[dict]:
    """Return the lesson files whose current version learners do not get, and what they see."""
    rows = []
    for status in services.catalogue().held_back():
        # The title learners know; a file whose header does not read has only its id.
        shown_lesson = status.published or status.current
        published_on = None
        if status.published is not None and status.published_at:
            published_on = format_date(dt.datetime.fromtimestamp(status.published_at), "long")
        rows.append(
            {
                "id": status.lesson_id,
                "title": shown_lesson.title if shown_lesson else status.lesson_id,
                "file": status.path.relative_to(root).as_posix(),
                "published_on": published_on,
            }
        )
    return rows


def working_rows() -> list[dict]:
    """Return the lessons saved in the browser with errors: kept apart, learners never get them."""
    rows = []
    for lang, lesson_id, copy in services.lesson_history().working_copies(
        current_app.config["LANGUAGES"]
    ):
        try:
            folder = open_folder(lesson_id, lang)
        except NotFound:  # the lesson was removed since
            continue
        lesson = services.catalogue().get(lang, lesson_id, drafts=True)
        rows.append(
            {
                "id": lesson_id,
                "lang": lang,
                "title": lesson.title if lesson else lesson_id,
                "who": copy.who,
                "when": copy.saved_at,
                "errors": len(check(folder, copy.text).errors),
            }
        )
    return rows


@bp.route("/lessons")
def lessons():
    """Show every problem in the lesson files, grouped by lesson, with links to previews."""
    root = services.lesson_health().root
    problems = services.lesson_health().problems()
    by_lesson, other = defaultdict(list), []
    for problem in problems:
        key = lesson_of(problem, root)
        (by_lesson[key[1]] if key else other).append(problem)
    groups = []
    for lesson_id in sorted(by_lesson):
        versions = translations_of(lesson_id) or held_back_versions(lesson_id)
        title = next((lesson.title for lesson in versions.values()), lesson_id)
        groups.append(
            {
                "id": lesson_id,
                "title": title,
                "problems": problem_rows(by_lesson[lesson_id], root),
                "languages": [
                    lang
                    for lang in current_app.config["LANGUAGES"]
                    if (root / lang / lesson_id / "lesson.md").is_file()
                ],
            }
        )
    errors = sum(p.severity == "error" for p in problems)
    return render_template(
        "staff/lessons.html",
        held_back=held_back_rows(root),
        working=working_rows(),
        groups=groups,
        other=problem_rows(other, root),
        errors=errors,
        warnings=len(problems) - errors,
        lesson_count=len(lessons_under(root, services.lesson_health().settings)[0]),
    )


@bp.route("/lessons/drafts")
def drafts():
    """List the draft lessons, which only staff can see."""
    found = defaultdict(dict)
    for lang in current_app.config["LANGUAGES"]:
        for lesson in services.catalogue().lessons(lang, drafts=True):
            if lesson.draft:
                found[lesson.id][lang] = lesson
    rows = sorted(found.items(), key=lambda item: next(iter(item[1].values())).title.casefold())
    return render_template("staff/drafts.html", rows=rows)


@bp.route("/lessons/<lesson_id>/preview")
def preview(lesson_id):
    """Show a lesson in every language side by side, step by step, drafts included."""
    versions = translations_of(lesson_id)
    root = services.lesson_health().root
    problems = [
        p
        for p in services.lesson_health().problems()
        if (lesson_of(p, root) or ("", ""))[1] == lesson_id
    ]
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
                    "title": services.renderer().step_title(lesson, number),
                    "body": services.renderer().step(lesson, number),
                }
        rows.append({"id": step_id, "cells": cells, "questions": question_rows(versions, step_id)})
    # Files whose current version is held back: the catalogue serves their last good version.
    statuses = {lang: services.catalogue().status(lang, lesson_id) for lang in versions}
    broken = {
        lang: status.errors[0]
        for lang, status in statuses.items()
        if status is not None and status.held_back
    }
    return render_template(
        "staff/preview.html",
        lesson_id=lesson_id,
        versions=versions,
        languages=languages,
        intros={lang: services.renderer().intro(lesson) for lang, lesson in versions.items()},
        rows=rows,
        problems=problem_rows(problems, root),
        broken={lang: problem_rows([problem], root)[0] for lang, problem in broken.items()},
    )


def question_rows(versions: dict[str, Lesson], step_id: str) -> list[dict]:
    """Return the questions of one step lined up by id across languages, as step rows are."""
    ids: list[str] = []
    for lesson in versions.values():
        number = lesson.step_index(step_id)
        if number:
            ids.extend(q.id for q in lesson.steps[number - 1].questions if q.id not in ids)
    rows = []
    for question_id in ids:
        cells = {}
        for lang, lesson in versions.items():
            number = lesson.step_index(step_id)
            found = number and next(
                (q for q in lesson.steps[number - 1].questions if q.id == question_id), None
            )
            if found:
                cells[lang] = services.renderer().question(lesson, found)
        rows.append({"id": question_id, "cells": cells})
    return rows


@bp.route("/")
def home():
    """Show the staff's home: links to every staff tool."""
    return render_template("staff/home.html")
