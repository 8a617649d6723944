"""What the pages kept whole (web/page_skeleton.py) need from learn/: their key, the
catalogue's topics, each person's progress bars on the lesson cards, a step's questions, and
what a learner's step page shows of them."""

from collections import defaultdict

from flask import current_app, render_template, request
from flask_babel import gettext
from markupsafe import Markup, escape

from coursesite import services
from coursesite.desk.help_requests.help_requests import my_step_request
from coursesite.learn.display.preferences import html_classes
from coursesite.learn.questions.answers import current_answers
from coursesite.lessons.model import Lesson
from coursesite.web.page_skeleton import PageKey, page_value
from coursesite.web.roles import is_learner, person
from coursesite.web.security import csrf_token
from coursesite.web.templating import static_url

# Where a kept question's form has its CSRF token: each request puts its own there.
TOKEN_STAND_IN = "\x00csrf-token\x00"

# A topic with more lessons than this shows only these on the catalogue, and a link to
# its own page: a long catalogue is hard to read, and heavy on a prepaid phone plan.
TOPIC_PREVIEW = 6


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


def learner_step_state(lesson: Lesson, number: int, progress: dict) -> tuple | None:
    """Return what a signed-in learner's step page shows of them besides their name and CSRF
    token (web/same_state_pages.py): the lesson's steps done, and which of the step's
    questions they answered right. None for anyone else, and when the page shows more: their
    help request on this step, open or lately answered.

    What it could show from the session (a message, an answer's feedback, steps done before
    signing in) render_page rules out before asking.
    """
    if not is_learner() or my_step_request(lesson, number) is not None:
        return None
    answers = current_answers()
    questions = lesson.steps[number - 1].questions
    right = tuple(answers.answered_right(lesson.id, question.id) for question in questions)
    return progress["done_count"], progress["total"], right


def kept_questions(key: PageKey, questions) -> dict[str, Markup]:
    """Return {question id: its HTML} for the step's questions shown without an answer just
    sent, each made once per page key and status ("right" or not) and given this request's
    CSRF token. A question just answered (its feedback, the choices ticked) is left out:
    the template renders it for its person.
    """
    kept = {}
    token = None
    for item in questions:
        if item.result is not None:
            continue
        html = page_value(
            key,
            ("question", item.q.id, item.status),
            lambda item=item: render_template(
                "learn/_question.html", item=item, csrf_token=lambda: TOKEN_STAND_IN
            ),
        )
        if token is None:
            token = str(escape(csrf_token()))
        kept[item.q.id] = Markup(html.replace(TOKEN_STAND_IN, token))
    return kept


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


def group_by_topic(lessons) -> list[tuple[str, list]]:
    """Return [(topic, lessons)] by each lesson's first topic, alphabetical, untopical last."""
    groups = defaultdict(list)
    for lesson in lessons:
        groups[lesson.topics[0] if lesson.topics else ""].append(lesson)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0].casefold()))
