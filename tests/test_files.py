"""Lesson files on disk: images are served only from inside their own lesson folder, and a
file is replaced whole or not at all."""

import os

import pytest

from coursesite.lessons.files import replaced_atomically, safe_media_path, write_atomically


@pytest.fixture
def folder(tmp_path):
    lesson = tmp_path / "fr" / "demo"
    (lesson / "img").mkdir(parents=True)
    (lesson / "shot.png").write_bytes(b"png")
    (lesson / "img" / "deep.webp").write_bytes(b"webp")
    (lesson / "lesson.md").write_text("---\n")
    (tmp_path / "secret.png").write_bytes(b"secret")
    return lesson


def test_images_inside_the_folder_are_found(folder):
    assert safe_media_path(folder, "shot.png") == folder / "shot.png"
    assert safe_media_path(folder, "img/deep.webp") == folder / "img" / "deep.webp"
    assert safe_media_path(folder, "./shot.png") == folder / "shot.png"


@pytest.mark.parametrize(
    "name",
    [
        "../secret.png",
        "img/../../secret.png",
        "%2e%2e/secret.png",
        "/etc/passwd",
        "//evil.example/x.png",
        "http://evil.example/x.png",
        "lesson.md",
        "shot.png?x=1",
        "img\\..\\..\\secret.png",
        "",
        ".hidden.png",
        "missing.png",
        "shot.png\x00.png",
        "C:/Windows/x.png",
        "file:///etc/passwd",
    ],
)
def test_anything_else_is_refused(folder, name):
    assert safe_media_path(folder, name) is None


def test_symlinks_out_of_the_folder_are_refused(folder, tmp_path):
    os.symlink(tmp_path / "secret.png", folder / "link.png")
    os.symlink(tmp_path, folder / "linked-dir")
    assert safe_media_path(folder, "link.png") is None
    assert safe_media_path(folder, "linked-dir/secret.png") is None


def test_a_file_is_replaced_whole_and_nothing_else_stays(tmp_path):
    target = tmp_path / "lesson.md"
    target.write_text("old\n", encoding="utf-8")
    write_atomically(target, "Étape 1 : ouvrir\n".encode())
    assert target.read_text(encoding="utf-8") == "Étape 1 : ouvrir\n"
    assert os.listdir(tmp_path) == ["lesson.md"]


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "lesson.md"
    target.write_text("the old lesson\n", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"), replaced_atomically(target) as out:
        out.write(b"half of the new")
        out.flush()  # on disk in the temporary file, as a crash mid-write would leave it
        raise OSError("disk full")
    assert target.read_text(encoding="utf-8") == "the old lesson\n"
    assert os.listdir(tmp_path) == ["lesson.md"]


def test_a_failure_before_the_first_write_leaves_no_file_at_all(tmp_path):
    target = tmp_path / "new.webp"
    with pytest.raises(KeyboardInterrupt), replaced_atomically(target):
        raise KeyboardInterrupt  # a person's Ctrl-C is cleaned up after too
    assert os.listdir(tmp_path) == []


@pytest.fixture
def synced(monkeypatch):
    """Record what os.fsync is asked to sync (a file or a folder), still syncing it."""
    seen = []
    real = os.fsync

    def fsync(descriptor):
        seen.append("folder" if os.path.isdir(f"/proc/self/fd/{descriptor}") else "file")
        real(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    return seen


def test_a_durable_write_syncs_the_file_then_its_folder(tmp_path, synced):
    write_atomically(tmp_path / "lesson.md", b"text\n", durable=True)
    assert synced == ["file", "folder"]
    write_atomically(tmp_path / "copy.webp", b"cache\n")
    assert synced == ["file", "folder"]  # a copy that can be made again is not synced
