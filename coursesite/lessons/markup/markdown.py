"""Turn lesson Markdown into safe HTML: markdown-it-py renders, bleach sanitises."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.attrs import attrs_plugin

from coursesite.lessons.markup.markdown_passes import (
    DEFAULT_CALLOUT_TITLES,
    REMEMBER_BLOCK,
    label_table_cells,
    remember_callouts,
    style_callouts,
)
from coursesite.lessons.markup.sanitize import (
    CALLOUT_KINDS,
    clean_chars,
    is_safe_relative,
    is_same_origin,
    sanitize_html,
)
from coursesite.lessons.markup.typography import (
    allow_address_breaks,
    keep_french_punctuation_together,
)
from coursesite.lessons.pictures.highlights import parse_highlight, split_labels

__all__ = [
    "CALLOUT_KINDS",
    "ImageInfo",
    "ImageRef",
    "image_refs",
    "remember_sources",
    "render_markdown",
    "sanitize_html",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageInfo:
    url: str  # URL the browser should load
    width: int | None
    height: int | None
    srcset: str | None = None  # smaller copies, "url 480w, url 960w"
    full_url: str | None = None  # the picture at full size, offered as a link under it
    # The slice around the highlight boxes that narrow screens show first (2 px per CSS px).
    crop_url: str | None = None
    crop_width: int | None = None  # in CSS pixels
    crop_height: int | None = None


ImageResolver = Callable[..., ImageInfo | None]  # (src) or (src, highlight=boxes)
LessonResolver = Callable[[str], str | None]  # lesson id -> URL, None if there is none

# How wide a screenshot shows: the page column is 46rem of 20 px less its 1rem margins. A
# `sizes` length in rem would count 16-px rem (media-query units), hence pixels here.
IMAGE_SIZES = "(max-width: 920px) calc(100vw - 40px), 880px"
# Where a phone shows the slice around the highlight instead of the whole screen (40 rem of
# 16 px: media queries count the browser's rem, not the page's).
NARROW = "(max-width: 40rem)"
# `[text](lesson:other-lesson)` links to another lesson in the same language.
LESSON_LINK = re.compile(r"lesson:([A-Za-z0-9][A-Za-z0-9_-]{0,99})")
# Attributes an image may carry in `{…}` after it; others are ignored (and reported by check).
IMAGE_ATTRIBUTES = ("highlight", "label")


@dataclass
class _RenderState:
    """What the image and link rules need during one render call."""

    resolve_image: ImageResolver | None
    resolve_lesson: LessonResolver | None = None
    full_size_label: str = "Open full size"
    whole_screen_label: str = "See the whole screen"
    picture_link: Callable[[int], str] | None = None  # k (from 1) -> the picture's own page
    images_shown: int = 0


def _alt_with_label(alt: str, label: str | None) -> str:
    """Append a highlight's labels to the alt text: screen readers cannot see the boxes."""
    for part in split_labels(label):
        if not alt or alt.endswith((".", "!", "?", "…", ":")):
            alt = f"{alt} {part}".strip()
        else:
            alt = f"{alt}. {part}"
    return alt


def _resolve(state: _RenderState, src: str, highlight: str | None) -> ImageInfo | None:
    """Ask the resolver for an image, with its highlight boxes when they make sense."""
    if state.resolve_image is None:
        return ImageInfo(src, None, None) if is_safe_relative(src) else None
    boxes = ()
    # A bad spec shows the picture without its box; `coursesite lessons check` reports it.
    with contextlib.suppress(ValueError):
        boxes = parse_highlight(highlight) if highlight else ()
    try:
        if boxes:
            return state.resolve_image(src, highlight=boxes)
        return state.resolve_image(src)
    except Exception:
        log.exception("Image resolver failed for %r", src)
        return None


def _render_image(renderer, tokens, idx, options, env) -> str:
    """Render an image as a same-origin <img>, or its alt text when it cannot be shown."""
    token = tokens[idx]
    children = [t for t in token.children or [] if not t.type.startswith("html")]
    alt = renderer.renderInlineAsText(children, options, env).replace("\n", " ").strip()
    alt = _alt_with_label(alt, token.attrGet("label"))
    state: _RenderState = env["coursesite_render"]
    # markdown-it percent-encodes the src; the resolver wants the path as written.
    info = _resolve(state, unquote(str(token.attrGet("src") or "")), token.attrGet("highlight"))
    if info is None or not is_same_origin(info.url):
        return f'<span class="missing-image">{escape(alt)}</span>'
    attrs = {"src": info.url, "srcset": info.srcset, "sizes": info.srcset and IMAGE_SIZES}
    attrs |= {"alt": alt, "title": token.attrGet("title")}
    attrs |= {"width": info.width, "height": info.height}
    # The first image of a step is its main screenshot: load it at once, defer the rest.
    attrs |= {"loading": "lazy" if state.images_shown else None, "decoding": "async"}
    state.images_shown += 1
    shown = (f'{name}="{escape(value)}"' for name, value in attrs.items() if value is not None)
    img = f"<img {' '.join(shown)}>"
    if info.crop_url:
        # Art direction: a narrow screen shows the slice around the highlight, large
        # enough to read; the alt text is the same, for it is the same picture.
        size = f'width="{info.crop_width}" height="{info.crop_height}"'
        source = f'<source media="{NARROW}" srcset="{escape(info.crop_url)} 2x" {size}>'
        img = f'<picture class="cropped">{source}{img}</picture>'
    picture_page = state.picture_link(state.images_shown) if state.picture_link else None
    target = picture_page if (info.full_url or info.crop_url) and picture_page else info.full_url
    if not target:
        return img
    # A small link under the picture rather than a link around it: a learner who taps
    # the screenshot by accident on a phone is not taken away from the step.
    label = state.whole_screen_label if info.crop_url else state.full_size_label
    link = f'<a href="{escape(target)}">{escape(label)}</a>'
    return f'<span class="shot">{img}<span class="shot-full">{link}</span></span>'


def _link_lessons(tokens: list[Token], state: _RenderState) -> None:
    """Point `lesson:ID` links at the lesson; unlink them when there is no such lesson."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        kept, dropping = [], False
        for child in token.children:
            if child.type == "link_open":
                match = LESSON_LINK.fullmatch(str(child.attrGet("href") or ""))
                if match:
                    resolve = state.resolve_lesson
                    url = resolve(match.group(1)) if resolve else None
                    if url is None:
                        dropping = True
                        continue
                    child.attrSet("href", url)
            elif child.type == "link_close" and dropping:
                dropping = False
                continue
            kept.append(child)
        token.children = kept


def build_markdown() -> MarkdownIt:
    """Build the one parser configuration used for every lesson."""
    # "alerts" (markdown-it-py >= 4.1) turns GitHub "> [!TIP]" blockquotes into alert tokens.
    md = MarkdownIt("commonmark", {"html": True, "alerts": True})
    md.enable(["table", "strikethrough"])
    # `![alt](shot.png){highlight="72,80,20,10"}`; other attributes land in meta, unused.
    attrs_plugin(md, after=("image",), allowed=IMAGE_ATTRIBUTES)
    md.add_render_rule("image", _render_image)
    return md


MARKDOWN = build_markdown()
_MD = MARKDOWN


@dataclass(frozen=True)
class ImageRef:
    """A picture as written in a step: its file, its boxes and the alt text people hear."""

    src: str
    highlight: str | None
    alt: str


def image_refs(source: str) -> list[ImageRef]:
    """Return the pictures of a Markdown fragment, in the order they are shown."""
    env: dict = {}
    refs = []
    for block in _MD.parse(clean_chars(source), env):
        for token in block.children or []:
            if token.type != "image":
                continue
            children = [t for t in token.children or [] if not t.type.startswith("html")]
            alt = _MD.renderer.renderInlineAsText(children, _MD.options, env)
            alt = _alt_with_label(alt.replace("\n", " ").strip(), token.attrGet("label"))
            src = unquote(str(token.attrGet("src") or ""))
            refs.append(ImageRef(src, token.attrGet("highlight"), alt))
    return refs


def remember_sources(source: str) -> list[str]:
    """Return the Markdown inside each `> [!REMEMBER]` callout of a fragment, in order."""
    found = []
    for match in REMEMBER_BLOCK.finditer(source):
        lines = [re.sub(r"^ {0,3}> ?", "", line) for line in match.group(1).splitlines()]
        body = "\n".join(lines).strip()
        if body:
            found.append(body)
    return found


def _too_deep(tokens: list[Token]) -> bool:
    """Tell whether markdown-it hit its nesting limit, where it silently drops content."""
    limit = _MD.options["maxNesting"] - 1
    return any(t.nesting == 1 and t.level >= limit for t in tokens)


def render_markdown(
    source: str,
    *,
    resolve_image: ImageResolver | None = None,
    callout_titles: Mapping[str, str] | None = None,
    inline: bool = False,
    resolve_lesson: LessonResolver | None = None,
    full_size_label: str = "Open full size",
    whole_screen_label: str = "See the whole screen",
    picture_link: Callable[[int], str] | None = None,
) -> Markup:
    """Render lesson Markdown to sanitised HTML that is safe to put in a page."""
    source = keep_french_punctuation_together(clean_chars(source))
    state = _RenderState(
        resolve_image, resolve_lesson, full_size_label, whole_screen_label, picture_link
    )
    env = {"coursesite_render": state}
    try:
        if inline:
            tokens = _MD.parseInline(source, env)
        else:
            tokens = _MD.parse(source, env)
            if _too_deep(tokens):
                log.warning("Markdown nested too deeply; showing it as plain text")
                return Markup(sanitize_html(f"<pre>{escape(source)}</pre>"))
            style_callouts(tokens, callout_titles or {})
            remember = (callout_titles or {}).get("remember") or DEFAULT_CALLOUT_TITLES["remember"]
            tokens = remember_callouts(tokens, remember)
            label_table_cells(tokens)
        _link_lessons(tokens, state)
        rendered = allow_address_breaks(_MD.renderer.render(tokens, _MD.options, env))
        return Markup(sanitize_html(rendered))
    except Exception:  # a broken lesson must still show its text, never an error page
        log.exception("Could not render Markdown (%d characters)", len(source))
        return Markup(f"<pre>{escape(source)}</pre>")
