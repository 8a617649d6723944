"""Pages of help requests: a learner asks on a step; a helper marks it handled, or undoes that."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coursesite.data.models import HelpRequest
from coursesite.desk.help_requests import (
    MESSAGE_MAX,
    PROBLEM,
    SENT,
    ask_for_help,
    mark_handled,
    reopen,
)
from coursesite.desk.paths import find_lesson
from coursesite.learn.progress import find_step
from coursesite.web.roles import require_role

bp = Blueprint("help_requests", __name__)


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
