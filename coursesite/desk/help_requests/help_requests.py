"""Help requests: learners press "I need help" on a step, helpers see that exact step.

A request goes both ways: sent, then taken by a helper (the learner reads "Josée is handling
your request", other helpers see who took it), then closed, with a short answer the learner
reads under the step and on their home page. Closing can be undone. Pressing the button again
on the same step while a request is open adds to that request rather than piling up.

How to reach the learner (a phone number, when it suits them) is optional, and kept only
while the request is open: closing it erases them.
"""

import datetime as dt
from dataclasses import dataclass

from flask import current_app, g, get_flashed_messages, url_for
from flask_babel import get_locale
from markupsafe import Markup

from coursesite import services
from coursesite.data.models import HelpRequest, User, utcnow
from coursesite.data.prepared import PreparedQuery, slot
from coursesite.desk.paths import clean_text, find_lesson
from coursesite.lessons.model import Lesson
from coursesite.web.roles import has_role, is_learner, person

MESSAGE_MAX = 500
PHONE_MAX, WHEN_MAX, REPLY_MAX = 40, 120, 500
# A learner sees a closed request (and its answer) on the step and their home page this long.
ANSWER_SHOWN_FOR = dt.timedelta(days=30)
POLL_SECONDS = 30  # how often a helper's header asks for the number of open requests
SENT, PROBLEM = "help-sent", "help-problem"  # flash categories shown in the step's help box


def open_request(learner: User, lesson_id: str, step_id: str) -> HelpRequest | None:
    """Return the learner's open request on this step, if any."""
    return (
        HelpRequest.select()
        .where(
            (HelpRequest.learner == learner)
            & (HelpRequest.lesson_id == lesson_id)
            & (HelpRequest.step_id == step_id)
            & HelpRequest.handled_at.is_null()
        )
        .first()
    )


def one_line(text: str, limit: int) -> str:
    return " ".join(clean_text(text).split())[:limit]


def ask_for_help(
    learner: User,
    lesson_id: str,
    step_id: str,
    message: str = "",
    phone: str = "",
    when: str = "",
) -> HelpRequest:
    """Record that the learner needs help on this step; return the (open) request."""
    words = {
        HelpRequest.message: clean_text(message)[:MESSAGE_MAX],
        HelpRequest.contact_phone: one_line(phone, PHONE_MAX),
        HelpRequest.contact_when: one_line(when, WHEN_MAX),
    }
    existing = open_request(learner, lesson_id, step_id)
    if existing is None:
        fields = {field.name: value for field, value in words.items()}
        return HelpRequest.create(learner=learner, lesson_id=lesson_id, step_id=step_id, **fields)
    # The newest words are the ones the learner chose; an empty field keeps what was there.
    for field, value in words.items():
        if value:
            setattr(existing, field.name, value)
    existing.save(only=list(words))
    return existing


def close(help_request: HelpRequest, helper: User, reply: str = "") -> None:
    """Close a request, with the helper's answer if any, and erase how to reach the learner."""
    help_request.handled_at, help_request.handled_by = utcnow(), helper
    help_request.reply = reply
    help_request.contact_phone = help_request.contact_when = ""
    help_request.save(
        only=[
            HelpRequest.handled_at,
            HelpRequest.handled_by,
            HelpRequest.reply,
            HelpRequest.contact_phone,
            HelpRequest.contact_when,
        ]
    )


def mark_handled(help_request: HelpRequest, helper: User) -> None:
    """Close a request without an answer (the helper called, or it solved itself)."""
    close(help_request, helper, help_request.reply)


def take(help_request: HelpRequest, helper: User) -> None:
    """Say that this helper is handling the request (the learner and other helpers see it)."""
    help_request.taken_by, help_request.taken_at = helper, utcnow()
    help_request.save(only=[HelpRequest.taken_by, HelpRequest.taken_at])


def reopen(help_request: HelpRequest) -> None:
    """Open a request again (the undo of "handled"); the contact erased stays erased."""
    help_request.handled_at, help_request.handled_by = None, None
    help_request.save(only=[HelpRequest.handled_at, HelpRequest.handled_by])


def open_count() -> int:
    """Return how many requests of learners wait for a helper (the header's counter)."""
    return (
        HelpRequest.select()
        .join(User, on=HelpRequest.learner)
        .where(
            HelpRequest.handled_at.is_null() & (User.role == "learner") & (User.active == True)  # noqa: E712
        )
        .count()
    )


def open_requests(
    learner: User | None = None, learner_ids: list[int] | None = None
) -> list[HelpRequest]:
    """Return the open requests of learners (of one learner, or of these, if given), oldest
    first."""
    query = (
        HelpRequest.select(HelpRequest, User)
        .join(User, on=HelpRequest.learner)
        .where(
            HelpRequest.handled_at.is_null() & (User.role == "learner") & (User.active == True)  # noqa: E712
        )
        .order_by(HelpRequest.created, HelpRequest.id)
    )
    if learner is not None:
        query = query.where(HelpRequest.learner == learner)
    if learner_ids is not None:
        query = query.where(HelpRequest.learner.in_(learner_ids))
    return list(query)


def requests_of(learner: User) -> list[HelpRequest]:
    """Return every request of a learner, newest first."""
    return list(
        HelpRequest.select()
        .where(HelpRequest.learner == learner)
        .order_by(HelpRequest.created.desc(), HelpRequest.id.desc())
    )


@dataclass
class ShownRequest:
    """A request with its lesson and step looked up, in the reader's language."""

    request: HelpRequest
    lesson: Lesson | None  # None: the lesson no longer exists
    number: int | None  # None: the step no longer exists
    step_title: Markup | None


def shown_requests(requests, lang: str) -> list[ShownRequest]:
    """Return requests ready to show: lesson title, step number and title, or their absence."""
    renderer = services.renderer()
    # The helpers who took or closed them, read at once rather than one query per request.
    helper_ids = {i for item in requests for i in (item.taken_by_id, item.handled_by_id) if i}
    helpers = {u.id: u for u in User.select().where(User.id.in_(helper_ids))} if helper_ids else {}
    rows = []
    for item in requests:
        for name in ("taken_by", "handled_by"):
            if getattr(item, f"{name}_id") in helpers:
                setattr(item, name, helpers[getattr(item, f"{name}_id")])
        lesson = find_lesson(item.lesson_id, lang)
        number = lesson.step_index(item.step_id) if lesson else None
        title = renderer.step_title(lesson, number) if number else None
        rows.append(ShownRequest(item, lesson, number, title))
    return rows


# A learner's step page asks for their requests on that step each time: built once.
REQUESTS_ON_A_STEP = PreparedQuery(
    lambda: (
        HelpRequest.select()
        .where(
            (HelpRequest.learner == slot("learner", HelpRequest.learner))
            & (
                HelpRequest.handled_at.is_null()
                | (HelpRequest.handled_at >= slot("since", HelpRequest.handled_at))
            )
            & (HelpRequest.lesson_id == slot("lesson_id", HelpRequest.lesson_id))
            & (HelpRequest.step_id == slot("step_id", HelpRequest.step_id))
        )
        .order_by(HelpRequest.created.desc(), HelpRequest.id.desc())
    )
)


def recent_requests(learner: User, lesson_id: str | None = None, step_id: str | None = None):
    """Return a learner's open requests and those closed lately (with their answer), newest
    first, on one step if given."""
    since = utcnow() - ANSWER_SHOWN_FOR
    if lesson_id is not None:
        found = REQUESTS_ON_A_STEP.rows(
            learner=learner, since=since, lesson_id=lesson_id, step_id=step_id
        )
        return list(found)
    query = (
        HelpRequest.select()
        .where(
            (HelpRequest.learner == learner)
            & (HelpRequest.handled_at.is_null() | (HelpRequest.handled_at >= since))
        )
        .order_by(HelpRequest.created.desc(), HelpRequest.id.desc())
    )
    return list(query)


def step_help(lesson: Lesson, number: int) -> dict:
    """Return what a step page shows under "Need help?" to everyone of the same kind
    (visitor, learner…): the step's phone code, whether the "I need help" form is there."""
    step = lesson.steps[number - 1]
    return {
        "help_code": services.phone_codes().code_for(lesson.id, step.id),
        "can_ask_help": is_learner(),
        "help_for_visitor": not person().is_authenticated,
        "help_limits": {"message": MESSAGE_MAX, "phone": PHONE_MAX, "when": WHEN_MAX},
    }


def my_step_request(lesson: Lesson, number: int) -> HelpRequest | None:
    """Return the signed-in learner's latest request on this step, open or lately answered
    (None for anyone else), read once a request: the step page asks whether there is one
    (the learner's state, learn/lesson_pages/kept_pages.py), then shows it."""
    if not is_learner():
        return None
    asked = g.setdefault("step_requests", {})
    key = (lesson.id, lesson.steps[number - 1].id)
    if key not in asked:
        found = recent_requests(person(), *key)
        asked[key] = found[0] if found else None
    return asked[key]


def my_step_help(lesson: Lesson, number: int) -> dict:
    """Return what only this learner sees there: their request on this step, and what
    became of the one they just sent."""
    return {
        "request": my_step_request(lesson, number),
        "sent": get_flashed_messages(category_filter=[SENT]),
        "problems": get_flashed_messages(category_filter=[PROBLEM]),
    }


def my_help_requests() -> list[ShownRequest]:
    """Return the signed-in learner's recent requests for their home page ("My path")."""
    if not is_learner():
        return []
    return shown_requests(recent_requests(person())[:5], str(get_locale()))


def open_requests_counter() -> dict | None:
    """Return the header's counter of open requests, for helpers and staff only."""
    if not has_role("helper"):
        return None
    return {
        "count": open_count(),
        "url": url_for("helper.dashboard", _anchor="help-requests"),
        "json_url": url_for("help_requests.count"),
        "interval": current_app.config.get("OPEN_REQUESTS_POLL_SECONDS", POLL_SECONDS),
    }


def just_handled(value: str | None, lang: str) -> ShownRequest | None:
    """Return the request named by ?handled= if it is still handled, to offer undoing it."""
    if not (value or "").isdigit() or len(value) > 12:
        return None
    found = HelpRequest.get_or_none(
        (HelpRequest.id == int(value)) & HelpRequest.handled_at.is_null(False)
    )
    return shown_requests([found], lang)[0] if found else None
