"""Hostile URLs in lesson HTML: no link or picture may run script or reach the site's own routes.

A raw `<img src="/s/TOKEN">` in a lesson would make every reader's browser open a sign-in
card; a raw `<a href="javascript:123">` passed bleach (it read the digits as a port). Each
URL here is written the way an attacker would, then checked the way a browser would read it.
"""

import html
import itertools
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from coursesite.lessons.markup.markdown import render_markdown
from coursesite.lessons.markup.sanitize import (
    is_allowed_image,
    is_allowed_link,
    removed_by_sanitiser,
    sanitize_html,
)

PAGE = "https://lab.example/fr/lessons/courriel/2"
# Routes a lesson must never make a browser open: they sign in, sign out or change things,
# or they are somebody else's pages.
FORBIDDEN_PATHS = re.compile(
    r"/(?:s|login|logout|helper|staff|progress|help|healthz|poster)(?:/|$)|/[a-z]{2}/display"
)


class Attributes(HTMLParser):
    """Collect (tag, attributes) of every element, entities decoded as a browser would."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(str(markup))
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def urls(self) -> list[tuple[str, str]]:
        found = []
        for tag, attrs in self.elements:
            for name in ("href", "src"):
                if name in attrs:
                    found.append((f"{tag}[{name}]", attrs[name]))
            for candidate in attrs.get("srcset", "").split(","):
                if candidate.strip():
                    found.append((f"{tag}[srcset]", candidate.split()[0]))
        return found


def browser_reads(url: str) -> tuple[str, str]:
    """Return (scheme, path on this site or '') as a WHATWG URL parser reads an attribute."""
    url = re.sub(r"[\t\n\r]", "", url).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
        "\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if scheme and scheme.group(1).lower() not in ("https",):
        return scheme.group(1).lower(), ""
    url = url.replace("\\", "/")  # a special scheme reads backslashes as slashes
    if scheme:
        rest = url[scheme.end() :]
        if not rest.startswith("//"):  # "https:/s/x" is a path on the page's own site
            url = rest
        else:
            return "https", ""
    absolute = urljoin(PAGE, url)
    parts = urlsplit(absolute)
    if parts.netloc != "lab.example":
        return parts.scheme, ""
    # Browsers and the server both resolve %2e%2e as ".." and the server decodes %2f.
    path = unquote(parts.path)
    resolved = []
    for segment in path.split("/"):
        if segment == "..":
            resolved = resolved[:-1]
        elif segment != ".":
            resolved.append(segment)
    return "https", "/".join(resolved) or "/"


def attribute(url: str) -> str:
    """Put url in a double-quoted attribute as an attacker would: entities left as written."""
    return url.replace('"', "&quot;").replace("<", "&lt;")


def assert_nothing_dangerous(markup: str) -> None:
    for where, url in Attributes(markup).urls():
        scheme, path = browser_reads(url)
        assert scheme in ("https", "mailto", "tel", "lesson"), (where, url)
        assert not FORBIDDEN_PATHS.search(path), (where, url, path)
        if where.startswith("img"):
            assert path, (where, url)  # pictures only from this site


SCRIPT_SCHEMES = [
    "javascript:123",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#0000106&#0000097vascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript&#x3a;alert(1)",
    "\u200bjavascript:alert(1)",
    "\ufeffjavascript:alert(1)",
    "javascript\u00a0:alert(1)",
    "javascript:%61lert(1)",
    "javascript://%0aalert(1)",
    "javascript:1234567890",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "blob:https://lab.example/x",
    "file:///etc/passwd",
    "filesystem:https://lab.example/x",
    "http://evil.example/",
    "ftp://evil.example/",
    "lesson:javascript:alert(1)",
    "lesson:../s/abc",
    "%6Aavascript:alert(1)",
]
SITE_ROUTES = [
    "/s/TOKEN",
    "/s/TOKEN?x=1",
    "/logout",
    "/login?next=/helper/",
    "/helper/",
    "/helper/learners/1",
    "/staff/learners?q=marie",
    "/progress/courriel/etape",
    "/fr/../s/TOKEN",
    "/fr/%2e%2e/s/TOKEN",
    "/fr/.%2E/s/TOKEN",
    "/fr/..%2fs/TOKEN",
    "/fr%2f..%2fs/TOKEN",
    "/fr/./../s/TOKEN",
    "/fr/lessons/x/media/../../../../s/TOKEN",
    "../../../s/TOKEN",
    "..%2f..%2f..%2fs/TOKEN",
    "%2e%2e/%2e%2e/%2e%2e/s/TOKEN",
    "./../../../s/TOKEN",
    "\\s\\TOKEN",
    "/\\evil.example/",
    "\\/evil.example/",
    "\\\\evil.example/",
    "//evil.example/",
    "/\t/evil.example/",
    " //evil.example/",
    "&#47;/evil.example/",
    "&sol;&sol;evil.example/",
    "https:/s/TOKEN",
    "https:s/TOKEN",
    "HTTPS:/logout",
    "https:\\\\evil.example\\",
    "https:///s/TOKEN",
    "https://lab.example@evil.example/",
    "/en/../helper/",
]


@pytest.mark.parametrize("url", SCRIPT_SCHEMES + SITE_ROUTES)
def test_a_hostile_link_loses_its_address_and_keeps_its_text(url):
    raw = f'<p><a href="{attribute(url)}">Cliquez ici</a></p>'
    cleaned = sanitize_html(raw)
    assert "href" not in cleaned, cleaned
    assert "Cliquez ici" in cleaned
    assert not is_allowed_link(url)


@pytest.mark.parametrize("url", SCRIPT_SCHEMES + SITE_ROUTES)
def test_a_hostile_picture_loses_its_source(url):
    raw = f'<img src="{attribute(url)}" alt="capture">'
    assert "src" not in sanitize_html(raw)
    assert not is_allowed_image(url)


@pytest.mark.parametrize(
    "url",
    ["/s/TOKEN", "/fr/lessons/x/media/../../../../s/TOKEN", "//evil.example/a.png"],
)
def test_a_hostile_srcset_candidate_drops_the_srcset(url):
    raw = f'<img src="/media/v/a-480.webp" srcset="/media/v/a-480.webp 480w, {url} 960w" alt="x">'
    assert "srcset" not in sanitize_html(raw)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.gmail.com/",
        "https://services.gouv.qc.ca/fr/?q=assurance-emploi#haut",
        "mailto:aide@lab.example",
        "tel:+14185550100",
        "lesson:courriel-1",
        "/fr/lessons/courriel/",
        "/fr/lessons/courriel/3",
        "/en/search?q=email",
        "/fr/lessons/courriel/media/boite.png",
        "/media/v/0123abcd-960.webp",
        "3",
        "#etape-2",
    ],
)
def test_the_links_lessons_need_stay(url):
    assert is_allowed_link(url)
    assert f'href="{html.escape(url)}"' in sanitize_html(f'<a href="{html.escape(url)}">x</a>')


@pytest.mark.parametrize(
    "src", ["/fr/lessons/courriel/media/boite.png", "/media/v/0123abcd-960.webp", "boite.png"]
)
def test_the_lessons_own_pictures_stay(src):
    assert f'src="{src}"' in sanitize_html(f'<img src="{src}" alt="x">')


@pytest.mark.parametrize(
    "src", ["https://cdn.example/a.png", "/fr/lessons/courriel/2", "/fr/", "/poster/qr.svg"]
)
def test_a_picture_from_anywhere_but_a_lessons_media_is_dropped(src):
    assert "src" not in sanitize_html(f'<img src="{src}" alt="x">')


def test_a_card_link_hidden_in_a_lesson_reaches_no_reader():
    source = (
        "Bonjour.\n\n"
        '<img src="/s/abcdefabcdefabcdefabcdefabcdefab" alt="">\n\n'
        '<a href="/s/abcdefabcdefabcdefabcdefabcdefab">Votre prochaine étape</a>\n\n'
        "[Continuer](/s/abcdefabcdefabcdefabcdefabcdefab) et ![x](/s/abc)\n\n"
        '<a href="javascript:123">Ouvrir</a> <a href="https:/logout">Sortir</a>\n'
    )
    for resolver in (None, lambda src: None):
        rendered = render_markdown(source, resolve_image=resolver)
        assert "/s/" not in rendered and "javascript" not in rendered and "logout" not in rendered
        assert "Votre prochaine étape" in rendered and "Ouvrir" in rendered
        assert_nothing_dangerous(rendered)


def test_the_lesson_check_sees_what_the_sanitiser_drops():
    removed = removed_by_sanitiser('<a href="javascript:123">x</a>\n<img src="/s/TOKEN" alt="">')
    assert (1, 'href="javascript:123" on <a>') in removed
    assert (2, 'src="/s/TOKEN" on <img>') in removed


# Every combination of a way to hide characters, a scheme or route, and a place to put it.
HIDERS = ["", " ", "\t", "\n", "\x00", "\x1f", "&#9;", "&#10;", "&#x0d;", "&NewLine;", "\u200b"]
TARGETS = ["javascript:alert(1)", "/s/T", "//evil.example", "https:/s/T", "../s/T", "data:,x"]


@pytest.mark.parametrize("target", TARGETS)
def test_no_mix_of_hidden_characters_slips_past(target):
    for hider, position in itertools.product(HIDERS, range(len(target) + 1)):
        url = target[:position] + hider + target[position:]
        for tag, attr in (("a", "href"), ("img", "src")):
            markup = sanitize_html(f'<{tag} {attr}="{attribute(url)}" alt="x">x</{tag}>')
            assert_nothing_dangerous(markup)
