"""What is wrong in one question written in a lesson, said plainly for staff.

question_parser.py reads a question blockquote into a Question; this checks it as a learner
would meet it (no prompt, no right answer, a choice without feedback, an answer listed
twice…). An error keeps the question out of the lesson; a warning only tells.
"""

from collections.abc import Callable

from coursesite.lessons.problems import N_
from coursesite.lessons.questions import Choice, Question, normalise, plain


def check_question(
    question: Question, line: int, lists: int, first_line: int, report: Callable[..., None]
) -> bool:
    """Report what would confuse a learner; return False if the question cannot be asked.

    `line` is the question's line in the lesson body, `first_line` the file line where the
    body starts; `report(line in the body, msgid, severity, **params)` takes each problem.
    """
    ok = True

    def error(msgid, at=line, severity="error", **params):
        nonlocal ok
        ok = ok and severity != "error"
        report(at, msgid, severity, id=question.id, **params)

    def at(choice: Choice) -> int:
        return choice.line - first_line

    if not question.prompt:
        error(N_("question `%(id)s`: write the question itself on the lines under `[!QUESTION]`"))
    if lists > 1:
        error(
            N_("question `%(id)s` has more than one list: keep its choices in one list"),
            severity="warning",
        )
    right = question.right_choices
    if question.kind == "type-it":
        if not right:
            error(
                N_("question `%(id)s`: no accepted answer: list at least one as `- [x] the answer`")
            )
        elif not any(question.choices[n - 1].feedback for n in right):
            error(
                N_(
                    "question `%(id)s`: add feedback under an accepted answer: an indented "
                    "`> Yes: …` line"
                )
            )
        if not question.hint:
            error(
                N_(
                    "question `%(id)s`: no hint for other answers: add a paragraph after the "
                    "list, shown when the answer typed is not listed"
                )
            )
        seen: dict[str, int] = {}
        for choice in question.choices:
            key = normalise(plain(choice.text))
            if not key:
                error(N_("question `%(id)s`: an answer in the list is empty"), at(choice))
            elif key in seen:
                error(
                    N_(
                        "question `%(id)s`: `%(answer)s` is listed twice (capitals, accents "
                        "and spaces do not count)"
                    ),
                    at(choice),
                    answer=plain(choice.text),
                )
            seen[key] = choice.line
            if not choice.right and not choice.feedback:
                error(
                    N_(
                        "question `%(id)s`: the wrong answer `%(answer)s` has no feedback: "
                        "add an indented `> …` line under it"
                    ),
                    at(choice),
                    answer=plain(choice.text),
                )
        return ok
    if len(question.choices) < 2:
        error(N_("question `%(id)s` needs at least two choices"))
    if not right:
        error(N_("question `%(id)s`: no right answer: mark it `- [x] …`"))
    elif question.kind == "one" and len(right) > 1:
        error(
            N_(
                "question `%(id)s`: %(count)s right answers for a one-answer question: keep "
                "one `[x]`, or write `{#%(id)s .several}` to ask for every right one"
            ),
            count=len(right),
        )
    for choice in question.choices:
        if not plain(choice.text):
            error(N_("question `%(id)s`: a choice is empty"), at(choice))
        if not choice.feedback:
            error(
                N_(
                    "question `%(id)s`: the choice `%(choice)s` has no feedback: add an "
                    "indented `> Yes: …` or `> No: …` line under it"
                ),
                at(choice),
                choice=plain(choice.text)[:40],
            )
    if question.hint:
        error(
            N_(
                "question `%(id)s`: the text after the list is only used by `.type-it` "
                "questions: put it in the choices' feedback"
            ),
            severity="warning",
        )
    return ok
