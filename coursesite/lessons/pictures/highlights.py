"""Highlight boxes on screenshots: `{highlight="x,y,w,h"}`, in percent of the picture.

The boxes are drawn into the resized WebP copies of the screenshot rather than laid over it
in the page. That needs no inline style (the Content-Security-Policy forbids them) and no
SVG (the sanitiser drops it); the box scales with the picture because it is part of it,
survives printing, and looks like the orange outlines of the starter lessons' pictures.
Screen readers cannot see a drawn box, so the alt text (and the optional `label`, which
is appended to it) must say what the box points at. With several boxes, `label` may hold
one label per box, in the same order, separated by `|`:
`{highlight="72,80,20,10;5,5,10,8" label="The Send button|The menu"}`; a label without `|`
is one sentence for the whole picture, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, ImageDraw

from coursesite.lessons.problems import N_

# The colour and thickness of the outlines in the starter lessons' pictures (6 px at 960).
COLOUR = (240, 100, 0)
THICKNESS = 6 / 960
MAX_BOXES = 5
_NUMBER = r"\s*([0-9]+(?:\.[0-9]+)?)\s*"
_BOX = re.compile(",".join([_NUMBER] * 4))


@dataclass(frozen=True)
class Box:
    """A rectangle in percent of the picture's width and height."""

    x: float
    y: float
    w: float
    h: float

    def __str__(self) -> str:
        return ",".join(f"{v:g}" for v in (self.x, self.y, self.w, self.h))


class HighlightError(ValueError):
    """A highlight spec that cannot be drawn; `msgid` and `params` make the sentence."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


def parse_highlight(spec: str) -> tuple[Box, ...]:
    """Return the boxes of a highlight spec like "72,80,20,10;5,5,10,8", or raise ValueError."""
    parts = [part for part in spec.split(";") if part.strip()]
    if not parts:
        raise HighlightError(
            N_('highlight is empty: write highlight="x,y,width,height" in percent')
        )
    if len(parts) > MAX_BOXES:
        raise HighlightError(
            N_("at most %(count)s highlight boxes on one picture"), count=MAX_BOXES
        )
    boxes = []
    for part in parts:
        match = _BOX.fullmatch(part)
        if not match:
            raise HighlightError(
                N_('highlight "%(box)s" must be four numbers x,y,width,height in percent'),
                box=part.strip(),
            )
        box = Box(*(float(n) for n in match.groups()))
        if box.w <= 0 or box.h <= 0:
            raise HighlightError(N_('highlight "%(box)s" has no width or height'), box=str(box))
        # A little slack: authors measure by eye, and a box at the very edge is fine.
        if box.x + box.w > 100.5 or box.y + box.h > 100.5:
            raise HighlightError(
                N_(
                    'highlight "%(box)s" goes past the edge of the picture: x + width and '
                    "y + height must stay under 100"
                ),
                box=str(box),
            )
        boxes.append(box)
    return tuple(boxes)


def spec_of(boxes: tuple[Box, ...]) -> str:
    """Return the canonical text of boxes, used in cache keys."""
    return ";".join(str(box) for box in boxes)


def draw_highlights(image: Image.Image, boxes: tuple[Box, ...]) -> Image.Image:
    """Return the image with an orange outline around each box, as thick at any size."""
    if not boxes:
        return image
    width, height = image.size
    line = max(2, round(width * THICKNESS))
    draw = ImageDraw.Draw(image)
    for box in boxes:
        # The outline sits just outside the box so it never covers the thing it points at.
        left = max(0, box.x / 100 * width - line)
        top = max(0, box.y / 100 * height - line)
        right = min(width - 1, (box.x + box.w) / 100 * width + line)
        bottom = min(height - 1, (box.y + box.h) / 100 * height + line)
        draw.rounded_rectangle(
            (left, top, right, bottom), radius=line * 2, outline=COLOUR, width=line
        )
    return image


LABEL_SEPARATOR = "|"


def labels_per_box(label: str | None) -> list[str]:
    """Return the labels of a `label="…"` attribute in box order, empty ones kept."""
    # The attrs plugin keeps the backslash of `label="a \"quoted\" word"`: drop it.
    text = re.sub(r"\\(.)", r"\1", label or "")
    return [part.strip() for part in text.split(LABEL_SEPARATOR)]


def split_labels(label: str | None) -> list[str]:
    """Return the labels of a `label="…"` attribute: one, or one per box separated by |."""
    return [part for part in labels_per_box(label) if part]


def _quoted(value: str) -> str:
    return value.replace("\\", "").replace('"', '\\"')


def image_markdown(src: str, alt: str, boxes=(), labels=()) -> str:
    """Return `![alt](src){highlight="…" label="…"}` for the editor to write into a lesson."""
    alt = " ".join(alt.replace("[", "(").replace("]", ")").split())
    text = f"![{alt}]({src})"
    attributes = []
    if boxes:
        attributes.append(f'highlight="{spec_of(tuple(boxes))}"')
    cleaned = [" ".join(label.replace(LABEL_SEPARATOR, "/").split()) for label in labels]
    if any(cleaned):
        # Per box, in order; an empty label in the middle keeps the others in place.
        joined = LABEL_SEPARATOR.join(cleaned).rstrip(LABEL_SEPARATOR)
        attributes.append(f'label="{_quoted(joined)}"')
    if attributes:
        text += "{" + " ".join(attributes) + "}"
    return text
