"""What is wrong in a lesson file, said for staff in any language: `Problem`, `LessonError`.

The checks (check.py and the modules it calls) return Problems; `N_()` marks their English
sentences for the translation catalogue, and messages.py translates them where they are shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


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
    def unreadable(cls, path: Path, exc: Exception, msgid: str) -> Problem:
        """Return the problem of a file that cannot be read as text, at its first line."""
        return cls(path, 1, msgid, "error", {"reason": str(exc)})

    @classmethod
    def broken_yaml(cls, path: Path, exc: Exception, msgid: str) -> Problem:
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
