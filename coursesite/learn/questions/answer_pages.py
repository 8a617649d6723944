"""Answering a question: the form under a question, that works with and without JavaScript."""

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for

from coursesite.learn.questions.answers import (
    FEEDBACK_KEY,
    current_answers,
    find_question,
    question_state,
    raw_answer,
    result_of,
)
from coursesite.lessons.questions import MAX_TYPED_CHARS, grade

bp = Blueprint("answers", __name__)


@bp.route("/questions/<lesson_id>/<question_id>", methods=["POST"])
def answer(lesson_id, question_id):
    """Check an answer, keep it, and go back to the question with its feedback."""
    found = find_question(lesson_id, question_id)
    if found is None:
        abort(404)
    lesson, question, number = found
    chosen, typed = raw_answer()
    graded = grade(question, chosen, typed)
    if graded is not None:  # nothing chosen or typed is not an answer: nothing to keep
        current_answers().add(lesson.id, question.id, graded.answer, graded.right)
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if best == "application/json":
        result = result_of(lesson, question, graded, typed, chosen)
        steps = lesson.steps[number - 1].questions
        position = next(i for i, q in enumerate(steps, start=1) if q.id == question.id)
        item = question_state(lesson, question, position, len(steps), result)
        html = render_template("learn/_question.html", item=item)
        return jsonify(right=bool(graded and graded.right), answered=graded is not None, html=html)
    session[FEEDBACK_KEY] = {
        "lesson": lesson.id,
        "question": question.id,
        "chosen": [n for n in chosen if n.isdigit()][:50],
        "typed": typed[:MAX_TYPED_CHARS],
    }
    url = url_for(
        "learn.step",
        lang=lesson.lang,
        lesson_id=lesson.id,
        number=number,
        _anchor=f"q-{question.id}",
    )
    return redirect(url, 303)
