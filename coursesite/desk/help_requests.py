"""Help requests: learners press "I need help" on a step, helpers see that exact step.

A request stays open until a helper marks it handled, which can be undone. Pressing the button
again on the same step while a request is open adds to that request rather than piling up.
"""

from dataclasses import dataclass

from flask import (
    get_flashed_messages,
)
from flask_login import current_user
from markupsafe import Markup

from coursesite import services
from coursesite.data.models import HelpRequest, User, utcnow
from coursesite.desk.paths import clean_text, find_lesson
from coursesite.lessons.model import Lesson

MESSAGE_MAX = 500
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


def ask_for_help(learner: User, lesson_id: str, step_id: str, message: str = "") -> HelpRequest:
    """Record that the learner needs help on this step; return the (open) request."""
    message = clean_text(message)[:MESSAGE_MAX]
    existing = open_request(learner, lesson_id, step_id)
    if existing is None:
        return HelpRequest.create(
            learner=learner, lesson_id=lesson_id, step_id=step_id, message=message
        )
    if message and message != existing.message:
        existing.message = message  # the newest words are the ones the learner chose
        existing.save(only=[HelpRequest.message])
    return existing


def mark_handled(help_request: HelpRequest, helper: User) -> None:
    """Mark a request handled by this helper."""
    help_request.handled_at, help_request.handled_by = utcnow(), helper
    help_request.save(only=[HelpRequest.handled_at, HelpRequest.handled_by])


def reopen(help_request: HelpRequest) -> None:
    """Open a request again (the undo of "handled")."""
    help_request.handled_at, help_request.handled_by = None, None
    help_request.save(only=[HelpRequest.handled_at, HelpRequest.handled_by])


def open_requests(learner: User | None = None) -> list[HelpRequest]:
    """Return the open requests of learners (of one learner if given), oldest first."""
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
    rows = []
    for item in requests:
        lesson = find_lesson(item.lesson_id, lang)
        number = lesson.step_index(item.step_id) if lesson else None
        title = renderer.step_title(lesson, number) if number else None
        rows.append(ShownRequest(item, lesson, number, title))
    return rows


def step_help(lesson: Lesson, number: int) -> dict:
    """Return what a step page shows under "Need help?": its phone code and the learner's form."""
    step = lesson.steps[number - 1]
    learner = current_user.is_authenticated and current_user.role == "learner"
    return {
        "code": services.phone_codes().code_for(lesson.id, step.id),
        "can_ask": learner,
        "visitor": not current_user.is_authenticated,
        "open": open_request(current_user, lesson.id, step.id) if learner else None,
        "sent": get_flashed_messages(category_filter=[SENT]),
        "problems": get_flashed_messages(category_filter=[PROBLEM]),
        "message_max": MESSAGE_MAX,
    }


def just_handled(value: str | None, lang: str) -> ShownRequest | None:
    """Return the request named by ?handled= if it is still handled, to offer undoing it."""
    if not (value or "").isdigit() or len(value) > 12:
        return None
    found = HelpRequest.get_or_none(
        (HelpRequest.id == int(value)) & HelpRequest.handled_at.is_null(False)
    )
    return shown_requests([found], lang)[0] if found else None
