"""Questions of a lesson: answers graded; the starter lessons ask good ones in both languages."""

from pathlib import Path

import pytest

from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.folder_check import check_lessons
from coursesite.lessons.markup.markdown_text import strip_to_text
from coursesite.lessons.questions import grade, lesson_questions, normalise
from coursesite.lessons.reading.loader import load_lesson
from tests.conftest import STARTER_LESSONS

FRONT = "---\ntitle: Leçon\nsummary: s\nduration: 5\n---\n"  # the body starts on line 6
SETTINGS = CheckSettings(languages=("fr",))

ONE = """\
## Le mot de passe {#password}

Un bon mot de passe est long.

> [!QUESTION] {#strong-password}
> Lequel est le plus **difficile** à deviner?
>
> - [ ] Votre date de naissance
>   > Non : quiconque connaît votre anniversaire peut le deviner.
> - [x] Trois mots sans lien et un chiffre
>   > Oui : il est long.

Texte après la question.
"""

TYPE_IT = """\
## Taper l'adresse {#type}

> [!QUESTION] {#type-address .type-it}
> Tapez l'adresse du site de Gmail.
>
> - [x] gmail.com
>   > Oui!
> - [x] www.gmail.com
> - [ ] gmail
>   > Presque : ajoutez .com.
>
> Regardez le tableau de l'étape 1.
"""

SEVERAL = """\
## Choisir {#choose}

> [!QUESTION] {#tips .several}
> Quels conseils suivre?
>
> - [x] Prénom.nom
>   > Oui.
> - [ ] Un surnom
>   > Non : un employeur la verra.
> - [x] Pas d'accent
>   > Oui.
"""


def write(root: Path, body: str, lang="fr", lesson_id="lecon") -> Path:
    folder = root / lang / lesson_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lesson.md"
    path.write_text(FRONT + body, encoding="utf-8")
    return path


def problems(root: Path) -> list[str]:
    """Return the problems as `path:line: severity: message`, but the "no `updated`" one."""
    found = [str(p).replace(f"{root}/", "", 1) for p in check_lessons(root, SETTINGS)]
    return [line for line in found if "`updated`" not in line]


def test_one_answer_is_right_or_wrong_with_that_choices_feedback(tmp_path):
    question = load_lesson(write(tmp_path, ONE), "fr").steps[0].questions[0]
    wrong = grade(question, ["1"])
    assert not wrong.right and wrong.feedback == (question.choices[0].feedback,)
    assert wrong.answer == "Votre date de naissance"
    right = grade(question, ["2"])
    assert right.right and right.answer == "Trois mots sans lien et un chiffre"
    assert grade(question, []) is None  # nothing chosen: nothing to grade or store
    assert grade(question, ["9", "x"]) is None  # not a choice of this question


def test_several_is_right_only_with_every_right_choice_and_no_wrong_one(tmp_path):
    question = load_lesson(write(tmp_path, SEVERAL), "fr").steps[0].questions[0]
    assert not grade(question, ["1"]).right and grade(question, ["1"]).missed == 1
    assert not grade(question, ["1", "2", "3"]).right
    both = grade(question, ["3", "1"])
    assert both.right and both.chosen == (1, 3) and both.answer == "Prénom.nom | Pas d'accent"


@pytest.mark.parametrize(
    "typed, right, feedback",
    [
        ("gmail.com", True, "Oui!"),
        ("  GMAIL.Com  ", True, "Oui!"),
        ("gmaíl.cóm", True, "Oui!"),  # accents do not count
        ("WWW.gmail.com", True, "Oui!"),  # a second accepted answer takes the first feedback
        ("Gmail", False, "Presque : ajoutez .com."),  # a listed wrong answer, its feedback
        ("hotmail.com", False, "Regardez le tableau de l'étape 1."),  # anything else: the hint
    ],
)
def test_type_it_ignores_case_accents_and_spaces(tmp_path, typed, right, feedback):
    question = load_lesson(write(tmp_path, TYPE_IT), "fr").steps[0].questions[0]
    result = grade(question, typed=typed)
    assert (result.right, result.feedback) == (right, (feedback,))
    assert result.answer == typed.strip()


def test_an_empty_typed_answer_is_not_an_answer(tmp_path):
    question = load_lesson(write(tmp_path, TYPE_IT), "fr").steps[0].questions[0]
    assert grade(question, typed="   ") is None
    assert len(grade(question, typed="x" * 5000).answer) == 200


def test_normalise():
    assert normalise("  Éric   GAGNÉ ") == "eric gagne"


def starter_lessons():
    found = {}
    for path in sorted(STARTER_LESSONS.glob("*/*/lesson.md")):
        found[(path.parent.parent.name, path.parent.name)] = load_lesson(
            path, path.parent.parent.name
        )
    return found


def test_the_starter_lessons_check_clean():
    assert [str(p) for p in check_lessons(STARTER_LESSONS)] == []


def test_every_starter_lesson_asks_at_least_three_questions_one_typed_in_both_languages():
    lessons = starter_lessons()
    assert len(lessons) == 6
    for (lang, lesson_id), lesson in lessons.items():
        questions = lesson_questions(lesson)
        assert len(questions) >= 3, (lang, lesson_id)
        assert any(q.kind == "type-it" for q in questions), (lang, lesson_id)
        other = lessons[("en" if lang == "fr" else "fr", lesson_id)]
        # Answers are kept by question id: both languages ask the same questions, same kinds.
        assert [(q.id, q.kind) for q in questions] == [
            (q.id, q.kind) for q in lesson_questions(other)
        ]


def test_starter_typed_answers_are_found_in_the_lessons_own_text():
    """A learner can find each accepted answer by reading the lesson, not by guessing."""
    for (lang, lesson_id), lesson in starter_lessons().items():
        text = normalise(
            strip_to_text("\n\n".join([lesson.intro, *(step.source for step in lesson.steps)]))
        )
        for question in lesson_questions(lesson):
            if question.kind == "type-it":
                first = next(c for c in question.choices if c.right)
                assert normalise(first.text) in text, (lang, lesson_id, question.id)


def test_both_writing_guides_explain_the_three_kinds_with_a_checked_example():
    for name in ("writing-lessons.md", "writing-lessons.en.md"):
        guide = (STARTER_LESSONS.parent / "docs" / name).read_text(encoding="utf-8")
        for needle in ("[!QUESTION] {#", ".several}", ".type-it}", "- [x]", "- [ ]", "  > "):
            assert needle in guide, (name, needle)
        # The complete example (checked clean by test_check) asks all three kinds.
        example = guide[guide.index("## 3.") : guide.index("## 4.")]
        assert "{#attach-button}" in example and ".several}" in example and ".type-it}" in example
