"""Highlight boxes on screenshots: the syntax, the drawn outline, the alt text, the sanitiser."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from coursesite.lessons.markup.markdown import ImageInfo, render_markdown, sanitize_html
from coursesite.lessons.pictures.highlights import COLOUR, Box, parse_highlight
from coursesite.lessons.pictures.images import variant


def orange(pixel) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel[:3], COLOUR, strict=True))


def test_a_highlight_is_boxes_in_percent():
    assert parse_highlight("72,80,20,10") == (Box(72, 80, 20, 10),)
    assert parse_highlight(" 5, 10.5 ,20,8 ; 70,80,20,10 ") == (
        Box(5, 10.5, 20, 8),
        Box(70, 80, 20, 10),
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "highlight is empty"),
        ("en bas", "must be four numbers"),
        ("1,2,3", "must be four numbers"),
        ("-5,2,3,4", "must be four numbers"),
        ("90,80,20,10", "goes past the edge"),
        ("10,10,0,5", "has no width or height"),
        (";".join(["1,1,1,1"] * 6), "at most 5"),
    ],
)
def test_bad_highlights_say_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_highlight(spec)


@pytest.fixture
def screen(tmp_path) -> Path:
    path = tmp_path / "ecran.png"
    Image.new("RGB", (1000, 500), "white").save(path)
    return path


def test_the_box_is_drawn_in_the_copies_and_scales_with_them(screen, tmp_path):
    boxes = parse_highlight("50,50,20,20")
    for width in (480, 1000):
        with Image.open(variant(screen, width, tmp_path / "cache", boxes)) as image:
            image = image.convert("RGB")
            scale = width / 1000
            # The outline sits just outside the box: left edge at 50 % of the width.
            left_edge = (round(500 * scale) - 2, round(300 * scale))
            assert orange(image.getpixel(left_edge)), width
            assert image.getpixel((round(600 * scale), round(300 * scale))) == (255, 255, 255)
            assert image.getpixel((5, 5)) == (255, 255, 255)
    original = Image.open(screen).convert("RGB")
    assert original.getpixel((498, 300)) == (255, 255, 255)  # the original is untouched


def test_copies_with_and_without_a_box_are_cached_apart(screen, tmp_path):
    plain = variant(screen, 480, tmp_path / "cache")
    boxed = variant(screen, 480, tmp_path / "cache", parse_highlight("10,10,10,10"))
    other = variant(screen, 480, tmp_path / "cache", parse_highlight("50,10,10,10"))
    assert len({plain.name, boxed.name, other.name}) == 3


def resolver(src, highlight=()):
    return ImageInfo(
        f"/media/{src}-{len(highlight)}", 1000, 500, f"/media/v/{src} 480w", "/media/full"
    )


def test_the_syntax_reaches_the_resolver_and_the_label_joins_the_alt_text():
    seen = []

    def spy(src, highlight=()):
        seen.append((src, highlight))
        return resolver(src, highlight)

    html = render_markdown(
        '![La page d’accueil](accueil.png){highlight="80,2,18,7" label="Le bouton « Se connecter » est encadré."}',
        resolve_image=spy,
    )
    assert seen == [("accueil.png", (Box(80, 2, 18, 7),))]
    # French guillemets are bound to their words by non-breaking spaces.
    assert 'alt="La page d’accueil. Le bouton «\u00a0Se connecter\u00a0» est encadré."' in html
    assert 'src="/media/accueil.png-1"' in html


def test_a_bad_highlight_still_shows_the_picture_without_its_box():
    html = render_markdown('![Le menu](menu.png){highlight="en bas"}', resolve_image=resolver)
    assert 'src="/media/menu.png-0"' in html and 'alt="Le menu"' in html


def test_other_attributes_after_a_picture_are_ignored():
    html = render_markdown(
        '![x](a.png){onerror="alert(1)" style="color:red" .big #id width=9000}',
        resolve_image=resolver,
    )
    assert "onerror" not in html and "style" not in html and "9000" not in html
    assert 'class="big"' not in html and 'id="id"' not in html


def test_the_sanitiser_allows_only_same_origin_srcset_and_plain_sizes():
    kept = sanitize_html(
        '<img src="/media/a.png" srcset="/media/v/a-480.webp 480w, /media/v/a-960.webp 960w" sizes="(max-width: 920px) calc(100vw - 40px), 880px" alt="x">'
    )
    assert 'srcset="/media/v/a-480.webp 480w, /media/v/a-960.webp 960w"' in kept
    assert 'sizes="(max-width: 920px) calc(100vw - 40px), 880px"' in kept
    for srcset in (
        "https://evil.example/a.webp 480w",
        "/a.webp 480w, //evil.example/b.webp 960w",
        "javascript:alert(1) 480w",
        "data:image/png;base64,AAAA 480w",
        "/a.webp",
    ):
        assert "srcset" not in sanitize_html(f'<img src="/media/a.png" srcset="{srcset}" alt="x">')
    assert "sizes" not in sanitize_html(
        '<img src="/media/a.png" sizes="100vw; x:expression(1)" alt="x">'
    )
    html = sanitize_html(
        '<span class="shot"><img src="/media/a.png" alt="x"><span class="shot-full"><a href="/media/a.png">Voir</a></span></span>'
    )
    assert html.count('class="shot') == 2


def test_a_highlighted_step_picture_is_drawn_and_described_in_the_site(client, lessons_dir):
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    Image.new("RGB", (1200, 600), "white").save(lesson.parent / "porte.png")
    text = lesson.read_text(encoding="utf-8").replace(
        "![La porte est ouverte](porte.png)",
        '![La porte est ouverte](porte.png){highlight="40,40,20,20" label="La poignée est encadrée."}',
    )
    lesson.write_text(text, encoding="utf-8")
    page = client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    img = re.search(r"<img [^>]*>", page).group(0)
    assert 'alt="La porte est ouverte. La poignée est encadrée."' in img
    # Even the fallback src and the full-size link are copies with the box drawn in.
    src = re.search(r' src="([^"]+)"', img).group(1)
    assert re.fullmatch(r"/media/v/[0-9a-f]{32}-1200\.webp", src)
    assert re.search(r"-480\.webp 480w, /media/v/[0-9a-f]{32}-960\.webp 960w, ", img)
    # "See it full size" opens the picture's own page, which shows the copy with the box.
    picture_page = re.search(r'<span class="shot-full"><a href="([^"]+)"', page).group(1)
    assert picture_page == "/fr/lessons/bonjour/1/picture/1"
    shown = client.get(picture_page).get_data(as_text=True)
    full = re.search(r'<img [^>]*src="(/media/v/[0-9a-f]{32}-1200\.webp)"', shown).group(1)
    with client.get(full) as response, Image.open(io.BytesIO(response.data)) as image:
        assert image.size == (1200, 600)
        assert orange(image.convert("RGB").getpixel((480 - 3, 300)))
