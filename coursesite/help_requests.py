"""Help requests: learners press "I need help" on a step, helpers see that exact step.

A request stays open until a helper marks it handled, which can be undone. Pressing the button
again on the same step while a request is open adds to that request rather than piling up.
"""

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from coursesite.assignments import clean_text, find_lesson
from coursesite.lessons.model import Lesson
from coursesite.models import HelpRequest, User, utcnow
from coursesite.phone_codes import phone_codes
from coursesite.progress import find_step
from coursesite.roles import require_role

bp = Blueprint("help_requests", __name__)

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


def shown(requests, lang: str) -> list[ShownRequest]:
    """Return requests ready to show: lesson title, step number and title, or their absence."""
    renderer = current_app.extensions["coursesite.renderer"]
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
        "code": phone_codes().code_for(lesson.id, step.id),
        "can_ask": learner,
        "visitor": not current_user.is_authenticated,
        "open": open_request(current_user, lesson.id, step.id) if learner else None,
        "sent": get_flashed_messages(category_filter=[SENT]),
        "problems": get_flashed_messages(category_filter=[PROBLEM]),
        "message_max": MESSAGE_MAX,
    }


@bp.route("/help/<lesson_id>/<step_id>", methods=["POST"])
@require_role("learner")
def ask(lesson_id, step_id):
    """Ask a helper for help on this step, then go back to it."""
    found = find_step(lesson_id, step_id)
    if found is None:
        abort(404)
    lang = request.args.get("lang", "")
    lesson = find_lesson(lesson_id, lang if lang in current_app.config["LANGUAGES"] else "")
    lesson = lesson if lesson and lesson.step_index(step_id) else found
    back = url_for(
        "learn.step",
        lang=lesson.lang,
        lesson_id=lesson_id,
        number=lesson.step_index(step_id),
        _anchor="help",
    )
    message = request.form.get("message", "")
    if current_user.role != "learner":
        flash(_l("This button is for learners. Helpers see requests on the helper desk."), PROBLEM)
    elif len(message) > MESSAGE_MAX:
        flash(
            _l(
                "Your message is too long: at most %(max)d characters. Please shorten it and "
                "send it again.",
                max=MESSAGE_MAX,
            ),
            PROBLEM,
        )
    else:
        ask_for_help(current_user._get_current_object(), lesson_id, step_id, message)
        flash(_l("Your request is sent. A helper will see it and contact you."), SENT)
    return redirect(back, 303)


def get_request_or_404(request_id: int) -> HelpRequest:
    found = HelpRequest.get_or_none(HelpRequest.id == request_id)
    if found is None:
        abort(404)
    return found


def back_to(help_request: HelpRequest, **args) -> str:
    """Return the helper page the form came from: the learner's page or the dashboard."""
    if request.form.get("back") == "learner":
        return url_for(
            "helper.learner", user_id=help_request.learner_id, _anchor="help-requests", **args
        )
    return url_for("helper.dashboard", _anchor="help-requests", **args)


@bp.route("/helper/requests/<int:request_id>/handled", methods=["POST"])
def handle(request_id):
    """Mark a help request handled; the page that follows offers to undo it."""
    help_request = get_request_or_404(request_id)
    if help_request.handled_at is None:
        mark_handled(help_request, current_user._get_current_object())
    return redirect(back_to(help_request, handled=help_request.id), 303)


@bp.route("/helper/requests/<int:request_id>/reopen", methods=["POST"])
def undo_handled(request_id):
    """Open a help request again, undoing "handled"."""
    help_request = get_request_or_404(request_id)
    reopen(help_request)
    flash(_l("The request is open again."))
    return redirect(back_to(help_request), 303)


def just_handled(value: str | None, lang: str) -> ShownRequest | None:
    """Return the request named by ?handled= if it is still handled, to offer undoing it."""
    if not (value or "").isdigit() or len(value) > 12:
        return None
    found = HelpRequest.get_or_none(
        (HelpRequest.id == int(value)) & HelpRequest.handled_at.is_null(False)
    )
    return shown([found], lang)[0] if found else None
