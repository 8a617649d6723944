"""The fast heading scanner finds exactly the steps the CommonMark parser finds."""

from pathlib import Path

import pytest

from coursesite.lessons.headings import find_headings, parse_with_markdown_it, scan_lines
from coursesite.lessons.loader import split_front_matter

ROOT = Path(__file__).parents[1]

BODIES = [
    "Intro\n\n## One\n\ntext\n\n## Two {#two}\n\nmore\n",
    "## Closing hashes ##\n\nx\n\n##    Spaced   \n",
    "```\n## not a step\n```\n\n## Step\n",
    "~~~~\n## not\n~~~\n## still code\n~~~~\n\n## Step\n",
    "````md\n```\n## not\n```\n````\n## Step\n",
    "> ## quoted\n\n## Step\n",
    "- item\n## Step ends the list\n",
    "- item\n\n  ## inside the item\n\n## Step\n",
    "    ## indented code\n\n## Step\n",
    "Paragraph\n## Interrupts it\n",
    "Title\n---\n\n## Step\n",
    "Text\n\n---\n\n## After a rule\n",
    "<div>\n## inside html\n</div>\n\n## Step\n",
    "###### six\n### three\n#not a heading\n##\n## \n",
    "Line\\\n## after a hard break\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n## After a table\n",
    "> [!TIP]\n> ## inside a callout\n\n## Step\n",
    "* a\n* b\n\n## Step\n\n1. x\n2. y\n",
    "\t## tab-indented code\n\n## Step\n",
    "```\nunclosed fence\n## inside\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_scanner_agrees_with_the_commonmark_parser(body):
    assert find_headings(body) == parse_with_markdown_it(body)


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
