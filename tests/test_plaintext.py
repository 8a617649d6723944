"""The search index's Markdown stripping: the same words as before, in linear time."""

import html
import random
import re
import time
from pathlib import Path

import pytest

from coursesite.lessons.markup.plaintext import markdown_text

# What the search index used before: right, but quadratic (or worse) on hostile text.
IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
ATTRIBUTES = re.compile(r"\{[#.]?[^}\n]*=[^}\n]*\}|\{#[\w-]+\}")
TAG = re.compile(r"<[^>]*>")
MARKUP = re.compile(r"\[!\w+\]|[*_`~|>#\[\]]+|^\s*[-+]\s+|^\s*\d+[.)]\s+|-{3,}", re.M)


def regex_text(source: str) -> str:
    text = IMAGE_OR_LINK.sub(r"\1", source)
    text = ATTRIBUTES.sub(" ", text)
    text = TAG.sub(" ", text)
    text = html.unescape(text)
    return " ".join(MARKUP.sub(" ", text).split())


EXAMPLES = [
    ("## Ouvrir **Gmail** {#ouvrir}", "Ouvrir Gmail"),
    ('![La boîte de réception](boite.png){highlight="1,2,3,4"}', "La boîte de réception"),
    ("Voir [l'aide](https://aide.example/a_(b)) et ~~rien~~.", "Voir l'aide) et rien ."),
    ("> [!TIP]\n> Appuyez sur « Suivant ».", "Appuyez sur « Suivant »."),
    ("1. Un\n2) Deux\n- Trois\n+ Quatre\n\n---\n", "Un Deux Trois Quatre"),
    ("| a | b |\n|---|---|\n| `c` | d |", "a b c d"),
    ("<kbd>Ctrl</kbd> + <kbd>C</kbd> &amp; &eacute;", "Ctrl + C & é"),
    ("[!NOTE] 3.5 %", "3.5 %"),
]


@pytest.mark.parametrize("source,words", EXAMPLES)
def test_markup_goes_and_words_stay(source, words):
    assert markdown_text(source) == words
    assert regex_text(source) == words


ALPHABET = "[]()!{}#.=<>*_`~|-+ \n\t12ab&;:é\u00a0"


def test_the_same_words_as_the_regular_expressions_on_random_text():
    rng = random.Random(11)
    for _ in range(20_000):
        source = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert markdown_text(source) == regex_text(source), repr(source)


def test_the_same_words_on_every_starter_and_test_lesson():
    root = Path(__file__).parents[1]
    files = [*(root / "lessons").rglob("*.md"), *(root / "tests" / "data").rglob("*.md")]
    sources = [path.read_text(encoding="utf-8", errors="replace") for path in files]
    assert sources
    for source in sources:
        assert markdown_text(source) == regex_text(source)


SIZE = 250_000
PATHOLOGICAL = {
    "brackets": "[" * SIZE,
    "image openers": "![" * (SIZE // 2),
    "links never closed": "[a](" * (SIZE // 4),
    "link text never closed": "[a" * (SIZE // 2) + "](b",
    "braces": "{" * SIZE,
    "braces with equals": "{=" * (SIZE // 2),
    "ids never closed": "{#a" * (SIZE // 3),
    "equals after a brace": "{" + "=" * SIZE,
    "tags never closed": "<" * SIZE,
    "tags with text": "<a " * (SIZE // 3),
    "blank lines then a number": "\n" * SIZE + "1",
    "blank lines then a dash": " \n" * (SIZE // 2) + "-",
    "numbered lines never finished": "\n1" * (SIZE // 2),
    "alert openers": "[!" * (SIZE // 2),
    "alert words never closed": "[!a" * (SIZE // 3),
    "dashes": "--" * (SIZE // 2),
    "entities": "&#" * (SIZE // 2),
    "everything": "[{<![(\n1.-=#" * (SIZE // 12 + 1),
}


def cpu_seconds(function, *args) -> float:
    """Return the processor time of the fastest of three calls.

    Processor time, not the clock: on a machine shared by several test runs the clock also
    counts the time others used, and the old expressions took 8.5 s of processor time.
    """
    best = float("inf")
    for _ in range(3):
        started = time.thread_time()
        function(*args)
        best = min(best, time.thread_time() - started)
    return best


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_250_kb_hostile_text_takes_well_under_a_second(name):
    source = PATHOLOGICAL[name]
    assert len(source) >= SIZE - 4
    assert cpu_seconds(markdown_text, source) < 0.5, name


def test_the_time_grows_in_proportion_to_the_text():
    small = cpu_seconds(markdown_text, "[{<\n" * 10_000)
    large = cpu_seconds(markdown_text, "[{<\n" * 80_000)
    # Eight times the text: linear is about 8 times the time, quadratic would be 64.
    assert large < small * 20
