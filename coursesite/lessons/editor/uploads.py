"""Screenshots sent from a browser: opened, re-encoded without metadata, given a safe name.

A picture is never stored as it arrived. Pillow decodes it (refusing more pixels than
`lessons check` allows, and anything that is not PNG, JPEG or WebP), turns it upright, and
writes the pixels again: EXIF (a phone's GPS position, the camera), comments, XMP and
colour profiles are left behind, and a file that only pretends to be a picture fails.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from coursesite.lessons.editor.editing import PICTURE_NAME, LessonFolder, safe_write
from coursesite.lessons.reading.refs import scan

# What a browser may send at all; the pixel limit is the check's (LESSON_IMAGE_MAX_PIXELS).
MAX_UPLOAD_BYTES = 10_000_000
MAX_FILES_AT_ONCE = 10
FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
_NAME_CHARS = re.compile(r"[^a-z0-9]+")


class UploadRefused(ValueError):
    """A file that cannot become a lesson picture; `reason` says why, for the person."""

    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class StoredPicture:
    name: str
    width: int
    height: int
    size: int  # bytes written


def safe_stem(filename: str) -> str:
    """Return a plain name from what the person's computer called the file."""
    stem = Path(filename.replace("\\", "/").rsplit("/", 1)[-1]).stem
    # Accents drop off their letters; other non-ASCII characters (’, emoji) separate words.
    ascii_stem = "".join(
        char if char.isascii() else "-"
        for char in unicodedata.normalize("NFKD", stem)
        if not unicodedata.combining(char)
    )
    cleaned = _NAME_CHARS.sub("-", ascii_stem.lower()).strip("-")[:60].strip("-")
    return cleaned or "capture"


def unused_name(folder: LessonFolder, stem: str, suffix: str) -> str:
    """Return stem+suffix, or stem-2+suffix…, whichever is not taken in the folder."""
    taken = set(folder.pictures())
    name, number = f"{stem}{suffix}", 2
    while name in taken or (folder.path / name).exists():
        name, number = f"{stem}-{number}{suffix}", number + 1
    return name


def reencode(data: bytes, max_pixels: int) -> tuple[bytes, str, tuple[int, int]]:
    """Return (clean file bytes, suffix, size) of an uploaded picture, or raise UploadRefused."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused("too-heavy", limit=MAX_UPLOAD_BYTES // 1_000_000)
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, above its own bomb limit: ours is stricter anyway.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                if kind not in FORMATS:
                    raise UploadRefused("not-a-picture")
                width, height = image.size
                if width * height > max_pixels:
                    raise UploadRefused(
                        "too-many-pixels", width=width, height=height, limit=max_pixels
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
    except UploadRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused("not-a-picture") from None
    except (OSError, ValueError, SyntaxError):
        raise UploadRefused("damaged") from None
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    if kind == "JPEG":
        clean = upright.convert("RGB")
    else:
        clean = upright.convert("RGBA" if has_alpha else "RGB")
    # A new image holds the pixels and nothing else: no info dict, no EXIF, no profile.
    bare = Image.new(clean.mode, clean.size)
    bare.paste(clean)
    out = io.BytesIO()
    if kind == "PNG":
        bare.save(out, "PNG", optimize=True)
    elif kind == "JPEG":
        bare.save(out, "JPEG", quality=88, optimize=True)
    else:
        bare.save(out, "WEBP", quality=85, method=4)
    return out.getvalue(), FORMATS[kind], bare.size


def store_picture(
    folder: LessonFolder, filename: str, data: bytes, max_pixels: int
) -> StoredPicture:
    """Re-encode an uploaded picture and write it into the lesson's folder under a safe name."""
    clean, suffix, (width, height) = reencode(data, max_pixels)
    name = unused_name(folder, safe_stem(filename), suffix)
    assert PICTURE_NAME.fullmatch(name), name
    safe_write(folder.picture(name), clean)
    return StoredPicture(name, width, height, len(clean))


def pictures_used(*texts: str | None) -> set[str]:
    """Return the file names of the pictures that lesson texts show."""
    used = set()
    for text in texts:
        if text:
            used.update(ref.src for ref in scan(text).images)
    return used


def delete_picture(folder: LessonFolder, name: str, *texts: str | None) -> None:
    """Delete a picture of the lesson, refusing one that a given text still shows."""
    path = folder.picture(name)
    if name in pictures_used(*texts):
        raise UploadRefused("in-use")
    if not path.is_file() or path.is_symlink():
        raise UploadRefused("missing")
    path.unlink()
