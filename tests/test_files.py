"""Lesson images are served only from inside their own lesson folder."""

import os

import pytest

from coursesite.lessons.files import safe_media_path


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
