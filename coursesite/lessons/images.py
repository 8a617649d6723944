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

from coursesite.lessons.highlights import THICKNESS, Box, draw_highlights, spec_of

log = logging.getLogger(__name__)

WIDTHS = (480, 960, 1440)
QUALITY = 80
MAX_PIXELS = 4096 * 4096
# Part of every cache key: bump it when the way variants are made changes.
RECIPE = b"webp-q80-v1"
NAME = re.compile(r"([0-9a-f]{32})-([0-9]{1,5}|crop)\.webp")
# A 360-px phone shows a 280-px-wide slice of a screenshot 324 px wide (×1.16): text of 16 px
# on the screen it was taken from is then 18.5 px, as large as the page's own text (18 px).
# The slice is cut around the highlight boxes.
CROP_WIDTH = 280
CROP_RATIO = 0.75  # height / width of the slice, when the boxes leave room to choose
CROP_DENSITY = 2  # pixels per CSS pixel in the crop file: sharp on today's phones
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
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
        height = max(1, round(picture.height * width / picture.width))
        if width != picture.width:
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
        draw_highlights(picture, boxes)
    _save(picture, target)
    return target


def crop_region(size: tuple[int, int], boxes: tuple[Box, ...]) -> tuple[int, int, int, int]:
    """Return (left, top, right, bottom) of the slice of a picture around its boxes.

    The slice is CROP_WIDTH pixels wide whatever the boxes, so that its text stays readable;
    around a box wider than that (an address bar), it shows the box's start, where its text
    begins.
    """
    width, height = size
    left = min(box.x for box in boxes) / 100 * width
    top = min(box.y for box in boxes) / 100 * height
    right = max(box.x + box.w for box in boxes) / 100 * width
    bottom = max(box.y + box.h for box in boxes) / 100 * height
    # Room around the boxes for the outline and a little of what surrounds the thing.
    margin = max(24, round(width * THICKNESS * 4))
    crop_w = min(width, CROP_WIDTH)
    crop_h = min(
        height, max(round(crop_w * CROP_RATIO), min(crop_w, round(bottom - top) + 2 * margin))
    )
    fits_across = right - left + 2 * margin <= crop_w
    fits_down = bottom - top + 2 * margin <= crop_h
    x = round((left + right) / 2 - crop_w / 2) if fits_across else round(left - margin)
    y = round((top + bottom) / 2 - crop_h / 2) if fits_down else round(top - margin)
    x = min(max(0, x), width - crop_w)
    y = min(max(0, y), height - crop_h)
    return x, y, x + crop_w, y + crop_h


def crop(
    path: Path,
    cache_dir: Path,
    boxes: tuple[Box, ...],
    *,
    key: str | None = None,
    max_pixels: int = MAX_PIXELS,
) -> Path:
    """Return the WebP slice of a picture around its highlight boxes, making it if needed."""
    key = key or source_key(path, boxes)
    target = Path(cache_dir) / f"{key}-crop.webp"
    if target.exists():
        return target
    with Image.open(path) as image:
        if image.width * image.height > max_pixels:
            raise ValueError(f"{path.name} is {image.width}×{image.height} pixels")
        picture = ImageOps.exif_transpose(image)
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    draw_highlights(picture, boxes)  # at full size, so the outline looks as it does whole
    region = crop_region(picture.size, boxes)
    picture = picture.crop(region)
    size = (picture.width * CROP_DENSITY, picture.height * CROP_DENSITY)
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    _save(picture, target)
    return target


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info


def _save(picture: Image.Image, target: Path) -> None:
    """Write a WebP file whole or not at all."""
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


@dataclass(frozen=True)
class Planned:
    """The variants of one picture (with its boxes), as the page will list them."""

    key: str
    widths: tuple[int, ...]
    # The slice around the highlight boxes, for phones: its size in the picture's pixels.
    crop_size: tuple[int, int] | None = None

    def name(self, width: int) -> str:
        return f"{self.key}-{width}.webp"

    @property
    def crop_name(self) -> str | None:
        return f"{self.key}-crop.webp" if self.crop_size else None


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
        crop_size = None
        if boxes:
            left, top, right, bottom = crop_region(size, boxes)
            # A slice as large as the picture would be the picture again.
            if right - left < size[0] or bottom - top < size[1]:
                crop_size = (right - left, bottom - top)
        with self._lock:
            # The full-size copy (for pictures with a box drawn in) and the slice are allowed
            # too; nothing else, so nobody can fill the disk by asking for every width.
            allowed = [*widths, size[0], *(["crop"] if crop_size else [])]
            self._sources[key] = (path, boxes, frozenset(allowed))
        return Planned(key, widths, crop_size)

    def path_for(self, name: str) -> Path | None:
        """Return the file for a variant name, making it on first use; None if unknown."""
        match = NAME.fullmatch(name)
        if not match:
            return None
        cached = self.cache_dir / name
        if cached.is_file():
            return cached
        key, kind = match.group(1), match.group(2)
        width = kind if kind == "crop" else int(kind)
        with self._lock:
            source = self._sources.get(key)
        if source is None or width not in source[2]:
            return None
        path, boxes, _ = source
        try:
            if width == "crop":
                made = crop(path, self.cache_dir, boxes, key=key, max_pixels=self.max_pixels)
            else:
                made = variant(
                    path, width, self.cache_dir, boxes, key=key, max_pixels=self.max_pixels
                )
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
        if planned.crop_name and not (self.cache_dir / planned.crop_name).exists():
            crop(path, self.cache_dir, boxes, key=planned.key, max_pixels=self.max_pixels)
            made += 1
        return made
