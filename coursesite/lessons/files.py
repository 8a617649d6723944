"""Lesson files on disk: which ones a lesson may show, whether one changed, and replacing one
whole or not at all."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}


def safe_media_path(folder: Path, name: str, real_folder: Path | None = None) -> Path | None:
    """Return the image file `name` inside `folder`, or None if it is anything else.

    Refuses URLs with a scheme or host, absolute paths, `..`, hidden files, files that
    are not images, and symlinks (or symlinked folders) that lead outside the lesson.
    `real_folder`, the folder's realpath, saves resolving it again for each picture.
    """
    if not name or "\x00" in name or "\\" in name:
        return None
    parts = urlsplit(name)
    if parts.scheme or parts.netloc or parts.query:
        return None
    relative = PurePosixPath(unquote(parts.path))
    if relative.is_absolute() or any(p in ("..", "") or p.startswith(".") for p in relative.parts):
        return None
    if relative.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    candidate = folder / relative
    try:
        real_folder = real_folder or Path(os.path.realpath(folder))
        real = Path(os.path.realpath(candidate))
    except (OSError, ValueError):
        return None
    if not real.is_relative_to(real_folder) or real != real_folder / relative:
        return None
    return real if real.is_file() else None


def file_stamp(path: Path) -> tuple[int, int] | None:
    """Return what tells that a file changed, (modified in ns, size); None if there is none."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@contextmanager
def replaced_atomically(target: Path, *, durable: bool = False) -> Iterator[BinaryIO]:
    """Give a binary file that replaces `target` at once when the block ends without error.

    Written beside the target (a hidden `.tmp-…` file in the same folder, so the rename
    cannot cross file systems) and renamed over it: a reader sees the old file or the new,
    never half of one. On any error the temporary file is removed and the target left as it
    was. `durable` also syncs the file and then its folder, so that the new file survives a
    power cut once this returns; a cache that can be made again does without.
    """
    folder = target.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # The rename itself survives a power cut only once the folder is on disk too.
    if durable and hasattr(os, "O_DIRECTORY"):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_atomically(target: Path, data: bytes, *, durable: bool = False) -> None:
    """Replace `target` with `data` at once (see `replaced_atomically`)."""
    with replaced_atomically(target, durable=durable) as out:
        out.write(data)
