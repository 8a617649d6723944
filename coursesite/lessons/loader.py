"""Read one lesson.md into a Lesson: front matter checked, body split into steps."""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown_it.token import Token

from coursesite.lessons.headings import BLOCK_PARSER, find_headings, headings_from_tokens
from coursesite.lessons.model import Lesson, LessonError, Problem, Step
from coursesite.lessons.text import without_accents

# A long lesson is 40 KB. Parsing is linear but slow on pathological text (a megabyte of
# `[` takes markdown-it ~10 s), so the limit keeps even a hostile file under a second or two.
MAX_FILE_BYTES = 250_000
MAX_FRONT_MATTER_BYTES = 20_000
EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z0-9][A-Za-z0-9_-]{0,79})\}\s*$")
ID_CHARS = re.compile(r"[^a-z0-9]+")
# libyaml's safe loader when PyYAML has it: same rules, several times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FIELDS = {
    # name: (required, accepted types, description for messages)
    "title": (True, str, "a text"),
    "summary": (True, str, "a text"),
    "duration": (True, int, "a whole number of minutes"),
    "level": (False, int, "1, 2 or 3"),
    "topics": (False, list, "a list of words, like [courriel]"),
    "updated": (False, dt.date, "a date written 2026-11-20"),
    "draft": (False, bool, "true or false"),
}


def slugify(text: str) -> str:
    """Return an ASCII, lower-case, hyphenated id for a heading."""
    ascii_text = without_accents(text)
    return ID_CHARS.sub("-", ascii_text.lower()).strip("-")[:80] or "step"


def read_text(path: Path) -> str:
    """Return the file's text, refusing what is not a reasonably sized UTF-8 text."""
    size = path.stat().st_size
    if size <= MAX_FILE_BYTES:  # checked before reading: the file may be a huge video
        data = path.read_bytes()
        size = len(data)
    if size > MAX_FILE_BYTES:
        message = (
            f"file is too large ({size:,} bytes; at most {MAX_FILE_BYTES:,}): split the lesson"
        )
        raise LessonError(Problem(path, 1, message))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LessonError(Problem(path, line, "not valid UTF-8 text (save it as UTF-8)")) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise LessonError(Problem(path, line, "contains a NUL character: is this a text file?"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise LessonError(Problem(path, 1, "front matter missing: the file must start with ---"))
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise LessonError(Problem(path, 1, "front matter not closed: add a line with --- after it"))


def field_line(front: str, name: str) -> int:
    """Return the file line of `name:` in the front matter, or 1."""
    for number, line in enumerate(front.split("\n"), start=2):
        if line.startswith(f"{name}:"):
            return number
    return 1


def parse_front_matter(path: Path, front: str) -> dict:
    """Return the checked front matter fields."""
    if len(front.encode()) > MAX_FRONT_MATTER_BYTES:
        raise LessonError(Problem(path, 2, "front matter is too long"))
    try:
        data = yaml.load(front, Loader=YAML_LOADER)  # noqa: S506 — a safe loader
    except yaml.YAMLError as exc:
        # Where a list or quote was opened tells staff more than where the file ended.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 2
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise LessonError(Problem(path, line, f"front matter: {reason}")) from None
    if not isinstance(data, dict):
        raise LessonError(Problem(path, 2, "front matter must be fields like `title: …`"))
    for name, (required, kind, described) in FIELDS.items():
        value = data.get(name)
        if value is None:
            if required:
                raise LessonError(Problem(path, 1, f"front matter: `{name}` is required"))
            continue
        line = field_line(front, name)
        wrong_bool = isinstance(value, bool) and kind is not bool
        if wrong_bool or not isinstance(value, kind) or isinstance(value, dt.datetime):
            raise LessonError(Problem(path, line, f"front matter: `{name}` must be {described}"))
        if kind is str and not value.strip():
            raise LessonError(Problem(path, line, f"front matter: `{name}` is empty"))
    if data.get("level") is not None and data["level"] not in (1, 2, 3):
        problem = Problem(
            path, field_line(front, "level"), "front matter: `level` must be 1, 2 or 3"
        )
        raise LessonError(problem)
    if not 0 < data["duration"] <= 600:
        line = field_line(front, "duration")
        raise LessonError(Problem(path, line, "front matter: `duration` must be 1 to 600 minutes"))
    topics = data.get("topics") or []
    if not all(isinstance(t, str | int) and not isinstance(t, bool) for t in topics):
        line = field_line(front, "topics")
        raise LessonError(Problem(path, line, "front matter: `topics` must be a list of words"))
    data["topics"] = tuple(str(t).strip() for t in topics if str(t).strip())
    return data


def split_steps(
    path: Path, body: str, first_line: int, tokens: list[Token] | None = None
) -> tuple[str, tuple[Step, ...]]:
    """Return the introduction and the steps, one per top-level `##` heading."""
    lines = body.split("\n")
    headings = find_headings(body) if tokens is None else headings_from_tokens(tokens)
    if not headings:
        raise LessonError(Problem(path, first_line, "no steps: start each step with a ## heading"))
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
                message = f"step id `{step_id}` is already used on line {seen[step_id]}"
                raise LessonError(Problem(path, line, message))
        else:
            step_id = base = slugify(title)
            suffix = 2
            while step_id in seen:
                step_id, suffix = f"{base}-{suffix}", suffix + 1
        if not title:
            raise LessonError(Problem(path, line, "a step heading has no title"))
        seen[step_id] = line
        source = "\n".join(lines[end:stop]).strip()
        steps.append(Step(id=step_id, title=title, source=source, line=line))
    return intro, tuple(steps)


@dataclass
class ParsedLesson:
    """A lesson with what `lessons check` needs besides: front matter and block tokens."""

    lesson: Lesson
    front: str  # the front matter text, whose first line is line 2 of the file
    meta: dict
    tokens: list[Token]  # block tokens of the body; inline content not parsed yet
    env: dict  # the parser's environment (link reference definitions)
    first_line: int  # line of the file where the body starts


def load_lesson(path: Path, lang: str) -> Lesson:
    """Read and check lessons/<lang>/<id>/lesson.md; raise LessonError with file and line."""
    text = read_text(path)
    front, body, first_line = split_front_matter(path, text)
    meta = parse_front_matter(path, front)
    intro, steps = split_steps(path, body, first_line)
    return make_lesson(path, lang, meta, intro, steps)


def parse_lesson(path: Path, lang: str) -> ParsedLesson:
    """Read lesson.md as load_lesson does, keeping the parts the checks need."""
    text = read_text(path)
    front, body, first_line = split_front_matter(path, text)
    meta = parse_front_matter(path, front)
    env: dict = {}
    tokens = BLOCK_PARSER.parse(body, env)
    intro, steps = split_steps(path, body, first_line, tokens)
    lesson = make_lesson(path, lang, meta, intro, steps)
    return ParsedLesson(lesson, front, meta, tokens, env, first_line)


def make_lesson(path: Path, lang: str, meta: dict, intro: str, steps: tuple[Step, ...]) -> Lesson:
    """Return the Lesson made of checked front matter and steps."""
    return Lesson(
        id=path.parent.name,
        lang=lang,
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        duration=meta["duration"],
        level=meta.get("level") or 1,
        topics=meta["topics"],
        updated=meta.get("updated"),
        draft=bool(meta.get("draft", False)),
        intro=intro,
        steps=steps,
        path=path,
    )
