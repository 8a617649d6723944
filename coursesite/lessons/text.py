"""Text as the site compares it: without accents or capitals, for ids, names and searches.

Lives with the lessons because they are the bottom layer: everything else may import it.
"""

import unicodedata


def without_accents(text: str) -> str:
    """Return the text in plain ASCII letters: "Marie-Ève" gives "Marie-Eve"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def comparable(text: str) -> str:
    """Return text as compared: "Carole  TREMBLAY" and "carôle tremblay" are the same."""
    return " ".join(without_accents(text).casefold().split())
