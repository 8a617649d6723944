"""The plain text of lesson Markdown, for search, read-aloud and titles."""

from __future__ import annotations

from html.parser import HTMLParser

from coursesite.lessons.markup.markdown import render_markdown

# Elements whose text is a line of its own.
_TEXT_BLOCKS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "pre", "blockquote", "ul", "ol", "li", "table", "tr",
    "th", "td", "div", "figure", "figcaption",
})  # fmt: skip


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
