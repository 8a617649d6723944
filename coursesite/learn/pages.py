"""Pages for learners and visitors: catalogue, lesson overview, steps, end page, print view."""

from collections import defaultdict

from flask import Blueprint, abort, current_app, g, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup

from coursesite import services
from coursesite.desk.help_requests import my_step_help, step_help
from coursesite.desk.paths import home_state
from coursesite.learn import lesson_aids
from coursesite.learn.answers import step_questions
from coursesite.learn.certificates import lesson_certificate_state, with_certificates
from coursesite.learn.preferences import html_classes
from coursesite.learn.progress import catalogue_state, lesson_state, step_state
from coursesite.learn.search import MAX_QUERY_CHARS
from coursesite.lessons.files import safe_media_path
from coursesite.lessons.model import Lesson
from coursesite.web.page_skeleton import PageKey, page_value, render_page
from coursesite.web.roles import person
from coursesite.web.templating import static_url

bp = Blueprint("learn", __name__)

# A topic with more lessons than this shows only these on the catalogue, and a link to
# its own page: a long catalogue is hard to read, and heavy on a prepaid phone plan.
TOPIC_PREVIEW = 6


def get_lesson_or_404(lang: str, lesson_id: str) -> Lesson:
    """Return the lesson, or answer 404."""
    lesson = services.catalogue().get(lang, lesson_id, drafts=services.drafts_visible())
    if lesson is None:
        abort(404)
    return lesson


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


@bp.route("/<lang:lang>/", endpoint="catalogue")
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
    progress = catalogue_state(lang, lessons)
    return render_page(
        "learn/catalogue.html",
        key,
        everyone,
        {
            "progress": progress,
            "my_path": with_certificates(home_state(lang), lang),
            "card_bars": card_bars(
                [(index, shown) for index, (_, shown, _) in enumerate(topics, start=1)],
                progress["counts"],
            ),
        },
    )


def card_bars(groups, counts) -> dict:
    """Return {lesson id: the "steps done" bar of its card} for the lessons this person
    touched, among the cards of `groups` ([(topic number, lessons)]): most have none."""
    bars = {}
    template = current_app.jinja_env.get_template("progress/_bar.html")
    for topic_index, lessons in groups:
        for position, lesson in enumerate(lessons, start=1):
            if lesson.id not in counts:
                continue
            done, total = counts[lesson.id]
            if done:
                bars[lesson.id] = Markup(
                    template.render(
                        bar_id=f"progress-{topic_index}-{position}",
                        done=done,
                        total=total,
                        label=gettext("Steps done: %(done)d of %(total)d", done=done, total=total),
                    )
                )
    return bars


def topic_previews(lessons) -> list[tuple[str, list, int]]:
    """Return [(topic, the lessons shown for it, how many it has)] for the catalogue."""
    return [
        (topic, group[:TOPIC_PREVIEW] if len(group) > TOPIC_PREVIEW + 2 else group, len(group))
        for topic, group in group_by_topic(lessons)
    ]


@bp.route("/<lang:lang>/topics/<topic>")
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
    titles = [services.renderer().step_title(lesson, n) for n in range(1, len(lesson.steps) + 1)]
    return render_template(
        "learn/lesson.html",
        lesson=lesson,
        intro=services.renderer().intro(lesson),
        step_titles=titles,
        progress=lesson_state(lesson),
    )


@bp.route("/<lang:lang>/lessons/<lesson_id>/<int:number>")
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
    return render_page(
        "learn/step.html",
        key,
        everyone,
        {
            "progress": progress,
            "help": my_step_help(lesson, number),
            "questions": step_questions(lesson, number),
        },
    )


def page_key(version: int, *what) -> tuple[PageKey, dict]:
    """Return the key of a page kept whole (web/page_skeleton.py) and what everyone who
    shares it sees.

    Besides `what`, the page depends on the kind of person (visitor, learner, helper,
    staff: the help box, drafts, the link to the lab's settings), their display classes (a
    handful of combinations, given to the skeleton as they are: it is made for nobody),
    the lab's details, the address's query string (the "Display" link comes back to it) and
    the site's own stylesheet and script.
    """
    classes = html_classes()
    user = person()
    who = user.role if user.is_authenticated else "visitor"
    site = (
        request.script_root,
        request.query_string,  # a search's words; the "Display" link comes back to it
        static_url("css/site.css"),
        static_url("js/site.js"),
    )
    lab = services.lab_details_version()
    key = PageKey(version, who, (*site, lab, classes, *what))
    return key, {"display_classes": lambda: classes}


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


@bp.route("/<lang:lang>/lessons/<lesson_id>/end")
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

    return render_page("learn/search.html", key, everyone, {}, made_with=results)


@bp.route("/<lang:lang>/lessons/<lesson_id>/media/<path:filename>")
def media(lang, lesson_id, filename):
    """Send an image from inside the lesson's own folder, and nothing else."""
    lesson = get_lesson_or_404(lang, lesson_id)
    path = safe_media_path(lesson.folder, filename)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600, conditional=True)
