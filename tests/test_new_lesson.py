"""`coursesite lessons new`, and the lesson guide and README that go with the commands."""

from pathlib import Path

from coursesite.config import DEFAULTS
from coursesite.lessons.checks.check import CheckSettings
from coursesite.lessons.checks.folder_check import check_lessons
from tests.conftest import ROOT


def new(runner, *args):
    return runner.invoke(args=["lessons", "new", *args])


def test_new_lesson_from_the_template_is_a_draft_that_checks_clean(runner, lessons_dir):
    result = new(runner, "payer-une-facture", "--lang", "fr")
    assert result.exit_code == 0, result.output
    path = lessons_dir / "fr" / "payer-une-facture" / "lesson.md"
    assert f"Created {path}" in result.output
    text = path.read_text(encoding="utf-8")
    assert "draft: true" in text and "## Première étape {#first-step}" in text
    problems = [p for p in check_lessons(lessons_dir) if p.path == path]
    assert [p.severity for p in problems] == ["warning"]  # no English version yet
    english = new(runner, "pay-a-bill", "--lang", "en")
    assert "## First step {#first-step}" in (
        lessons_dir / "en" / "pay-a-bill" / "lesson.md"
    ).read_text(encoding="utf-8")
    assert english.exit_code == 0


def test_new_translation_copies_the_other_language_as_a_draft(runner, lessons_dir):
    (lessons_dir / "en" / "bonjour").rename(lessons_dir / "en" / "old")
    result = new(runner, "bonjour", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Copied from the fr version" in result.output
    folder = lessons_dir / "en" / "bonjour"
    text = (folder / "lesson.md").read_text(encoding="utf-8")
    assert "{#open-door}" in text and "draft: true" in text
    assert (folder / "porte.png").read_bytes() == (
        lessons_dir / "fr" / "bonjour" / "porte.png"
    ).read_bytes()
    assert text.count("draft:") == 1


def test_new_lesson_refuses_bad_ids_languages_and_existing_folders(runner, lessons_dir):
    for args, message in [
        (["Ma Leçon"], "cannot be a lesson id"),
        (["../evade"], "cannot be a lesson id"),
        (["nouvelle", "--lang", "de"], "not a language of the site"),
        (["bonjour", "--lang", "fr"], "already exists"),
    ]:
        result = new(runner, *args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert not (lessons_dir.parent / "evade").exists()


def test_readme_documents_the_lesson_commands_and_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("lessons check [PATH]", "lessons new ID", "lessons build"):
        assert f"`{command}" in readme, command
    for setting in DEFAULTS:
        if setting.startswith("LESSON_"):
            assert setting in readme, setting


def test_the_guide_exists_in_both_languages_and_covers_the_contract():
    for name in ("writing-lessons.md", "writing-lessons.en.md"):
        guide = (ROOT / "docs" / name).read_text(encoding="utf-8")
        for needle in (
            "lesson.md", "{#", "draft", "updated", "lesson:", "highlight=", "label=",
            "coursesite lessons check", "--format json", "coursesite lessons new",
            "coursesite lessons build", "screenshots.md", "/staff/lessons", "preview",
            "LESSON_STALE_MONTHS",
        ):  # fmt: skip
            assert needle in guide, (name, needle)


def test_check_settings_follow_the_app_config(app):
    settings = CheckSettings.from_config(app.config)
    assert settings.image_max_bytes == app.config["LESSON_IMAGE_MAX_BYTES"] == 500_000
    assert settings.stale_months == 12 and settings.languages == ("fr", "en")
    assert Path(app.config["LESSONS"]).is_dir()
