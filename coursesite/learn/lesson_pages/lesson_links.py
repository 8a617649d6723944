"""The links a lesson page shows: Previous and Next, and the same page in the other languages."""

from flask import current_app, g, url_for

from coursesite import services
from coursesite.lessons.model import Lesson


def set_alternates(lesson: Lesson, endpoint: str, step_number: int | None = None) -> None:
    """Point the language switch at this same lesson (and step) in the other languages."""
    g.alternate_urls = alternate_urls(lesson, endpoint, step_number)


def alternate_urls(lesson: Lesson, endpoint: str, step_number: int | None = None) -> dict:
    """Return {language: the URL of this same lesson (and step) in it}."""
    alternates = {}
    for lang in current_app.config["LANGUAGES"]:
        other = services.catalogue().get(lang, lesson.id, drafts=services.drafts_visible())
        if other is None:
            alternates[lang] = url_for("learn.catalogue", lang=lang, missing=lesson.id)
        elif step_number is not None:
            # Steps are matched by id, not position: translations may differ in order.
            number = other.step_index(lesson.steps[step_number - 1].id)
            if number:
                alternates[lang] = url_for(
                    "learn.step", lang=lang, lesson_id=lesson.id, number=number
                )
            else:
                alternates[lang] = url_for("learn.lesson", lang=lang, lesson_id=lesson.id)
        else:
            alternates[lang] = url_for(endpoint, lang=lang, lesson_id=lesson.id)
    return alternates


def step_links(lesson: Lesson, number: int) -> dict:
    """Return a step's Previous and Next links and the same step in the other languages."""
    lang, lesson_id = lesson.lang, lesson.id
    previous_url = (
        url_for("learn.step", lang=lang, lesson_id=lesson_id, number=number - 1)
        if number > 1
        else url_for("learn.lesson", lang=lang, lesson_id=lesson_id)
    )
    next_url = (
        url_for("learn.step", lang=lang, lesson_id=lesson_id, number=number + 1)
        if number < len(lesson.steps)
        else url_for("learn.end", lang=lang, lesson_id=lesson_id)
    )
    return {
        "previous": previous_url,
        "next": next_url,
        "alternates": alternate_urls(lesson, "learn.step", number),
    }
