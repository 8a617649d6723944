"""The lesson library's editing services: safe paths, atomic writes, history, checks of a text."""

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.editor.candidate import (
    check_text,
    image_uses,
    insert_at,
    line_position,
    set_draft,
    set_highlight,
    step_outline,
)
from coursesite.lessons.editor.editing import LessonFolder, TextTooLarge, UnsafePath, fingerprint
from coursesite.lessons.editor.history import History, side_by_side
from coursesite.lessons.markup.markdown import ImageInfo, render_markdown
from coursesite.lessons.pictures.highlights import Box, image_markdown, split_labels

FIXTURES = Path(__file__).parent / "data" / "lessons"
LANGS = ("fr", "en")

LESSON = """---
title: Essai
summary: Une leçon pour essayer.
duration: 5
draft: true
---

Introduction.

## Première étape {#one}

![Le bouton « Envoyer »](shot.png)

## Deuxième étape {#two}

Texte.
"""


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "lessons"
    folder = root / "fr" / "essai"
    folder.mkdir(parents=True)
    (root / "en").mkdir()
    (folder / "lesson.md").write_text(LESSON, encoding="utf-8")
    Image.new("RGB", (400, 200), "white").save(folder / "shot.png")
    return root


@pytest.fixture
def lesson(root) -> LessonFolder:
    return LessonFolder.open(root, "fr", "essai", LANGS)


@pytest.mark.parametrize(
    ("lang", "lesson_id"),
    [
        ("de", "essai"),
        ("fr", "../en"),
        ("fr", ".."),
        ("fr", "Essai"),
        ("fr", ""),
        ("fr", "essai/../../x"),
        ("fr", "a" * 81),
        ("fr/..", "essai"),
    ],
)
def test_ids_and_languages_from_a_url_cannot_leave_the_lessons_folder(root, lang, lesson_id):
    with pytest.raises(UnsafePath):
        LessonFolder.open(root, lang, lesson_id, LANGS)


def test_a_symlinked_lesson_folder_or_file_is_refused(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "lesson.md").write_text("secret")
    (root / "fr" / "lien").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        LessonFolder.open(root, "fr", "lien", LANGS)
    (root / "fr" / "fichier").mkdir()
    (root / "fr" / "fichier" / "lesson.md").symlink_to(outside / "lesson.md")
    with pytest.raises(UnsafePath):
        LessonFolder.open(root, "fr", "fichier", LANGS)


@pytest.mark.parametrize(
    "name", ["../x.png", ".hidden.png", "x.svg", "X.PNG", "a/b.png", "x.png\x00"]
)
def test_picture_names_are_plain(lesson, name):
    with pytest.raises(UnsafePath):
        lesson.picture(name)


def test_a_symlinked_picture_is_refused(lesson, tmp_path):
    (tmp_path / "elsewhere.png").write_bytes(b"x")
    (lesson.path / "lien.png").symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(UnsafePath):
        lesson.picture("lien.png")
    assert "lien.png" not in lesson.pictures()


def test_a_write_replaces_the_file_whole_and_leaves_nothing_behind(lesson):
    lesson.write("---\r\ntitle: x\r\n---\r\n\r\n")
    assert lesson.lesson_md.read_bytes() == b"---\ntitle: x\n---\n"
    assert sorted(p.name for p in lesson.path.iterdir()) == ["lesson.md", "shot.png"]
    with pytest.raises(TextTooLarge):
        lesson.write("x" * 300_000)
    assert lesson.read() == "---\ntitle: x\n---\n"


def test_history_keeps_every_version_with_who_when_and_note(tmp_path, lesson):
    history = History(tmp_path / "history")
    first = history.add(lesson, "one", "carole", note="first", published=True)
    second = history.add(lesson, "two", "marc", published=False)
    assert (first.number, second.number) == (1, 2)
    assert [v.text for v in history.versions(lesson)] == ["two", "one"]
    assert history.get(lesson, 1).who == "carole" and history.get(lesson, 1).note == "first"
    assert history.get(lesson, 99) is None and history.get(lesson, -1) is None
    # Another process took number 3 meanwhile: the next save does not overwrite it.
    (history.folder(lesson) / "000003.json").write_text(
        '{"number": 3, "text": "x", "who": "z", "when": "2026-01-01T00:00:00+00:00"}'
    )
    assert history.add(lesson, "four", "carole", published=True).number == 4


def test_a_working_copy_is_kept_until_dropped(tmp_path, lesson):
    history = History(tmp_path / "history")
    assert history.working(lesson) is None
    history.keep_working(lesson, "broken", "carole", fingerprint(LESSON))
    assert history.working(lesson).text == "broken"
    assert [(lang, lesson_id) for lang, lesson_id, _ in history.working_copies(LANGS)] == [
        ("fr", "essai")
    ]
    history.drop_working(lesson)
    assert history.working(lesson) is None and history.working_copies(LANGS) == []


def test_differences_are_shown_line_by_line_side_by_side():
    old = "a\nb\nc\nd\ne\nf\ng\nh\ni"
    new = "a\nb\nC\nd\ne\nf\ng\nh\ni\nj"
    rows = side_by_side(old, new, context=1)
    kinds = [(row.kind, row.old, row.new) if row else None for row in rows]
    assert ("changed", "c", "C") in kinds and ("added", "", "j") in kinds
    assert None in kinds  # unchanged lines between the two changes are left out
    assert ("same", "e", "e") not in kinds


def test_a_clean_text_passes_and_a_missing_alt_text_is_an_error_on_its_line(lesson):
    settings = CheckSettings(languages=LANGS)
    clean = check_text(lesson, LESSON, settings)
    assert clean.clean and clean.lesson.title == "Essai"
    assert [step.id for step in clean.lesson.steps] == ["one", "two"]
    broken = check_text(lesson, LESSON.replace("Le bouton « Envoyer »", ""), settings)
    assert not broken.clean
    assert [(p.line, p.severity) for p in broken.errors] == [(12, "error")]
    assert broken.errors[0].path == lesson.lesson_md
    assert not [p for p in lesson.path.iterdir() if p.name.startswith(".")]


def test_a_link_to_a_missing_lesson_and_a_missing_picture_are_errors(lesson):
    text = LESSON.replace("Texte.", "Voir [la suite](lesson:nulle-part) et ![x](absent.png).")
    found = check_text(lesson, text, CheckSettings(languages=LANGS))
    messages = " ".join(p.message for p in found.errors)
    assert "nulle-part" in messages and "absent.png" in messages
    assert check_text(lesson, "pas de front matter", CheckSettings()).lesson is None


def test_the_step_list_follows_the_headings(lesson):
    assert step_outline(LESSON) == [(10, "Première étape", "one"), (14, "Deuxième étape", "two")]
    assert step_outline("```\n## not a step\n```\n## Yes\n") == [(4, "Yes", None)]


def test_snippets_go_in_on_lines_of_their_own():
    assert insert_at("ab\ncd\n", 3, "X") == "ab\n\nX\n\ncd\n"
    assert insert_at("ab", 99, "X") == "ab\n\nX\n"
    assert line_position("ab\ncd\nef", 1) == 3 and line_position("ab", 0) == 2


def test_publishing_flips_the_draft_line_or_adds_it():
    assert "draft: false" in set_draft(LESSON, False)
    assert "draft: true" not in set_draft(LESSON, False)
    added = set_draft("---\ntitle: x\n---\nbody\n", False)
    assert added == "---\ntitle: x\ndraft: false\n---\nbody\n"


def test_boxes_and_labels_are_written_into_the_picture_and_read_back():
    use = image_uses(LESSON, "shot.png")[0]
    text = set_highlight(
        LESSON, use, [Box(10, 20, 30, 10), Box(50, 50, 5.5, 5)], ["Envoyer", 'Le "menu"']
    )
    again = image_uses(text, "shot.png")[0]
    assert again.boxes == (Box(10, 20, 30, 10), Box(50, 50, 5.5, 5))
    assert again.labels == ("Envoyer", 'Le "menu"')
    assert again.alt == "Le bouton « Envoyer »" and again.line == 12
    assert 'highlight="10,20,30,10;50,50,5.5,5"' in text
    # Only the second box labelled: the first keeps its place, empty.
    assert image_markdown("a.png", "Alt", [Box(1, 1, 1, 1), Box(2, 2, 2, 2)], ["", "B"]).endswith(
        'label="|B"}'
    )


def test_one_label_per_box_all_reach_the_alt_text():
    html = render_markdown(
        '![Écran](a.png){highlight="1,1,5,5;50,50,5,5" label="Le bouton|Le menu"}',
        resolve_image=lambda src, highlight=(): ImageInfo(f"/m/{src}", 10, 10),
    )
    assert 'alt="Écran. Le bouton. Le menu"' in html
    assert split_labels("Une phrase seule.") == ["Une phrase seule."]  # as before


def make_upload(kind="PNG", size=(300, 200), **extra) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, kind, **extra)
    return out.getvalue()


def test_a_starter_lesson_checks_clean_as_a_text(tmp_path):
    root = tmp_path / "lessons"
    shutil.copytree(FIXTURES, root)
    lang, lesson_id = next(
        (p.parent.parent.name, p.parent.name) for p in sorted(root.glob("*/*/lesson.md"))
    )
    folder = LessonFolder.open(root, lang, lesson_id, LANGS)
    before = set(os.listdir(folder.path))
    check_text(folder, folder.read(), CheckSettings(languages=LANGS))
    assert set(os.listdir(folder.path)) == before


def test_more_labels_than_boxes_is_a_warning(lesson):
    settings = CheckSettings(languages=LANGS)
    text = LESSON.replace(
        "(shot.png)", '(shot.png){highlight="1,1,5,5;9,9,5,5" label="Un|Deux|Trois"}'
    )

    def on_the_picture(text):
        return [(p.line, p.severity) for p in check_text(lesson, text, settings).problems
                if p.line == 12]  # fmt: skip

    assert check_text(lesson, text, settings).clean
    assert on_the_picture(text) == [(12, "warning")]
    assert on_the_picture(text.replace("Un|Deux|Trois", "Un|Deux")) == []
    assert on_the_picture(text.replace("Un|Deux|Trois", "Une phrase pour toute l'image.")) == []
