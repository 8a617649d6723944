"""The last good version of each lesson, kept on disk: what learners see survives a restart.

`<store>/<lang>/<lesson id>/` holds the published version's `lesson.md` and its pictures
(so that a renamed or deleted picture does not break it), a record of what it was published
from (RECORD: the file's signature, its pictures and links, when, the check's settings, the
lesson's outline) and its packed body (BODY). The publishing rule (publishing.py) decides
what is published, stored_versions.py turns a catalogue entry into these files and back;
this module only keeps them, each file replaced atomically.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from coursesite.lessons.files import replaced_atomically, safe_media_path, write_atomically
from coursesite.lessons.model import Lesson
from coursesite.lessons.publishing.outline import FORMAT, digest, from_outline

# Beside each stored lesson.md: what it was published from, for a quick restart.
RECORD = ".published.json"
# Beside it: the published version's packed body, so that a restart need not parse the file.
BODY = ".published.body"


class PublishedStore:
    """The folder of last good versions, one sub-folder per language and lesson."""

    def __init__(self, root: Path):
        self.root = root

    def lesson_file(self, lang: str, lesson_id: str) -> Path:
        """Return where the published lesson.md of a lesson is (or would be) kept."""
        return self.root / lang / lesson_id / "lesson.md"

    def record(self, lang: str, lesson_id: str) -> dict | None:
        """Return the record of a lesson's published version, None if missing or unreadable."""
        path = self.lesson_file(lang, lesson_id).parent / RECORD
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def lesson(self, lesson_path: Path, lang: str, record: dict) -> Lesson | None:
        """Return the published lesson from its record and packed body, None if unusable."""
        outline = record.get("lesson")
        if not isinstance(outline, dict) or record.get("format") != plain(FORMAT):
            return None
        try:
            packed = (self.lesson_file(lang, lesson_path.parent.name).parent / BODY).read_bytes()
        except OSError:
            return None
        if digest(packed) != record.get("body"):
            return None
        try:
            return from_outline(lesson_path, lang, outline, packed)
        except (KeyError, TypeError, ValueError):
            return None

    def save(
        self,
        lesson_path: Path,
        lang: str,
        source: str,
        pictures: Iterable[str],
        record: dict,
        packed: bytes | None,
    ) -> None:
        """Keep `source` as the published version of the lesson at `lesson_path`, with its
        pictures (copied from beside it), its record and its packed body."""
        stored = self.lesson_file(lang, lesson_path.parent.name)
        folder = stored.parent
        folder.mkdir(parents=True, exist_ok=True)
        if not stored.is_file() or stored.read_text(encoding="utf-8") != source:
            write_atomically(stored, source.encode("utf-8"))
        if packed is not None:
            write_atomically(folder / BODY, packed)
            record = {**record, "body": digest(packed), "format": FORMAT}
        write_atomically(folder / RECORD, json.dumps(record).encode("utf-8"))
        keep = {"lesson.md", RECORD, BODY}
        real_folder = Path(os.path.realpath(lesson_path.parent))
        for name in pictures:
            source_file = safe_media_path(lesson_path.parent, name, real_folder)
            if source_file is None:
                continue
            relative = source_file.relative_to(real_folder)
            keep.add(relative.parts[0])
            target = folder / relative
            if not same_file_times(source_file, target):
                target.parent.mkdir(parents=True, exist_ok=True)
                copy_atomically(source_file, target)
        for child in folder.iterdir():
            if child.name not in keep:
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)

    def forget(self, lang: str, lesson_id: str) -> None:
        """Forget a lesson's published version (its file was removed: removing it is meant)."""
        shutil.rmtree(self.lesson_file(lang, lesson_id).parent, ignore_errors=True)

    def prune(self, languages: Iterable[str], kept: set[tuple[str, str]]) -> None:
        """Forget the versions of lessons not in `kept` (removed while the site was stopped)."""
        for lang, folder in language_folders(self.root, languages):
            if (lang, folder.name) not in kept:
                shutil.rmtree(folder.path, ignore_errors=True)


def language_folders(base: Path, languages: Iterable[str]) -> Iterator[tuple[str, os.DirEntry]]:
    """Yield (lang, folder) for each folder in base/<lang>/ (a missing language: none)."""
    for lang in languages:
        try:
            folders = list(os.scandir(base / lang))
        except OSError:
            continue
        for folder in folders:
            if folder.is_dir():
                yield lang, folder


def plain(value) -> list:
    """Return a value as JSON gives it back (lists, not tuples)."""
    return json.loads(json.dumps(value))


def same_file_times(source: Path, target: Path) -> bool:
    """Tell whether target has source's size and modification time (copy2 keeps them)."""
    stat = source.stat()
    try:
        found = target.stat()
    except OSError:
        return False
    return found.st_size == stat.st_size and found.st_mtime_ns == stat.st_mtime_ns


def copy_atomically(source: Path, target: Path) -> None:
    """Replace `target` with a copy of `source`, keeping its times and mode as copy2 does."""
    with source.open("rb") as original, replaced_atomically(target) as out:
        shutil.copyfileobj(original, out)
    # After the rename: a copy that fails here has other times, and is copied again next time.
    shutil.copystat(source, target)
