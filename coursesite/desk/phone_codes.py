"""Short step codes a learner reads aloud over the phone: "K7PM" opens that very step.

A code is four characters from an alphabet without the look-alikes 0/O and 1/I/L, made by
hashing (lesson id, step id): the same in every language, with nothing stored. Codes are
checked for collisions against every step of the catalogue: when two steps hash alike, the
one whose (lesson id, step id) sorts later is hashed again until its code is free. The table
is rebuilt whenever the catalogue changes, so codes only need to hold steady for the length of
a phone call, which they do unless staff add a colliding step during it.
"""

import hashlib

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 characters: no 0, O, 1, I or L
LENGTH = 4
# What a helper may type: spaces, hyphens and dots are ignored ("k7-pm" finds "K7PM").
IGNORED = str.maketrans("", "", " -._\t")
MAX_TYPED = 20


def hashed_code(lesson_id: str, step_id: str, attempt: int = 0) -> str:
    """Return the code that (lesson id, step id) hashes to on this attempt."""
    digest = hashlib.sha256(f"{lesson_id}\n{step_id}\n{attempt}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def build_table(steps) -> dict[str, tuple[str, str]]:
    """Return {code: (lesson id, step id)} for these steps, every code different."""
    table: dict[str, tuple[str, str]] = {}
    for pair in sorted(set(steps)):
        attempt, code = 0, hashed_code(*pair)
        while code in table:
            attempt += 1
            code = hashed_code(*pair, attempt)
        table[code] = pair
    return table


def normalize(typed: str) -> str:
    """Return the code as stored: capitals, without spaces or hyphens."""
    return (typed or "")[:MAX_TYPED].translate(IGNORED).upper()


class PhoneCodes:
    """The code of every step of a catalogue, rebuilt when the catalogue changes."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self._cached = None  # (snapshot, {code: step}, {step: code}), swapped whole

    def _tables(self):
        snapshot = self.catalogue.current()
        cached = self._cached
        if cached is None or cached[0] is not snapshot:
            # Drafts included: publishing a lesson must not move the codes of the others.
            by_code = build_table(
                (lesson.id, step.id)
                for lesson in snapshot.lessons.values()
                for step in lesson.steps
            )
            cached = (snapshot, by_code, {pair: code for code, pair in by_code.items()})
            self._cached = cached
        return cached

    def code_for(self, lesson_id: str, step_id: str) -> str | None:
        """Return the code of a step, or None for a step the catalogue does not have."""
        return self._tables()[2].get((lesson_id, step_id))

    def find(self, typed: str) -> tuple[str, str] | None:
        """Return (lesson id, step id) for a typed code, or None."""
        return self._tables()[1].get(normalize(typed))

    def near(self, typed: str, limit: int = 5) -> list[tuple[str, str]]:
        """Return steps whose code differs from the typed one by one character (misheard)."""
        code = normalize(typed)
        if len(code) != LENGTH:
            return []
        found = [
            pair
            for other, pair in sorted(self._tables()[1].items())
            if sum(a != b for a, b in zip(code, other, strict=True)) == 1
        ]
        return found[:limit]
