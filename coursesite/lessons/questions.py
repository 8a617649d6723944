"""Questions of a lesson as data, and grading a learner's answer to one.

How questions are written in lesson Markdown, and how they are read and checked, is in
question_parser.py. Nothing here makes HTML: prompts and feedback stay Markdown, rendered by
the one Markdown function; the step template renders the form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coursesite.lessons.text import comparable

KINDS = ("one", "several", "type-it")
MARKER = "[!QUESTION]"
# What a learner may type, at most; longer answers are cut before grading and storing.
MAX_TYPED_CHARS = 200


@dataclass(frozen=True)
class Choice:
    """One item of a question's list: a choice, or for "type it" a listed answer."""

    text: str  # inline Markdown as written after [x] or [ ]
    right: bool
    feedback: str  # Markdown; may be empty for a second accepted answer of a "type it"
    line: int


@dataclass(frozen=True)
class Question:
    """One question of a step."""

    id: str
    kind: str  # "one", "several" or "type-it"
    prompt: str  # Markdown
    choices: tuple[Choice, ...]
    hint: str  # Markdown: for "type it", the feedback for any answer not listed
    line: int

    @property
    def right_choices(self) -> tuple[int, ...]:
        """Return the numbers (from 1) of the right choices."""
        return tuple(n for n, choice in enumerate(self.choices, start=1) if choice.right)


@dataclass(frozen=True)
class Block:
    """Where a question sits in a lesson body: its lines, from 0, end excluded."""

    question: Question
    start: int
    end: int


@dataclass(frozen=True)
class Grade:
    """How an answer fared: right or not, and what to tell the learner."""

    right: bool
    feedback: tuple[str, ...]  # Markdown pieces, one per ticked choice (or one)
    answer: str  # the answer in words, as stored and exported
    chosen: tuple[int, ...] = ()  # choice numbers the learner picked
    typed: str = ""
    missed: int = 0  # "several": right choices left unticked


def normalise(text: str) -> str:
    """Return text without case, accents or extra spaces, to compare typed answers."""
    return comparable(text)


def plain(markdown: str) -> str:
    """Return the words of a short inline Markdown text: `code`, **bold**, \\-escapes undone."""
    text = re.sub(r"\\(.)", r"\1", markdown)
    return re.sub(r"[`*_]+", "", text).strip()


def grade(question: Question, chosen: list[str] | None = None, typed: str = "") -> Grade | None:
    """Grade one answer: choice numbers as sent by a form, or typed text; None if empty."""
    if question.kind == "type-it":
        # Control characters (NUL breaks PostgreSQL) are no part of an answer: never stored.
        typed = "".join(c for c in typed or "" if unicodedata.category(c) not in ("Cc", "Cs"))
        typed = " ".join(typed.split())[:MAX_TYPED_CHARS]
        key = normalise(typed)
        if not key:
            return None
        for choice in question.choices:
            if normalise(plain(choice.text)) == key:
                feedback = choice.feedback
                if choice.right and not feedback:
                    feedback = next(c.feedback for c in question.choices if c.right and c.feedback)
                return Grade(choice.right, (feedback,), typed, typed=typed)
        return Grade(False, (question.hint,), typed, typed=typed)
    numbers = sorted({int(n) for n in chosen or () if str(n).isdigit()})
    numbers = [n for n in numbers if 1 <= n <= len(question.choices)]
    if question.kind == "one":
        numbers = numbers[:1]
    if not numbers:
        return None
    picked = [question.choices[n - 1] for n in numbers]
    right = set(numbers) == set(question.right_choices)
    missed = len(set(question.right_choices) - set(numbers))
    answer = " | ".join(plain(choice.text) for choice in picked)
    feedback = tuple(choice.feedback for choice in picked)
    return Grade(right, feedback, answer, chosen=tuple(numbers), missed=missed)


def lesson_questions(lesson) -> list[Question]:
    """Return every question of a lesson, in step order."""
    return [question for step in lesson.steps for question in step.questions]
