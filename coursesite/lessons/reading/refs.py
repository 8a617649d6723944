"""Find the images, links and raw HTML of a lesson body, with their lines, for check and build."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it.token import Token

from coursesite.lessons.markup.markdown import MARKDOWN
from coursesite.lessons.reading.headings import BLOCK_PARSER

# Real paragraphs are under 2,000 characters; markdown-it takes seconds on a huge one full of
# brackets, so longer ones are reported instead of parsed.
MAX_INLINE_CHARS = 20_000


@dataclass(frozen=True)
class ImageRef:
    src: str  # as written, percent-decoded
    alt: str
    line: int
    highlight: str | None = None
    label: str | None = None
    unknown_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkRef:
    href: str
    line: int


@dataclass(frozen=True)
class HtmlRef:
    html: str
    line: int  # line of the first line of `html`


@dataclass
class References:
    images: list[ImageRef] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)
    html: list[HtmlRef] = field(default_factory=list)
    too_long: list[tuple[int, int]] = field(default_factory=list)  # (line, characters)


def _inline_needs_parsing(content: str) -> bool:
    # Only images, links and raw HTML matter here: most paragraphs have none, and
    # skipping their inline parse is what keeps `lessons check` fast.
    return "[" in content or "<" in content


class _Lines:
    """Find successive pieces of an inline text and their line offsets, in one pass."""

    def __init__(self, content: str):
        self.content = content
        self.cursor = 0
        self.line = 0  # line offset of the cursor

    def find(self, needle: str) -> int:
        """Return the line offset of needle at or after the cursor (the cursor's if absent)."""
        found = self.content.find(needle, self.cursor) if needle else -1
        if found < 0:
            return self.line
        # Counting only since the cursor keeps a line with thousands of images linear.
        start = self.line + self.content.count("\n", self.cursor, found)
        self.cursor = found + len(needle)
        self.line = start + needle.count("\n")
        return start


def _scan_inline(token: Token, line: int, env: dict, refs: References) -> None:
    """Parse one inline token (if it may hold anything) and record what it holds."""
    content = token.content
    if not _inline_needs_parsing(content):
        return
    if len(content) > MAX_INLINE_CHARS:
        refs.too_long.append((line, len(content)))
        return
    children: list[Token] = []
    MARKDOWN.inline.parse(content, MARKDOWN, env, children)
    lines = _Lines(content)
    for child in children:
        if child.type == "image":
            src = unquote(str(child.attrGet("src") or ""))
            offset = lines.find(src)
            unknown = tuple((child.meta or {}).get("insecure_attrs", {}))
            highlight, label = child.attrGet("highlight"), child.attrGet("label")
            refs.images.append(
                ImageRef(
                    src,
                    child.content.strip(),
                    line + offset,
                    None if highlight is None else str(highlight),
                    None if label is None else str(label),
                    unknown,
                )
            )
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            offset = lines.find(unquote(href))
            refs.links.append(LinkRef(href, line + offset))
        elif child.type == "html_inline":
            offset = lines.find(child.content)
            refs.html.append(HtmlRef(child.content, line + offset))


def find_references(tokens: list[Token], env: dict, first_line: int = 1) -> References:
    """Return what the block tokens of a lesson body refer to; lines count from first_line."""
    refs = References()
    line = first_line
    for token in tokens:
        if token.map:
            line = first_line + token.map[0]
        if token.type == "html_block":
            refs.html.append(HtmlRef(token.content, line))
        elif token.type == "inline":
            _scan_inline(token, line, env, refs)
    return refs


def scan(source: str, first_line: int = 1) -> References:
    """Return the images, links and raw HTML of a piece of lesson Markdown."""
    env: dict = {}
    return find_references(BLOCK_PARSER.parse(source, env), env, first_line)
