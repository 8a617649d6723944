"""What a loaded lesson is: plain immutable data, no I/O."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Step:
    """One `##` section of a lesson: one screen for the learner."""

    id: str
    title: str  # the heading's Markdown, without its {#id}
    source: str  # the Markdown below the heading
    line: int  # line of the heading in lesson.md, from 1


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


@dataclass(frozen=True)
class Problem:
    """Something wrong in a lesson file, located for staff."""

    path: Path
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class LessonError(Exception):
    """A lesson file that cannot be loaded; carries the Problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem
