"""What a loaded lesson is: plain immutable data, no I/O."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from coursesite.lessons.questions import Choice, Question


class Step:
    """One `##` section of a lesson: one screen for the learner.

    Its id, title and line are always in memory; its Markdown (`source`) and questions may
    live in the lesson's packed `Body`, unpacked when a page needs them.
    """

    __slots__ = ("id", "title", "line", "_source", "_questions", "_body", "_index")

    def __init__(
        self,
        id: str,  # noqa: A002 — the field's name since the first version
        title: str,  # the heading's Markdown, without its {#id}
        source: str = "",  # the Markdown below the heading
        line: int = 0,  # line of the heading in lesson.md, from 1
        questions: tuple = (),  # its Questions (lessons.questions), taken out of `source`
        *,
        body: Body | None = None,
        index: int = 0,
    ):
        object.__setattr__(self, "id", sys.intern(id))
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "_source", source if body is None else None)
        object.__setattr__(self, "_questions", questions if body is None else None)
        object.__setattr__(self, "_body", body)
        object.__setattr__(self, "_index", index)

    def __setattr__(self, name, value):
        raise AttributeError(f"a Step cannot be changed ({name})")

    @property
    def source(self) -> str:
        if self._body is None:
            return self._source
        return self._body.parts().sources[self._index]

    @property
    def questions(self) -> tuple:
        if self._body is None:
            return self._questions
        return self._body.parts().questions[self._index]

    def _key(self) -> tuple:
        return (self.id, self.title, self.source, self.line, self.questions)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Step):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.id, self.title, self.line))

    def __repr__(self) -> str:
        return f"Step(id={self.id!r}, title={self.title!r}, line={self.line!r})"


@dataclass(frozen=True, slots=True)
class Parts:
    """What a lesson's pages show besides its outline: Markdown, questions, rendered HTML."""

    intro: str
    sources: tuple[str, ...]
    questions: tuple[tuple, ...]
    # Rendered HTML (lessons.render), kept as long as the parts are.
    cache: dict = field(default_factory=dict, compare=False)


class Body:
    """A lesson's intro and step bodies, in memory as they are or packed.

    A packed body is the published text's parts as compressed JSON (a few hundred bytes to a
    few kilobytes a lesson; JSON, not pickle: the bytes are also kept on disk for restarts,
    and reading them must never run code); `parts()` unpacks it into a bounded cache shared by every
    lesson, so only the lessons being viewed take their full size. The packed bytes are the
    version that was checked: unpacking never reads a file, which may have changed since.
    """

    __slots__ = ("_packed", "_parts", "__weakref__")

    def __init__(self, parts: Parts | None = None, packed: bytes | None = None):
        self._parts = parts
        self._packed = packed

    @classmethod
    def pack(cls, parts: Parts) -> Body:
        data = {
            "intro": parts.intro,
            "sources": list(parts.sources),
            "questions": [[question_data(q) for q in step] for step in parts.questions],
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return cls(packed=zlib.compress(text.encode("utf-8"), 6))

    @property
    def packed(self) -> bool:
        return self._packed is not None

    @property
    def data(self) -> bytes | None:
        """Return the packed bytes (None for a body kept as it is)."""
        return self._packed

    @property
    def packed_size(self) -> int:
        return len(self._packed) if self._packed is not None else 0

    def parts(self) -> Parts:
        if self._parts is not None:
            return self._parts
        found = UNPACKED.get(self)
        if found is None:
            data = json.loads(zlib.decompress(self._packed))
            questions = tuple(tuple(map(question_from, step)) for step in data["questions"])
            found = UNPACKED.put(self, Parts(data["intro"], tuple(data["sources"]), questions))
        return found


def question_data(question: Question) -> dict:
    """Return a question as JSON values (Body.pack)."""
    return {
        "id": question.id,
        "kind": question.kind,
        "prompt": question.prompt,
        "choices": [[c.text, c.right, c.feedback, c.line] for c in question.choices],
        "hint": question.hint,
        "line": question.line,
    }


def question_from(data: dict) -> Question:
    """Return the question `question_data` gave; a damaged value raises (TypeError, KeyError…)."""
    choices = tuple(Choice(str(t), bool(r), str(f), int(n)) for t, r, f, n in data["choices"])
    return Question(
        id=str(data["id"]),
        kind=str(data["kind"]),
        prompt=str(data["prompt"]),
        choices=choices,
        hint=str(data["hint"]),
        line=int(data["line"]),
    )


class BoundedCache:
    """The unpacked bodies of the lessons viewed last (least recently used go first)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.unpacked = 0  # how many times a body was unpacked (for tests and measures)

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            found = self._items.get(key)
            if found is not None:  # another thread unpacked it first: keep one copy
                self._items.move_to_end(key)
                return found
            self.unpacked += 1
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return value

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# A few hundred lessons viewed at once is a busy lab; the rest stay packed.
UNPACKED = BoundedCache(300)


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
    steps: tuple[Step, ...]
    path: Path
    body: Body = field(compare=False, repr=False)

    @property
    def intro(self) -> str:
        return self.body.parts().intro

    @property
    def cache(self) -> dict:
        """Rendered HTML, filled lazily by the renderer; the lesson is replaced on any edit."""
        return self.body.parts().cache

    def __eq__(self, other) -> bool:
        if not isinstance(other, Lesson):
            return NotImplemented
        return _fields(self) == _fields(other)

    def __hash__(self) -> int:
        return hash((self.id, self.lang, self.title, self.path))

    @property
    def folder(self) -> Path:
        """The lesson's own folder: its pictures, and nothing else, are served from it."""
        return self.path.parent

    @property
    def packed(self) -> bool:
        """Tell whether its intro and steps' Markdown are packed until a page needs them."""
        return self.body.packed

    def step_index(self, step_id: str) -> int | None:
        """Return the 1-based number of the step with this id, or None."""
        for number, step in enumerate(self.steps, start=1):
            if step.id == step_id:
                return number
        return None

    def packed_copy(self) -> Lesson:
        """Return the same lesson with its bodies packed (the catalogue keeps these)."""
        if self.body.packed:
            return self
        parts = self.body.parts()
        body = Body.pack(Parts(parts.intro, tuple(s.source for s in self.steps),
                               tuple(s.questions for s in self.steps)))  # fmt: skip
        steps = tuple(
            Step(step.id, step.title, line=step.line, body=body, index=index)
            for index, step in enumerate(self.steps)
        )
        return replace(self, steps=steps, body=body)


def _fields(lesson: Lesson) -> tuple:
    return (
        lesson.id, lesson.lang, lesson.title, lesson.summary, lesson.duration, lesson.level,
        lesson.topics, lesson.updated, lesson.draft, lesson.intro, lesson.steps, lesson.path,
    )  # fmt: skip
