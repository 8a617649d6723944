"""Light copies of screenshots: WebP at a few display widths, cached on disk by content hash."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from coursesite.lessons.highlights import Box, draw_highlights, spec_of

log = logging.getLogger(__name__)

WIDTHS = (480, 960, 1440)
QUALITY = 80
MAX_PIXELS = 4096 * 4096
# Part of every cache key: bump it when the way variants are made changes.
RECIPE = b"webp-q80-v1"
NAME = re.compile(r"([0-9a-f]{32})-([0-9]{1,5})\.webp")
IMAGE_ERRORS = (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError)


def source_key(path: Path, boxes: tuple[Box, ...] = ()) -> str:
    """Return the cache key of an image: a hash of its bytes and of its highlight boxes."""
    digest = hashlib.sha256(RECIPE)
    digest.update(path.read_bytes())
    digest.update(spec_of(boxes).encode())
    return digest.hexdigest()[:32]


def variant_widths(original_width: int, widths=WIDTHS) -> list[int]:
    """Return the widths worth making for a picture: never wider than it, no near-duplicates."""
    largest = min(original_width, max(widths))
    # A width 90 % of the largest or more would cost a file for no visible gain.
    return [*(w for w in sorted(widths) if w < largest * 0.9), largest]


def variant(
    path: Path,
    width: int,
    cache_dir: Path,
    boxes: tuple[Box, ...] = (),
    *,
    key: str | None = None,
    max_pixels: int = MAX_PIXELS,
) -> Path:
    """Return a WebP copy of the image at `width` (never upscaled), making it if needed.

    Raises ValueError for pictures too large to open safely, OSError for unreadable ones.
    """
    key = key or source_key(path, boxes)
    with Image.open(path) as image:
        original_width, original_height = image.size
        if original_width * original_height > max_pixels:
            raise ValueError(f"{path.name} is {original_width}×{original_height} pixels")
        width = min(width, original_width)
        target = Path(cache_dir) / f"{key}-{width}.webp"
        if target.exists():
            return target
        picture = ImageOps.exif_transpose(image)  # phone photos may be stored sideways
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        height = max(1, round(picture.height * width / picture.width))
        if width != picture.width:
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
        draw_highlights(picture, boxes)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: a waitress thread that asks for the same file meanwhile either
    # finds nothing and makes its own, or finds the whole file, never half of it.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".webp")
    try:
        with os.fdopen(handle, "wb") as out:
            # No exif= or icc_profile= given: the copy carries no metadata.
            picture.save(out, "WEBP", quality=QUALITY, method=4)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True)
class Planned:
    """The variants of one picture (with its boxes), as the page will list them."""

    key: str
    widths: tuple[int, ...]

    def name(self, width: int) -> str:
        return f"{self.key}-{width}.webp"


class VariantStore:
    """The app's image cache folder, and which source each variant name comes from."""

    def __init__(self, cache_dir: Path, widths=WIDTHS, max_pixels: int = MAX_PIXELS):
        self.cache_dir = Path(cache_dir)
        self.widths = tuple(widths)
        self.max_pixels = max_pixels
        self._keys: dict[tuple, str] = {}
        # key -> (source path, boxes, widths it may have): the first request makes a variant.
        self._sources: dict[str, tuple[Path, tuple[Box, ...], frozenset[int]]] = {}
        self._lock = threading.Lock()

    def plan(self, path: Path, size: tuple[int, int], boxes: tuple[Box, ...] = ()) -> Planned:
        """Return the variants a page should offer for this picture, and remember its source."""
        stat = path.stat()
        signature = (str(path), stat.st_mtime_ns, stat.st_size, boxes)
        key = self._keys.get(signature)
        if key is None:
            key = source_key(path, boxes)
            with self._lock:
                self._keys[signature] = key
        widths = tuple(variant_widths(size[0], self.widths))
        with self._lock:
            # The full-size copy (for pictures with a box drawn in) is allowed too; nothing
            # else, so that nobody can fill the disk by asking for every width from 1 up.
            self._sources[key] = (path, boxes, frozenset([*widths, size[0]]))
        return Planned(key, widths)

    def path_for(self, name: str) -> Path | None:
        """Return the file for a variant name, making it on first use; None if unknown."""
        match = NAME.fullmatch(name)
        if not match:
            return None
        cached = self.cache_dir / name
        if cached.is_file():
            return cached
        key, width = match.group(1), int(match.group(2))
        with self._lock:
            source = self._sources.get(key)
        if source is None or width not in source[2]:
            return None
        path, boxes, _ = source
        try:
            made = variant(path, width, self.cache_dir, boxes, key=key, max_pixels=self.max_pixels)
        except IMAGE_ERRORS as exc:
            log.warning("cannot make %s from %s: %s", name, path, exc)
            return None
        return made if made.name == name else None

    def build(self, path: Path, size: tuple[int, int], boxes: tuple[Box, ...] = ()) -> int:
        """Make every variant of one picture now; return how many were new."""
        planned = self.plan(path, size, boxes)
        made = 0
        # A picture with a box drawn in also has a full-size copy, for "open full size".
        widths = sorted({*planned.widths, size[0]}) if boxes else planned.widths
        for width in widths:
            if not (self.cache_dir / planned.name(width)).exists():
                variant(
                    path, width, self.cache_dir, boxes, key=planned.key, max_pixels=self.max_pixels
                )
                made += 1
        return made
