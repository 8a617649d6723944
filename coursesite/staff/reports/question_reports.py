"""Report numbers about questions and certificates. No HTTP here.

- A question missed first: a learner's first answer to it was wrong. It counts in the period
  of that first answer, like a lesson started counts in the period of its first step.
- Answered: learners whose first answer to the question was in the period.
- Certificates issued: certificates made in the period, withdrawn ones included.

Only learners count; erased learners count through the Anonymous* tables.
"""

import datetime as dt
from dataclasses import dataclass

from peewee import SQL, fn

from coursesite.data.models import Certificate, QuestionAnswer, User
from coursesite.data.privacy.anonymous_models import AnonymousAnswer, AnonymousCertificate
from coursesite.lessons.model import Lesson
from coursesite.lessons.questions import Question


@dataclass
class QuestionCount:
    lesson_id: str
    question_id: str
    versions: dict[str, tuple[Lesson, Question]]  # each language that asks it
    answered: int  # learners who first answered it in the period
    missed: int  # of them, those whose first answer was wrong


def first_answer_counts(start: dt.datetime, end: dt.datetime) -> dict[tuple, list[int]]:
    """Return {(lesson id, question id): [learners, of them wrong]} of the first answers given in
    the period."""
    counts: dict[tuple, list[int]] = {}
    non_learners = User.select(User.id).where(User.role != "learner")
    for model, learner, counted in (
        (QuestionAnswer, "user", QuestionAnswer.user.not_in(non_learners)),
        (AnonymousAnswer, "learner_key", AnonymousAnswer.learner_key.is_null(False)),
    ):
        # An answer is a first one when the learner gave none to the question before it (by
        # time, then by the order answers were saved in).
        earlier = model.alias()
        firsts = (
            model.select(model.lesson_id, model.question_id, model.right, fn.COUNT(SQL("*")))
            .where(
                counted
                & (model.answered_at >= start)
                & (model.answered_at < end)
                & ~fn.EXISTS(
                    earlier.select(SQL("1")).where(
                        (getattr(earlier, learner) == getattr(model, learner))
                        & (earlier.lesson_id == model.lesson_id)
                        & (earlier.question_id == model.question_id)
                        & (
                            (earlier.answered_at < model.answered_at)
                            | ((earlier.answered_at == model.answered_at) & (earlier.id < model.id))
                        )
                    )
                )
            )
            .group_by(model.lesson_id, model.question_id, model.right)
        )
        for lesson_id, question_id, right, count in firsts.tuples():
            row = counts.setdefault((lesson_id, question_id), [0, 0])
            row[0] += count
            row[1] += 0 if right else count
    return counts


def question_versions(lessons: dict[str, dict[str, Lesson]]) -> dict[tuple, dict]:
    """Return {(lesson id, question id): {lang: (lesson, question)}} of every lesson known."""
    found: dict[tuple, dict] = {}
    for lesson_id, versions in lessons.items():
        for lang, lesson in versions.items():
            for step in lesson.steps:
                for question in step.questions:
                    found.setdefault((lesson_id, question.id), {})[lang] = (lesson, question)
    return found


def missed_first(
    start: dt.datetime, end: dt.datetime, lessons: dict[str, dict[str, Lesson]]
) -> list[QuestionCount]:
    """Return the questions answered in the period, the most often missed first."""
    counts = first_answer_counts(start, end)
    known = question_versions(lessons)
    rows = [
        QuestionCount(
            lesson_id,
            question_id,
            known[(lesson_id, question_id)],
            answered,
            missed,
        )
        for (lesson_id, question_id), (answered, missed) in counts.items()
        if (lesson_id, question_id) in known  # a question removed since is not shown
    ]
    return sorted(
        rows, key=lambda r: (-r.missed, -r.missed / r.answered, r.lesson_id, r.question_id)
    )


def certificates_issued(start: dt.datetime, end: dt.datetime) -> int:
    """Return how many certificates were made in the period, for learners kept or erased."""
    live = (
        Certificate.select()
        .join(User, on=(Certificate.learner == User.id))
        .where(
            (User.role == "learner")
            & (Certificate.issued_at >= start)
            & (Certificate.issued_at < end)
        )
        .count()
    )
    erased = (
        AnonymousCertificate.select()
        .where((AnonymousCertificate.issued_at >= start) & (AnonymousCertificate.issued_at < end))
        .count()
    )
    return live + erased
