"""Where one person's answers to the lessons' questions are kept, and read once per request.

In the account when signed in (one QuestionAnswer row per answer given), in the browser's
session cookie otherwise; an AnswerBook reads them, all of them (a helper's view, a
certificate) or one lesson's (a step page).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from coursesite.data.models import QuestionAnswer, utcnow
from coursesite.data.prepared import PreparedQuery, slot
from coursesite.lessons.model import Lesson
from coursesite.lessons.questions import lesson_questions

SESSION_KEY = "answers"
# The progress cookie keeps 2,400 bytes; answers get less, and each keeps a short answer.
SESSION_BUDGET = 1500
SESSION_ANSWER_CHARS = 40
ANSWER_MAX = 500  # the column's size: several choices joined stay under it

# What a helper sees of one question.
RIGHT_FIRST_TIME, RIGHT_AFTER_RETRIES, NOT_YET = "first-time", "after-retries", "not-yet"


@dataclass(frozen=True)
class AnswerRecord:
    lesson_id: str
    question_id: str
    answer: str
    right: bool
    at: dt.datetime


class SessionAnswers:
    """Answers kept in the browser's session: [[lesson, question, answer, 1|0, unix time], …]."""

    def __init__(self, session):
        self.session = session

    def load(self) -> list[AnswerRecord]:
        found = []
        for entry in self.session.get(SESSION_KEY, []):
            if (
                isinstance(entry, list)
                and len(entry) == 5
                and all(isinstance(part, str) for part in entry[:3])
                and entry[3] in (0, 1)
                and isinstance(entry[4], int)
            ):
                when = dt.datetime.fromtimestamp(entry[4], dt.UTC).replace(tzinfo=None)
                found.append(AnswerRecord(entry[0], entry[1], entry[2], bool(entry[3]), when))
        return found

    def load_lesson(self, lesson_id: str) -> list[AnswerRecord]:
        return [record for record in self.load() if record.lesson_id == lesson_id]

    def add(self, lesson_id: str, question_id: str, answer: str, right: bool) -> None:
        when = int(utcnow().replace(tzinfo=dt.UTC).timestamp())
        entries = list(self.session.get(SESSION_KEY, []))
        entries.append([lesson_id, question_id, answer[:SESSION_ANSWER_CHARS], int(right), when])
        while entries and len(json.dumps(entries)) > SESSION_BUDGET:
            entries.pop(0)  # the oldest goes first; an account keeps everything
        self.session[SESSION_KEY] = entries

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)


# Read on each step page with a question, for a signed-in person: one lesson's answers (not
# every answer of their history), the SQL built once (data/prepared.py).
LESSON_ANSWERS = PreparedQuery(
    lambda: (
        QuestionAnswer.select(
            QuestionAnswer.question_id,
            QuestionAnswer.answer,
            QuestionAnswer.right,
            QuestionAnswer.answered_at,
        )
        .where(
            (QuestionAnswer.user == slot("user", QuestionAnswer.user))
            & (QuestionAnswer.lesson_id == slot("lesson", QuestionAnswer.lesson_id))
        )
        .order_by(QuestionAnswer.answered_at, QuestionAnswer.id)
        .tuples()
    )
)


class AccountAnswers:
    """Answers kept in the database, one QuestionAnswer row per answer given."""

    def __init__(self, user):
        self.user = user

    def load(self) -> list[AnswerRecord]:
        rows = (
            QuestionAnswer.select()
            .where(QuestionAnswer.user == self.user)
            .order_by(QuestionAnswer.answered_at, QuestionAnswer.id)
        )
        return [
            AnswerRecord(row.lesson_id, row.question_id, row.answer, row.right, row.answered_at)
            for row in rows
        ]

    def load_lesson(self, lesson_id: str) -> list[AnswerRecord]:
        return [
            AnswerRecord(lesson_id, question_id, answer, bool(right), at)
            for question_id, answer, right, at in LESSON_ANSWERS.rows(
                user=self.user, lesson=lesson_id
            )
        ]

    def add(self, lesson_id: str, question_id: str, answer: str, right: bool, when=None) -> None:
        QuestionAnswer.create(
            user=self.user,
            lesson_id=lesson_id,
            question_id=question_id,
            answer=answer[:ANSWER_MAX],
            right=right,
            answered_at=when or utcnow(),
        )


class AnswerBook:
    """One person's answers, read once per request: all of them, or one lesson's."""

    def __init__(self, store):
        self.store = store
        self._by_question: dict[tuple[str, str], list[AnswerRecord]] | None = None
        self._by_lesson: dict[str, dict[str, list[AnswerRecord]]] = {}

    @property
    def by_question(self) -> dict[tuple[str, str], list[AnswerRecord]]:
        if self._by_question is None:
            found: dict[tuple[str, str], list[AnswerRecord]] = {}
            for record in sorted(self.store.load(), key=lambda r: r.at):
                found.setdefault((record.lesson_id, record.question_id), []).append(record)
            self._by_question = found
        return self._by_question

    def add(self, lesson_id: str, question_id: str, answer: str, right: bool) -> None:
        self.store.add(lesson_id, question_id, answer, right)
        self._by_question = None
        self._by_lesson.clear()

    def history(self, lesson_id: str, question_id: str) -> list[AnswerRecord]:
        """Return the answers to one question, oldest first."""
        if self._by_question is not None:
            return self._by_question.get((lesson_id, question_id), [])
        lesson = self._by_lesson.get(lesson_id)
        if lesson is None:  # a step page reads one lesson's answers, not the whole history
            lesson = self._by_lesson[lesson_id] = {}
            for record in sorted(self.store.load_lesson(lesson_id), key=lambda r: r.at):
                lesson.setdefault(record.question_id, []).append(record)
        return lesson.get(question_id, [])

    def status(self, lesson_id: str, question_id: str) -> str:
        """Return RIGHT_FIRST_TIME, RIGHT_AFTER_RETRIES or NOT_YET."""
        history = self.history(lesson_id, question_id)
        if not any(record.right for record in history):
            return NOT_YET
        return RIGHT_FIRST_TIME if history[0].right else RIGHT_AFTER_RETRIES

    def answered_right(self, lesson_id: str, question_id: str) -> bool:
        return any(record.right for record in self.history(lesson_id, question_id))

    def all_right(self, lesson: Lesson) -> bool:
        """Tell whether every question of this version of the lesson was answered right."""
        return all(self.answered_right(lesson.id, q.id) for q in lesson_questions(lesson))
