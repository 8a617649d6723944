"""Answers to the questions of lessons: kept like progress, checked on a plain form.

An answer is kept as (lesson id, question id, answer, right or not, time), never by language
or position, in the account when signed in and in the browser's session cookie otherwise
(the oldest first to go if it ever nears the cookie's size); a visitor's answers join the
account under the same rule as progress. Every answer is kept, the wrong ones too: helpers
see whether a question was answered right the first time, after retries, or not yet.

Without JavaScript the form is an ordinary POST: the answer is graded, kept, and the step
page comes back at the question with its feedback (the raw answer waits in the session for
that one page view). With JavaScript the same POST answers with the question's new HTML
(answer_pages.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import g, request, session
from flask_login import current_user
from markupsafe import Markup

from coursesite import services
from coursesite.data.database import database
from coursesite.desk.paths import find_lesson
from coursesite.learn.questions.answer_book import (
    NOT_YET,
    RIGHT_AFTER_RETRIES,
    RIGHT_FIRST_TIME,
    AccountAnswers,
    AnswerBook,
    SessionAnswers,
)
from coursesite.learn.visitor import VisitorData, of_this_request
from coursesite.lessons.markup.markdown_text import strip_to_text
from coursesite.lessons.model import Lesson
from coursesite.lessons.questions import MAX_TYPED_CHARS, Grade, Question, grade, lesson_questions
from coursesite.web.templating import kept_url_for

FEEDBACK_KEY = "answered"


def current_answers() -> AnswerBook:
    """Return the answers of the person making this request."""
    return of_this_request("answers", AnswerBook, AccountAnswers, SessionAnswers)


def answers_of(user) -> AnswerBook:
    """Return a person's answers: this request's when they are theirs, else the database's."""
    if current_user.is_authenticated and current_user.id == user.id:
        return current_answers()
    return AnswerBook(AccountAnswers(user))


def merge_visitor_answers(user) -> int:
    """Move this browser's visitor answers into the account; return how many there were."""
    visitor = SessionAnswers(session)
    records = visitor.load()
    account = AccountAnswers(user)
    with database.atomic():
        for record in records:
            if len(record.lesson_id) <= 200 and len(record.question_id) <= 80:
                account.add(
                    record.lesson_id, record.question_id, record.answer, record.right, record.at
                )
    visitor.clear()
    session.pop(FEEDBACK_KEY, None)
    g.pop("answers", None)
    return len(records)


# The step page


@dataclass
class Result:
    """What the page says right after an answer."""

    right: bool = False
    empty: bool = False  # nothing chosen or typed: nothing was kept
    feedback: tuple[Markup, ...] = ()
    explained: list[tuple[int, Markup]] = field(default_factory=list)  # "several"
    missed: int = 0
    chosen: tuple[int, ...] = ()
    typed: str = ""


@dataclass
class QuestionState:
    """A question as the step template shows it (learn/_question.html)."""

    q: object  # lessons.render.RenderedQuestion
    action: str
    number: int
    count: int
    status: str
    result: Result | None = None


def result_of(lesson: Lesson, question: Question, graded: Grade | None, typed="", chosen=()):
    """Return the feedback of a graded answer as HTML, or the "answer first" result."""
    if graded is None:
        return Result(empty=True, typed=typed[:MAX_TYPED_CHARS], chosen=tuple(chosen))
    parts = tuple(services.renderer().part(lesson, piece) for piece in graded.feedback if piece)
    explained = []
    if question.kind == "several":
        explained = [
            (number, services.renderer().part(lesson, question.choices[number - 1].feedback))
            for number in graded.chosen
        ]
    return Result(
        right=graded.right,
        feedback=parts,
        explained=explained,
        missed=graded.missed,
        chosen=graded.chosen,
        typed=graded.typed,
    )


def raw_answer() -> tuple[list[str], str]:
    """Return the choices ticked and the text typed in the form being sent."""
    chosen = request.form.getlist("choice")[:50]
    typed = request.form.get("typed", "")[: MAX_TYPED_CHARS * 4]
    return chosen, typed


def question_state(
    lesson: Lesson, question: Question, number: int, count: int, result=None
) -> QuestionState:
    book = current_answers()
    return QuestionState(
        q=services.renderer().question(lesson, question),
        action=kept_url_for(
            "answers.answer", lesson_id=lesson.id, question_id=question.id, lang=lesson.lang
        ),
        number=number,
        count=count,
        status="right" if book.answered_right(lesson.id, question.id) else "",
        result=result,
    )


def step_questions(lesson: Lesson, number: int) -> list[QuestionState]:
    """Return the questions of a step, with the feedback of the answer just sent, if any."""
    questions = lesson.steps[number - 1].questions
    if not questions:
        return []
    waiting = session.get(FEEDBACK_KEY)
    states = []
    for position, question in enumerate(questions, start=1):
        result = None
        if (
            isinstance(waiting, dict)
            and waiting.get("lesson") == lesson.id
            and waiting.get("question") == question.id
        ):
            session.pop(FEEDBACK_KEY, None)
            chosen = [str(n) for n in waiting.get("chosen", [])][:50]
            typed = str(waiting.get("typed", ""))[:MAX_TYPED_CHARS]
            result = result_of(lesson, question, grade(question, chosen, typed), typed, ())
        states.append(question_state(lesson, question, position, len(questions), result))
    return states


def find_question(lesson_id: str, question_id: str) -> tuple[Lesson, Question, int] | None:
    """Return (lesson, question, step number): in ?lang= if it has it, else another language."""
    catalogue = services.catalogue()
    drafts = services.drafts_visible()
    wanted = request.args.get("lang", "")
    languages = catalogue.languages_of(lesson_id, drafts=drafts)
    for lang in sorted(languages, key=lambda code: code != wanted):
        lesson = catalogue.get(lang, lesson_id, drafts=drafts)
        for number, step in enumerate(lesson.steps if lesson else (), start=1):
            for question in step.questions:
                if question.id == question_id:
                    return lesson, question, number
    return None


# What helpers see


def answer_summary(learner, lang: str) -> list[dict]:
    """Return, per lesson with an answer, each question's status: right first, after, not yet."""
    book = answers_of(learner)
    latest: dict[str, dt.datetime] = {}
    for (lesson_id, _question_id), history in book.by_question.items():
        latest[lesson_id] = max(history[-1].at, latest.get(lesson_id, history[-1].at))
    rows = []
    for lesson_id in sorted(latest, key=latest.get, reverse=True):
        lesson = find_lesson(lesson_id, lang)
        counts = {RIGHT_FIRST_TIME: 0, RIGHT_AFTER_RETRIES: 0, NOT_YET: 0}
        questions = []
        for question in lesson_questions(lesson) if lesson else []:
            status = book.status(lesson_id, question.id)
            counts[status] += 1
            history = book.history(lesson_id, question.id)
            right_at = next((n for n, r in enumerate(history, start=1) if r.right), None)
            questions.append(
                {
                    "text": strip_to_text(question.prompt),
                    "status": status,
                    "tries": right_at or len(history),
                }
            )
        rows.append(
            {"lesson_id": lesson_id, "lesson": lesson, "questions": questions, "counts": counts}
        )
    return rows


def forget_visitor_answers() -> None:
    """Forget this browser's visitor answers without adding them to any account."""
    SessionAnswers(session).clear()
    session.pop(FEEDBACK_KEY, None)
    g.pop("answers", None)


# Joined to the account, or forgotten, with the visitor's steps (see learn/visitor.py).
VISITOR_ANSWERS = VisitorData(
    name="answers",
    count=lambda: len(SessionAnswers(session).load()),
    join=merge_visitor_answers,
    forget=forget_visitor_answers,
)
