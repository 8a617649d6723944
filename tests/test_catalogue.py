"""The catalogue follows the files: added, edited, removed, broken — without a restart."""

import logging

from coursesite.lessons.publishing import catalogue_entry
from coursesite.lessons.publishing.catalogue import Catalogue
from tests.conftest import write_later

LESSON = "---\ntitle: {title}\nsummary: s\nduration: 5\n---\n## Un {{#one}}\n\nTexte\n"


def test_lessons_are_paired_by_id_across_languages(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert cat.get("fr", "bonjour").title == "Dire bonjour"
    assert cat.get("en", "bonjour").title == "Say hello"
    assert cat.languages_of("bonjour") == ["fr", "en"]
    assert cat.get("de", "bonjour") is None


def test_added_edited_and_removed_files_are_picked_up(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    new = lessons_copy / "fr" / "nouvelle"
    new.mkdir()
    write_later(new / "lesson.md", LESSON.format(title="Nouvelle"))
    assert cat.get("fr", "nouvelle").title == "Nouvelle"
    write_later(new / "lesson.md", LESSON.format(title="Renommée"))
    assert cat.get("fr", "nouvelle").title == "Renommée"
    (new / "lesson.md").unlink()
    assert cat.get("fr", "nouvelle") is None


def test_unchanged_files_are_not_parsed_again(lessons_copy, monkeypatch):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    calls = []
    real = catalogue_entry.check_one
    monkeypatch.setattr(catalogue_entry, "check_one", lambda *a: calls.append(a) or real(*a))
    cat.refresh()
    cat.lessons("fr")
    assert calls == []
    write_later(lessons_copy / "en" / "bonjour" / "lesson.md", LESSON.format(title="Hi"))
    cat.lessons("en")
    assert [path.parent.name for _, path, *_ in calls] == ["bonjour"]


def test_broken_edit_keeps_serving_the_last_good_version(lessons_copy, caplog):
    caplog.set_level(logging.DEBUG, "coursesite.lessons.publishing.publishing")
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    path = lessons_copy / "fr" / "bonjour" / "lesson.md"
    write_later(path, "---\ntitle: [oops\n---\n")
    lesson = cat.get("fr", "bonjour")
    assert lesson is not None and lesson.title == "Dire bonjour"
    assert [str(p).split("lessons/")[1] for p in cat.problems()] == [
        "fr/bonjour/lesson.md:2: error: the list of `title` is not closed: end it with ] on "
        "the same line: title: [oops]",
        "fr/bonjour/lesson.md:4: error: the lesson has no steps: start each step with a line like "
        "## Open the app",
    ]  # every error of the file at once
    assert "fr/bonjour/lesson.md:2" in caplog.text
    write_later(path, LESSON.format(title="Réparée"))
    assert cat.get("fr", "bonjour").title == "Réparée" and cat.problems() == []


def test_a_broken_lesson_never_hides_the_others(lessons_copy):
    broken = lessons_copy / "fr" / "cassee"
    broken.mkdir()
    (broken / "lesson.md").write_bytes(b"\xff\xfe\x00garbage")
    cat = Catalogue(lessons_copy, ("fr", "en"))
    assert [lesson.id for lesson in cat.lessons("fr")] == ["bonjour"]
    assert "cassee/lesson.md:1: error" in str(cat.problems()[0])


def test_drafts_are_hidden_unless_asked(lessons_copy):
    folder = lessons_copy / "fr" / "brouillon"
    folder.mkdir()
    write_later(
        folder / "lesson.md",
        LESSON.format(title="B").replace("duration: 5", "duration: 5\ndraft: true"),
    )
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert cat.get("fr", "brouillon") is None
    assert cat.get("fr", "brouillon", drafts=True).title == "B"


def test_reload_interval_limits_how_often_files_are_checked(lessons_copy):
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=3600)
    folder = lessons_copy / "fr" / "tard"
    folder.mkdir()
    write_later(folder / "lesson.md", LESSON.format(title="Tard"))
    assert cat.get("fr", "tard") is None  # not looked at yet: the interval has not passed
    cat.refresh(force=True)
    assert cat.get("fr", "tard").title == "Tard"


def test_paths_name_lessons_and_unknown_ids_are_reported(lessons_copy):
    (lessons_copy / "paths.yml").write_text(
        "- id: debut\n  title: {fr: Début, en: Start}\n  lessons:\n    - bonjour\n    - inconnue\n",
        encoding="utf-8",
    )
    cat = Catalogue(lessons_copy, ("fr", "en"))
    (path,) = cat.paths()
    assert path.title("fr") == "Début" and path.lesson_ids == ("bonjour", "inconnue")
    assert any(
        str(p).endswith(
            "paths.yml:5: error: path `debut` names a lesson `inconnue` that does not exist: "
            "check its folder name"
        )
        for p in cat.problems()
    )


def test_broken_paths_file_is_reported_not_fatal(lessons_copy):
    (lessons_copy / "paths.yml").write_text("- id: x\n  title: [\n", encoding="utf-8")
    cat = Catalogue(lessons_copy, ("fr", "en"))
    assert cat.paths() == ()
    assert "paths.yml" in str(cat.problems()[0])


def test_paths_file_edited_or_removed_is_picked_up(lessons_copy):
    paths = lessons_copy / "paths.yml"
    write_later(paths, "- id: debut\n  title: {fr: Début}\n  lessons: [bonjour]\n")
    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    assert [path.id for path in cat.paths()] == ["debut"]
    write_later(paths, "- id: suite\n  title: {fr: Suite}\n  lessons: [bonjour]\n")
    assert [path.id for path in cat.paths()] == ["suite"]
    paths.unlink()
    assert cat.paths() == ()


def test_a_picture_size_is_read_again_when_the_file_changes(lessons_copy):
    from PIL import Image

    cat = Catalogue(lessons_copy, ("fr", "en"), reload_interval=0)
    picture = lessons_copy / "fr" / "bonjour" / "porte.png"
    with Image.open(picture) as image:
        assert cat.image_size(picture) == image.size
    Image.new("RGB", (123, 45), "white").save(picture)
    assert cat.image_size(picture) == (123, 45)
    picture.write_bytes(b"not a picture")
    assert cat.image_size(picture) is None
    assert cat.image_size(lessons_copy / "fr" / "bonjour" / "missing.png") is None
