"""Report numbers about questions and certificates. No HTTP here.

- A question missed first: a learner's first answer to it was wrong. It counts in the period
  of that first answer, like a lesson started counts in the period of its first step.
- Answered: learners whose first answer to the question was in the period.
- Certificates issued: certificates made in the period, withdrawn ones included.

Only learners count; erased learners count through the Anonymous* tables.
"""

import datetime as dt
from dataclasses import dataclass

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


def first_answers(end: dt.datetime) -> dict[tuple, tuple[dt.datetime, bool]]:
    """Return {(learner, lesson id, question id): (time, right)} of each first answer."""
    live = (
        QuestionAnswer.select(
            QuestionAnswer.user,
            QuestionAnswer.lesson_id,
            QuestionAnswer.question_id,
            QuestionAnswer.answered_at,
            QuestionAnswer.right,
            QuestionAnswer.id,
        )
        .join(User, on=(QuestionAnswer.user == User.id))
        .where((User.role == "learner") & (QuestionAnswer.answered_at < end))
        .tuples()
    )
    erased = (
        AnonymousAnswer.select(
            AnonymousAnswer.learner_key,
            AnonymousAnswer.lesson_id,
            AnonymousAnswer.question_id,
            AnonymousAnswer.answered_at,
            AnonymousAnswer.right,
            AnonymousAnswer.id,
        )
        .where(AnonymousAnswer.answered_at < end)
        .tuples()
    )
    first: dict[tuple, tuple] = {}
    for learner, lesson_id, question_id, when, right, row_id in [*live, *erased]:
        key = (learner, lesson_id, question_id)
        if key not in first or (when, row_id) < first[key][:2]:
            first[key] = (when, row_id, bool(right))
    return {key: (when, right) for key, (when, _row, right) in first.items()}


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
    answered: dict[tuple, int] = {}
    missed: dict[tuple, int] = {}
    for (_learner, lesson_id, question_id), (when, right) in first_answers(end).items():
        if when >= start:
            key = (lesson_id, question_id)
            answered[key] = answered.get(key, 0) + 1
            missed[key] = missed.get(key, 0) + (not right)
    known = question_versions(lessons)
    rows = [
        QuestionCount(
            lesson_id,
            question_id,
            known[(lesson_id, question_id)],
            count,
            missed[(lesson_id, question_id)],
        )
        for (lesson_id, question_id), count in answered.items()
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
