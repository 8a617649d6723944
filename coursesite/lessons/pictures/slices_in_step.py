"""A rendered step's screenshot slices pointed at the learner's text size.

The step's HTML is rendered (and kept) once for everyone, with the slice for the normal
text size (lessons/markup/markdown.py); the slices for each size are made by images.py.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coursesite.lessons.pictures.images import VariantStore

# The slice as lessons/markup/markdown.py writes it into a step, for the normal text size.
_SLICE_SOURCE = re.compile(
    r'<picture class="cropped"><source media="([^"]*)" srcset="([^"\s]*?)'
    r'([0-9a-f]{32})-crop\.webp 2x" width="[0-9]+" height="[0-9]+">(<img [^>]*></picture>)'
)


def slices_for_text_size(
    html: str, text_size: str, store: VariantStore, slide_hint: str = ""
) -> str:
    """Point a rendered step's slices at the learner's text size.

    The step's HTML is rendered (and kept) once for everyone; the text size is the
    learner's. Each slice becomes the one cut for that size, with the size a phone shows it
    at; a slice wider than the phone's column is marked `wide` and put in a frame that
    slides sideways on a phone, starting at the box (site.css), named and followed by
    `slide_hint` (HTML-escaped here), which only narrow screens show. A slice the store does
    not know is left as it is.
    """
    if "-crop.webp" not in html:
        return html
    hint = f'<span class="shot-slide">{escape(slide_hint)}</span>' if slide_hint else ""
    # A frame that slides is reached with the keyboard too (arrow keys slide it), by its name.
    label = escape(slide_hint or "")
    frame = f'<span class="slide-frame" tabindex="0" role="group" aria-label="{label}">'

    def swap(match: re.Match) -> str:
        media, folder, key, img = match.groups()
        chosen = store.slice(key, text_size)
        if chosen is None:
            return match.group(0)
        kind = "cropped wide" if chosen.wide else "cropped"
        picture = (
            f'<picture class="{kind}"><source media="{media}" srcset="{folder}{chosen.name}'
            f' {chosen.density:g}x" width="{chosen.shown_width}" height="{chosen.shown_height}">'
            f"{img}"
        )
        return f"{frame}{picture}</span>{hint}" if chosen.wide else picture

    return _SLICE_SOURCE.sub(swap, html)
