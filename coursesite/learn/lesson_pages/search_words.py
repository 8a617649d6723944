"""What a person typed, as safe FTS5 queries; what the index answered, as marked pieces.

The search index (search.py) runs the queries; this module only turns words into them and
the snippets it sends back into (text, is_match) pieces for the template. Nothing typed can
be read as FTS5 syntax.
"""

import re

from coursesite.lessons.synonyms import Synonyms

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
WORD = re.compile(r"\w+", re.UNICODE)
# Marks around matched words in snippets: characters that never occur in lesson text.
MARK_START, MARK_END = "\x02", "\x03"


def fts_queries(
    text: str, synonyms: Synonyms | None = None, lang: str = ""
) -> tuple[str | None, str | None]:
    """Turn what a person typed into safe FTS5 queries, every word as a prefix: the query
    with synonyms, and the one of the words as typed if the synonyms added any (else None).

    With synonyms, a word or phrase of a group also matches the group's other entries:
    "chômage" finds "assurance-emploi" (`("chomage"* OR "assurance emploi")`).
    """
    text = text[:MAX_QUERY_CHARS]
    if synonyms is None:
        units = [((word,),) for word in WORD.findall(text)]
    else:
        units = synonyms.expand(lang, text)
    # Each word is quoted, so nothing typed can be read as FTS5 syntax (AND, NEAR, *, ").
    # What was typed matches as a prefix ("cour" finds "courriel"); a synonym, as written.
    parts, typed_parts = [], []
    for typed, *others in units[:MAX_TERMS]:
        alternatives = [f'"{" ".join(typed)}"*', *(f'"{" ".join(other)}"' for other in others)]
        parts.append(alternatives[0] if not others else f"({' OR '.join(alternatives)})")
        typed_parts.append(alternatives[0])
    if not parts:
        return None, None
    query, as_typed = " ".join(parts), " ".join(typed_parts)
    return query, as_typed if as_typed != query else None


def split_snippet(snippet: str) -> tuple[tuple[str, bool], ...]:
    """Split a snippet with match marks into (text, is_match) pieces."""
    first, *marked = snippet.split(MARK_START)
    pieces = [(first, False)] if first else []
    for part in marked:  # each starts with a match, up to its end mark
        match, _, after = part.partition(MARK_END)
        if match:
            pieces.append((match, True))
        if after:
            pieces.append((after, False))
    return tuple(pieces)
