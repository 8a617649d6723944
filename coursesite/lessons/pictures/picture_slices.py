"""The slice of a screenshot a phone shows first: where it is cut, at each text size.

Pure geometry on sizes and highlight boxes (no picture is opened here): images.py cuts the
files, and the step page names them (`Slice`) for the learner's text size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coursesite.lessons.pictures.highlights import THICKNESS, Box

# A phone shows first a slice of the screenshot around its highlight boxes, so large that
# the screenshot's text is at least as large as the page's. The page's text grows with the
# learner's text size, so there is one slice per size the display preferences offer
# (learn/display/display.py): narrower as the text grows, shown larger. On a 360-px phone
# (site.css: an 18-px rem there; page margins of 1, 1, 0.5 and 0.25 rem) the column is
# 324, 315, 333 and 342 CSS px wide and the body text 18, 22.5, 27 and 36 px. The starter
# mock-ups' smallest text is 16 px: a slice `width` picture pixels wide, shown `scale` CSS px
# per picture pixel, puts it at 18.5, 23, 27.7 and 37 px.
#   text size: (width of the slice in picture pixels, CSS px per picture pixel)
CROP_SCALES = {"100": (280, 1.16), "125": (220, 1.44), "150": (192, 1.74), "200": (148, 2.32)}
TEXT_SIZES = tuple(CROP_SCALES)
CROP_WIDTH = CROP_SCALES["100"][0]
CROP_RATIO = 0.75  # height / width of the slice, when the boxes leave room to choose
# Pixels per CSS pixel in the slice's file: sharp on today's phones. A slice wider than the
# phone (around a wide box) gets fewer, so that no file is more than CROP_MAX_FILE wide.
CROP_DENSITY = 2
CROP_MAX_FILE = 2400


def crop_region(
    size: tuple[int, int], boxes: tuple[Box, ...], text_size: str = "100"
) -> tuple[int, int, int, int]:
    """Return (left, top, right, bottom) of the slice of a picture around its boxes.

    The slice is as wide as the phone shows at the learner's text size (CROP_SCALES), its
    boxes in the middle. Boxes wider than that (an address bar) get a slice as wide as they
    are, that the page shows in a frame sliding sideways: it starts at the boxes' left end,
    where their text begins.
    """
    width, height = size
    left = min(box.x for box in boxes) / 100 * width
    top = min(box.y for box in boxes) / 100 * height
    right = max(box.x + box.w for box in boxes) / 100 * width
    bottom = max(box.y + box.h for box in boxes) / 100 * height
    # Room around the boxes for the outline and a little of what surrounds the thing.
    margin = max(24, round(width * THICKNESS * 4))
    shown = min(width, CROP_SCALES[text_size][0])  # what the phone's column holds
    crop_w = min(width, max(shown, math.ceil(right - left) + 2 * margin))
    crop_h = min(
        height, max(round(shown * CROP_RATIO), min(shown, round(bottom - top) + 2 * margin))
    )
    fits_across = right - left + 2 * margin <= crop_w
    fits_down = bottom - top + 2 * margin <= crop_h
    x = round((left + right) / 2 - crop_w / 2) if fits_across else round(left - margin)
    y = round((top + bottom) / 2 - crop_h / 2) if fits_down else round(top - margin)
    x = min(max(0, x), width - crop_w)
    y = min(max(0, y), height - crop_h)
    return x, y, x + crop_w, y + crop_h


def crop_density(region_width: int, text_size: str = "100") -> float:
    """Return how many file pixels a slice has per picture pixel (1 decimal, for `srcset`)."""
    # CROP_DENSITY file pixels per CSS pixel, the slice shown `scale` CSS px per picture px:
    # 2 at the normal size, as before; 4 at 200 %.
    density = CROP_DENSITY * CROP_SCALES[text_size][1] / CROP_SCALES["100"][1]
    return max(1.0, math.floor(min(density, CROP_MAX_FILE / region_width) * 10) / 10)


def crop_suffix(text_size: str = "100") -> str:
    """Return the variant name's end for the slice at a text size: crop, crop125…"""
    return "crop" if text_size == "100" else f"crop{text_size}"


@dataclass(frozen=True)
class Slice:
    """The slice of a picture a phone shows first, at one text size."""

    name: str  # the variant's file name
    width: int  # in the picture's pixels
    height: int
    density: float  # file pixels per picture pixel (the `srcset` descriptor)
    shown_width: int  # CSS px on a phone: the text as large as the page's
    shown_height: int
    wide: bool  # wider than the phone's column: shown in a frame that slides sideways
