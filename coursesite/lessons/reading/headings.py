"""Find the top-level `##` headings that start steps, fast, as CommonMark would."""

import re

from coursesite.lessons.markup.markdown import build_markdown

# The lesson parser without its inline stage is the reference: it knows that a `##` in a
# code block, a quote or a list item does not start a step, in half the time of a full parse.
BLOCK_PARSER = build_markdown().disable("inline")

# A backtick fence's info string may not hold a backtick (CommonMark 4.5); a closing fence is
# indented at most three spaces and has nothing after it but spaces.
FENCE = re.compile(r"^ {0,3}(`{3,}(?=[^`]*$)|~{3,})")
CLOSING_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
ATX_H2 = re.compile(r"^##(?:[ \t]+(.*?))?[ \t]*$")
CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
SETEXT_DASHES = re.compile(r"^ {0,3}-+[ \t]*$")

Heading = tuple[int, int, str]  # (first line index, line index after it, heading text)


def find_headings(body: str) -> list[Heading]:
    """Return the step headings of a lesson body.

    Start-up reads every lesson, and the full parser costs about 1 ms per lesson, so a
    line scanner handles ordinary lessons and hands anything it is unsure about (indented
    headings, HTML blocks, setext underlines) to the full parser.
    """
    headings = scan_lines(body.split("\n"))
    return parse_with_markdown_it(body) if headings is None else headings


def scan_lines(lines: list[str]) -> list[Heading] | None:
    """Return the headings of plain lessons, or None when the full parser must decide."""
    headings: list[Heading] = []
    fence: str | None = None
    previous_blank = True
    for index, line in enumerate(lines):
        if fence:
            closing = CLOSING_FENCE.match(line)
            if closing and closing.group(1).startswith(fence):
                fence = None
            previous_blank = False
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening.group(1)
            previous_blank = False
            continue
        stripped = line.lstrip(" ")
        if stripped.startswith("<") or (stripped.startswith("##") and stripped != line):
            return None  # an HTML block or an indented heading: let the real parser decide
        if not previous_blank and SETEXT_DASHES.match(line):
            return None  # `Title` over `---` is a heading too
        match = ATX_H2.match(line)
        if match:
            text = CLOSING_HASHES.sub("", match.group(1) or "").strip()
            headings.append((index, index + 1, text))
        previous_blank = not line.strip()
    return headings


def parse_with_markdown_it(body: str) -> list[Heading]:
    """Return the top-level h2 headings as the CommonMark parser sees them."""
    return headings_from_tokens(BLOCK_PARSER.parse(body))


def headings_from_tokens(tokens) -> list[Heading]:
    """Return the top-level h2 headings of already parsed block tokens."""
    return [
        (token.map[0], token.map[1], tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0 and token.map
    ]
