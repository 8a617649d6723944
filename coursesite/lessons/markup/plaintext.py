"""The words of a Markdown fragment, for the search index, in time linear in its length.

Search only needs words, and indexing thousands of steps through the full parser takes many
seconds; removing the syntax takes microseconds per step. This did it with five regular
expressions, whose backtracking took 8.5 s on 60,000 `[` (every request of the server waited
meanwhile). Each pass below reads the text once from left to right, and every "where is the
next `]`" question is answered from a cursor that only moves forward, so no character is read
more than a few times whatever the input. The passes give exactly what the expressions gave:
`tests/test_plaintext.py` compares both on random text.

The expressions, for the record, applied in this order:
    1. `!?\\[([^\\]]*)\\]\\([^)]*\\)` → the text (an image's alt text, a link's text)
    2. `\\{[#.]?[^}\\n]*=[^}\\n]*\\}|\\{#[\\w-]+\\}` → a space (attribute lists, heading ids)
    3. `<[^>]*>` → a space (raw HTML tags), then HTML entities decoded
    4. `\\[!\\w+\\]|[*_`~|>#\\[\\]]+|^\\s*[-+]\\s+|^\\s*\\d+[.)]\\s+|-{3,}` (multi-line) → a space
    5. runs of whitespace → one space
"""

from __future__ import annotations

import html
import re

__all__ = ["markdown_text"]

_MARKUP_CLASS = frozenset("*_`~|>#[]")
_WORD_OR_HYPHEN = re.compile(r"[\w-]+")
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
_DASHES = re.compile(r"-+")
_MARKUP_RUN = re.compile(r"[*_`~|>#\[\]]+")


class _Next:
    """Answer "where is the next match of `pattern` at or after i" for i that never decrease.

    The answer for i stays right for every later i up to it, so the text is searched once
    in all: linear, where searching afresh from each i would be quadratic.
    """

    def __init__(self, text: str, pattern: str) -> None:
        self.text = text
        self.pattern = re.compile(pattern)
        self.found = -2  # not searched yet

    def at_or_after(self, i: int) -> int:
        """Return the index of the next match at or after i, or -1 if there is none."""
        if self.found == -1 or self.found >= i:
            return self.found
        match = self.pattern.search(self.text, i)
        self.found = match.start() if match else -1
        return self.found


def _links_to_text(text: str) -> str:
    """Pass 1: replace `[text](url)` and `![alt](src)` by their text."""
    out, i, pos, n = [], 0, 0, len(text)  # text[i:pos] is kept as it is
    closing, url_end = _Next(text, r"\]"), _Next(text, r"\)")
    start = _Next(text, r"\[")
    while True:
        k = start.at_or_after(pos)
        if k == -1:
            break
        j = closing.at_or_after(k + 1)
        if j == -1:
            break  # no `]` anywhere further: no more links
        m = url_end.at_or_after(j + 2) if j + 1 < n and text[j + 1] == "(" else -1
        if m == -1:
            pos = k + 1
            continue
        begin = k - 1 if k > i and text[k - 1] == "!" else k
        out.append(text[i:begin])
        out.append(text[k + 1 : j])
        i = pos = m + 1
    out.append(text[i:])
    return "".join(out)


def _replace_by_space(text: str, candidates: _Next, end_at) -> str:
    """Replace by a space each run text[k:end_at(k)], k taken from `candidates` left to right.

    `end_at(k)` returns where the run starting at k ends, or -1 when none starts there; the
    next candidate is then looked for after k, else after the run.
    """
    out, i, pos, n = [], 0, 0, len(text)  # text[i:pos] is kept as it is
    while pos < n:
        k = candidates.at_or_after(pos)
        if k == -1 or k >= n:
            break
        end = end_at(k)
        if end == -1:
            pos = k + 1
            continue
        out.append(text[i:k])
        out.append(" ")
        i = pos = end
    out.append(text[i:])
    return "".join(out)


def _attributes_to_space(text: str) -> str:
    """Pass 2: replace `{key=value …}` and `{#id}` by a space."""
    line_end = _Next(text, r"[}\n]")
    equals = _Next(text, r"=")

    def end_at(k: int) -> int:
        j = line_end.at_or_after(k + 1)
        e = equals.at_or_after(k + 1)
        if j != -1 and text[j] == "}" and e != -1 and e < j:
            return j + 1
        if text.startswith("{#", k):
            word = _WORD_OR_HYPHEN.match(text, k + 2)
            if word and text.startswith("}", word.end()):
                return word.end() + 1
        return -1

    return _replace_by_space(text, _Next(text, r"\{"), end_at)


def _tags_to_space(text: str) -> str:
    """Pass 3: replace `<…>` by a space."""
    out, i = [], 0
    start, end = _Next(text, "<"), _Next(text, ">")
    while True:
        k = start.at_or_after(i)
        j = end.at_or_after(k + 1) if k != -1 else -1
        if j == -1:
            break  # no `>` further: no more tags
        out.append(text[i:k])
        out.append(" ")
        i = j + 1
    out.append(text[i:])
    return "".join(out)


def _markup_to_space(text: str) -> str:
    """Pass 4: replace emphasis, quote, heading, table and list marks by a space."""
    n = len(text)
    spaces = _Next(text, r"\S")  # the end of a run of whitespace
    digits_at, digits_end = -1, -1

    def after_spaces(p: int) -> int:
        q = spaces.at_or_after(p)
        return n if q == -1 else q

    def end_at(k: int) -> int:
        nonlocal digits_at, digits_end
        if text.startswith("[!", k):
            word = _WORD.match(text, k + 2)
            if word and text.startswith("]", word.end()):
                return word.end() + 1
        if text[k] in _MARKUP_CLASS:
            return _MARKUP_RUN.match(text, k).end()
        if k == 0 or text[k - 1] == "\n":
            j = after_spaces(k)
            if j < n and text[j] in "-+":
                if j + 1 < n and text[j + 1].isspace():
                    return after_spaces(j + 1)
            elif j < n:
                # Many line starts can share one run of whitespace before the same digits.
                if digits_at != j:
                    match = _DIGITS.match(text, j)
                    digits_at, digits_end = j, match.end() if match else -1
                d = digits_end
                if d != -1 and d + 1 < n and text[d] in ".)" and text[d + 1].isspace():
                    return after_spaces(d + 1)
        if text.startswith("---", k):
            return _DASHES.match(text, k).end()
        return -1

    # Places where some alternative may start: a markup character, a dash, a line start.
    return _replace_by_space(text, _Next(text, r"(?m:^)|[*_`~|>#\[\]-]"), end_at)


def markdown_text(source: str) -> str:
    """Return the words of a Markdown fragment: markup removed, words kept, one space between."""
    text = _links_to_text(source)
    text = _attributes_to_space(text)
    text = _tags_to_space(text)
    text = html.unescape(text)
    return " ".join(_markup_to_space(text).split())
