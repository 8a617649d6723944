"""The lesson editor, under /staff/lessons/<id>/<lang>/: text, preview, check and pictures."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from coursesite import services
from coursesite.lessons.editor.candidate import insert_at, line_position, set_draft
from coursesite.lessons.editor.editing import (
    MAX_FILE_BYTES,
    LessonFolder,
    UnsafePath,
    fingerprint,
    plain_line,
)
from coursesite.lessons.editor.uploads import (
    MAX_FILES_AT_ONCE,
    MAX_UPLOAD_BYTES,
    UploadRefused,
    delete_picture,
    store_picture,
)
from coursesite.lessons.pictures.highlights import image_markdown
from coursesite.staff.editor.editing import (
    check,
    flashed_notices,
    open_folder,
    opened,
    picture_or_404,
    save_text,
    saved_notice,
    state_of,
)
from coursesite.staff.editor.editor_page import conflict_view, preview_context, render_editor

# Under /staff/: web/roles.py lets only staff in, before any view runs.
bp = Blueprint("editor", __name__, url_prefix="/staff/lessons")

# A form with ten screenshots; every other form of the site keeps the 2 MB limit.
MAX_EDITOR_REQUEST = MAX_FILES_AT_ONCE * MAX_UPLOAD_BYTES + MAX_FILE_BYTES * 2


@bp.url_value_preprocessor
def allow_screenshots(endpoint, values):
    """Let the editor's form carry screenshots; the rest of the site keeps its small limit."""
    # Before any before_request hook: the CSRF check reads the form, and with it the limit.
    if endpoint == "editor.edit":
        request.max_content_length = MAX_EDITOR_REQUEST


@bp.route("/<lesson_id>/<lesson_lang>/edit", methods=["GET", "POST"])
def edit(lesson_id, lesson_lang):
    """Edit a lesson's text, pictures and highlight boxes, with its preview and check."""
    lang = lesson_lang
    folder = open_folder(lesson_id, lang)
    disk, working, token = state_of(folder)
    if request.method == "GET":
        notices = flashed_notices()
        if disk is None:
            notices.append({"kind": "error", "text": _("This lesson file is too large to edit.")})
            return render_editor(folder, "", base=token, notices=notices, status=409)
        if working and working.base != fingerprint(disk):
            # The file changed on disk after the working copy was kept: show both.
            notices.append(
                {
                    "kind": "warning",
                    "text": _("The lesson file changed since this working copy was saved."),
                }
            )
            conflict = conflict_view(folder, working.text, disk)
            return render_editor(
                folder, working.text, base=token, notices=notices, conflict=conflict
            )
        opened(folder)
        return render_editor(folder, working.text if working else disk, base=token, notices=notices)

    text = request.form.get("text", "")
    base = request.form.get("base", "")[:60]
    note = plain_line(request.form.get("note", ""), 200)
    action = request.form.get("action", "preview")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        notice = {
            "kind": "error",
            "text": _(
                "The text is too long (at most %(limit)s characters): split the lesson.",
                limit=f"{MAX_FILE_BYTES:,}",
            ),
        }
        return render_editor(
            folder, text[:MAX_FILE_BYTES], base=base, note=note, notices=[notice], status=413
        )
    if request.form.get("delete"):
        return delete_picture_from_form(folder, text, base, note, disk, working)
    if action == "upload":
        return upload_pictures(folder, text, base, note)
    if action == "publish":
        text = set_draft(text, draft=False)
        candidate = check(folder, text)
        if not candidate.clean:
            notice = {
                "kind": "error",
                "text": _("Not published: fix the errors below first. Nothing was saved."),
            }
            return render_editor(
                folder,
                set_draft(text, draft=True),
                base=base,
                note=note,
                notices=[notice],
                status=422,
            )
        note = note or _("Published")
    if action in ("save", "publish"):
        saved = save_text(folder, text, note, "publish" if action == "publish" else "save", base)
        if saved.candidate is None:
            notice = {
                "kind": "error",
                "text": _("Not saved: this lesson was changed since you opened it."),
            }
            _disk, _working, now_token = state_of(folder)
            conflict = conflict_view(folder, text, saved.conflict_with)
            return render_editor(
                folder,
                text,
                base=now_token,
                note=note,
                notices=[notice],
                conflict=conflict,
                status=409,
            )
        kind, sentence = saved_notice(saved)
        flash(sentence, kind)
        return redirect(url_for("editor.edit", lesson_id=lesson_id, lesson_lang=lang), 303)
    return render_editor(folder, text, base=base, note=note)


def refusal_text(refused: UploadRefused, name: str) -> str:
    """Return why a picture was refused, in the staff member's language."""
    params = refused.params
    if refused.reason == "too-heavy":
        return _("%(name)s is heavier than %(limit)d MB.", name=name, limit=params["limit"])
    if refused.reason == "too-many-pixels":
        return _(
            "%(name)s is %(width)d × %(height)d pixels, more than the %(limit)s pixels the site "
            "accepts: make it smaller.",
            name=name,
            width=params["width"],
            height=params["height"],
            limit=f"{params['limit']:,}".replace(",", "\u202f"),
        )
    if refused.reason == "damaged":
        return _("%(name)s is damaged: it cannot be opened as a picture.", name=name)
    return _("%(name)s is not a PNG, JPEG or WebP picture.", name=name)


def upload_pictures(folder: LessonFolder, text: str, base: str, note: str):
    """Store the screenshots sent with the form and put them in the text at the cursor."""
    files = [f for f in request.files.getlist("pictures") if f and f.filename]
    alt = plain_line(request.form.get("alt", ""), 300)
    notices, snippets = [], []
    if not files:
        notices.append({"kind": "error", "text": _("Choose one or more screenshots first.")})
    if len(files) > MAX_FILES_AT_ONCE:
        notices.append(
            {
                "kind": "error",
                "text": _("At most %(count)d pictures at a time.", count=MAX_FILES_AT_ONCE),
            }
        )
        files = []
    for upload in files:
        shown_name = upload.filename[-80:]
        data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
        try:
            stored = store_picture(
                folder, upload.filename, data, services.lesson_health().settings.image_max_pixels
            )
        except UploadRefused as refused:
            notices.append({"kind": "error", "text": refusal_text(refused, shown_name)})
            continue
        snippets.append(image_markdown(stored.name, alt))
        if stored.size > services.lesson_health().settings.image_max_bytes:
            notices.append(
                {
                    "kind": "warning",
                    "text": _(
                        "%(name)s weighs %(kb)d KB even after cleaning: learners on a phone "
                        "pay for it. "
                        "A smaller crop helps.",
                        name=stored.name,
                        kb=stored.size // 1000,
                    ),
                }
            )
    if snippets:
        position = cursor_position(text)
        text = insert_at(text, position, "\n\n".join(snippets))
        message = ngettext(
            "%(num)d picture added to the text (not saved yet).",
            "%(num)d pictures added to the text (not saved yet).",
            len(snippets),
        )
        if not alt:
            message += " " + _(
                "Write what each one shows between its [ ]: without it, saving will not publish "
                "the lesson."
            )
        notices.insert(0, {"kind": "ok", "text": message})
    return render_editor(
        folder, text, base=base, note=note, notices=notices, status=200 if snippets else 422
    )


def cursor_position(text: str) -> int:
    """Return where to insert: the script's cursor, else after the line typed, else the end."""
    cursor = request.form.get("cursor", "")
    if cursor.isdigit() and len(cursor) < 8:
        return min(int(cursor), len(text))
    line = request.form.get("line", "")
    if line.isdigit() and len(line) < 7:
        return line_position(text, int(line))
    return len(text)


def published_texts(folder: LessonFolder) -> list[str]:
    """Return the Markdown of the version learners get now (it may differ from the file)."""
    lesson = services.catalogue().get(folder.lang, folder.lesson_id, drafts=True)
    if lesson is None:
        return []
    return [lesson.intro, *(step.source for step in lesson.steps)]


def delete_picture_from_form(folder, text, base, note, disk, working):
    """Delete a picture that neither the text, the file, the working copy nor learners use."""
    name = request.form.get("delete", "")
    texts = [text, disk, working.text if working else None, *published_texts(folder)]
    try:
        delete_picture(folder, name, *texts)
    except UnsafePath:
        abort(404)
    except UploadRefused as refused:
        message = (
            _("%(name)s is still used in the text: take it out of the text first.", name=name)
            if refused.reason == "in-use"
            else _("There is no picture %(name)s.", name=name)
        )
        return render_editor(
            folder,
            text,
            base=base,
            note=note,
            notices=[{"kind": "error", "text": message}],
            status=409,
        )
    notice = {"kind": "ok", "text": _("%(name)s was deleted.", name=name)}
    return render_editor(folder, text, base=base, note=note, notices=[notice])


@bp.route("/<lesson_id>/<lesson_lang>/preview", methods=["POST"])
def preview(lesson_id, lesson_lang):
    """Answer the editor's script with the check and preview of the text typed so far."""
    lang = lesson_lang
    folder = open_folder(lesson_id, lang)
    text = request.form.get("text", "")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        abort(413)
    return render_template(
        "staff/editor/_fragment.html", **preview_context(folder, text) | {"candidate": None}
    )


@bp.route("/<lesson_id>/<lesson_lang>/pictures/<name>")
def picture(lesson_id, lesson_lang, name):
    """Send one of the lesson's pictures to the editor, drafts and unused ones included."""
    _, path = picture_or_404(lesson_id, lesson_lang, name)
    response = send_file(path, max_age=0, conditional=True)
    response.cache_control.private = True
    return response
