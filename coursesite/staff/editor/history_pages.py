"""A lesson's history: every version saved from the browser, what each changed, restoring one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from coursesite import services
from coursesite.lessons.editor.editing import LessonFolder
from coursesite.lessons.editor.history import side_by_side
from coursesite.staff.editor.editing import open_folder, save_text, saved_notice
from coursesite.web.i18n import LANGUAGE_NAMES

bp = Blueprint("lesson_history", __name__, url_prefix="/staff/lessons")


@bp.route("/<lesson_id>/<lesson_lang>/history")
def history(lesson_id, lesson_lang):
    """List every version of the lesson saved from the browser."""
    lang = lesson_lang
    folder = open_folder(lesson_id, lang)
    return render_template(
        "staff/lesson_history/history.html",
        lesson_id=lesson_id,
        lang=lang,
        language_name=LANGUAGE_NAMES.get(lang, lang),
        title=title_of(folder),
        versions=services.lesson_history().versions(folder),
    )


def title_of(folder: LessonFolder) -> str:
    lesson = services.catalogue().get(folder.lang, folder.lesson_id, drafts=True)
    return lesson.title if lesson else folder.lesson_id


def version_or_404(lesson_id: str, lang: str, number: int):
    """Return the lesson's folder and its version `number`, or answer 404."""
    folder = open_folder(lesson_id, lang)
    found = services.lesson_history().get(folder, number)
    if found is None:
        abort(404)
    return folder, found


@bp.route("/<lesson_id>/<lesson_lang>/history/<int:number>")
def version(lesson_id, lesson_lang, number):
    """Show one version and what it changed from the one before, side by side."""
    lang = lesson_lang
    folder, found = version_or_404(lesson_id, lang, number)
    earlier = [v for v in services.lesson_history().versions(folder) if v.number < number]
    previous = earlier[0] if earlier else None
    return render_template(
        "staff/lesson_history/version.html",
        lesson_id=lesson_id,
        lang=lang,
        title=title_of(folder),
        version=found,
        rows=side_by_side(previous.text if previous else "", found.text),
        previous_title=_("Version %(number)d", number=previous.number)
        if previous
        else _("Nothing before"),
    )


@bp.route("/<lesson_id>/<lesson_lang>/history/<int:number>/restore", methods=["POST"])
def restore(lesson_id, lesson_lang, number):
    """Save an earlier version again, as the newest one."""
    lang = lesson_lang
    folder, found = version_or_404(lesson_id, lang, number)
    saved = save_text(
        folder, found.text, _("Restored version %(number)d", number=number), "restore", None
    )
    kind, sentence = saved_notice(saved)
    flash(sentence, kind)
    return redirect(url_for("editor.edit", lesson_id=lesson_id, lesson_lang=lang), 303)
