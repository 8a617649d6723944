"""Every version of a lesson saved from the browser, and its working copy.

Kept outside the lessons folder (in the instance folder), one JSON file per version:
`<history>/<lang>/<lesson-id>/000042.json` with the text, who saved it, when, a note, and
whether it was published (written to lesson.md) or kept as the working copy because the
check found errors. `working.json` beside them is the unpublished text the editor reopens;
it goes away when a clean version is published.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from coursesite.lessons.editor.editing import LessonFolder, safe_write

VERSION_FILE = re.compile(r"([0-9]{6})\.json")
WORKING_FILE = "working.json"


@dataclass(frozen=True)
class Version:
    """One saved version of a lesson file."""

    number: int
    text: str
    who: str
    when: str  # ISO 8601, UTC
    note: str = ""
    published: bool = False
    kind: str = "save"  # save, restore, new, translate, publish, disk

    @property
    def saved_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.when)


@dataclass(frozen=True)
class WorkingCopy:
    """Text saved from the browser but not published: the check found an error in it."""

    text: str
    who: str
    when: str
    base: str  # fingerprint of lesson.md when it was saved, to notice edits on disk since

    @property
    def saved_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.when)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class History:
    """The versions of every lesson, under one folder."""

    def __init__(self, root: Path):
        self.root = Path(root)
        # One save at a time in this process: check, write and record stay together.
        self.lock = threading.Lock()

    def folder(self, lesson: LessonFolder) -> Path:
        return self.root / lesson.lang / lesson.lesson_id

    def versions(self, lesson: LessonFolder) -> list[Version]:
        """Return every saved version, newest first."""
        folder = self.folder(lesson)
        try:
            names = sorted(
                (n for n in os.listdir(folder) if VERSION_FILE.fullmatch(n)), reverse=True
            )
        except OSError:
            return []
        found = []
        for name in names:
            version = self._read(folder / name)
            if version is not None:
                found.append(version)
        return found

    def get(self, lesson: LessonFolder, number: int) -> Version | None:
        if not 0 < number < 1_000_000:
            return None
        return self._read(self.folder(lesson) / f"{number:06d}.json")

    def _read(self, path: Path) -> Version | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Version(**data)
        except (OSError, ValueError, TypeError):
            return None

    def add(
        self,
        lesson: LessonFolder,
        text: str,
        who: str,
        *,
        note: str = "",
        published: bool,
        kind: str = "save",
    ) -> Version:
        """Keep a new version; its number is one more than the newest (safe across processes)."""
        folder = self.folder(lesson)
        folder.mkdir(parents=True, exist_ok=True)
        newest = self.versions(lesson)
        number = newest[0].number + 1 if newest else 1
        while True:
            version = Version(number, text, who, now(), note.strip()[:200], published, kind)
            data = json.dumps(asdict(version), ensure_ascii=False).encode("utf-8")
            try:
                # O_EXCL: two saves at the same moment get two numbers, never one file.
                handle = os.open(
                    folder / f"{number:06d}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL
                )
            except FileExistsError:
                number += 1
                continue
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            return version

    def working(self, lesson: LessonFolder) -> WorkingCopy | None:
        try:
            data = json.loads((self.folder(lesson) / WORKING_FILE).read_text(encoding="utf-8"))
            return WorkingCopy(**data)
        except (OSError, ValueError, TypeError):
            return None

    def keep_working(self, lesson: LessonFolder, text: str, who: str, base: str) -> WorkingCopy:
        """Keep text that could not be published, to reopen it in the editor."""
        folder = self.folder(lesson)
        folder.mkdir(parents=True, exist_ok=True)
        copy = WorkingCopy(text, who, now(), base)
        safe_write(folder / WORKING_FILE, json.dumps(asdict(copy), ensure_ascii=False).encode())
        return copy

    def drop_working(self, lesson: LessonFolder) -> None:
        (self.folder(lesson) / WORKING_FILE).unlink(missing_ok=True)

    def working_copies(self, languages) -> list[tuple[str, str, WorkingCopy]]:
        """Return (lang, lesson id, working copy) for every lesson that has one."""
        found = []
        for lang in languages:
            try:
                ids = sorted(os.listdir(self.root / lang))
            except OSError:
                continue
            for lesson_id in ids:
                path = self.root / lang / lesson_id / WORKING_FILE
                try:
                    copy = WorkingCopy(**json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError, TypeError):
                    continue
                found.append((lang, lesson_id, copy))
        return found


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison: a line before and after, and what changed."""

    kind: str  # same, changed, removed, added
    old_number: int | None
    old: str
    new_number: int | None
    new: str


def side_by_side(old: str, new: str, context: int = 2) -> list[DiffRow | None]:
    """Return rows comparing two texts line by line; None marks lines left out between hunks."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows: list[DiffRow | None] = []
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(None)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    rows.append(DiffRow("same", i + 1, old_lines[i], j + 1, new_lines[j]))
                continue
            for offset in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + offset, j1 + offset
                has_old, has_new = i < i2, j < j2
                kind = "changed" if has_old and has_new else ("removed" if has_old else "added")
                rows.append(
                    DiffRow(
                        kind,
                        i + 1 if has_old else None,
                        old_lines[i] if has_old else "",
                        j + 1 if has_new else None,
                        new_lines[j] if has_new else "",
                    )
                )
    return rows
