"""The fast heading scanner finds exactly the steps the CommonMark parser finds."""

from pathlib import Path

import pytest

from coursesite.lessons.reading.headings import find_headings, parse_with_markdown_it, scan_lines
from coursesite.lessons.reading.loader import split_front_matter

ROOT = Path(__file__).parents[1]

# Each body with the step headings a reader sees in it, as (first line, line after, text),
# written by hand; None where the scanner must hand the body to the full parser.
CASES = [
    ("Intro\n\n## One\n\ntext\n\n## Two {#two}\n\nmore\n", [(2, 3, "One"), (6, 7, "Two {#two}")]),
    (
        "## Closing hashes ##\n\nx\n\n##    Spaced   \n",
        [(0, 1, "Closing hashes"), (4, 5, "Spaced")],
    ),
    ("```\n## not a step\n```\n\n## Step\n", [(4, 5, "Step")]),
    ("~~~~\n## not\n~~~\n## still code\n~~~~\n\n## Step\n", [(6, 7, "Step")]),
    ("````md\n```\n## not\n```\n````\n## Step\n", [(5, 6, "Step")]),
    ("> ## quoted\n\n## Step\n", [(2, 3, "Step")]),
    ("- item\n## Step ends the list\n", [(1, 2, "Step ends the list")]),
    ("Paragraph\n## Interrupts it\n", [(1, 2, "Interrupts it")]),
    ("Text\n\n---\n\n## After a rule\n", [(4, 5, "After a rule")]),
    ("###### six\n### three\n#not a heading\n##\n## \n", [(3, 4, ""), (4, 5, "")]),
    ("Line\\\n## after a hard break\n", [(1, 2, "after a hard break")]),
    ("| a | b |\n|---|---|\n| 1 | 2 |\n## After a table\n", [(3, 4, "After a table")]),
    ("> [!TIP]\n> ## inside a callout\n\n## Step\n", [(3, 4, "Step")]),
    ("* a\n* b\n\n## Step\n\n1. x\n2. y\n", [(3, 4, "Step")]),
    ("\t## tab-indented code\n\n## Step\n", [(2, 3, "Step")]),
    ("```\nunclosed fence\n## inside\n", []),
    ("## A # b\n", [(0, 1, "A # b")]),
    ("## Escaped \\##\n", [(0, 1, "Escaped \\##")]),
    ("##\tTabbed\n", [(0, 1, "Tabbed")]),
    ("#hashtag\n## Real\n", [(1, 2, "Real")]),
    ("1. a\n## b\n", [(1, 2, "b")]),
    ("  ```\n## x\n  ```\n## y\n", [(3, 4, "y")]),
    ("```\n## x\n```   \n## y\n", [(3, 4, "y")]),
    ("```\n## x\n``` not a closing fence\n## y\n", []),
    ("```\n## x\n``\n## y\n", []),
    # A backtick fence's info string holds no backtick: this line is a paragraph.
    ("``` a`b\n## Step\n```\n", [(1, 2, "Step")]),
    ("~~~ a`b\n## not\n~~~\n## Step\n", [(3, 4, "Step")]),
    # Indented four spaces, a fence-looking line is code inside the fence, not its end.
    ("```\n## in\n    ```\n## still in\n", []),
    # The scanner is unsure of these and asks the full parser.
    ("- item\n\n  ## inside the item\n\n## Step\n", None),
    ("    ## indented code\n\n## Step\n", None),
    ("Title\n---\n\n## Step\n", None),
    ("<div>\n## inside html\n</div>\n\n## Step\n", None),
    ("## Step\n---\n", None),
    ("## Two\n\n   ## three-indented\n", None),
]
DEFERRED = {
    "- item\n\n  ## inside the item\n\n## Step\n": [(4, 5, "Step")],
    "    ## indented code\n\n## Step\n": [(2, 3, "Step")],
    "Title\n---\n\n## Step\n": [(0, 2, "Title"), (3, 4, "Step")],
    "<div>\n## inside html\n</div>\n\n## Step\n": [(4, 5, "Step")],
    "## Step\n---\n": [(0, 1, "Step")],
    "## Two\n\n   ## three-indented\n": [(0, 1, "Two"), (2, 3, "three-indented")],
}


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_scanner_agrees_with_the_commonmark_parser(body, expected):
    scanned = scan_lines(body.split("\n"))
    assert scanned == expected  # decided by the scanner itself, or None: handed over
    parsed = parse_with_markdown_it(body)
    if expected is None:
        assert parsed == DEFERRED[body]
    else:
        assert parsed == expected
    assert find_headings(body) == parsed


def test_most_bodies_are_decided_by_the_scanner_itself():
    # A scanner that hands everything over would agree with the parser, and be slow.
    assert sum(expected is not None for _, expected in CASES) >= 20
    assert set(DEFERRED) == {body for body, expected in CASES if expected is None}


def test_scanner_handles_every_real_lesson_itself_and_agrees():
    lessons = sorted(ROOT.glob("lessons/*/*/lesson.md")) + sorted(
        ROOT.glob("tests/data/lessons/*/*/lesson.md")
    )
    assert len(lessons) >= 6
    for path in lessons:
        _, body, _ = split_front_matter(path, path.read_text(encoding="utf-8"))
        fast = scan_lines(body.split("\n"))
        assert fast is not None, f"{path} fell back to the slow parser"
        assert fast == parse_with_markdown_it(body), path
