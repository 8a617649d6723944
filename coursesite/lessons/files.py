"""Which files a lesson may show: only images inside its own folder."""

import os
from pathlib import Path, PurePosixPath
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
