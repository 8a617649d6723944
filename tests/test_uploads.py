"""Pictures sent from a browser: re-encoded, stripped of metadata, safely named, bounded."""

import io
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from coursesite.lessons.editor.editing import LessonFolder
from coursesite.lessons.editor.uploads import (
    UploadRefused,
    delete_picture,
    pictures_used,
    safe_stem,
    store_picture,
)

LANGS = ("fr", "en")
PIXELS = 4096 * 4096


@pytest.fixture
def lesson(tmp_path) -> LessonFolder:
    folder = tmp_path / "lessons" / "fr" / "essai"
    folder.mkdir(parents=True)
    (folder / "lesson.md").write_text("---\ntitle: x\n---\n")
    return LessonFolder.open(tmp_path / "lessons", "fr", "essai", LANGS)


def picture(kind="PNG", size=(300, 200), **extra) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, kind, **extra)
    return out.getvalue()


def test_a_phone_photo_loses_its_gps_position_and_is_turned_upright(lesson):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif[0x8825] = {2: (46.0, 48.0, 0.0), 4: (71.0, 12.0, 0.0)}  # GPS: Quebec City
    exif[0x010F] = "PhoneMaker"
    data = picture("JPEG", (300, 200), exif=exif.tobytes(), comment=b"private note")
    stored = store_picture(lesson, "Photo de Marie.JPG", data, PIXELS)
    assert stored.name == "photo-de-marie.jpg"
    raw = (lesson.path / stored.name).read_bytes()
    assert b"PhoneMaker" not in raw and b"private note" not in raw and b"Exif" not in raw
    with Image.open(lesson.path / stored.name) as image:
        assert image.size == (200, 300)  # upright now
        assert not image.getexif()
        assert "comment" not in image.info


def test_png_text_chunks_are_dropped(lesson):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Marie Tremblay, 418-555-0199")
    stored = store_picture(lesson, "ecran.png", picture("PNG", pnginfo=info), PIXELS)
    raw = (lesson.path / stored.name).read_bytes()
    assert b"Marie" not in raw
    with Image.open(lesson.path / stored.name) as image:
        assert image.format == "PNG" and image.size == (300, 200)


def test_names_are_plain_and_never_overwrite(lesson):
    first = store_picture(lesson, "../../Écran d'accueil.webp", picture("WEBP"), PIXELS)
    second = store_picture(lesson, "écran-d'accueil.webp", picture("WEBP"), PIXELS)
    assert (first.name, second.name) == ("ecran-d-accueil.webp", "ecran-d-accueil-2.webp")
    assert safe_stem("...") == "capture" and safe_stem("C:\\Users\\x\\Shot 1.png") == "shot-1"
    assert sorted(p.name for p in Path(lesson.path).iterdir()) == [
        "ecran-d-accueil-2.webp",
        "ecran-d-accueil.webp",
        "lesson.md",
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "not-a-picture",
        ),
        (b"GIF89a" + b"\x00" * 40, "not-a-picture"),
        (picture("GIF"), "not-a-picture"),
        (picture("PNG")[:60], "damaged"),
        (b"\x00" * 10_000_001, "too-heavy"),
    ],
)
def test_what_is_not_a_clean_png_jpeg_or_webp_is_refused(lesson, data, reason):
    with pytest.raises(UploadRefused) as refused:
        store_picture(lesson, "x.png", data, PIXELS)
    assert refused.value.reason == reason
    assert [p.name for p in Path(lesson.path).iterdir()] == ["lesson.md"]


def test_more_pixels_than_the_check_allows_is_refused(lesson):
    with pytest.raises(UploadRefused) as refused:
        store_picture(lesson, "big.png", picture("PNG", (200, 100)), max_pixels=200 * 99)
    assert refused.value.reason == "too-many-pixels"
    assert refused.value.params["width"] == 200


def test_a_picture_a_text_shows_cannot_be_deleted(lesson):
    stored = store_picture(lesson, "a.png", picture(), PIXELS)
    text = f'## Step\n\n![Alt]({stored.name}){{highlight="1,1,5,5"}}\n'
    assert pictures_used(text) == {"a.png"}
    with pytest.raises(UploadRefused):
        delete_picture(lesson, "a.png", "nothing here", text)
    delete_picture(lesson, "a.png", "nothing here")
    assert not (lesson.path / "a.png").exists()
    with pytest.raises(UploadRefused):
        delete_picture(lesson, "a.png")
