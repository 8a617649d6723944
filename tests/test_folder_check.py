"""A whole lessons folder checked: which folders are lessons, where the folder starts, and what
only the whole folder shows (a missing translation, steps that differ between languages)."""

from pathlib import Path

from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.folder_check import check_lessons, find_root, lessons_under
from tests.test_check import FRONT, SETTINGS, lesson, reported


def test_only_language_folders_holding_a_lesson_md_are_lessons(tmp_path):
    lesson(tmp_path, FRONT + "## Un {#un}\n\nTexte.\n", lesson_id="bonjour")
    (tmp_path / "fr" / "notes").mkdir()
    (tmp_path / "de" / "hallo").mkdir(parents=True)
    (tmp_path / "fr" / "_brouillons").mkdir()
    jobs, problems = lessons_under(tmp_path, SETTINGS)
    assert jobs == [("fr", tmp_path / "fr" / "bonjour" / "lesson.md")]
    said = sorted(str(p).replace(f"{tmp_path}/", "", 1) for p in problems)
    assert said == [
        "de:1: warning: the folder `de` is not a language of the site (fr, en): it is ignored",
        "fr/notes:1: warning: this folder has no lesson.md, so it is not a lesson",
    ]


def test_a_missing_translation_and_steps_that_differ_are_told_on_the_right_file(tmp_path):
    lesson(tmp_path, FRONT + "## Un {#un}\n\nTexte.\n\n## Deux {#deux}\n\nTexte.\n", "fr", "a")
    lesson(tmp_path, FRONT + "## One {#un}\n\nText.\n\n## Two {#two}\n\nText.\n", "en", "a")
    lesson(tmp_path, FRONT + "## Un {#un}\n\nTexte.\n", "fr", "b")
    lines = reported(tmp_path)
    assert any(line.startswith("en/a/lesson.md:1: warning: step ids differ") for line in lines)
    assert "fr/b/lesson.md:1: warning: no en version of this lesson: add en/b/lesson.md" in lines


def test_the_folder_is_found_from_a_lesson_a_language_or_itself(tmp_path):
    path = lesson(tmp_path, FRONT + "## Un {#un}\n\nTexte.\n")
    for start in (path, path.parent, tmp_path / "fr", tmp_path):
        assert find_root(start, ("fr", "en")) == tmp_path
    # With French alone, no translation is missing: only the lesson's own warning is left.
    problems = check_lessons(Path(tmp_path), CheckSettings(languages=("fr",)))
    assert [p.msgid.split(":")[0] for p in problems] == ["the lesson has no `updated` date"]
