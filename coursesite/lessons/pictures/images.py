"""Light copies of screenshots: WebP at a few display widths, cached on disk by content hash.

Also the slices a phone shows first (where they are cut: picture_slices.py), made here; a
rendered step points at the learner's size of them in slices_in_step.py.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from coursesite.lessons.files import replaced_atomically
from coursesite.lessons.pictures.highlights import Box, draw_highlights, spec_of
from coursesite.lessons.pictures.picture_slices import (
    CROP_SCALES,
    TEXT_SIZES,
    Slice,
    crop_density,
    crop_region,
    crop_suffix,
)

log = logging.getLogger(__name__)

WIDTHS = (480, 960, 1440)
QUALITY = 80
MAX_PIXELS = 4096 * 4096
# Part of every cache key: bump it when the way variants are made changes.
RECIPE = b"webp-q80-v2"
NAME = re.compile(r"([0-9a-f]{32})-([0-9]{1,5}|crop(?:125|150|200)?)\.webp")
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


def crop(
    path: Path,
    cache_dir: Path,
    boxes: tuple[Box, ...],
    *,
    text_size: str = "100",
    key: str | None = None,
    max_pixels: int = MAX_PIXELS,
) -> Path:
    """Return the WebP slice of a picture around its highlight boxes, making it if needed."""
    key = key or source_key(path, boxes)
    target = Path(cache_dir) / f"{key}-{crop_suffix(text_size)}.webp"
    if target.exists():
        return target
    with Image.open(path) as image:
        if image.width * image.height > max_pixels:
            raise ValueError(f"{path.name} is {image.width}×{image.height} pixels")
        picture = ImageOps.exif_transpose(image)
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    draw_highlights(picture, boxes)  # at full size, so the outline looks as it does whole
    region = crop_region(picture.size, boxes, text_size)
    picture = picture.crop(region)
    density = crop_density(picture.width, text_size)
    size = (round(picture.width * density), round(picture.height * density))
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    _save(picture, target)
    return target


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info


def _save(picture: Image.Image, target: Path) -> None:
    """Write a WebP file whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: a waitress thread that asks for the same file meanwhile either
    # finds nothing and makes its own, or finds the whole file, never half of it. Not synced:
    # a copy lost in a power cut is made again.
    with replaced_atomically(target) as out:
        # No exif= or icc_profile= given: the copy carries no metadata.
        picture.save(out, "WEBP", quality=QUALITY, method=4)


@dataclass(frozen=True)
class Planned:
    """The variants of one picture (with its boxes), as the page will list them."""

    key: str
    widths: tuple[int, ...]
    # The slice around the highlight boxes, for phones: its size in the picture's pixels.
    crop_size: tuple[int, int] | None = None
    # The slice's size at each text size the display preferences offer.
    crop_sizes: tuple[tuple[str, int, int], ...] = ()

    def name(self, width: int) -> str:
        return f"{self.key}-{width}.webp"

    @property
    def crop_name(self) -> str | None:
        return f"{self.key}-crop.webp" if self.crop_size else None

    def slice(self, text_size: str = "100") -> Slice | None:
        """Return the slice a phone shows at this text size (None for a whole picture)."""
        if not self.crop_size:
            return None
        width, height = next((w, h) for size, w, h in self.crop_sizes if size == text_size)
        shown, scale = CROP_SCALES[text_size]
        return Slice(
            name=f"{self.key}-{crop_suffix(text_size)}.webp",
            width=width,
            height=height,
            density=crop_density(width, text_size),
            shown_width=math.ceil(width * scale),
            shown_height=math.ceil(height * scale),
            wide=width > shown,
        )


class VariantStore:
    """The app's image cache folder, and which source each variant name comes from."""

    def __init__(self, cache_dir: Path, widths=WIDTHS, max_pixels: int = MAX_PIXELS):
        self.cache_dir = Path(cache_dir)
        self.widths = tuple(widths)
        self.max_pixels = max_pixels
        self._keys: dict[tuple, str] = {}
        self._planned: dict[str, Planned] = {}
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
        crop_size, crop_sizes = None, ()
        if boxes:
            left, top, right, bottom = crop_region(size, boxes)
            # A slice as large as the picture would be the picture again.
            if right - left < size[0] or bottom - top < size[1]:
                crop_size = (right - left, bottom - top)
                regions = ((t, crop_region(size, boxes, t)) for t in TEXT_SIZES)
                crop_sizes = tuple((t, r[2] - r[0], r[3] - r[1]) for t, r in regions)
        planned = Planned(key, widths, crop_size, crop_sizes)
        with self._lock:
            # The full-size copy (for pictures with a box drawn in) and the slices are allowed
            # too; nothing else, so nobody can fill the disk by asking for every width.
            slices = [crop_suffix(t) for t in TEXT_SIZES] if crop_size else []
            self._sources[key] = (path, boxes, frozenset([*widths, size[0], *slices]))
            self._planned[key] = planned
        return planned

    def slice(self, key: str, text_size: str) -> Slice | None:
        """Return the slice of a planned picture at a text size; None if there is none."""
        with self._lock:
            planned = self._planned.get(key)
        return planned.slice(text_size) if planned and text_size in CROP_SCALES else None

    def path_for(self, name: str) -> Path | None:
        """Return the file for a variant name, making it on first use; None if unknown."""
        match = NAME.fullmatch(name)
        if not match:
            return None
        cached = self.cache_dir / name
        if cached.is_file():
            return cached
        key, kind = match.group(1), match.group(2)
        width = kind if kind.startswith("crop") else int(kind)
        with self._lock:
            source = self._sources.get(key)
        if source is None or width not in source[2]:
            return None
        path, boxes, _ = source
        try:
            if kind.startswith("crop"):
                text_size = kind.removeprefix("crop") or "100"
                made = crop(
                    path,
                    self.cache_dir,
                    boxes,
                    text_size=text_size,
                    key=key,
                    max_pixels=self.max_pixels,
                )
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
        for text_size in TEXT_SIZES if planned.crop_name else ():
            if not (self.cache_dir / planned.slice(text_size).name).exists():
                crop(
                    path,
                    self.cache_dir,
                    boxes,
                    text_size=text_size,
                    key=planned.key,
                    max_pixels=self.max_pixels,
                )
                made += 1
        return made
