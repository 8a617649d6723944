"""Screenshots made light: WebP copies at display widths, cached by content hash, served long."""

import random
import re
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from coursesite import services
from coursesite.lessons.pictures.images import VariantStore, source_key, variant, variant_widths

YEAR = "max-age=31536000"


def typical_screenshot(path: Path, size=(1920, 1080)) -> Path:
    """Draw a screenshot-like picture: a browser bar, lines of text, a button and a photo."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    draw.rectangle((0, 0, size[0], 90), fill=(223, 227, 232))
    for row in range(30):
        text = f"Ligne {row} : votre courriel, simple et gratuit. Recevez et envoyez des messages."
        draw.text((60, 130 + row * 30), text, fill=(30, 30, 30), font=font)
    draw.rounded_rectangle((1500, 120, 1800, 180), 10, fill=(31, 95, 196))
    draw.text((1530, 135), "Créer un compte", fill="white", font=font)
    noise = random.Random(1).randbytes(400 * 300 * 3)
    photo = Image.frombytes("RGB", (400, 300), noise).filter(ImageFilter.GaussianBlur(6))
    image.paste(photo, (1400, 600))
    image.save(path)
    return path


@pytest.fixture
def shot(tmp_path) -> Path:
    return typical_screenshot(tmp_path / "ecran.png")


def test_variant_is_a_webp_at_that_width_keeping_the_aspect_ratio(shot, tmp_path):
    made = variant(shot, 480, tmp_path / "cache")
    assert made.name == f"{source_key(shot)}-480.webp"
    with Image.open(made) as image:
        assert image.format == "WEBP" and image.size == (480, 270)


def test_a_phone_gets_a_light_copy_of_a_typical_screenshot(shot, tmp_path):
    # A 360-px phone shows the picture 320 CSS px wide: at 2 or 3 device pixels per CSS
    # pixel it picks the 960 copy; even the 1440 one stays light.
    assert variant(shot, 960, tmp_path / "c").stat().st_size <= 120_000
    assert variant(shot, 1440, tmp_path / "c").stat().st_size <= 120_000
    assert shot.stat().st_size > 200_000


def test_pictures_are_never_made_larger(tmp_path):
    small = tmp_path / "petit.png"
    Image.new("RGB", (320, 200), "white").save(small)
    made = variant(small, 1440, tmp_path / "cache")
    assert made.name.endswith("-320.webp")
    with Image.open(made) as image:
        assert image.size == (320, 200)
    assert variant_widths(320) == [320]
    assert variant_widths(960) == [480, 960]
    assert variant_widths(1000) == [480, 1000]  # 960 would be a near-copy of 1000
    assert variant_widths(3000) == [480, 960, 1440]


def test_variants_are_made_once_and_cached_by_content(shot, tmp_path):
    cache = tmp_path / "cache"
    first = variant(shot, 480, cache)
    stamp = first.stat().st_mtime_ns
    assert variant(shot, 480, cache) == first and first.stat().st_mtime_ns == stamp
    copy = tmp_path / "copie.png"
    copy.write_bytes(shot.read_bytes())
    assert variant(copy, 480, cache) == first  # same bytes, same file
    typical_screenshot(shot, size=(1920, 1000))  # the screenshot is replaced
    assert variant(shot, 480, cache) != first


def test_variants_carry_no_metadata(tmp_path):
    photo = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Carole"  # camera maker
    exif[0x8825] = {2: (46.0, 48.0, 0.0)}  # a GPS position
    Image.new("RGB", (1200, 800), "blue").save(photo, exif=exif)
    with Image.open(variant(photo, 480, tmp_path / "cache")) as image:
        assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info


def test_transparent_pictures_keep_their_transparency(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (600, 600), (0, 0, 0, 0)).save(logo)
    with Image.open(variant(logo, 480, tmp_path / "cache")) as image:
        assert image.mode == "RGBA" and image.getpixel((10, 10))[3] == 0


def test_concurrent_requests_for_the_same_variant_are_safe(shot, tmp_path):
    cache = tmp_path / "cache"
    results, errors = [], []

    def make():
        try:
            results.append(variant(shot, 960, cache))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    with Image.open(results[0]) as image:
        image.load()  # a whole, readable file
    assert [p.name for p in cache.iterdir()] == [results[0].name]  # no temporary file left


def test_too_large_pictures_are_not_decoded(tmp_path):
    big = tmp_path / "grand.png"
    Image.new("1", (5000, 4000)).save(big)
    with pytest.raises(ValueError, match="5000×4000"):
        variant(big, 480, tmp_path / "cache", max_pixels=4096 * 4096)


def test_the_store_makes_only_variants_a_page_asked_for(shot, tmp_path):
    store = VariantStore(tmp_path / "cache")
    planned = store.plan(shot, (1920, 1080))
    assert planned.widths == (480, 960, 1440)
    assert store.path_for(planned.name(960)).is_file()
    assert store.path_for(planned.name(1920)).is_file()  # the full-size copy
    assert store.path_for(planned.name(1000)) is None  # nobody can fill the disk
    assert store.path_for("0" * 32 + "-480.webp") is None  # unknown picture
    assert store.path_for("../../secret_key") is None


# In the site


def step_image(client, url="/fr/lessons/bonjour/1") -> str:
    return re.search(r"<img [^>]*>", client.get(url).get_data(as_text=True)).group(0)


def test_step_pictures_offer_variants_and_the_original_full_size(client, lessons_dir):
    typical_screenshot(lessons_dir / "fr" / "bonjour" / "porte.png")
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    img = re.search(r"<img [^>]*>", page).group(0)
    srcset = re.search(r'srcset="([^"]+)"', img).group(1)
    assert re.fullmatch(
        r"/media/v/([0-9a-f]{32})-480\.webp 480w, /media/v/\1-960\.webp 960w, "
        r"/media/v/\1-1440\.webp 1440w",
        srcset,
    )
    assert 'sizes="(max-width: 920px) calc(100vw - 40px), 880px"' in img
    assert 'src="/fr/lessons/bonjour/media/porte.png"' in img
    assert 'width="1920" height="1080"' in img
    # "Open full size" opens the picture's own page, which shows the original whole.
    assert (
        '<span class="shot-full"><a href="/fr/lessons/bonjour/1/picture/1">'
        "Voir l’image en grand</a></span>" in page
    )
    picture_page = client.get("/fr/lessons/bonjour/1/picture/1").get_data(as_text=True)
    assert '<img src="/fr/lessons/bonjour/media/porte.png"' in picture_page


def test_variants_are_served_as_webp_with_a_year_long_cache(client, lessons_dir):
    typical_screenshot(lessons_dir / "fr" / "bonjour" / "porte.png")
    srcset = re.search(r'srcset="([^"]+)"', step_image(client)).group(1)
    for candidate in srcset.split(", "):
        url, width = candidate.split(" ")
        with client.get(url) as response:
            assert response.status_code == 200 and response.mimetype == "image/webp"
            assert YEAR in response.headers["Cache-Control"]
            assert "immutable" in response.headers["Cache-Control"]
            assert "public" in response.headers["Cache-Control"]
            with Image.open(__import__("io").BytesIO(response.data)) as image:
                assert f"{image.width}w" == width


@pytest.mark.parametrize(
    "name", ["nope.webp", "0" * 32 + "-480.webp", "..%2fsecret_key", "A" * 32 + "-480.webp"]
)
def test_unknown_variants_answer_404(client, name):
    with client.get(f"/media/v/{name}") as response:
        assert response.status_code == 404


def test_small_pictures_get_no_full_size_link(client):
    # porte.png is 320 px wide: every screen shows it whole.
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    assert "srcset=" in page and "shot-full" not in page


def test_a_picture_too_large_to_resize_is_sent_as_it_is(client, lessons_dir, app):
    app.config["LESSON_IMAGE_MAX_PIXELS"] = 100  # the store keeps its own limit
    services.images(app).max_pixels = 100
    img = step_image(client)
    assert "srcset" not in img and 'src="/fr/lessons/bonjour/media/porte.png"' in img


def test_lessons_build_makes_every_copy_ahead_of_time(app, lessons_dir):
    typical_screenshot(lessons_dir / "fr" / "bonjour" / "porte.png")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lessons", "build"])
    assert result.exit_code == 0, result.output
    assert "Screenshots" in result.stderr  # the progress bar's label
    cache = Path(app.instance_path) / "image-cache"
    names = sorted(p.name for p in cache.iterdir())
    # fr: the new screenshot at three widths; en: the small porte.png at its own width.
    assert len(names) == 4 and sum(n.endswith("-320.webp") for n in names) == 1
    assert "2 screenshots, 4 new copies" in result.stdout
    again = runner.invoke(args=["lessons", "build"])
    assert "2 screenshots, 0 new copies" in again.stdout


def test_a_replaced_screenshot_shows_without_a_restart(client, lessons_dir):
    before = re.search(r'srcset="([^"]+)"', step_image(client)).group(1)
    typical_screenshot(lessons_dir / "fr" / "bonjour" / "porte.png")  # lesson.md untouched
    after = re.search(r'srcset="([^"]+)"', step_image(client)).group(1)
    assert before != after and "1440w" in after
    (lessons_dir / "fr" / "bonjour" / "porte.png").unlink()
    # A picture gone is an error: learners keep the last good version, picture included.
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    assert "missing-image" not in page and 'alt="La porte est ouverte"' in page
    assert re.search(r'srcset="([^"]+)"', page).group(1) == after


# The slice a phone shows around a highlight box (lessons/pictures/images.py crop).


def test_the_slice_around_a_box_keeps_the_box_and_a_readable_width():
    from coursesite.lessons.pictures.highlights import Box
    from coursesite.lessons.pictures.picture_slices import CROP_WIDTH, crop_region

    button = Box(73.1, 19.3, 24.0, 8.6)  # "Créer un compte" in the starter lesson's mock-up
    left, top, right, bottom = crop_region((960, 600), (button,))
    assert right - left == CROP_WIDTH  # shown ~324 px wide on a phone: ×1.16, never less
    assert left <= 0.731 * 960 and right >= 0.971 * 960
    assert top <= 0.193 * 600 and bottom >= 0.279 * 600


def test_a_box_wider_than_the_slice_gets_a_slice_as_wide_starting_at_its_left_end():
    from coursesite.lessons.pictures.highlights import Box
    from coursesite.lessons.pictures.picture_slices import CROP_WIDTH, crop_region

    address_bar = Box(13.8, 8.5, 84.6, 6.7)
    left, top, right, bottom = crop_region((960, 600), (address_bar,))
    # The whole bar, in a frame the phone slides sideways: it starts where its text begins.
    assert right - left > CROP_WIDTH
    assert left <= 0.138 * 960 < left + 60  # the bar's left end, with a little margin
    assert right >= (0.138 + 0.846) * 960 - 1
    assert top <= 0.085 * 600 and bottom >= (0.085 + 0.067) * 600


# What a 360-px phone shows at each text size of the display page (site.css): the column's
# width in CSS px and the body text's size.
PHONE_COLUMN = {"100": 324, "125": 315, "150": 333, "200": 342}
BODY_PX = {"100": 18, "125": 22.5, "150": 27, "200": 36}


@pytest.mark.parametrize("text_size", ["100", "125", "150", "200"])
def test_at_every_text_size_the_slice_fits_the_phone_and_its_text_is_as_large_as_the_page(
    text_size,
):
    from coursesite.lessons.pictures.highlights import Box
    from coursesite.lessons.pictures.images import Planned
    from coursesite.lessons.pictures.picture_slices import CROP_SCALES, crop_region

    button = Box(73.1, 19.3, 10.0, 8.6)  # a small button in a 960-px mock-up
    left, top, right, bottom = crop_region((960, 600), (button,), text_size)
    width, scale = CROP_SCALES[text_size]
    assert right - left == width
    assert left <= 0.731 * 960 and right >= 0.831 * 960  # the box is in it
    # Filling the column, each picture pixel is column / width CSS px: 16-px text in the
    # mock-up is then at least as large as the page's.
    assert 16 * PHONE_COLUMN[text_size] / width >= BODY_PX[text_size]
    assert 16 * scale >= BODY_PX[text_size]
    assert width * scale <= PHONE_COLUMN[text_size] + 2  # and it fits: no sideways frame
    size = (right - left, bottom - top)
    planned = Planned("k" * 32, (480, 960), size, ((text_size, *size),))
    chosen = planned.slice(text_size)
    assert not chosen.wide and chosen.shown_width >= PHONE_COLUMN[text_size] - 2


def test_the_larger_the_text_the_narrower_the_slice_and_the_larger_it_is_shown():
    from coursesite.lessons.pictures.highlights import Box
    from coursesite.lessons.pictures.picture_slices import TEXT_SIZES, crop_region

    button = Box(73.1, 19.3, 10.0, 8.6)
    widths = [
        crop_region((960, 600), (button,), t)[2] - crop_region((960, 600), (button,), t)[0]
        for t in TEXT_SIZES
    ]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == 4


def test_the_store_makes_one_slice_per_text_size_once_and_no_other(shot, tmp_path):
    from coursesite.lessons.pictures.highlights import Box

    store = VariantStore(tmp_path / "cache")
    boxed = store.plan(shot, (1920, 1080), (Box(78.1, 11.1, 2.0, 5.6),))
    files = {}
    for text_size in ("100", "125", "150", "200"):
        chosen = store.slice(boxed.key, text_size)
        assert (
            chosen.name
            == f"{boxed.key}-{'crop' if text_size == '100' else 'crop' + text_size}.webp"
        )
        made = store.path_for(chosen.name)
        with Image.open(made) as image:
            # `density` file pixels per picture pixel: what the page's srcset says.
            assert image.format == "WEBP"
            assert abs(image.width - chosen.width * chosen.density) <= 1
            assert abs(image.height - chosen.height * chosen.density) <= 1
        files[text_size] = (made, made.stat().st_mtime_ns)
    assert files["200"][0].stat().st_size > 0
    assert [store.slice(boxed.key, t).width for t in ("100", "200")] == [280, 148]
    # Made once: asking again gives the same file, untouched.
    assert store.path_for(files["200"][0].name) == files["200"][0]
    assert files["200"][0].stat().st_mtime_ns == files["200"][1]
    assert store.path_for(f"{boxed.key}-crop300.webp") is None
    assert store.path_for(f"{boxed.key}-crop175.webp") is None
    assert store.slice(boxed.key, "300") is None


def test_a_wide_box_gets_a_wide_slice_with_a_file_of_bounded_width(shot, tmp_path):
    from coursesite.lessons.pictures.highlights import Box
    from coursesite.lessons.pictures.picture_slices import CROP_MAX_FILE

    store = VariantStore(tmp_path / "cache")
    boxed = store.plan(shot, (1920, 1080), (Box(4.2, 50, 91.7, 18.8),))
    chosen = store.slice(boxed.key, "200")
    assert chosen.wide and chosen.width > 148
    # Shown at the scale of its text size: wider than the phone, in a sliding frame.
    assert chosen.shown_width >= chosen.width * 2.3
    with Image.open(store.path_for(chosen.name)) as image:
        assert image.width <= CROP_MAX_FILE + 1


def test_the_store_makes_the_slice_only_for_pictures_with_a_box(shot, tmp_path):
    from coursesite.lessons.pictures.highlights import Box

    store = VariantStore(tmp_path / "cache")
    plain = store.plan(shot, (1920, 1080))
    assert plain.crop_name is None
    boxed = store.plan(shot, (1920, 1080), (Box(78.1, 11.1, 15.6, 5.6),))
    assert boxed.crop_name == f"{boxed.key}-crop.webp"
    made = store.path_for(boxed.crop_name)
    with Image.open(made) as image:
        # Two pixels per CSS pixel, the orange outline drawn in.
        assert image.format == "WEBP" and image.size == (
            2 * boxed.crop_size[0],
            2 * boxed.crop_size[1],
        )
        orange = sum(
            1
            for r, g, b in image.convert("RGB").get_flattened_data()
            if r > 200 and 70 < g < 130 and b < 60
        )
        assert orange > 500
    assert store.path_for(f"{plain.key}-crop.webp") is None  # no box, no slice


def test_a_step_picture_with_a_box_offers_its_slice_to_narrow_screens(client, lessons_dir):
    typical_screenshot(lessons_dir / "fr" / "bonjour" / "boite.png")
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(
        text.replace(
            "Au revoir.",
            'Au revoir.\n\n![Le bouton « Créer un compte » en haut à droite](boite.png){highlight="78,11,16,6"}',
            1,
        ),
        encoding="utf-8",
    )
    page = client.get("/fr/lessons/bonjour/3").get_data(as_text=True)
    source = re.search(
        r'<source media="\(max-width: 40rem\)" srcset="(/media/v/[0-9a-f]{32}-crop\.webp) 2x"[^>]*>',
        page,
    )
    assert source, page
    assert page.count('alt="Le bouton') == 1  # one picture, one alt text for both sizes
    with client.get(source.group(1)) as response:
        assert response.status_code == 200 and response.mimetype == "image/webp"
    # At 200 % the step points at the slice cut for that size, shown larger.
    client.set_cookie("display", '{"text_size":"200","contrast":"normal","motion":"normal"}')
    page = client.get("/fr/lessons/bonjour/3").get_data(as_text=True)
    source = re.search(
        r'<picture class="cropped( wide)?"><source media="\(max-width: 40rem\)" '
        r'srcset="(/media/v/[0-9a-f]{32}-crop200\.webp) ([0-9.]+)x" width="([0-9]+)"',
        page,
    )
    assert source, page
    assert float(source.group(3)) > 2 and int(source.group(4)) >= 340
    # This box is wider than the phone at 200 %: the slice slides, and the page says so.
    assert source.group(1) == " wide"
    assert '<span class="shot-slide">Glissez l’image sur le côté' in page
    frame = '<span class="slide-frame" tabindex="0" role="group" aria-label="Glissez l’image'
    assert frame in page  # reached with the keyboard too
    assert page.count('alt="Le bouton') == 1
    with client.get(source.group(2)) as response:
        assert response.status_code == 200 and response.mimetype == "image/webp"
