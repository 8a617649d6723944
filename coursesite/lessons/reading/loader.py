"""Read one lesson.md into a Lesson: front matter checked, body split into steps.

`parse_lesson_text` reads as much as it can and returns every problem it met, so that staff
see all the errors of a file at once; `load_lesson` is the strict form (first error raised).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from coursesite.lessons.model import Body, Lesson, Parts, Step
from coursesite.lessons.problems import N_, LessonError, Problem
from coursesite.lessons.reading.frontmatter import FIELDS, field_line, parse_front_matter
from coursesite.lessons.reading.headings import BLOCK_PARSER, find_headings, headings_from_tokens
from coursesite.lessons.reading.question_parser import find_questions
from coursesite.lessons.text import without_accents

__all__ = [
    "FIELDS",
    "MAX_FILE_BYTES",
    "ParsedLesson",
    "field_line",
    "load_lesson",
    "parse_lesson",
    "parse_lesson_text",
    "read_text",
    "slugify",
]

# A long lesson is 40 KB. Parsing is linear but slow on pathological text (a megabyte of
# `[` takes markdown-it ~10 s), so the limit keeps even a hostile file under a second or two.
MAX_FILE_BYTES = 250_000
EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z0-9][A-Za-z0-9_-]{0,79})\}\s*$")
ID_CHARS = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Return an ASCII, lower-case, hyphenated id for a heading."""
    ascii_text = without_accents(text)
    return ID_CHARS.sub("-", ascii_text.lower()).strip("-")[:80] or "step"


def decode_text(path: Path, data: bytes) -> str:
    """Return lesson text from bytes, refusing what is not a reasonably sized UTF-8 text."""
    if len(data) > MAX_FILE_BYTES:
        raise LessonError(too_large(path, len(data)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = N_("the file is not UTF-8 text: in your editor, save it with the UTF-8 encoding")
        raise LessonError(Problem(path, line, message)) from None
    return clean_text(path, text)


def clean_text(path: Path, text: str) -> str:
    """Return text with plain line ends, refusing NUL characters."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        message = N_("the file contains a NUL character: is it really a text file?")
        raise LessonError(Problem(path, line, message))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_large(path: Path, size: int) -> Problem:
    message = N_("the file is too large (%(size)s bytes; at most %(limit)s): split the lesson")
    return Problem(path, 1, message, "error", {"size": size, "limit": MAX_FILE_BYTES})


def read_text(path: Path) -> str:
    """Return the file's text, refusing what is not a reasonably sized UTF-8 text."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # checked before reading: the file may be a huge video
        raise LessonError(too_large(path, size))
    return decode_text(path, path.read_bytes())


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        message = N_(
            "the file must start with a line --- and the lesson's fields (title, summary, "
            "duration), then another line ---"
        )
        raise LessonError(Problem(path, 1, message))
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    message = N_("the front matter is not closed: add a line --- after its last field")
    raise LessonError(Problem(path, 1, message))


def split_steps(
    path: Path, body: str, first_line: int, tokens: list[Token] | None = None
) -> tuple[str, tuple[Step, ...], list[Problem]]:
    """Return the introduction, the steps (one per top-level `##` heading), and problems.

    Questions are taken out of each step's Markdown into its `questions` (questions.py says
    what a question is and what is wrong with one); their problems are the lesson's.
    """
    lines = body.split("\n")
    headings = find_headings(body) if tokens is None else headings_from_tokens(tokens)
    problems = []
    if not headings:
        message = N_("the lesson has no steps: start each step with a line like ## Open the app")
        return body.strip(), (), [Problem(path, first_line, message)]
    blocks, problems = find_questions(body, first_line, path, tokens)
    if blocks and blocks[0].start < headings[0][0]:
        message = N_("a question must be inside a step, under a ## heading")
        problems.append(Problem(path, blocks[0].question.line, message))
        blocks = [block for block in blocks if block.start >= headings[0][0]]
    for block in blocks:
        # Blank lines keep every other line where it was, for messages and step lines.
        lines[block.start : block.end] = [""] * (block.end - block.start)
    intro = "\n".join(lines[: headings[0][0]]).strip()
    steps, seen = [], {}
    for number, (start, end, heading) in enumerate(headings):
        stop = headings[number + 1][0] if number + 1 < len(headings) else len(lines)
        line = first_line + start
        match = EXPLICIT_ID.search(heading)
        title = heading[: match.start()].strip() if match else heading.strip()
        if match:
            step_id = match.group(1)
            if step_id in seen:
                message = N_(
                    "step id `%(id)s` is already used on line %(other)s: give this step "
                    "another {#id}"
                )
                problems.append(
                    Problem(path, line, message, "error", {"id": step_id, "other": seen[step_id]})
                )
                continue
        else:
            step_id = base = slugify(title)
            suffix = 2
            while step_id in seen:
                step_id, suffix = f"{base}-{suffix}", suffix + 1
        if not title:
            message = N_("a step heading has no title: write it after the ##")
            problems.append(Problem(path, line, message))
        seen[step_id] = line
        source = "\n".join(lines[end:stop]).strip()
        if blocks:
            source = re.sub(r"\n{3,}", "\n\n", source)
        questions = tuple(b.question for b in blocks if start <= b.start < stop)
        steps.append(
            Step(id=step_id, title=title or step_id, source=source, line=line, questions=questions)
        )
    return intro, tuple(steps), problems


@dataclass
class ParsedLesson:
    """A lesson with what `lessons check` needs besides: front matter and block tokens.

    `lesson` is built even when the file has errors (with stand-in values for the fields
    that are wrong), so that the rest of the file can still be checked; `problems` says
    whether it may be published.
    """

    lesson: Lesson
    front: str  # the front matter text, whose first line is line 2 of the file
    meta: dict  # every field as written (unknown ones included)
    tokens: list[Token]  # block tokens of the body; inline content not parsed yet
    env: dict  # the parser's environment (link reference definitions)
    first_line: int  # line of the file where the body starts
    problems: list[Problem] = field(default_factory=list)  # what reading found

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)


def parse_lesson_text(text: str, path: Path, lang: str) -> ParsedLesson:
    """Read lesson text as if it were `path`; raise LessonError only if nothing can be read."""
    text = clean_text(path, text)
    if len(text.encode()) > MAX_FILE_BYTES:
        raise LessonError(too_large(path, len(text.encode())))
    front, body, first_line = split_front_matter(path, text)
    meta, usable, problems = parse_front_matter(path, front)
    env: dict = {}
    tokens = BLOCK_PARSER.parse(body, env)
    intro, steps, step_problems = split_steps(path, body, first_line, tokens)
    lesson = make_lesson(path, lang, usable, intro, steps)
    return ParsedLesson(lesson, front, meta, tokens, env, first_line, problems + step_problems)


def parse_lesson(path: Path, lang: str) -> ParsedLesson:
    """Read lesson.md from disk; raise LessonError (or OSError) only if it cannot be read."""
    return parse_lesson_text(read_text(path), path, lang)


def load_lesson(path: Path, lang: str) -> Lesson:
    """Read and check lessons/<lang>/<id>/lesson.md; raise LessonError with file and line."""
    text = read_text(path)
    front, body, first_line = split_front_matter(path, text)
    _, meta, problems = parse_front_matter(path, front)
    intro, steps, step_problems = split_steps(path, body, first_line)
    errors = [p for p in problems + step_problems if p.is_error]
    if errors:
        raise LessonError(min(errors, key=lambda p: p.line))
    return make_lesson(path, lang, meta, intro, steps)


def make_lesson(path: Path, lang: str, meta: dict, intro: str, steps: tuple[Step, ...]) -> Lesson:
    """Return the Lesson made of the front matter's usable fields and the steps."""
    return Lesson(
        id=path.parent.name,
        lang=lang,
        title=meta.get("title") or path.parent.name,
        summary=meta.get("summary") or "",
        duration=meta.get("duration") or 1,
        level=meta.get("level") or 1,
        topics=meta.get("topics") or (),
        updated=meta.get("updated"),
        draft=bool(meta.get("draft", False)),
        steps=steps,
        path=path,
        body=Body(Parts(intro, (), ())),
    )
