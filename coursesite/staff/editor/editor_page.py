"""The editor page's parts: the check's messages, the step list, the preview, the pictures."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import get_locale

from coursesite import services
from coursesite.lessons.editor.candidate import Candidate, step_outline
from coursesite.lessons.editor.editing import MAX_FILE_BYTES, LessonFolder, normalise
from coursesite.lessons.editor.history import side_by_side
from coursesite.lessons.editor.uploads import MAX_UPLOAD_BYTES, pictures_used
from coursesite.lessons.messages import code_parts, translator
from coursesite.staff.editor.editing import check, in_sentence, languages, lessons_root, state_of
from coursesite.web.i18n import LANGUAGE_NAMES


def problem_rows(candidate: Candidate) -> list[dict]:
    """Return the check's messages in the page's language, their code parts marked."""
    words = translator(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    rows = []
    for problem in candidate.problems:
        message = words.message(problem)
        rows.append(
            {
                "severity": problem.severity,
                "line": problem.line,
                "message": message,
                "parts": code_parts(message),
            }
        )
    return rows


def outline_rows(text: str, candidate: Candidate) -> list[dict]:
    """Return the step list, each step with the number of errors on its lines."""
    steps = step_outline(text)
    rows = []
    for index, (line, title, step_id) in enumerate(steps):
        end = steps[index + 1][0] if index + 1 < len(steps) else 10**9
        errors = sum(1 for p in candidate.errors if line <= p.line < end)
        rows.append({"line": line, "title": title, "id": step_id, "errors": errors})
    return rows


def preview_of(candidate: Candidate) -> dict | None:
    """Return the lesson as learners would see it, rendered by the site's own renderer."""
    lesson = candidate.lesson
    if lesson is None:
        return None
    render = services.renderer()
    return {
        "title": lesson.title,
        "summary": lesson.summary,
        "intro": render.intro(lesson),
        "steps": [
            {
                "number": number,
                "id": step.id,
                "title": render.step_title(lesson, number),
                "body": render.step(lesson, number),
            }
            for number, step in enumerate(lesson.steps, start=1)
        ],
    }


def picture_rows(folder: LessonFolder, *texts: str | None) -> list[dict]:
    used = pictures_used(*texts)
    rows = []
    for name in folder.pictures():
        size = services.catalogue().image_size(folder.path / name) or (0, 0)
        rows.append(
            {
                "name": name,
                "url": url_for(
                    "editor.picture", lesson_id=folder.lesson_id, lesson_lang=folder.lang, name=name
                ),
                "width": size[0],
                "height": size[1],
                "thumb_height": round(160 * size[1] / size[0]) if size[0] else 90,
                "used": name in used,
            }
        )
    return rows


def preview_context(folder: LessonFolder, text: str) -> dict:
    candidate = check(folder, text)
    draft = candidate.lesson.draft if candidate.lesson else "draft: true" in text
    return {
        "candidate": candidate,
        "problems": problem_rows(candidate),
        "errors": len(candidate.errors),
        "draft": draft,
        "preview": preview_of(candidate),
        "outline": outline_rows(text, candidate),
        "lang": folder.lang,
    }


def render_editor(
    folder: LessonFolder,
    text: str,
    *,
    base: str,
    note: str = "",
    notices: list[dict] | None = None,
    conflict: dict | None = None,
    status: int = 200,
):
    disk, working, _token = state_of(folder)
    context = preview_context(folder, text)
    candidate = context.pop("candidate")
    published = services.catalogue().get(folder.lang, folder.lesson_id)
    title = (candidate.lesson or published or None) and (candidate.lesson or published).title
    others = [
        {
            "lang": other,
            "name": in_sentence(other),
            "exists": (lessons_root() / other / folder.lesson_id / "lesson.md").is_file(),
        }
        for other in languages()
        if other != folder.lang
    ]
    page = render_template(
        "staff/editor/edit.html",
        lesson_id=folder.lesson_id,
        language_name=LANGUAGE_NAMES.get(folder.lang, folder.lang),
        title=title or folder.lesson_id,
        text=text,
        base=base,
        note=note,
        notices=notices or [],
        conflict=conflict,
        working=working,
        pictures=picture_rows(folder, text, disk, working.text if working else None),
        other_languages=others,
        published_url=url_for("learn.lesson", lang=folder.lang, lesson_id=folder.lesson_id)
        if published
        else None,
        max_chars=MAX_FILE_BYTES,
        upload_megabytes=MAX_UPLOAD_BYTES // 1_000_000,
        max_pixels=f"{services.lesson_health().settings.image_max_pixels:,}".replace(",", "\u202f"),
        **context,
    )
    return page, status


def conflict_view(folder: LessonFolder, mine: str, theirs: str) -> dict:
    return {"theirs": theirs, "rows": side_by_side(normalise(theirs), normalise(mine))}
