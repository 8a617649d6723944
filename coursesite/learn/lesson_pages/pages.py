"""Pages for learners and visitors: catalogue, lesson overview, steps, end page, print view."""

from flask import Blueprint, abort, current_app, g, render_template, request, send_file, url_for
from flask_login import current_user

from coursesite import services
from coursesite.desk.help_requests.help_requests import my_step_help, step_help
from coursesite.desk.paths import home_state
from coursesite.learn.certificates.certificates import lesson_certificate_state, with_certificates
from coursesite.learn.lesson_pages import lesson_aids
from coursesite.learn.lesson_pages.kept_pages import (
    card_bars,
    group_by_topic,
    kept_questions,
    learner_step_state,
    page_key,
    topic_previews,
)
from coursesite.learn.lesson_pages.lesson_links import set_alternates, step_links
from coursesite.learn.lesson_pages.search_words import MAX_QUERY_CHARS
from coursesite.learn.progress import catalogue_state, lesson_state, step_count, step_state
from coursesite.learn.questions.answers import step_questions
from coursesite.lessons.files import safe_media_path
from coursesite.lessons.model import Lesson
from coursesite.web.page_skeleton import page_value, render_page
from coursesite.web.quick_pages import quick_page

bp = Blueprint("learn", __name__)


def get_lesson_or_404(lang: str, lesson_id: str) -> Lesson:
    """Return the lesson, or answer 404."""
    lesson = services.catalogue().get(lang, lesson_id, drafts=services.drafts_visible())
    if lesson is None:
        abort(404)
    return lesson


@bp.route("/<lang:lang>/", endpoint="catalogue")
@quick_page
def catalogue_page(lang):
    """Show the lessons grouped by topic (the first few of a large topic)."""
    version = services.catalogue().version  # first: what follows is this version or newer
    lessons = services.catalogue().lessons(lang, drafts=services.drafts_visible())
    key, everyone = page_key(version, "catalogue", lang)
    topics = page_value(key, "topics", lambda: topic_previews(lessons))
    missing = request.args.get("missing", "")[:100]  # the query string is part of the key
    missing_lesson = None
    if missing:
        for other in current_app.config["LANGUAGES"]:
            missing_lesson = missing_lesson or services.catalogue().get(other, missing)
    everyone.update(topics=topics, missing_lesson=missing_lesson)

    def personal():  # not needed by a visitor with nothing in their session (page_skeleton.py)
        progress = catalogue_state(lang, lessons)
        return {
            "progress": progress,
            "my_path": with_certificates(home_state(lang), lang),
            "card_bars": card_bars(
                [(index, shown) for index, (_, shown, _) in enumerate(topics, start=1)],
                progress["counts"],
            ),
        }

    return render_page("learn/catalogue.html", key, everyone, personal)


@bp.route("/<lang:lang>/topics/<topic>")
@quick_page
def topic(lang, topic):
    """Show every lesson of one topic."""
    lessons = services.catalogue().lessons(lang, drafts=services.drafts_visible())
    for name, group in group_by_topic(lessons):
        if name.casefold() == topic.casefold() and name:
            counts = catalogue_state(lang, group)["counts"]
            return render_template(
                "learn/topic.html",
                topic=name,
                lessons=group,
                card_bars=card_bars([(0, group)], counts),
            )
    abort(404)


@bp.route("/<lang:lang>/lessons/<lesson_id>/")
@quick_page
def lesson(lang, lesson_id):
    """Show a lesson's summary, duration and steps."""
    lesson = get_lesson_or_404(lang, lesson_id)
    set_alternates(lesson, "learn.lesson")
    titles = [services.renderer().step_title(lesson, n) for n in range(1, len(lesson.steps) + 1)]
    return render_template(
        "learn/lesson.html",
        lesson=lesson,
        intro=services.renderer().intro(lesson),
        step_titles=titles,
        progress=lesson_state(lesson),
    )


@bp.route("/<lang:lang>/lessons/<lesson_id>/<int:number>")
@quick_page
def step(lang, lesson_id, number):
    """Show one step of a lesson, with Previous and Next."""
    version = services.catalogue().version  # first: what follows is this version or newer
    lesson = get_lesson_or_404(lang, lesson_id)
    if not 1 <= number <= len(lesson.steps):
        abort(404)
    title = services.renderer().step_title(lesson, number)
    body = services.renderer().step(lesson, number)  # a new object when a screenshot changes
    # Everything the page's skeleton shows depends on these (and on the other languages'
    # versions of this step, for the language links: the catalogue's version).
    progress = step_state(lesson, number)
    # The page is kept whole for everyone who has (or has not) done this step.
    key, everyone = page_key(
        version, "step", lang, lesson_id, number, title, body, progress["done"]
    )
    links = page_value(key, "links", lambda: step_links(lesson, number))
    g.alternate_urls = links["alternates"]
    everyone.update(
        lesson=lesson,
        number=number,
        total=len(lesson.steps),
        step=lesson.steps[number - 1],
        title=title,
        body=body,
        previous_url=links["previous"],
        next_url=links["next"],
        step_done=progress["done"],
        **step_help(lesson, number),
    )

    def personal():  # not needed by a visitor with nothing in their session (page_skeleton.py)
        questions = step_questions(lesson, number)
        return {
            "progress": {"count": step_count(progress)},
            "help": my_step_help(lesson, number),
            "questions": questions,
            "kept_questions": kept_questions(key, questions),
        }

    # A learner's holes are filled once for all who share their state (steps done, questions
    # answered right): only their name and token are put in for them.
    return render_page(
        "learn/step.html",
        key,
        everyone,
        personal,
        same_as=lambda: learner_step_state(lesson, number, progress),
    )


@bp.route("/<lang:lang>/lessons/<lesson_id>/end")
@quick_page
def end(lang, lesson_id):
    """Say how many steps the learner did, link the others, and offer their path's next lesson."""
    lesson = get_lesson_or_404(lang, lesson_id)
    set_alternates(lesson, "learn.end")
    learner = current_user.is_authenticated and current_user.role == "learner"
    return render_template(
        "learn/end.html",
        lesson=lesson,
        lesson_certificate=lesson_certificate_state(current_user, lesson) if learner else None,
        **lesson_aids.end_state(lesson),
    )


@bp.route("/<lang:lang>/lessons/<lesson_id>/<int:number>/picture/<int:k>")
def picture(lang, lesson_id, number, k):
    """Show a step's k-th picture whole, at its own size or larger, with the way back."""
    lesson = get_lesson_or_404(lang, lesson_id)
    if not 1 <= number <= len(lesson.steps):
        abort(404)
    shown = lesson_aids.picture(lesson, number, k)
    if shown is None:
        abort(404)
    set_alternates(lesson, "learn.step", number)
    return render_template(
        "learn/picture.html",
        lesson=lesson,
        number=number,
        total=len(lesson.steps),
        k=k,
        title=services.renderer().step_title(lesson, number),
        step_url=url_for("learn.step", lang=lang, lesson_id=lesson_id, number=number),
        **shown,
    )


@bp.route("/<lang:lang>/lessons/<lesson_id>/sheet")
def sheet(lang, lesson_id):
    """Show the lesson's one-page take-home sheet: steps to tick, things to write down."""
    lesson = get_lesson_or_404(lang, lesson_id)
    set_alternates(lesson, "learn.sheet")
    return render_template("learn/sheet.html", lesson=lesson, **lesson_aids.sheet(lesson))


@bp.route("/<lang:lang>/lessons/<lesson_id>/print")
def print_view(lang, lesson_id):
    """Show the whole lesson on one page, for printing in large type."""
    lesson = get_lesson_or_404(lang, lesson_id)
    set_alternates(lesson, "learn.print_view")
    parts = [
        (services.renderer().step_title(lesson, n), services.renderer().step(lesson, n))
        for n in range(1, len(lesson.steps) + 1)
    ]
    return render_template(
        "learn/print.html", lesson=lesson, intro=services.renderer().intro(lesson), parts=parts
    )


# Not a quick page: a new search waits on SQLite's full-text search (1–1.5 ms, the
# interpreter free meanwhile), during which a worker leaves the loop free for the others.
@bp.route("/<lang:lang>/search")
def search(lang):
    """Find lessons and steps whose words match what the person typed."""
    version = services.catalogue().version  # first: what follows is this version or newer
    # The same words find the same lessons for everyone: the page is kept whole for its
    # query string (part of the key), and searched only when it is made.
    key, everyone = page_key(version, "search", lang)
    drafts = services.drafts_visible()

    def results() -> dict:
        query = request.args.get("q", "")[: MAX_QUERY_CHARS * 2].strip()
        index = services.search_index()
        return {"query": query, "hits": index.search(lang, query, drafts=drafts) if query else []}

    # Its only holes are the header's: nothing of the person beyond them.
    return render_page("learn/search.html", key, everyone, lambda: {}, made_with=results)


@bp.route("/<lang:lang>/lessons/<lesson_id>/media/<path:filename>")
def media(lang, lesson_id, filename):
    """Send an image from inside the lesson's own folder, and nothing else."""
    lesson = get_lesson_or_404(lang, lesson_id)
    path = safe_media_path(lesson.folder, filename)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600, conditional=True)
