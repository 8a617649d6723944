"""Reading lesson.md: front matter, introduction, steps and their ids, clear errors."""

from pathlib import Path

import pytest

from coursesite.lessons.problems import LessonError
from coursesite.lessons.reading.loader import load_lesson, slugify

GOOD_FRONT = """---
title: Créer une adresse courriel
summary: On apprend à créer une adresse.
duration: 20
level: 1
topics: [courriel]
updated: 2026-11-20
draft: false
---
"""


def write(tmp_path: Path, text: str, lesson_id: str = "demo") -> Path:
    folder = tmp_path / "fr" / lesson_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lesson.md"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(LessonError) as info:
        load_lesson(path, "fr")
    return str(info.value)


def test_front_matter_intro_and_steps_are_read(tmp_path):
    path = write(
        tmp_path,
        GOOD_FRONT
        + "Intro **ici**.\n\n## Ouvrir le navigateur {#open-browser}\n\nTexte 1\n\n## Écrire l'adresse\n\nTexte 2\n",
    )
    lesson = load_lesson(path, "fr")
    assert lesson.id == "demo" and lesson.lang == "fr"
    assert lesson.title == "Créer une adresse courriel"
    assert lesson.duration == 20 and lesson.level == 1 and lesson.topics == ("courriel",)
    assert str(lesson.updated) == "2026-11-20" and lesson.draft is False
    assert lesson.intro == "Intro **ici**."
    assert [s.id for s in lesson.steps] == ["open-browser", "ecrire-l-adresse"]
    assert [s.title for s in lesson.steps] == ["Ouvrir le navigateur", "Écrire l'adresse"]
    assert lesson.steps[0].source == "Texte 1"
    assert lesson.steps[0].line == 12 and lesson.steps[1].line == 16


def test_hashes_in_code_blocks_and_quotes_do_not_start_steps(tmp_path):
    body = "## Un\n\n```\n## pas une étape\n```\n\n> ## pas non plus\n\n### sous-titre\n\n## Deux\n\nFin\n"
    lesson = load_lesson(write(tmp_path, GOOD_FRONT + body), "fr")
    assert [s.title for s in lesson.steps] == ["Un", "Deux"]
    assert "pas une étape" in lesson.steps[0].source


def test_repeated_headings_get_distinct_ids(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD_FRONT + "## Valider\n\na\n\n## Valider\n\nb\n"), "fr")
    assert [s.id for s in lesson.steps] == ["valider", "valider-2"]


def test_slugify_keeps_ids_ascii_and_readable():
    assert slugify("Noël à l'école : ÉTAPE 2!") == "noel-a-l-ecole-etape-2"
    assert slugify("???") == "step"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pas de front matter\n## Un\n",
            "demo/lesson.md:1: error: the file must start with a line ---",
        ),
        (
            "---\ntitle: x\n## Un\n",
            "the front matter is not closed: add a line --- after its last field",
        ),
        (
            "---\ntitle: [unclosed\n---\n## Un\n",
            "lesson.md:2: error: the list of `title` is not closed: end it with ] on the same line: title: [unclosed]",
        ),
        (
            "---\nsummary: s\nduration: 5\n---\n## Un\n",
            "lesson.md:1: error: the lesson has no title: add a line like title: ",
        ),
        (
            "---\ntitle: t\nsummary: s\nduration: vingt\n---\n## Un\n",
            "lesson.md:4: error: `duration` must be a whole number of minutes, like duration: 20 (not vingt)",
        ),
        (
            "---\ntitle: t\nsummary: s\nduration: 5\nlevel: 7\n---\n## Un\n",
            "lesson.md:5: error: `level` must be 1, 2 or 3 (1 for beginners; not 7)",
        ),
        (
            "---\ntitle: t\nsummary: s\nduration: 5\ndraft: peut-être\n---\n## Un\n",
            "`draft` must be true or false",
        ),
        (
            "---\ntitle: t\nsummary: s\nduration: 5\nupdated: hier\n---\n## Un\n",
            "`updated` must be a date",
        ),
        (
            "---\ntitle: t\nsummary: s\nduration: 5\n---\nSeulement une intro.\n",
            "lesson.md:6: error: the lesson has no steps: start each step with a line like ## ",
        ),
        (
            "---\ntitle: t\nsummary: s\nduration: 5\n---\n## A {#x}\n\n## B {#x}\n",
            "lesson.md:8: error: step id `x` is already used on line 6: give this step another {#id}",
        ),
        ("---\n- a\n- b\n---\n## Un\n", "front matter must be fields"),
    ],
)
def test_broken_files_are_refused_with_file_and_line(tmp_path, text, expected):
    assert expected in error_of(write(tmp_path, text))


def test_invalid_utf8_and_binary_files_are_refused_clearly(tmp_path):
    path = write(tmp_path, GOOD_FRONT)
    path.write_bytes(GOOD_FRONT.encode() + b"## Un\n\n\xff\xfe caf\xe9\n")
    assert (
        "lesson.md:12: error: the file is not UTF-8 text: in your editor, save it with the UTF-8"
        in error_of(path)
    )
    path.write_bytes(b"\x00\x01\x02PNG")
    assert "the file must start with a line ---" in error_of(path) or "NUL" in error_of(path)


def test_windows_line_endings_and_bom_are_accepted(tmp_path):
    path = write(tmp_path, "")
    path.write_bytes(
        ("\ufeff" + GOOD_FRONT + "## Un {#one}\r\n\r\nTexte\r\n").replace("\n", "\r\n").encode()
    )
    assert load_lesson(path, "fr").steps[0].id == "one"


def test_yaml_bomb_is_refused_without_blowing_up(tmp_path):
    bomb = "---\ntitle: t\nsummary: s\nduration: 5\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\ntopics: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n## Un\n"
    assert "`topics` must be a list of words" in error_of(write(tmp_path, bomb))
