"""Turn lesson Markdown into safe HTML: markdown-it-py renders, bleach sanitises."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote

import bleach
from bleach import html5lib_shim
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageInfo:
    url: str  # URL the browser should load
    width: int | None
    height: int | None


ImageResolver = Callable[[str], ImageInfo | None]

CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")
DEFAULT_CALLOUT_TITLES = {kind: kind.capitalize() for kind in CALLOUT_KINDS}

# fmt: off
_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "del", "s", "sub", "sup",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "div", "span", "figure", "figcaption", "abbr", "mark",
})
# Their text is code, a fallback or invisible: dropping the tag but keeping the text
# would print "alert(1)" or CSS on the page, so these go with everything inside them.
_DROP_WITH_CONTENT = frozenset({
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
    "embed", "applet", "noembed", "noframes", "title", "svg", "math",
})
_TEXT_BLOCKS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "pre", "blockquote", "ul", "ol", "li", "table", "tr",
    "th", "td", "div", "figure", "figcaption",
})
# fmt: on
_CLASSES = frozenset(
    [f"callout-{kind}" for kind in CALLOUT_KINDS]
    + ["callout", "callout-title", "missing-image", "highlight", "highlight-box"]
)
_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
# Browsers drop tabs and newlines anywhere in a URL and trim controls and spaces.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _is_same_origin(url: str) -> bool:
    """Tell whether url can only load from this site (a relative or /-rooted path)."""
    url = _URL_IGNORED.sub("", html.unescape(url))
    return bool(url) and "\\" not in url and not url.startswith("//") and not _SCHEME.match(url)


def _is_safe_relative(src: str) -> bool:
    """Tell whether src is a plain path inside the lesson folder."""
    return _is_same_origin(src) and not src.startswith("/") and ".." not in src.split("/")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Tell bleach whether one attribute may stay on an allowed tag."""
    if name == "class" and tag in ("div", "p", "span"):
        return bool(value.split()) and set(value.split()) <= _CLASSES
    if tag == "div" and name == "role":
        return value == "note"
    if tag == "img":
        if name == "src":
            return _is_same_origin(value)
        if name in ("width", "height"):
            return re.fullmatch(r"[0-9]{1,5}", value) is not None
        if name == "loading":
            return value in ("lazy", "eager")
        if name == "decoding":
            return value in ("async", "sync", "auto")
        return name in ("alt", "title")
    if name in ("colspan", "rowspan") and tag in ("th", "td"):
        return re.fullmatch(r"[0-9]{1,3}", value) is not None
    allowed = {"a": ("href", "title", "rel"), "th": ("scope",), "abbr": ("title",)}
    return name in allowed.get(tag, ())


class _DropContentFilter(html5lib_shim.Filter):
    """Drop script-like elements together with everything inside them."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            if depth:
                depth += {"StartTag": 1, "EndTag": -1}.get(kind, 0)
            elif kind in ("StartTag", "EmptyTag") and token["name"].lower() in _DROP_WITH_CONTENT:
                depth = int(kind == "StartTag")
            else:
                yield token


class _ExternalLinkFilter(html5lib_shim.Filter):
    """Mark links to other sites rel="noopener noreferrer"."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                href = _URL_IGNORED.sub("", html.unescape(token["data"].get((None, "href"), "")))
                if href.startswith("//") or href.lower().startswith(("http:", "https:")):
                    token["data"][(None, "rel")] = "noopener noreferrer"
            yield token


class _LessonCleaner(bleach.Cleaner):
    """A bleach Cleaner with the lesson allowlist that also drops script-like content."""

    def __init__(self) -> None:
        super().__init__(
            tags=_TAGS,
            attributes=_allow_attribute,
            protocols=_PROTOCOLS,
            strip=True,
            filters=[_ExternalLinkFilter],
        )
        # bleach's tokenizer turns disallowed tags into text before any filter runs, which
        # would leave the body of <script> on the page: let the parser build those elements
        # so that the walker can drop them whole before bleach's own filter sees the stream.
        self.parser = html5lib_shim.BleachHTMLParser(
            tags=_TAGS | _DROP_WITH_CONTENT,
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )
        walk = self.walker
        self.walker = lambda dom: _DropContentFilter(walk(dom))


def _clean_chars(text: str) -> str:
    """Remove control characters and lone surrogates, which no page can carry."""
    return _CONTROL_CHARS.sub("", _SURROGATES.sub("\ufffd", text))


def sanitize_html(html: str) -> str:
    """Reduce HTML to the lesson allowlist so that nothing in it can run script."""
    # A Cleaner is not thread-safe (its parser keeps state), so each call gets its own.
    return _LessonCleaner().clean(_clean_chars(html))


@dataclass
class _RenderState:
    """What the image rule needs during one render call."""

    resolve_image: ImageResolver | None
    images_shown: int = 0


def _render_image(renderer, tokens, idx, options, env) -> str:
    """Render an image as a same-origin <img>, or its alt text when it cannot be shown."""
    token = tokens[idx]
    children = [t for t in token.children or [] if not t.type.startswith("html")]
    alt = renderer.renderInlineAsText(children, options, env).replace("\n", " ").strip()
    src = str(token.attrGet("src") or "")
    state: _RenderState = env["coursesite_render"]
    info = None
    if state.resolve_image is None:
        if _is_safe_relative(unquote(src)):
            info = ImageInfo(src, None, None)
    else:
        try:
            # markdown-it percent-encodes the src; the resolver wants the path as written.
            info = state.resolve_image(unquote(src))
        except Exception:
            log.exception("Image resolver failed for %r", src)
    if info is None or not _is_same_origin(info.url):
        return f'<span class="missing-image">{escape(alt)}</span>'
    attrs = {"src": info.url, "alt": alt, "title": token.attrGet("title")}
    attrs |= {"width": info.width, "height": info.height}
    # The first image of a step is its main screenshot: load it at once, defer the rest.
    attrs |= {"loading": "lazy" if state.images_shown else None, "decoding": "async"}
    state.images_shown += 1
    shown = (f'{name}="{escape(value)}"' for name, value in attrs.items() if value is not None)
    return f"<img {' '.join(shown)}>"


def _build_markdown() -> MarkdownIt:
    """Build the one parser configuration used for every lesson."""
    # "alerts" (markdown-it-py >= 4.1) turns GitHub "> [!TIP]" blockquotes into alert tokens.
    md = MarkdownIt("commonmark", {"html": True, "alerts": True})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _render_image)
    return md


_MD = _build_markdown()


def _style_callouts(tokens: list[Token], titles: Mapping[str, str]) -> None:
    """Give alert tokens the site's callout classes and translated titles."""
    for idx, token in enumerate(tokens):
        if token.type == "alert_open":
            # markdown-it emits alert_open, alert_title_open, inline (the title), ...
            kind = str(token.meta["kind"]).lower()
            title = titles.get(kind) or DEFAULT_CALLOUT_TITLES[kind]
            token.attrs = {"class": f"callout callout-{kind}", "role": "note"}
            tokens[idx + 1].attrs = {"class": "callout-title"}
            # A text token, not parsed Markdown: the renderer escapes it as it is.
            tokens[idx + 2].children = [Token("text", "", 0, content=title)]


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
) -> Markup:
    """Render lesson Markdown to sanitised HTML that is safe to put in a page."""
    source = _clean_chars(source)
    env = {"coursesite_render": _RenderState(resolve_image)}
    try:
        if inline:
            rendered = _MD.renderInline(source, env)
        else:
            tokens = _MD.parse(source, env)
            if _too_deep(tokens):
                log.warning("Markdown nested too deeply; showing it as plain text")
                return Markup(sanitize_html(f"<pre>{escape(source)}</pre>"))
            _style_callouts(tokens, callout_titles or {})
            rendered = _MD.renderer.render(tokens, _MD.options, env)
        return Markup(sanitize_html(rendered))
    except Exception:  # a broken lesson must still show its text, never an error page
        log.exception("Could not render Markdown (%d characters)", len(source))
        return Markup(f"<pre>{escape(source)}</pre>")


class _TextExtractor(HTMLParser):
    """Collect the text of sanitised HTML, one line per block, callout titles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if self.skip_depth or ("class", "callout-title") in attrs:
            self.skip_depth += tag not in ("br", "hr", "img")
        elif tag in _TEXT_BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if self.skip_depth:
            self.skip_depth -= 1
        elif tag in _TEXT_BLOCKS:
            self.blocks.append([])

    def handle_data(self, data):
        if not self.skip_depth:
            self.blocks[-1].append(data)

    def text(self) -> str:
        lines = (" ".join("".join(block).split()) for block in self.blocks)
        return "\n".join(line for line in lines if line)


def strip_to_text(source: str) -> str:
    """Return the plain text of a Markdown fragment, for search, read-aloud and titles.

    One-line sources (step titles) are read as inline Markdown so "1. Open" keeps its "1.".
    Images contribute their alt text; callout titles are left out.
    """
    inline = "\n" not in source.strip()
    rendered = render_markdown(source, resolve_image=lambda src: None, inline=inline)
    extractor = _TextExtractor()
    extractor.feed(str(rendered))
    extractor.close()
    return extractor.text()
