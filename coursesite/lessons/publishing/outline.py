"""A published lesson's outline and packed body, kept beside its stored copy for restarts.

The outline (title, summary, step ids and titles…) is JSON in the stored record; the body
(intro, steps' Markdown and questions) is the packed bytes the catalogue keeps in memory. A
restart rebuilds the lesson from both without parsing its file again. `FORMAT` names what
the packed bytes hold: when the question classes change, old bodies are not trusted and the
lesson file is read again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

from coursesite.lessons.model import Body, Lesson, Step
from coursesite.lessons.questions import Choice, Question

FORMAT = [
    2,  # 2: the packed body is compressed JSON (1 was pickle)
    *(
        [cls.__module__, cls.__qualname__, [f.name for f in dataclasses.fields(cls)]]
        for cls in (Question, Choice)
    ),
]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def outline(lesson: Lesson) -> dict:
    """Return what a lesson's pages show besides its body, as JSON values."""
    return {
        "title": lesson.title,
        "summary": lesson.summary,
        "duration": lesson.duration,
        "level": lesson.level,
        "topics": list(lesson.topics),
        "updated": lesson.updated.isoformat() if lesson.updated else None,
        "draft": lesson.draft,
        "steps": [[step.id, step.title, step.line] for step in lesson.steps],
    }


def from_outline(path: Path, lang: str, data: dict, packed: bytes) -> Lesson:
    """Return the lesson of `path` from its outline and packed body; raise on a bad record."""
    body = Body(packed=packed)
    updated = data["updated"]
    lesson = Lesson(
        id=path.parent.name,
        lang=lang,
        title=str(data["title"]),
        summary=str(data["summary"]),
        duration=int(data["duration"]),
        level=int(data["level"]),
        topics=tuple(str(topic) for topic in data["topics"]),
        updated=dt.date.fromisoformat(updated) if updated else None,
        draft=bool(data["draft"]),
        steps=tuple(
            Step(str(step_id), str(title), line=int(line), body=body, index=index)
            for index, (step_id, title, line) in enumerate(data["steps"])
        ),
        path=path,
        body=body,
    )
    return lesson
