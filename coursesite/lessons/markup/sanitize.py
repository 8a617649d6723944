"""The lesson HTML allowlist: bleach keeps it, and the check tells staff what it drops."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import bleach
from bleach import html5lib_shim

# fmt: off
TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "del", "s", "sub", "sup",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "div", "span", "figure", "figcaption", "abbr", "mark", "picture", "source",
    "wbr",
})
# Their text is code, a fallback or invisible: dropping the tag but keeping the text
# would print "alert(1)" or CSS on the page, so these go with everything inside them.
DROP_WITH_CONTENT = frozenset({
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
    "embed", "applet", "noembed", "noframes", "title", "svg", "math",
})
# fmt: on
CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")
# "shot" wraps a screenshot and its "open full size" link (see markdown.py).
CLASSES = frozenset(
    [f"callout-{kind}" for kind in CALLOUT_KINDS]
    + ["callout", "callout-title", "missing-image", "highlight", "highlight-box"]
    + ["shot", "shot-full", "callout-remember"]
)
# Raw links may leave the site only over HTTPS, or open mail and the phone; `lesson:` links
# are turned into site paths before the sanitiser runs (an unresolved one stays inert).
PROTOCOLS = frozenset({"https", "mailto", "tel", "lesson"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# Browsers drop tabs and newlines anywhere in a URL and trim controls and spaces; the check
# drops more than they do (every space, control and invisible format character), so that
# what it reads as the scheme is never shorter than what a browser would read.
_URL_IGNORED = re.compile(
    r"[\x00-\x20\x7f-\xa0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_SRCSET_CANDIDATE = re.compile(r"(\S+)\s+(?:[0-9]{1,5}w|[1-4]x)")
# The one media query a <source> may carry: the narrow screens of markdown.NARROW.
SOURCE_MEDIA = "(max-width: 40rem)"
_SIZES = re.compile(r"[a-z0-9().,:% -]{1,100}")
_LESSON_LINK = re.compile(r"lesson:[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
# The only places of the site a lesson may point to: the learners' pages of a language
# (/fr/…, /en/…) and the lessons' pictures. Never sign-in cards (`/s/`), sign-in or sign-out,
# forms that change something, or the helpers' and staff's pages.
_SITE_LINK_PATH = re.compile(r"/(?:[a-z]{2}(?:/.*)?|media/v/[^/]+)")
_SITE_IMAGE_PATH = re.compile(r"/(?:[a-z]{2}/lessons/[^/]+/media/[^/].*|media/(?:v/)?[^/].*)")


def _plain_url(url: str) -> str:
    """Return url as a browser reads it, less every character it might ignore."""
    return _URL_IGNORED.sub("", html.unescape(url))


def _relative_path(url: str) -> str | None:
    """Return the decoded path of a relative URL with no way out of the site, else None."""
    if _SCHEME.match(url) or "\\" in url or url.startswith("//"):
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    decoded = unquote(path)
    # Encoded slashes would be read as separators by the server once decoded; dot segments,
    # written plainly or percent-encoded, would climb out of the lesson's folder.
    if "\\" in decoded or decoded.count("/") != path.count("/"):
        return None
    segments = decoded.split("/")
    if any(segment in (".", "..") for segment in segments):
        return None
    # "%6Aavascript:…" is a harmless path to a browser, but nothing a lesson needs either.
    if ":" in segments[0]:
        return None
    return decoded


def is_same_origin(url: str) -> bool:
    """Tell whether url can only load from this site (a relative or /-rooted path)."""
    url = _plain_url(url)
    return bool(url) and _relative_path(url) is not None


def is_safe_relative(src: str) -> bool:
    """Tell whether src is a plain path inside the lesson folder."""
    return is_same_origin(src) and not _plain_url(src).startswith("/")


def is_allowed_image(src: str) -> bool:
    """Tell whether an image may load from src: a lesson's picture on this site, nothing else."""
    path = _relative_path(_plain_url(src))
    if path is None or not _plain_url(src):
        return False
    return not path.startswith("/") or _SITE_IMAGE_PATH.fullmatch(path) is not None


def is_allowed_link(href: str) -> bool:
    """Tell whether a link may stay: https, mail, phone, lesson, or a learners' page here."""
    plain = _plain_url(href)
    scheme = _SCHEME.match(plain)
    if scheme:
        name = scheme.group(1).lower()
        rest = plain[scheme.end() :]
        if name == "https":
            # "https:/s/x" (one slash or none) is a path on the page's own site for a browser.
            return re.match(r"//[^/\\?#@]+(?:[/?#]|$)", rest) is not None and "\\" not in rest
        if name in ("mailto", "tel"):
            return bool(rest)
        return name == "lesson" and _LESSON_LINK.fullmatch(plain) is not None
    path = _relative_path(plain)
    if path is None:
        return False
    return not path.startswith("/") or _SITE_LINK_PATH.fullmatch(path) is not None


def _is_same_origin_srcset(value: str) -> bool:
    """Tell whether every candidate of a srcset is a same-origin URL with a width."""
    candidates = [c.strip() for c in value.split(",")]
    matches = [_SRCSET_CANDIDATE.fullmatch(c) for c in candidates]
    return all(m and is_allowed_image(m.group(1)) for m in matches)


def allow_attribute(tag: str, name: str, value: str) -> bool:
    """Tell bleach whether one attribute may stay on an allowed tag."""
    if name == "class" and tag in ("div", "p", "span"):
        return bool(value.split()) and set(value.split()) <= CLASSES
    if tag == "div" and name == "role":
        return value == "note"
    if tag == "img":
        if name == "src":
            return is_allowed_image(value)
        if name == "srcset":
            return _is_same_origin_srcset(value)
        if name == "sizes":
            return _SIZES.fullmatch(value) is not None
        if name in ("width", "height"):
            return re.fullmatch(r"[0-9]{1,5}", value) is not None
        if name == "loading":
            return value in ("lazy", "eager")
        if name == "decoding":
            return value in ("async", "sync", "auto")
        return name in ("alt", "title")
    if tag == "source":
        if name == "srcset":
            return _is_same_origin_srcset(value)
        if name == "media":
            return value == SOURCE_MEDIA
        if name in ("width", "height"):
            return re.fullmatch(r"[0-9]{1,5}", value) is not None
        return False
    if tag == "picture":
        return name == "class" and value == "cropped"
    if name == "data-label" and tag == "td":
        return len(value) <= 200  # the column's title, shown beside the cell on a phone
    if name in ("colspan", "rowspan") and tag in ("th", "td"):
        return re.fullmatch(r"[0-9]{1,3}", value) is not None
    if tag == "a" and name == "href":
        return is_allowed_link(value)
    allowed = {"a": ("title", "rel"), "th": ("scope",), "abbr": ("title",)}
    return name in allowed.get(tag, ())


class _DropContentFilter(html5lib_shim.Filter):
    """Drop script-like elements together with everything inside them."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            if depth:
                depth += {"StartTag": 1, "EndTag": -1}.get(kind, 0)
            elif kind in ("StartTag", "EmptyTag") and token["name"].lower() in DROP_WITH_CONTENT:
                depth = int(kind == "StartTag")
            else:
                yield token


class _ExternalLinkFilter(html5lib_shim.Filter):
    """Mark links to other sites rel="noopener noreferrer"."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                href = _plain_url(token["data"].get((None, "href"), ""))
                if href.lower().startswith("https:"):
                    token["data"][(None, "rel")] = "noopener noreferrer"
            yield token


class _LessonCleaner(bleach.Cleaner):
    """A bleach Cleaner with the lesson allowlist that also drops script-like content."""

    def __init__(self) -> None:
        super().__init__(
            tags=TAGS,
            attributes=allow_attribute,
            protocols=PROTOCOLS,
            strip=True,
            filters=[_ExternalLinkFilter],
        )
        # bleach's tokenizer turns disallowed tags into text before any filter runs, which
        # would leave the body of <script> on the page: let the parser build those elements
        # so that the walker can drop them whole before bleach's own filter sees the stream.
        self.parser = html5lib_shim.BleachHTMLParser(
            tags=TAGS | DROP_WITH_CONTENT,
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )
        walk = self.walker
        self.walker = lambda dom: _DropContentFilter(walk(dom))


def clean_chars(text: str) -> str:
    """Remove control characters and lone surrogates, which no page can carry."""
    return _CONTROL_CHARS.sub("", _SURROGATES.sub("\ufffd", text))


def sanitize_html(html: str) -> str:
    """Reduce HTML to the lesson allowlist so that nothing in it can run script."""
    # A Cleaner is not thread-safe (its parser keeps state), so each call gets its own.
    return _LessonCleaner().clean(clean_chars(html))


class _TagLister(HTMLParser):
    """Collect the start tags of a piece of raw HTML, with their attributes and lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((self.getpos()[0], tag, attrs))


def removed_by_sanitiser(raw_html: str) -> list[tuple[int, str]]:
    """Return (line within raw_html, what goes) for each thing the sanitiser will remove.

    Checks each tag and attribute against the same allowlist bleach uses, rather than
    diffing bleach's output, whose re-serialisation changes quotes and spacing.
    """
    lister = _TagLister()
    lister.feed(raw_html)
    lister.close()
    removed = []
    for line, tag, attrs in lister.tags:
        if tag in DROP_WITH_CONTENT:
            removed.append((line, f"<{tag}> and everything inside it"))
        elif tag not in TAGS:
            removed.append((line, f"the <{tag}> tag (its text stays)"))
        else:
            for name, value in attrs:
                value = value or ""
                if not allow_attribute(tag, name, value):
                    removed.append((line, f'{name}="{value[:40]}" on <{tag}>'))
    return removed
