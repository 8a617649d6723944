"""A lesson text not saved yet: checked and parsed as if it were the lesson's file.

The editor asks "what would `lessons check` say, and what would learners see, if this text
were lesson.md?", with the same checks as the command (`check_lesson_source`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coursesite.lessons.checks.check import CheckSettings, LinkTargets, check_lesson_source
from coursesite.lessons.editor.editing import LessonFolder, normalise
from coursesite.lessons.model import Lesson
from coursesite.lessons.pictures.highlights import (
    Box,
    image_markdown,
    labels_per_box,
    parse_highlight,
)
from coursesite.lessons.problems import LessonError, Problem
from coursesite.lessons.reading.loader import parse_lesson_text

DRAFT_LINE = re.compile(r"^draft:.*$", re.MULTILINE)
HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*(?:\{#([A-Za-z0-9][A-Za-z0-9_-]*)\})?\s*$")


@dataclass
class Candidate:
    """What the check and the parser made of a text."""

    lesson: Lesson | None  # None when the text cannot be read as a lesson at all
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def clean(self) -> bool:
        return not self.errors


def check_text(
    folder: LessonFolder, text: str, settings: CheckSettings, targets: LinkTargets | None = None
) -> Candidate:
    """Check `text` as lesson.md of `folder` and parse it; never raises for a bad text.

    `targets` says where `lesson:` links lead (the catalogue's `link_target`); without it,
    the lesson files on disk are looked at.
    """
    text = normalise(text)
    problems = check_lesson_source(
        text, folder.path, folder.lang, settings=settings, targets=targets
    )
    return candidate(folder, text, problems)


def candidate(folder: LessonFolder, text: str, problems: list[Problem]) -> Candidate:
    """Return the text's Candidate: its problems (found elsewhere), and the lesson it makes."""
    try:
        lesson = parse_lesson_text(normalise(text), folder.lesson_md, folder.lang).lesson
    except (LessonError, RecursionError):
        lesson = None
    return Candidate(lesson, sorted(problems, key=lambda p: (p.line, not p.is_error)))


def step_outline(text: str) -> list[tuple[int, str, str | None]]:
    """Return (line, title, id) of each `##` step heading, for the list beside the editor."""
    found, fenced = [], False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced:
            continue
        match = HEADING.match(line)
        if match:
            found.append((number, match.group(1), match.group(2)))
    return found


def insert_at(text: str, position: int, snippet: str) -> str:
    """Insert a snippet at a character position, on lines of its own."""
    position = max(0, min(position, len(text)))
    before, after = text[:position], text[position:]
    if before and not before.endswith("\n\n"):
        before += "\n" if before.endswith("\n") else "\n\n"
    if after and not after.startswith("\n"):
        after = "\n\n" + after
    elif after.startswith("\n") and not after.startswith("\n\n"):
        after = "\n" + after
    return before + snippet + (after or "\n")


def line_position(text: str, line: int) -> int:
    """Return the character position just after line `line` (from 1), or the end."""
    if line <= 0:
        return len(text)
    lines = text.split("\n")
    return min(len(text), sum(len(part) + 1 for part in lines[:line]))


IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]+)\)(?P<attrs>\{[^}\n]*\})?")
ATTRIBUTE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class ImageUse:
    """One `![alt](picture){…}` in a lesson text."""

    start: int
    end: int
    line: int
    alt: str
    src: str
    boxes: tuple[Box, ...]
    labels: tuple[str, ...]


def image_uses(text: str, src: str | None = None) -> list[ImageUse]:
    """Return the pictures a text shows (only those of `src` when given), in order."""
    found = []
    for match in IMAGE.finditer(text):
        if src is not None and match.group("src") != src:
            continue
        attributes = dict(ATTRIBUTE.findall(match.group("attrs") or ""))
        try:
            boxes = parse_highlight(attributes["highlight"]) if "highlight" in attributes else ()
        except ValueError:
            boxes = ()
        labels = tuple(labels_per_box(attributes.get("label")))
        line = text.count("\n", 0, match.start()) + 1
        found.append(
            ImageUse(
                match.start(), match.end(), line, match.group("alt"), match.group("src"),
                boxes, labels,
            )
        )  # fmt: skip
    return found


def set_highlight(text: str, use: ImageUse, boxes, labels) -> str:
    """Return text with one picture's boxes and labels replaced."""
    snippet = image_markdown(use.src, use.alt, boxes, labels)
    return text[: use.start] + snippet + text[use.end :]


def set_draft(text: str, draft: bool) -> str:
    """Return text with `draft:` in its front matter set, added if missing."""
    value = "true" if draft else "false"
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            for inside in range(1, index):
                if DRAFT_LINE.fullmatch(lines[inside]):
                    lines[inside] = f"draft: {value}"
                    return "\n".join(lines)
            lines.insert(index, f"draft: {value}")
            return "\n".join(lines)
    return text
