"""Write lesson files from the browser safely: one folder per lesson, atomic writes, versions.

Pure: knows paths and text, nothing of requests. Every path a browser can name goes through
`LessonFolder.open`, which refuses ids, languages and file names that are not plain, and any
symlink on the way, so nothing outside `<lessons>/<lang>/<id>/` can be read or written.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from coursesite.lessons.editor.new import LESSON_ID
from coursesite.lessons.files import write_atomically
from coursesite.lessons.reading.loader import MAX_FILE_BYTES

# Picture names the editor makes and accepts: lower-case ASCII, digits, - and _, one suffix.
PICTURE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}\.(png|jpg|jpeg|webp|gif)")
LESSON_FILE = "lesson.md"


class UnsafePath(ValueError):
    """A lesson id, language or file name that could lead outside the lesson's folder."""


class TextTooLarge(ValueError):
    """Lesson text above the loader's size limit."""


def fingerprint(text: str | None) -> str:
    """Return a short hash of a text ("" for no text): the version a form was opened on."""
    if text is None:
        return ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


# What a text file cannot hold: control characters (tabs and line ends aside) and the halves
# of characters that a broken browser or a hostile form may send.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def normalise(text: str) -> str:
    """Return text as the editor stores it: Unix line ends, one final newline, no stray bytes."""
    text = UNWRITABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.rstrip("\n") + "\n"


def plain_line(text: str, limit: int) -> str:
    """Return one line of plain text from a form field: spaces collapsed, no stray bytes."""
    return " ".join(UNWRITABLE.sub("", text).split())[:limit]


def safe_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` at once and durably, refusing a symlinked file or folder."""
    if path.is_symlink() or path.parent.is_symlink():
        raise UnsafePath(f"{path.name} is a symbolic link")
    write_atomically(path, data, durable=True)


def _no_symlink_below(root: Path, relative: Path) -> None:
    """Refuse if any part of root/relative (root itself excluded) is a symlink."""
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            raise UnsafePath(f"{relative.as_posix()} goes through a symbolic link")


@dataclass(frozen=True)
class LessonFolder:
    """The folder of one lesson in one language, checked to be a plain folder in the root."""

    root: Path
    lang: str
    lesson_id: str

    @classmethod
    def open(cls, root: Path, lang: str, lesson_id: str, languages) -> LessonFolder:
        """Return the folder for a language and id from a URL, or raise UnsafePath."""
        if lang not in tuple(languages):
            raise UnsafePath(f"{lang!r} is not a language of the site")
        if not isinstance(lesson_id, str) or not LESSON_ID.fullmatch(lesson_id):
            raise UnsafePath(f"{lesson_id!r} is not a lesson id")
        root = Path(os.path.realpath(root))
        _no_symlink_below(root, Path(lang, lesson_id, LESSON_FILE))
        return cls(root, lang, lesson_id)

    @property
    def path(self) -> Path:
        return self.root / self.lang / self.lesson_id

    @property
    def lesson_md(self) -> Path:
        return self.path / LESSON_FILE

    def exists(self) -> bool:
        return self.lesson_md.is_file()

    def read(self) -> str | None:
        """Return lesson.md's text (None if there is none), refusing huge or binary files."""
        try:
            if self.lesson_md.stat().st_size > MAX_FILE_BYTES:
                raise TextTooLarge(f"{LESSON_FILE} is larger than {MAX_FILE_BYTES:,} bytes")
            data = self.lesson_md.read_bytes()
        except FileNotFoundError:
            return None
        return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")

    def write(self, text: str) -> None:
        """Write lesson.md atomically (the folder must exist)."""
        data = normalise(text).encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            raise TextTooLarge(f"the text is larger than {MAX_FILE_BYTES:,} bytes")
        _no_symlink_below(self.root, Path(self.lang, self.lesson_id, LESSON_FILE))
        safe_write(self.lesson_md, data)

    def picture(self, name: str) -> Path:
        """Return the path of a picture of this lesson, or raise UnsafePath."""
        if not isinstance(name, str) or not PICTURE_NAME.fullmatch(name):
            raise UnsafePath(f"{name!r} is not a picture name")
        _no_symlink_below(self.root, Path(self.lang, self.lesson_id, name))
        return self.path / name

    def pictures(self) -> list[str]:
        """Return the names of the pictures in the folder (plain files only), sorted."""
        try:
            entries = list(os.scandir(self.path))
        except OSError:
            return []
        return sorted(
            entry.name
            for entry in entries
            if PICTURE_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
        )
