"""What a loaded lesson is: plain immutable data, no I/O."""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Step:
    """One `##` section of a lesson: one screen for the learner."""

    id: str
    title: str  # the heading's Markdown, without its {#id}
    source: str  # the Markdown below the heading
    line: int  # line of the heading in lesson.md, from 1
    questions: tuple = ()  # its Questions (lessons.questions), taken out of `source`


@dataclass(frozen=True)
class Lesson:
    """One lesson in one language, as read from lessons/<lang>/<id>/lesson.md."""

    id: str
    lang: str
    title: str
    summary: str
    duration: int
    level: int
    topics: tuple[str, ...]
    updated: dt.date | None
    draft: bool
    intro: str
    steps: tuple[Step, ...]
    path: Path
    # Rendered HTML, filled lazily by the catalogue; the lesson is replaced on any edit.
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def step_index(self, step_id: str) -> int | None:
        """Return the 1-based number of the step with this id, or None."""
        for number, step in enumerate(self.steps, start=1):
            if step.id == step_id:
                return number
        return None


class Text(str):
    """A piece of English text to translate when shown: a message, or a part of one."""

    __slots__ = ()


def N_(msgid: str) -> Text:  # noqa: N802 — gettext's usual name for "translate later"
    """Mark `msgid` for the translation catalogue; it is translated where it is shown."""
    return Text(msgid)


@dataclass(frozen=True)
class Problem:
    """Something wrong in a lesson file, located for staff.

    `msgid` is an English sentence with %(name)s placeholders, marked with N_() so that
    `make messages` puts it in the catalogue; `params` fills them. Nothing here knows the
    reader's language: `coursesite.lessons.messages` translates a Problem where it is shown
    (the terminal, the health page, the editor). `message` is the English text.
    """

    path: Path
    line: int
    msgid: str
    severity: str = "error"  # or "warning"
    params: tuple = ()  # (name, value) pairs; a dict is accepted and stored sorted

    def __post_init__(self):
        params = self.params.items() if isinstance(self.params, dict) else self.params
        # Hashable, so that the same problem found twice is reported once.
        params = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params))
        object.__setattr__(self, "params", params)

    @property
    def message(self) -> str:
        """Return the message in English, on one line (messages.Translator for others)."""
        text = (
            self.msgid % {name: _english(v) for name, v in self.params}
            if self.params
            else self.msgid
        )
        return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @classmethod
    def unreadable(cls, path: Path, exc: Exception, msgid: str) -> "Problem":
        """Return the problem of a file that cannot be read as text, at its first line."""
        return cls(path, 1, msgid, "error", {"reason": str(exc)})

    @classmethod
    def broken_yaml(cls, path: Path, exc: Exception, msgid: str) -> "Problem":
        """Return the problem of a YAML file that does not parse, at the line where it breaks."""
        mark = getattr(exc, "problem_mark", None)
        # The short reason: str(exc) spans several lines, and a problem is one line.
        reason = getattr(exc, "problem", None) or "cannot be read"
        return cls(path, mark.line + 1 if mark else 1, msgid, "error", {"reason": reason})

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def _english(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, tuple | list):
        return ", ".join(str(_english(item)) for item in value)
    return str(value) if isinstance(value, Text) else value


class LessonError(Exception):
    """A lesson file that cannot be loaded; carries the Problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem
