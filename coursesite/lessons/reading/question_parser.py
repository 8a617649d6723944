"""Questions written in lesson Markdown: find them in a lesson body and read them into data
(questions.py); question_checks.py says plainly what is wrong in one.

A question is a blockquote that starts with `[!QUESTION] {#id}` (see docs/writing-lessons.md):

    > [!QUESTION] {#strong-password}
    > Which password is the hardest to guess?
    >
    > - [ ] Your date of birth
    >   > No: anyone who knows your birthday can guess it.
    > - [x] Three unrelated words and a number
    >   > Yes: long, and it means nothing to anyone else.

`{#id .several}` makes it "tick all that apply"; `{#id .type-it}` asks the learner to type an
answer: `[x]` items are the accepted answers, `[ ]` items listed wrong answers, and a paragraph
after the list is the hint for any other answer. The blockquote is plain CommonMark, so a
Markdown preview shows the question, its choices as a task list and each feedback quoted.

Nothing here makes HTML: prompts and feedback stay Markdown, rendered by the one Markdown
function; the step template renders the form.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from coursesite.lessons.problems import N_, Problem
from coursesite.lessons.questions import KINDS, MARKER, Block, Choice, Question
from coursesite.lessons.reading.headings import BLOCK_PARSER
from coursesite.lessons.reading.question_checks import check_question

HEADER = re.compile(r"^\[!QUESTION\][ \t]*(?:\{([^}\n]*)\})?[ \t]*$", re.IGNORECASE)
QUESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
CHOICE = re.compile(r"^\[([ xX])\][ \t]+(.*)$", re.DOTALL)


def _inline(tokens: list[Token], index: int) -> Token:
    return tokens[index + 1]  # paragraph_open is followed by its inline token


def _close(tokens: list[Token], index: int) -> int:
    """Return the index of the token closing the one opened at `index`."""
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


def _paragraphs(tokens: list[Token], start: int, stop: int, level: int) -> list[str]:
    """Return the Markdown of the paragraphs directly at `level` between two indexes."""
    return [
        _inline(tokens, i).content
        for i in range(start, stop)
        if tokens[i].type == "paragraph_open" and tokens[i].level == level
    ]


class _Parser:
    """Read the question blockquotes of one lesson body."""

    def __init__(self, path, first_line: int):
        self.path = path
        self.first_line = first_line
        self.problems: list[Problem] = []

    def problem(self, line_index: int, msgid, severity: str = "error", **params) -> None:
        line = self.first_line + line_index
        self.problems.append(Problem(self.path, line, msgid, severity, params))

    def blocks(self, tokens: list[Token]) -> list[Block]:
        found, index = [], 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "blockquote_open" and token.level == 0:
                end = _close(tokens, index)
                first = tokens[index + 1] if index + 1 < end else None
                if first is not None and first.type == "paragraph_open":
                    header = _inline(tokens, index + 1).content.split("\n", 1)[0]
                    if header.upper().startswith(MARKER):
                        block = self.question(tokens, index, end, header)
                        if block:
                            found.append(block)
                index = end + 1
                continue
            if token.type == "inline" and token.content.upper().startswith(MARKER):
                self.problem(
                    token.map[0],
                    N_(
                        "a question must start its own quote at the left margin: "
                        "`> [!QUESTION] {#id}`, not inside a list or another quote"
                    ),
                )
            index += 1
        return found

    def question(self, tokens, start: int, end: int, header: str) -> Block | None:
        line = tokens[start].map[0]
        bounds = (line, tokens[start].map[1])
        match = HEADER.match(header.strip())
        if not match:
            self.problem(line, N_("write the question's first line as `> [!QUESTION] {#id}` alone"))
            return None
        attributes = (match.group(1) or "").split()
        ids = [a[1:] for a in attributes if a.startswith("#")]
        kinds = [a[1:] for a in attributes if a.startswith(".")]
        unknown = [a for a in attributes if not a.startswith(("#", "."))]
        unknown += [f".{k}" for k in kinds if k not in KINDS[1:]]
        if not ids or not QUESTION_ID.fullmatch(ids[0]):
            self.problem(
                line,
                N_("a question needs an id made of letters, digits and -: `[!QUESTION] {#id}`"),
            )
            return None
        if unknown:
            self.problem(
                line,
                N_(
                    "question `%(id)s`: unknown `%(unknown)s` (write nothing for one answer, "
                    "`.several` or `.type-it`)"
                ),
                id=ids[0],
                unknown=" ".join(unknown),
            )
            return None
        kind = next((k for k in kinds if k in KINDS), "one")
        question_id = ids[0]
        # The prompt: the header paragraph's other lines and the paragraphs before the list.
        first_inline = _inline(tokens, start + 1).content
        prompt = [first_inline.split("\n", 1)[1]] if "\n" in first_inline else []
        lists = [
            i for i in range(start, end) if tokens[i].type == "bullet_list_open"
            and tokens[i].level == 1
        ]  # fmt: skip
        if not lists:
            self.problem(
                line, N_("question `%(id)s` has no list of choices (`- [x] …`)"), id=question_id
            )
            return None
        list_start = lists[0]
        list_end = _close(tokens, list_start)
        prompt += _paragraphs(tokens, start + 4, list_start, 1)
        hint = _paragraphs(tokens, list_end, end, 1)
        choices = self.choices(tokens, list_start, list_end, question_id, kind)
        if choices is None:
            return None
        question = Question(
            id=question_id,
            kind=kind,
            prompt="\n\n".join(p for p in prompt if p.strip()).strip(),
            choices=tuple(choices),
            hint="\n\n".join(hint).strip(),
            line=self.first_line + line,
        )
        if check_question(question, line, len(lists), self.first_line, self.problem):
            return Block(question, *bounds)
        return None

    def choices(self, tokens, start: int, end: int, question_id: str, kind: str):
        choices = []
        for i in range(start, end):
            if tokens[i].type != "list_item_open" or tokens[i].level != 2:
                continue
            item_end = _close(tokens, i)
            item_line = tokens[i].map[0]
            texts = _paragraphs(tokens, i, item_end, 3)
            match = CHOICE.match(texts[0]) if texts else None
            if not match:
                self.problem(
                    item_line,
                    N_(
                        "question `%(id)s`: start each choice with `[x] ` (right) or `[ ] ` (wrong)"
                    ),
                    id=question_id,
                )
                return None
            quotes = [
                j for j in range(i, item_end)
                if tokens[j].type == "blockquote_open" and tokens[j].level == 3
            ]  # fmt: skip
            feedback = [
                text for j in quotes for text in _paragraphs(tokens, j, _close(tokens, j), 4)
            ]
            text = " ".join(match.group(2).split())
            choices.append(
                Choice(
                    text=text,
                    right=match.group(1) != " ",
                    feedback="\n\n".join(feedback).strip(),
                    line=self.first_line + item_line,
                )
            )
            if len(texts) > 1:
                self.problem(
                    item_line,
                    N_(
                        "question `%(id)s`: write a choice's feedback as an indented `> …` line "
                        "under it; the extra paragraph is ignored"
                    ),
                    "warning",
                    id=question_id,
                )
        return choices


def find_questions(
    body: str, first_line: int, path=None, tokens: list[Token] | None = None
) -> tuple[list[Block], list[Problem]]:
    """Return the questions of a lesson body and the problems found in them, by file line.

    `first_line` is the line of the file where the body starts; `tokens` are the body's
    block tokens when the caller has parsed them already.
    """
    if MARKER.lower() not in body.lower():
        return [], []
    parser = _Parser(path, first_line)
    blocks = parser.blocks(tokens if tokens is not None else BLOCK_PARSER.parse(body))
    seen: dict[str, int] = {}
    kept = []
    for block in blocks:
        question = block.question
        if question.id in seen:
            message = N_(
                "question id `%(id)s` is already used on line %(other)s: give this question "
                "another {#id}"
            )
            params = {"id": question.id, "other": seen[question.id]}
            parser.problems.append(Problem(path, question.line, message, "error", params))
            continue
        seen[question.id] = question.line
        kept.append(block)
    return kept, parser.problems
