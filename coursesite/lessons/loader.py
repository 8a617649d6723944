"""Read one lesson.md into a Lesson: front matter checked, body split into steps."""

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from coursesite.lessons.model import Lesson, LessonError, Problem, Step

MAX_FILE_BYTES = 1_000_000
MAX_FRONT_MATTER_BYTES = 20_000
EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z0-9][A-Za-z0-9_-]{0,79})\}\s*$")
ID_CHARS = re.compile(r"[^a-z0-9]+")
# Only structure matters here, so the plain CommonMark parser is enough: it knows that a
# `##` inside a code block or a blockquote does not start a step.
STRUCTURE_PARSER = MarkdownIt("commonmark")

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
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ID_CHARS.sub("-", ascii_text.lower()).strip("-")[:80] or "step"


def read_text(path: Path) -> str:
    """Return the file's text, refusing what is not a reasonably sized UTF-8 text."""
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise LessonError(Problem(path, 1, f"file is too large ({len(data):,} bytes)"))
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
        data = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
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


def split_steps(path: Path, body: str, first_line: int) -> tuple[str, tuple[Step, ...]]:
    """Return the introduction and the steps, one per top-level `##` heading."""
    lines = body.split("\n")
    headings = []  # (start line index, end line index, heading inline text)
    tokens = STRUCTURE_PARSER.parse(body)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0 and token.map:
            headings.append((token.map[0], token.map[1], tokens[index + 1].content))
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


def load_lesson(path: Path, lang: str) -> Lesson:
    """Read and check lessons/<lang>/<id>/lesson.md; raise LessonError with file and line."""
    text = read_text(path)
    front, body, first_line = split_front_matter(path, text)
    meta = parse_front_matter(path, front)
    intro, steps = split_steps(path, body, first_line)
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
