"""New lessons and translations, started in the browser as `coursesite lessons new` does."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coursesite import services
from coursesite.lessons.editor.editing import normalise, plain_line
from coursesite.lessons.editor.new import LESSON_ID, NewLessonError, create_lesson
from coursesite.lessons.reading.loader import slugify
from coursesite.staff.editor.editing import in_sentence, languages, lessons_root, open_folder, who
from coursesite.web.i18n import LANGUAGE_NAMES

bp = Blueprint("new_lessons", __name__, url_prefix="/staff/lessons")


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Start a new lesson as a draft, from the template, and open it in the editor."""
    form = {"title": "", "lesson_id": "", "lang": languages()[0]}
    problems = []
    if request.method == "POST":
        form = {
            "title": plain_line(request.form.get("title", ""), 120),
            "lesson_id": request.form.get("lesson_id", "").strip()[:80],
            "lang": request.form.get("lang", ""),
        }
        lesson_id = form["lesson_id"] or slugify(form["title"])[:60].strip("-")
        if not form["title"]:
            problems.append(("title", _("Give the lesson a title.")))
        if form["lang"] not in languages():
            problems.append(("lang", _("Choose the lesson's language.")))
        if not LESSON_ID.fullmatch(lesson_id):
            problems.append(
                (
                    "lesson_id",
                    _(
                        "The lesson id may hold only lower-case letters without accents, digits "
                        "and "
                        "hyphens."
                    ),
                )
            )
        elif any((lessons_root() / lang / lesson_id).exists() for lang in languages()):
            problems.append(
                (
                    "lesson_id",
                    _("There is already a lesson “%(id)s”: choose another id.", id=lesson_id),
                )
            )
        if not problems:
            try:
                create_lesson(lessons_root(), lesson_id, form["lang"], (form["lang"],))
            except NewLessonError:
                problems.append(
                    (
                        "lesson_id",
                        _("There is already a lesson “%(id)s”: choose another id.", id=lesson_id),
                    )
                )
        if not problems:
            folder = open_folder(lesson_id, form["lang"])
            text = folder.read() or ""
            text = text.replace(
                text.split("\n")[1], f"title: {json.dumps(form['title'], ensure_ascii=False)}", 1
            )
            folder.write(text)
            services.lesson_history().add(
                folder, normalise(text), who(), note=_("New lesson"), published=True, kind="new"
            )
            services.catalogue().refresh(force=True)
            return redirect(
                url_for("editor.edit", lesson_id=lesson_id, lesson_lang=form["lang"]), 303
            )
    return render_template(
        "staff/new_lessons/new.html",
        form=form,
        problems=problems,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in languages()],
    ), (422 if problems else 200)


@bp.route("/<lesson_id>/<lesson_lang>/translate", methods=["POST"])
def translate(lesson_id, lesson_lang):
    """Start the lesson in another language from this one, steps, ids and pictures kept."""
    lang = lesson_lang
    folder = open_folder(lesson_id, lang)
    target = request.form.get("target", "")
    if target not in languages() or target == lang:
        abort(404)
    if any(p.is_symlink() for p in folder.path.iterdir()):
        abort(409)
    try:
        path, _source = create_lesson(
            lessons_root(), lesson_id, target, (lang, *[x for x in languages() if x != lang])
        )
    except NewLessonError:
        return redirect(url_for("editor.edit", lesson_id=lesson_id, lesson_lang=target), 303)
    new_folder = open_folder(lesson_id, target)
    services.lesson_history().add(
        new_folder,
        normalise(new_folder.read() or ""),
        who(),
        note=_("Translation started from %(language)s", language=in_sentence(lang)),
        published=True,
        kind="translate",
    )
    services.catalogue().refresh(force=True)
    flash(
        _(
            "The %(language)s draft is ready: translate the text, the alt texts and the "
            "labels; keep the {#ids}.",
            language=in_sentence(target),
        ),
        "ok",
    )
    return redirect(url_for("editor.edit", lesson_id=lesson_id, lesson_lang=target), 303)
