"""Pages of help requests: a learner asks on a step (with how to reach them, if they wish); a
helper takes it, answers it or marks it handled, or undoes that; helpers' headers ask how many
are open."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from coursesite.data.models import HelpRequest
from coursesite.desk.help_requests import help_requests
from coursesite.desk.paths import clean_text, find_lesson
from coursesite.learn.progress import find_step
from coursesite.web.roles import person, require_role

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
    phone, when = request.form.get("phone", ""), request.form.get("when", "")
    if current_user.role != "learner":
        flash(
            _l("This button is for learners. Helpers see requests on the helper desk."),
            help_requests.PROBLEM,
        )
    elif len(message) > help_requests.MESSAGE_MAX:
        flash(
            _l(
                "Your message is too long: at most %(max)d characters. Please shorten it and "
                "send it again.",
                max=help_requests.MESSAGE_MAX,
            ),
            help_requests.PROBLEM,
        )
    elif len(phone) > help_requests.PHONE_MAX or len(when) > help_requests.WHEN_MAX:
        flash(
            _l(
                "The phone number can have at most %(phone)d characters, and when to call you "
                "at most %(when)d. Please shorten them and send the request again.",
                phone=help_requests.PHONE_MAX,
                when=help_requests.WHEN_MAX,
            ),
            help_requests.PROBLEM,
        )
    else:
        help_requests.ask_for_help(person(), lesson_id, step_id, message, phone, when)
        flash(_l("Your request is sent. A helper will see it and contact you."), help_requests.SENT)
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
        help_requests.mark_handled(help_request, person())
    return redirect(back_to(help_request, handled=help_request.id), 303)


@bp.route("/helper/requests/<int:request_id>/take", methods=["POST"])
def take_request(request_id):
    """Say "I am handling it": the learner sees who, and other helpers know not to call."""
    help_request = get_request_or_404(request_id)
    if help_request.handled_at is None:
        help_requests.take(help_request, person())
    return redirect(back_to(help_request), 303)


@bp.route("/helper/requests/<int:request_id>/answer", methods=["POST"])
def answer(request_id):
    """Send the learner a short answer, shown under the step; it closes the request."""
    help_request = get_request_or_404(request_id)
    reply = clean_text(request.form.get("reply", ""))
    if not reply:
        flash(_l("The answer was empty: nothing was sent. Type a few words and send it again."))
    elif len(reply) > help_requests.REPLY_MAX:
        flash(
            _l(
                "The answer can have at most %(max)d characters: nothing was sent.",
                max=help_requests.REPLY_MAX,
            )
        )
    else:
        help_requests.close(help_request, person(), reply)
        flash(
            _l(
                "The answer is sent: %(name)s sees it under the step.",
                name=help_request.learner.display_name,
            )
        )
    return redirect(back_to(help_request), 303)


@bp.route("/helper/requests/open.json")
def count():
    """Say how many help requests are open, for the counter in helpers' headers."""
    number = help_requests.open_count()
    response = jsonify(
        open=number,
        announcement=ngettext(
            "%(num)d help request is waiting.", "%(num)d help requests are waiting.", number
        ),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/helper/requests/<int:request_id>/reopen", methods=["POST"])
def undo_handled(request_id):
    """Open a help request again, undoing "handled"."""
    help_request = get_request_or_404(request_id)
    help_requests.reopen(help_request)
    flash(_l("The request is open again."))
    return redirect(back_to(help_request), 303)


def init_app(app):
    """Serve help requests and give templates the counter and the learner's requests."""
    app.add_template_global(help_requests.open_requests_counter, "open_requests_counter")
    app.add_template_global(help_requests.my_help_requests, "my_help_requests")
    app.jinja_env.globals["reply_max"] = help_requests.REPLY_MAX
    app.register_blueprint(bp)
