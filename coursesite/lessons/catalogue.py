"""All lessons in memory, rebuilt cheaply when files change on disk."""

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from coursesite.lessons.loader import load_lesson
from coursesite.lessons.model import Lesson, LessonError, Problem
from coursesite.lessons.paths import LessonPath, load_paths

log = logging.getLogger(__name__)


@dataclass
class Entry:
    """What the catalogue remembers about one lesson.md."""

    signature: tuple[int, int]  # (mtime_ns, size) of the version last read
    lesson: Lesson | None  # the last version that loaded, served even if the file broke since
    problem: Problem | None = None


@dataclass
class Snapshot:
    """An immutable view of the catalogue, swapped whole on refresh."""

    lessons: dict[tuple[str, str], Lesson] = field(default_factory=dict)  # (lang, id)
    problems: list[Problem] = field(default_factory=list)
    paths: tuple[LessonPath, ...] = ()


class Catalogue:
    """Lessons under root/<lang>/<id>/lesson.md, kept in step with the files."""

    def __init__(self, root: Path, languages, reload_interval: float = 1.0):
        self.root = Path(root)
        self.languages = tuple(languages)
        self.reload_interval = reload_interval
        self._entries: dict[Path, Entry] = {}
        self._paths_signature = None
        self._paths: tuple[LessonPath, ...] = ()
        self._paths_problems: list[Problem] = []
        self._image_sizes: dict[tuple, tuple[int, int] | None] = {}
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self.snapshot = Snapshot()
        self.refresh(force=True)

    # Reading

    def get(self, lang: str, lesson_id: str, *, drafts: bool = False) -> Lesson | None:
        """Return the lesson in this language, or None (drafts only when asked)."""
        lesson = self.current().lessons.get((lang, lesson_id))
        if lesson is None or (lesson.draft and not drafts):
            return None
        return lesson

    def lessons(self, lang: str, *, drafts: bool = False) -> list[Lesson]:
        """Return this language's lessons, sorted by level then title."""
        found = [
            lesson
            for (lesson_lang, _), lesson in self.current().lessons.items()
            if lesson_lang == lang and (drafts or not lesson.draft)
        ]
        return sorted(found, key=lambda lesson: (lesson.level, lesson.title.casefold()))

    def languages_of(self, lesson_id: str, *, drafts: bool = False) -> list[str]:
        """Return the languages in which this lesson exists."""
        return [lang for lang in self.languages if self.get(lang, lesson_id, drafts=drafts)]

    def problems(self) -> list[Problem]:
        """Return what failed to load, for staff."""
        return list(self.current().problems)

    def paths(self) -> tuple[LessonPath, ...]:
        """Return the named lesson paths from paths.yml."""
        return self.current().paths

    def current(self) -> Snapshot:
        """Return the snapshot, refreshing it first if the reload interval has passed."""
        if time.monotonic() - self._checked_at >= self.reload_interval:
            self.refresh()
        return self.snapshot

    def image_size(self, path: Path) -> tuple[int, int] | None:
        """Return (width, height) of an image, read once per version of the file."""
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._image_sizes:
            try:
                with Image.open(path) as image:
                    self._image_sizes[key] = image.size
            except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
                log.warning("%s: not a readable image", path)
                self._image_sizes[key] = None
        return self._image_sizes[key]

    # Keeping in step with the files

    def refresh(self, force: bool = False) -> None:
        """Re-read added and changed lesson files, forget removed ones."""
        # Wait for a refresh already under way rather than serve what it is replacing: a
        # page asked for just after a save must show the saved file.
        with self._lock:
            if not force and time.monotonic() - self._checked_at < self.reload_interval:
                return
            changed = self._scan_lessons() | self._scan_paths()
            if changed or force:
                self.snapshot = self._build_snapshot()
            self._checked_at = time.monotonic()

    def _lesson_files(self):
        """Yield (lang, path) for every lesson.md, without reading any."""
        for lang in self.languages:
            try:
                folders = list(os.scandir(self.root / lang))
            except OSError:
                continue
            for folder in folders:
                if folder.is_dir() and not folder.name.startswith((".", "_")):
                    yield lang, Path(folder.path) / "lesson.md"

    def _scan_lessons(self) -> bool:
        """Update entries from the files; return True if anything changed."""
        seen, changed = set(), False
        for lang, path in self._lesson_files():
            try:
                stat = path.stat()
            except OSError:
                continue
            seen.add(path)
            signature = (stat.st_mtime_ns, stat.st_size)
            entry = self._entries.get(path)
            if entry and entry.signature == signature:
                continue
            changed = True
            previous = entry.lesson if entry else None
            try:
                lesson = load_lesson(path, lang)
                self._entries[path] = Entry(signature, lesson)
            except LessonError as exc:
                log.warning("lesson not loaded: %s", exc.problem)
                self._entries[path] = Entry(signature, previous, exc.problem)
            except OSError as exc:
                problem = Problem(path, 1, f"cannot read the file: {exc.strerror}")
                log.warning("lesson not loaded: %s", problem)
                self._entries[path] = Entry(signature, previous, problem)
        for gone in set(self._entries) - seen:
            del self._entries[gone]
            changed = True
        return changed

    def _scan_paths(self) -> bool:
        """Re-read paths.yml if it changed; return True if it did."""
        path = self.root / "paths.yml"
        try:
            stat = path.stat()
            signature = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            signature = None
        if signature == self._paths_signature:
            return False
        self._paths_signature = signature
        self._paths, self._paths_problems = load_paths(path) if signature else ((), [])
        return True

    def _build_snapshot(self) -> Snapshot:
        lessons = {
            (entry.lesson.lang, entry.lesson.id): entry.lesson
            for entry in self._entries.values()
            if entry.lesson is not None
        }
        problems = [entry.problem for entry in self._entries.values() if entry.problem]
        known = {lesson_id for _, lesson_id in lessons}
        for lesson_path in self._paths:
            for lesson_id, line in lesson_path.lesson_lines:
                if lesson_id not in known:
                    message = f"path `{lesson_path.id}` names an unknown lesson `{lesson_id}`"
                    problems.append(Problem(self.root / "paths.yml", line, message))
        problems.extend(self._paths_problems)
        problems.sort(key=lambda p: (str(p.path), p.line))
        return Snapshot(lessons=lessons, problems=problems, paths=self._paths)
