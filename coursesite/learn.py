"""Pages for learners and visitors: catalogue, lesson overview, steps, end page, print view."""

from collections import defaultdict

from flask import Blueprint, abort, current_app, g, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, ValidationError

from coursesite.assignments import home_state
from coursesite.help_requests import step_help
from coursesite.lessons.catalogue import Catalogue
from coursesite.lessons.files import safe_media_path
from coursesite.lessons.model import Lesson
from coursesite.lessons.render import LessonRenderer
from coursesite.media import renderer_options as screenshot_options
from coursesite.progress import catalogue_state, lesson_state, step_state
from coursesite.search import MAX_QUERY_CHARS

bp = Blueprint("learn", __name__)

# A topic with more lessons than this shows only these on the catalogue, and a link to
# its own page: a long catalogue is hard to read, and heavy on a prepaid phone plan.
TOPIC_PREVIEW = 6

CALLOUT_TITLES = {
    "note": _l("Note"),
    "tip": _l("Tip"),
    "important": _l("Important"),
    "warning": _l("Warning"),
    "caution": _l("Caution"),
}


class LanguageConverter(BaseConverter):
    """Match only the site's languages in URLs like /fr/…."""

    regex = "[a-z]{2}"

    def to_python(self, value):
        if value not in current_app.config["LANGUAGES"]:
            raise ValidationError()
        return value


def catalogue() -> Catalogue:
    return current_app.extensions["coursesite.catalogue"]


def renderer() -> LessonRenderer:
    return current_app.extensions["coursesite.renderer"]


def translated_callout_titles(lang: str) -> dict[str, str]:
    with force_locale(lang):
        return {kind: str(title) for kind, title in CALLOUT_TITLES.items()}


def media_url(lesson: Lesson, filename: str) -> str:
    return url_for("learn.media", lang=lesson.lang, lesson_id=lesson.id, filename=filename)


def get_lesson_or_404(lang: str, lesson_id: str) -> Lesson:
    """Return the lesson, or answer 404."""
    lesson = catalogue().get(lang, lesson_id, drafts=can_see_drafts())
    if lesson is None:
        abort(404)
    return lesson


def can_see_drafts() -> bool:
    """Return True if the person may see draft lessons (staff)."""
    check = current_app.extensions.get("coursesite.can_see_drafts")
    return bool(check and check())


def set_alternates(lesson: Lesson, endpoint: str, step_number: int | None = None) -> None:
    """Point the language switch at this same lesson (and step) in the other languages."""
    alternates = {}
    for lang in current_app.config["LANGUAGES"]:
        other = catalogue().get(lang, lesson.id, drafts=can_see_drafts())
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
    g.alternate_urls = alternates


@bp.route("/<lang:lang>/", endpoint="catalogue")
def catalogue_page(lang):
    """Show the lessons grouped by topic (the first few of a large topic)."""
    lessons = catalogue().lessons(lang, drafts=can_see_drafts())
    topics = [
        (topic, group[:TOPIC_PREVIEW] if len(group) > TOPIC_PREVIEW + 2 else group, len(group))
        for topic, group in group_by_topic(lessons)
    ]
    missing = request.args.get("missing", "")[:100]
    missing_lesson = None
    if missing:
        for other in current_app.config["LANGUAGES"]:
            missing_lesson = missing_lesson or catalogue().get(other, missing)
    return render_template(
        "learn/catalogue.html",
        topics=topics,
        missing_lesson=missing_lesson,
        paths=catalogue().paths(),
        progress=catalogue_state(lang, lessons),
        my_path=home_state(lang),
    )


@bp.route("/<lang:lang>/topics/<topic>")
def topic(lang, topic):
    """Show every lesson of one topic."""
    lessons = catalogue().lessons(lang, drafts=can_see_drafts())
    for name, group in group_by_topic(lessons):
        if name.casefold() == topic.casefold() and name:
            return render_template(
                "learn/topic.html", topic=name, lessons=group, progress=catalogue_state(lang, group)
            )
    abort(404)


def group_by_topic(lessons) -> list[tuple[str, list]]:
    """Return [(topic, lessons)] by each lesson's first topic, alphabetical, untopical last."""
    groups = defaultdict(list)
    for lesson in lessons:
        groups[lesson.topics[0] if lesson.topics else ""].append(lesson)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0].casefold()))


@bp.route("/<lang:lang>/lessons/<lesson_id>/")
def lesson(lang, lesson_id):
    """Show a lesson's summary, duration and steps."""
    lesson = get_lesson_or_404(lang, lesson_id)
    set_alternates(lesson, "learn.lesson")
    titles = [renderer().step_title(lesson, n) for n in range(1, len(lesson.steps) + 1)]
    return render_template(
        "learn/lesson.html",
        lesson=lesson,
        intro=renderer().intro(lesson),
        step_titles=titles,
        progress=lesson_state(lesson),
    )


@bp.route("/<lang:lang>/lessons/<lesson_id>/<int:number>")
def step(lang, lesson_id, number):
    """Show one step of a lesson, with Previous and Next."""
    lesson = get_lesson_or_404(lang, lesson_id)
    if not 1 <= number <= len(lesson.steps):
        abort(404)
    set_alternates(lesson, "learn.step", number)
    total = len(lesson.steps)
    previous_url = (
        url_for("learn.step", lang=lang, lesson_id=lesson_id, number=number - 1)
        if number > 1
        else url_for("learn.lesson", lang=lang, lesson_id=lesson_id)
    )
    next_url = (
        url_for("learn.step", lang=lang, lesson_id=lesson_id, number=number + 1)
        if number < total
        else url_for("learn.end", lang=lang, lesson_id=lesson_id)
    )
    return render_template(
        "learn/step.html",
        lesson=lesson,
        number=number,
        total=total,
        step=lesson.steps[number - 1],
        title=renderer().step_title(lesson, number),
        body=renderer().step(lesson, number),
        previous_url=previous_url,
        next_url=next_url,
        progress=step_state(lesson, number),
        help=step_help(lesson, number),
    )


@bp.route("/<lang:lang>/lessons/<lesson_id>/end")
def end(lang, lesson_id):
    """Congratulate the learner at the end of a lesson."""
    lesson = get_lesson_or_404(lang, lesson_id)
    set_alternates(lesson, "learn.end")
    return render_template("learn/end.html", lesson=lesson)


@bp.route("/<lang:lang>/lessons/<lesson_id>/print")
def print_view(lang, lesson_id):
    """Show the whole lesson on one page, for printing in large type."""
    lesson = get_lesson_or_404(lang, lesson_id)
    set_alternates(lesson, "learn.print_view")
    parts = [
        (renderer().step_title(lesson, n), renderer().step(lesson, n))
        for n in range(1, len(lesson.steps) + 1)
    ]
    return render_template(
        "learn/print.html", lesson=lesson, intro=renderer().intro(lesson), parts=parts
    )


@bp.route("/<lang:lang>/search")
def search(lang):
    """Find lessons and steps whose words match what the person typed."""
    query = request.args.get("q", "")[: MAX_QUERY_CHARS * 2].strip()
    index = current_app.extensions["coursesite.search"]
    hits = index.search(lang, query, drafts=can_see_drafts()) if query else []
    return render_template("learn/search.html", query=query, hits=hits)


@bp.route("/<lang:lang>/lessons/<lesson_id>/media/<path:filename>")
def media(lang, lesson_id, filename):
    """Send an image from inside the lesson's own folder, and nothing else."""
    lesson = get_lesson_or_404(lang, lesson_id)
    path = safe_media_path(lesson.folder, filename)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600, conditional=True)


def init_app(app):
    """Load the lesson catalogue and register the language converter."""
    app.url_map.converters["lang"] = LanguageConverter
    lessons = Catalogue(
        app.config["LESSONS"], app.config["LANGUAGES"], app.config["LESSONS_RELOAD_INTERVAL"]
    )
    app.extensions["coursesite.catalogue"] = lessons
    app.extensions["coursesite.renderer"] = LessonRenderer(
        lessons,
        media_url,
        translated_callout_titles,
        lesson_url=lambda lang, lesson_id: url_for("learn.lesson", lang=lang, lesson_id=lesson_id),
        **screenshot_options(app),
    )
    for problem in lessons.problems():
        app.logger.warning("lesson problem: %s", problem)
