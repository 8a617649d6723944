"""What is done to lesson Markdown's tokens between parsing and rendering: GitHub's callouts
get the site's classes and translated titles, `> [!REMEMBER]` becomes a callout of its own,
and each table cell learns its column's title (a phone shows it above the cell)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from markdown_it.token import Token

from coursesite.lessons.markup.sanitize import CALLOUT_KINDS

DEFAULT_CALLOUT_TITLES = {kind: kind.capitalize() for kind in CALLOUT_KINDS} | {
    "remember": "Write it down"
}


def style_callouts(tokens: list[Token], titles: Mapping[str, str]) -> None:
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


def label_table_cells(tokens: list[Token]) -> None:
    """Give each body cell its column's title, which a phone shows above it (a stacked card)."""
    titles: list[str] = []
    column = 0
    for idx, token in enumerate(tokens):
        if token.type == "thead_open":
            titles = []
        elif token.type == "th_open" and idx + 1 < len(tokens):
            inline = tokens[idx + 1]
            words = (c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
            titles.append(" ".join("".join(words).split()))
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            if column < len(titles) and titles[column]:
                token.attrSet("data-label", titles[column])
            column += 1


# `> [!REMEMBER]`: the few things a learner writes down (an address, a number). Shown as a
# callout, and gathered on the lesson's take-home sheet. markdown-it knows only GitHub's five
# alert kinds, so this one is recognised here, on the blockquote's tokens.
REMEMBER_MARK = re.compile(r"\[!REMEMBER\][ \t]*(?:\n|$)", re.IGNORECASE)
REMEMBER_BLOCK = re.compile(r"^ {0,3}> ?\[!REMEMBER\][ \t]*\n((?: {0,3}>.*(?:\n|$))*)", re.I | re.M)


def remember_callouts(tokens: list[Token], title: str) -> list[Token]:
    """Turn `> [!REMEMBER]` blockquotes into "remember" callouts with a translated title."""
    out: list[Token] = []
    open_levels: list[int] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token.type == "blockquote_open"
            and i + 2 < len(tokens)
            and tokens[i + 1].type == "paragraph_open"
            and REMEMBER_MARK.match(tokens[i + 2].content)
        ):
            token.tag, token.attrs = "div", {"class": "callout callout-remember", "role": "note"}
            open_levels.append(token.level)
            heading_open = Token("paragraph_open", "p", 1, attrs={"class": "callout-title"})
            heading = Token("inline", "", 0, children=[Token("text", "", 0, content=title)])
            out += [token, heading_open, heading, Token("paragraph_close", "p", -1)]
            inline = tokens[i + 2]
            rest = REMEMBER_MARK.sub("", inline.content, count=1)
            children = list(inline.children or [])
            # The marker is the first text child, then the line break after it.
            if children and children[0].type == "text":
                children[0].content = REMEMBER_MARK.sub("", children[0].content, count=1)
                if not children[0].content:
                    children.pop(0)
            if children and children[0].type in ("softbreak", "hardbreak"):
                children.pop(0)
            if rest.strip() and children:
                inline.content, inline.children = rest, children
                out += [tokens[i + 1], inline, tokens[i + 3]]
            i += 4
            continue
        if token.type == "blockquote_close" and open_levels and token.level == open_levels[-1]:
            token.tag = "div"
            open_levels.pop()
        out.append(token)
        i += 1
    return out
