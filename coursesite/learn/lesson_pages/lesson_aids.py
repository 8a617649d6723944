"""What the end page, a picture's own page and the take-home sheet show about a lesson."""

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from coursesite import services
from coursesite.accounts.cards import qr_svg
from coursesite.desk.paths import home_state
from coursesite.learn.progress import current_progress
from coursesite.lessons.model import Lesson
from coursesite.web.network import public_url


def end_state(lesson: Lesson) -> dict:
    """Return how many steps the person did, the ones left, and their path's next lesson."""
    progress = current_progress()
    done_numbers = set(progress.done_numbers(lesson))
    left = [
        (number, services.renderer().step_title(lesson, number))
        for number in range(1, len(lesson.steps) + 1)
        if number not in done_numbers
    ]
    return {
        "done": len(done_numbers),
        "total": len(lesson.steps),
        "left": left,
        "next_lesson": next_in_path(lesson),
    }


def next_in_path(lesson: Lesson) -> Lesson | None:
    """Return the lesson after this one on the learner's newest path, not yet finished."""
    mine = home_state(lesson.lang)
    if mine is None:
        return None
    items = mine["current"].lessons
    ids = [item.lesson_id for item in items]
    # After this lesson in the path's order; for a lesson off the path, the path's next one.
    after = items[ids.index(lesson.id) + 1 :] if lesson.id in ids else items
    following = next((i for i in after if i.lesson and not i.finished), None)
    return following.lesson if following and following.lesson_id != lesson.id else None


def picture(lesson: Lesson, number: int, k: int) -> dict | None:
    """Return the k-th picture of a step, whole, as its own page shows it; None if none."""
    pictures = services.renderer().pictures(lesson, number)
    if not 1 <= k <= len(pictures):
        return None
    ref, info = pictures[k - 1]
    return {
        "src": info.full_url or info.url,
        "alt": ref.alt,
        "width": info.width,
        "height": info.height,
    }


def sheet(lesson: Lesson) -> dict:
    """Return the take-home sheet's parts: step titles, things to write down, a QR code."""
    renderer = services.renderer()
    address = public_url().rstrip("/") + url_for(
        "learn.lesson", lang=lesson.lang, lesson_id=lesson.id
    )
    lab = current_app.config.get("LAB_ADDRESS") or ""
    lab_lines = [line.strip() for line in lab.replace("\n", ";").split(";") if line.strip()]
    return {
        "step_titles": [renderer.step_title(lesson, n) for n in range(1, len(lesson.steps) + 1)],
        "notes": renderer.remember(lesson),
        "qr": Markup(qr_svg(address, _("QR code of this lesson: %(address)s", address=address))),
        "lesson_url": address,
        "lab_lines": lab_lines,
    }
