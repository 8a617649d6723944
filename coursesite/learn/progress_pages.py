""" "I did this step": the form under every step, that works with and without JavaScript."""

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coursesite import services
from coursesite.learn import visitor
from coursesite.learn.progress import current_progress, find_step, step_count, step_state
from coursesite.web.urls import safe_next

bp = Blueprint("progress", __name__)


@bp.route("/progress/<lesson_id>/<step_id>", methods=["POST"])
def mark(lesson_id, step_id):
    """Mark a step done or not done, then go back to it (or answer the page's script).

    With `then=next` (the step's bar: "I did this step → next"), go on to the next step, or
    to the end page after the last one: one tap, one request.
    """
    if request.form.get("done") not in ("0", "1"):
        abort(400)
    found = find_step(lesson_id, step_id)
    if found is None:
        abort(404)
    done = request.form["done"] == "1"
    current_progress().set_done(lesson_id, step_id, done)
    # Back to the same step in the page's language, or in a language that has it.
    catalogue = services.catalogue()
    drafts = services.drafts_visible()
    lesson = catalogue.get(request.args.get("lang", ""), lesson_id, drafts=drafts)
    if lesson is None or not lesson.step_index(step_id):
        lesson = found
    number = lesson.step_index(step_id)
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if best != "application/json":
        if request.form.get("then") == "next" and number < len(lesson.steps):
            url = url_for("learn.step", lang=lesson.lang, lesson_id=lesson_id, number=number + 1)
        elif request.form.get("then") == "next":
            url = url_for("learn.end", lang=lesson.lang, lesson_id=lesson_id)
        else:
            url = url_for("learn.step", lang=lesson.lang, lesson_id=lesson_id, number=number)
        return redirect(url, 303)
    state = step_state(lesson, number)
    html = render_template(
        "progress/_step_toggle.html",
        lesson=lesson,
        step=lesson.steps[number - 1],
        step_done=state["done"],
        progress={"count": step_count(state)},
    )
    announcement = _("Step marked as done.") if done else _("Step marked as not done.")
    return jsonify(
        done=done,
        done_count=state["done_count"],
        total=state["total"],
        html=html,
        announcement=announcement,
    )


@bp.route("/visitor-progress", methods=["POST"])
@login_required
def answer_visitor_question():
    """Join or forget what this browser did before signing in, as the person answered."""
    if request.form.get("join") == "yes":
        visitor.join_into(current_user)
    else:
        visitor.forget()
    back = safe_next(request.form.get("next"))
    return redirect(back or url_for("learn.catalogue", lang=current_user.language), 303)
