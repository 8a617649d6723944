"""Questions read from lesson Markdown into data, and each mistake in one told with its line."""

import pytest

from coursesite.lessons.problems import LessonError
from coursesite.lessons.questions import lesson_questions
from coursesite.lessons.reading.loader import load_lesson
from tests.test_questions import ONE, SEVERAL, TYPE_IT, problems, write


def test_a_question_becomes_data_and_leaves_the_step_text(tmp_path):
    lesson = load_lesson(write(tmp_path, ONE + "\n" + TYPE_IT + "\n" + SEVERAL), "fr")
    step = lesson.steps[0]
    assert "QUESTION" not in step.source and "Votre date" not in step.source
    assert step.source == "Un bon mot de passe est long.\n\nTexte après la question."
    (question,) = step.questions
    assert question.id == "strong-password" and question.kind == "one"
    assert question.prompt == "Lequel est le plus **difficile** à deviner?"
    assert [c.right for c in question.choices] == [False, True]
    assert question.choices[0].feedback.startswith("Non : quiconque")
    assert question.choices[0].line == 6 + 7  # file lines, for messages
    typed = lesson.steps[1].questions[0]
    assert typed.kind == "type-it" and typed.hint == "Regardez le tableau de l'étape 1."
    assert lesson.steps[2].questions[0].kind == "several"
    assert [q.id for q in lesson_questions(lesson)] == ["strong-password", "type-address", "tips"]


def test_a_step_can_be_only_a_question(tmp_path):
    lesson = load_lesson(write(tmp_path, TYPE_IT), "fr")
    assert lesson.steps[0].source == "" and len(lesson.steps[0].questions) == 1


BROKEN = {
    "no right answer": (
        "## A {#a}\n\n> [!QUESTION] {#q}\n> Quoi?\n>\n> - [ ] un\n>   > Non.\n> - [ ] deux\n>   > Non.\n",
        ["fr/lecon/lesson.md:8: error: question `q`: no right answer: mark it `- [x] …`"],
    ),
    "empty feedback": (
        "## A {#a}\n\n> [!QUESTION] {#q}\n> Quoi?\n>\n> - [x] un\n> - [ ] deux\n>   > Non.\n",
        [
            "fr/lecon/lesson.md:11: error: question `q`: the choice `un` has no feedback: add an "
            "indented `> Yes: …` or `> No: …` line under it"
        ],
    ),
    "type-it without accepted answer": (
        "## A {#a}\n\n> [!QUESTION] {#q .type-it}\n> Tapez.\n>\n> - [ ] gmail\n>   > Non.\n>\n> Indice.\n",
        [
            "fr/lecon/lesson.md:8: error: question `q`: no accepted answer: list at least one "
            "as `- [x] the answer`"
        ],
    ),
    "type-it without hint": (
        "## A {#a}\n\n> [!QUESTION] {#q .type-it}\n> Tapez.\n>\n> - [x] gmail.com\n>   > Oui.\n",
        [
            "fr/lecon/lesson.md:8: error: question `q`: no hint for other answers: add a "
            "paragraph after the list, shown when the answer typed is not listed"
        ],
    ),
    "duplicate id": (
        ONE.replace("{#password}", "{#p1}")
        + "\n"
        + ONE.replace("{#password}", "{#p2}").replace("Texte après", "Encore"),
        [
            "fr/lecon/lesson.md:24: error: question id `strong-password` is already used on "
            "line 10: give this question another {#id}"
        ],
    ),
    "two right answers for one": (
        "## A {#a}\n\n> [!QUESTION] {#q}\n> Quoi?\n>\n> - [x] un\n>   > Oui.\n> - [x] deux\n>   > Oui.\n",
        [
            "fr/lecon/lesson.md:8: error: question `q`: 2 right answers for a one-answer "
            "question: keep one `[x]`, or write `{#q .several}` to ask for every right one"
        ],
    ),
    "no id": (
        "## A {#a}\n\n> [!QUESTION]\n> Quoi?\n>\n> - [x] un\n>   > Oui.\n",
        [
            "fr/lecon/lesson.md:8: error: a question needs an id made of letters, digits and -: "
            "`[!QUESTION] {#id}`"
        ],
    ),
    "inside a list": (
        "## A {#a}\n\n- > [!QUESTION] {#q}\n  > Quoi?\n",
        [
            "fr/lecon/lesson.md:8: error: a question must start its own quote at the left "
            "margin: `> [!QUESTION] {#id}`, not inside a list or another quote"
        ],
    ),
    "before the first step": (
        "> [!QUESTION] {#q}\n> Quoi?\n>\n> - [x] un\n>   > Oui.\n> - [ ] deux\n>   > Non.\n\n## A {#a}\n\nTexte.\n",
        ["fr/lecon/lesson.md:6: error: a question must be inside a step, under a ## heading"],
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_lessons_check_reports_each_question_problem_with_file_and_line(tmp_path, case):
    body, expected = BROKEN[case]
    write(tmp_path, body)
    assert problems(tmp_path) == expected


@pytest.mark.parametrize("case", BROKEN)
def test_a_lesson_with_a_broken_question_is_not_published(tmp_path, case):
    # The catalogue keeps the last good version while `load_lesson` refuses this one.
    body, expected = BROKEN[case]
    with pytest.raises(LessonError) as info:
        load_lesson(write(tmp_path, body), "fr")
    assert str(info.value) == str(tmp_path / expected[0])
