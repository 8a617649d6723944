"""Links and labels that lesson HTML needs, handed to the lesson renderer (which knows no Flask)."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from coursesite.lessons.model import Lesson

CALLOUT_TITLES = {
    "note": _l("Note"),
    "tip": _l("Tip"),
    "important": _l("Important"),
    "warning": _l("Warning"),
    "caution": _l("Caution"),
    "remember": _l("Write it down"),
}
FULL_SIZE_LABEL = _l("Open the picture full size")
WHOLE_SCREEN_LABEL = _l("See the whole screen")


def translated_callout_titles(lang: str) -> dict[str, str]:
    with force_locale(lang):
        return {kind: str(title) for kind, title in CALLOUT_TITLES.items()}


def full_size_label(lang: str) -> str:
    with force_locale(lang):
        return str(FULL_SIZE_LABEL)


def whole_screen_label(lang: str) -> str:
    with force_locale(lang):
        return str(WHOLE_SCREEN_LABEL)


def picture_url(lesson: Lesson, number: int, k: int) -> str:
    return url_for("learn.picture", lang=lesson.lang, lesson_id=lesson.id, number=number, k=k)


def media_url(lesson: Lesson, filename: str) -> str:
    return url_for("learn.media", lang=lesson.lang, lesson_id=lesson.id, filename=filename)


def variant_url(name: str) -> str:
    return url_for("media.variant", name=name)


def lesson_url(lang: str, lesson_id: str) -> str:
    return url_for("learn.lesson", lang=lang, lesson_id=lesson_id)
