"""Text answers travel compressed for learners on prepaid data, and arrive whole."""

import gzip

import brotli
import pytest
import zstandard

from coursesite.web.compression import PAGE_LEVELS, chosen_encoding, compress

STEP = "/fr/lessons/bonjour/1"


def test_a_page_comes_compressed_with_brotli_and_reads_the_same(client):
    plain = client.get(STEP)
    packed = client.get(STEP, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Cookie" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 1.8
    shown = brotli.decompress(packed.data).decode()
    # The same page (each request has a CSRF token of its own, of the same length).
    assert len(shown) == len(plain.get_data(as_text=True))
    assert "Ouvrir la porte" in shown


def test_a_page_comes_in_zstandard_for_a_browser_that_takes_it_smaller_than_brotli(client):
    # What Chrome, Edge and Firefox send: Zstandard shrinks a page as well for less work.
    packed = client.get(STEP, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert packed.headers["Content-Encoding"] == "zstd"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    shown = zstandard.ZstdDecompressor().decompress(packed.data).decode()
    assert "Ouvrir la porte" in shown and shown.rstrip().endswith("</html>")
    in_brotli = client.get(STEP, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert len(packed.data) <= len(in_brotli.data)


def test_zstandard_answers_made_at_once_on_several_threads_read_whole():
    # Waitress makes pages on several threads, and Zstandard compresses without holding
    # Python's lock: each thread has its own compressor, or their answers would mix.
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    start = Barrier(4)

    def pack(number):
        page = "".join(f"<p>page {number}, line {line}</p>" for line in range(60_000)).encode()
        start.wait()
        return page, [compress(page, "zstd", PAGE_LEVELS) for _ in range(3)]

    with ThreadPoolExecutor(4) as pool:
        for page, packed in pool.map(pack, range(4)):
            for each in packed:
                assert zstandard.ZstdDecompressor().decompress(each) == page


def test_gzip_for_a_browser_without_brotli(client):
    packed = client.get(STEP, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Ouvrir la porte" in gzip.decompress(packed.data).decode()


def test_short_answers_errors_and_images_go_as_they_are(client):
    short = client.get("/healthz", headers={"Accept-Encoding": "br"})
    assert short.status_code == 200 and "Content-Encoding" not in short.headers
    missing = client.get("/fr/lessons/nowhere/", headers={"Accept-Encoding": "br"})
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    with client.get(
        "/fr/lessons/bonjour/media/porte.png", headers={"Accept-Encoding": "br"}
    ) as image:
        assert image.status_code == 200 and "Content-Encoding" not in image.headers


def test_the_stylesheet_is_compressed_once_and_revalidates(client):
    with client.get("/static/css/site.css") as plain:
        original = plain.data
    # Compressed once, for a year: in Brotli, which every browser that takes Zstandard takes.
    accepted = "gzip, deflate, br, zstd"
    packed = client.get("/static/css/site.css", headers={"Accept-Encoding": accepted})
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == original
    assert len(packed.data) < len(original) / 3  # harder than a page: it is kept a year
    etag = packed.headers["ETag"]
    assert etag.endswith(':br"') and etag != plain.headers["ETag"]
    again = client.get(
        "/static/css/site.css", headers={"Accept-Encoding": accepted, "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.data == b""
    only_zstd = client.get("/static/css/site.css", headers={"Accept-Encoding": "zstd"})
    assert only_zstd.headers["Content-Encoding"] == "zstd"
    assert only_zstd.headers["ETag"].endswith(':zstd"')
    assert zstandard.ZstdDecompressor().decompress(only_zstd.data) == original


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip, deflate, br, zstd", "zstd"),
        ("zstd;q=0, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("BR", "br"),
        ("*", "br"),  # a browser that takes anything may not know Zstandard, newer
        ("*, zstd", "zstd"),
        ("identity", None),
        ("", None),
        ("gzip;q=nonsense", None),
        ("deflate", None),
    ],
)
def test_the_encoding_follows_what_the_browser_accepts(header, chosen):
    assert chosen_encoding(header) == chosen


def test_a_page_sent_as_it_is_made_stays_streamed(app):
    from flask import Response

    def lines():
        for number in range(200):
            yield f"<p>line {number}</p>\n"

    app.add_url_rule("/test-stream", "test_stream", lambda: Response(lines(), mimetype="text/html"))
    response = app.test_client().get("/test-stream", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).count("<p>line") == 200


def test_vary_names_each_header_once_whatever_was_there(app):
    from flask import Response

    from coursesite.web.response_headers import vary_on

    response = Response("page")
    for name in ("Accept-Encoding", "Cookie", "cookie", "Accept-Encoding"):
        vary_on(response, name)
    assert response.headers["Vary"] == "Accept-Encoding, Cookie"
    response.headers["Vary"] = "Accept-Language"
    vary_on(response, "Cookie")
    assert response.headers["Vary"] == "Accept-Language, Cookie"


def test_a_signed_in_page_varies_on_the_encoding_and_the_cookie_once_each(client, auth):
    from tests.conftest import add_user

    add_user(client.application, "carole")
    auth.login("carole")
    page = client.get(STEP, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    named = [part.strip() for part in page.headers["Vary"].split(",")]
    assert sorted(named) == ["Accept-Encoding", "Cookie"]
    assert page.headers["Cache-Control"] == "no-store"
