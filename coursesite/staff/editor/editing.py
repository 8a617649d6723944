"""Saving lesson text from the browser: one rule for every way the editor writes a file.

A text is checked as `lessons check` would check lesson.md; a clean text is written
atomically and reaches learners, a text with errors is kept as the lesson's working copy and
never replaces the published file. Every save is kept in the lesson's history. Paths come
only from `LessonFolder.open`: no URL can name a file outside the lesson's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, get_flashed_messages
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from coursesite import services
from coursesite.lessons.editor.candidate import Candidate, candidate
from coursesite.lessons.editor.editing import (
    LessonFolder,
    TextTooLarge,
    UnsafePath,
    fingerprint,
    normalise,
)
from coursesite.lessons.editor.history import WorkingCopy

# Language names inside a sentence, in the staff member's language ("Traduire en anglais").
LANGUAGE_IN_SENTENCE = {"fr": _l("French"), "en": _l("English")}


def in_sentence(lang: str) -> str:
    return str(LANGUAGE_IN_SENTENCE.get(lang, lang))


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def lessons_root() -> Path:
    return Path(current_app.config["LESSONS"])


def open_folder(lesson_id: str, lang: str, *, must_exist: bool = True) -> LessonFolder:
    """Return the lesson's folder from URL parts, or answer 404."""
    try:
        folder = LessonFolder.open(lessons_root(), lang, lesson_id, languages())
    except UnsafePath:
        abort(404)
    if must_exist and not folder.exists():
        abort(404)
    return folder


def picture_or_404(lesson_id: str, lang: str, name: str) -> tuple[LessonFolder, Path]:
    """Return the lesson's folder and the file of one of its pictures, or answer 404."""
    folder = open_folder(lesson_id, lang)
    try:
        path = folder.picture(name)
    except UnsafePath:
        abort(404)
    if not path.is_file():
        abort(404)
    return folder, path


def state_of(folder: LessonFolder) -> tuple[str | None, WorkingCopy | None, str]:
    """Return (the file's text, the working copy, the token a form carries to notice changes)."""
    try:
        disk = folder.read()
    except TextTooLarge:
        disk = None
    working = services.lesson_history().working(folder)
    token = f"{fingerprint(disk)}.{fingerprint(working.text if working else None)}"
    return disk, working, token


def check(folder: LessonFolder, text: str) -> Candidate:
    """Check a text exactly as publishing would: the catalogue's checks, limits and links."""
    text = normalise(text)
    return candidate(
        folder, text, services.catalogue().check_source(folder.lang, folder.lesson_id, text)
    )


def who() -> str:
    return current_user.username


@dataclass
class Saved:
    candidate: Candidate | None  # None when nothing was saved (a conflict)
    published: bool = False
    conflict_with: str | None = None  # the text saved meanwhile


def keep_file_version(folder: LessonFolder, disk: str | None) -> None:
    """Keep the file as it is in the history, unless it is already the last published version.

    The first time the editor opens a lesson, or after someone edited the file on disk: so
    that "the previous version" is always in the history, whoever wrote it.
    """
    if disk is None:
        return
    history = services.lesson_history()
    published = next((v for v in history.versions(folder) if v.published), None)
    if published is None or published.text != normalise(disk):
        history.add(folder, normalise(disk), "", published=True, kind="disk")


def opened(folder: LessonFolder) -> None:
    """Note the file's version when the editor opens it."""
    with services.lesson_history().lock:
        keep_file_version(folder, state_of(folder)[0])


def save_text(folder: LessonFolder, text: str, note: str, kind: str, base: str | None) -> Saved:
    """Check and save a text: published when clean, else kept as the working copy."""
    text = normalise(text)
    history = services.lesson_history()
    with services.lesson_history().lock:
        disk, working, token = state_of(folder)
        if base is not None and base != token:
            return Saved(None, conflict_with=working.text if working else (disk or ""))
        keep_file_version(folder, disk)
        candidate = check(folder, text)
        if candidate.clean:
            folder.write(text)
            history.add(folder, text, who(), note=note, published=True, kind=kind)
            history.drop_working(folder)
        else:
            history.keep_working(folder, text, who(), fingerprint(disk))
            history.add(folder, text, who(), note=note, published=False, kind=kind)
    services.catalogue().refresh(force=True)
    return Saved(candidate, published=candidate.clean)


def saved_notice(saved: Saved) -> tuple[str, str]:
    """Return (kind, sentence) telling what a save did."""
    candidate = saved.candidate
    if saved.published:
        if candidate.lesson is not None and candidate.lesson.draft:
            return "ok", _("Saved. The lesson is still a draft: only staff see it.")
        return "ok", _("Saved and published: learners get this version now.")
    errors = len(candidate.errors)
    return "error", ngettext(
        "Saved as the working copy, not published: %(num)d error to fix. Learners keep the "
        "published version.",
        "Saved as the working copy, not published: %(num)d errors to fix. Learners keep the "
        "published version.",
        errors,
    )


def flashed_notices() -> list[dict]:
    return [
        {"kind": kind, "text": text}
        for kind, text in get_flashed_messages(with_categories=True)
        if kind in ("ok", "error", "warning")
    ]
