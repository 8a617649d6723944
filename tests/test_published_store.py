"""The last good versions kept on disk: what is saved comes back, and nothing else stays."""

import os
import shutil

from coursesite.lessons.publishing.outline import outline
from coursesite.lessons.publishing.published_store import BODY, RECORD, PublishedStore
from coursesite.lessons.reading.loader import load_lesson
from tests.conftest import FIXTURE_LESSONS


def lesson_folder(tmp_path):
    folder = tmp_path / "lessons" / "fr" / "bonjour"
    shutil.copytree(FIXTURE_LESSONS / "fr" / "bonjour", folder)
    return folder / "lesson.md"


def test_a_saved_version_comes_back_with_its_pictures_and_record(tmp_path):
    path = lesson_folder(tmp_path)
    lesson = load_lesson(path, "fr").packed_copy()
    store = PublishedStore(tmp_path / "store")
    record = {"published_at": 12.5, "lesson": outline(lesson)}
    source = path.read_text(encoding="utf-8")
    store.save(path, "fr", source, ["porte.png"], record, lesson.body.data)
    kept = store.lesson_file("fr", "bonjour")
    assert kept.read_text(encoding="utf-8") == source
    assert (kept.parent / "porte.png").read_bytes() == (path.parent / "porte.png").read_bytes()
    found = store.record("fr", "bonjour")
    assert found["published_at"] == 12.5 and found["body"]
    again = store.lesson(path, "fr", found)
    assert again.title == lesson.title and again.steps[0].source == lesson.steps[0].source


def test_a_damaged_body_or_record_is_not_used(tmp_path):
    path = lesson_folder(tmp_path)
    lesson = load_lesson(path, "fr").packed_copy()
    store = PublishedStore(tmp_path / "store")
    store.save(path, "fr", "text", [], {"lesson": outline(lesson)}, lesson.body.data)
    folder = store.lesson_file("fr", "bonjour").parent
    (folder / BODY).write_bytes(b"changed")
    assert store.lesson(path, "fr", store.record("fr", "bonjour")) is None
    (folder / RECORD).write_text("[not a record", encoding="utf-8")
    assert store.record("fr", "bonjour") is None


def test_pictures_no_longer_used_go_and_removed_lessons_are_forgotten(tmp_path):
    path = lesson_folder(tmp_path)
    store = PublishedStore(tmp_path / "store")
    store.save(path, "fr", "v1", ["porte.png"], {}, None)
    folder = store.lesson_file("fr", "bonjour").parent
    assert (folder / "porte.png").exists()
    store.save(path, "fr", "v2", [], {}, None)  # the new version shows no picture
    assert not (folder / "porte.png").exists()
    store.save(path, "fr", "v3", [], {}, None)
    (store.root / "fr" / "partie").mkdir()
    store.prune(["fr", "en"], kept={("fr", "bonjour")})
    assert [p.name for p in (store.root / "fr").iterdir()] == ["bonjour"]
    store.forget("fr", "bonjour")
    assert not folder.exists()


def test_a_picture_is_copied_once_with_its_times_and_mode(tmp_path):
    path = lesson_folder(tmp_path)
    picture = path.parent / "porte.png"
    picture.chmod(0o644)
    os.utime(picture, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    lesson = load_lesson(path, "fr").packed_copy()
    store = PublishedStore(tmp_path / "store")
    store.save(path, "fr", "text", ["porte.png"], {"lesson": outline(lesson)}, lesson.body.data)
    kept = store.lesson_file("fr", "bonjour").parent / "porte.png"
    assert kept.read_bytes() == picture.read_bytes()
    assert kept.stat().st_mtime_ns == picture.stat().st_mtime_ns
    assert kept.stat().st_mode & 0o777 == 0o644
    first = kept.stat().st_ino
    store.save(path, "fr", "text", ["porte.png"], {"lesson": outline(lesson)}, lesson.body.data)
    assert kept.stat().st_ino == first  # the same times: not copied again
    assert not [name for name in os.listdir(kept.parent) if name.startswith(".tmp-")]
