"""Tests for coursesite.lessons.markup.markdown: lesson Markdown in, safe HTML out."""

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from coursesite.lessons.markup.markdown import (
    CALLOUT_KINDS,
    ImageInfo,
    render_markdown,
    sanitize_html,
)
from coursesite.lessons.markup.markdown_text import strip_to_text

FRENCH_TITLES = {
    "note": "Remarque",
    "tip": "Astuce",
    "important": "Important",
    "warning": "Attention",
    "caution": "Prudence",
}


class Page(HTMLParser):
    """Record the elements, attributes and visible text of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    def find(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]


def screenshots(src: str) -> ImageInfo | None:
    """Resolve lesson images the way the site does: local files only."""
    if src.startswith(("http:", "https:", "//", "/")) or ".." in src:
        return None
    return ImageInfo(f"/media/lesson/{src}", 1280, 720)


# --- callouts ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CALLOUT_KINDS)
def test_callout_uses_translated_title(kind):
    html = render_markdown(
        f"> [!{kind.upper()}]\n> Cliquez sur **Envoyer**.", callout_titles=FRENCH_TITLES
    )
    page = Page(html)
    assert page.find("div") == [{"class": f"callout callout-{kind}", "role": "note"}]
    assert page.find("blockquote") == []
    assert f'<p class="callout-title">{FRENCH_TITLES[kind]}</p>' in html
    assert "<p>Cliquez sur <strong>Envoyer</strong>.</p>" in html
    assert "[!" not in page.text


def test_callout_marker_is_case_insensitive_and_defaults_to_english():
    html = render_markdown("> [!Tip]\n> Use the big button.\n\n> [!warning]\n> Careful.")
    assert '<p class="callout-title">Tip</p>' in html
    assert '<p class="callout-title">Warning</p>' in html
    assert 'class="callout callout-warning"' in html


def test_callout_title_is_escaped():
    html = render_markdown("> [!NOTE]\n> x", callout_titles={"note": "<b>À *lire*</b> & co"})
    assert '<p class="callout-title">&lt;b&gt;À *lire*&lt;/b&gt; &amp; co</p>' in html


def test_unknown_callout_stays_a_blockquote():
    page = Page(render_markdown("> [!FOO]\n> Ordinary quote."))
    assert page.find("blockquote") == [{}]
    assert page.find("div") == []
    assert "[!FOO]" in page.text


# --- tables, kbd, links -----------------------------------------------------------------


def test_table_renders_as_a_table():
    html = render_markdown(
        "| Touche | Action |\n|:--|--:|\n| <kbd>Ctrl</kbd> + <kbd>C</kbd> | Copier |"
    )
    page = Page(html)
    assert [tag for tag, _ in page.elements if tag in ("table", "th", "td")] == [
        "table",
        "th",
        "th",
        "td",
        "td",
    ]
    assert "<kbd>Ctrl</kbd> + <kbd>C</kbd>" in html
    assert "style" not in html  # column alignment would need inline CSS, which CSP forbids


def test_kbd_and_strikethrough_are_kept():
    html = render_markdown("Appuyez sur <kbd>Entrée</kbd>, ~~pas~~ sur <kbd>Échap</kbd>.")
    assert "<kbd>Entrée</kbd>" in html
    assert "<kbd>Échap</kbd>" in html
    assert "<s>pas</s>" in html


def test_external_links_get_rel_and_internal_links_do_not():
    page = Page(render_markdown("[Gmail](https://mail.google.com) et [l'aide](/fr/aide)"))
    assert page.find("a") == [
        {"href": "https://mail.google.com", "rel": "noopener noreferrer"},
        {"href": "/fr/aide"},
    ]


def test_mailto_and_tel_links_are_kept():
    page = Page(render_markdown("[Écrire](mailto:aide@lab.example) ou [appeler](tel:+14185550100)"))
    assert [a["href"] for a in page.find("a")] == ["mailto:aide@lab.example", "tel:+14185550100"]


def test_inline_mode_has_no_paragraph():
    html = render_markdown("Ouvrir *Gmail* <kbd>Ctrl</kbd>", inline=True)
    assert html == Markup("Ouvrir <em>Gmail</em> <kbd>Ctrl</kbd>")


def test_inline_mode_is_sanitised_too():
    html = render_markdown(
        'Titre <img src=x onerror="alert(1)"><script>alert(2)</script>', inline=True
    )
    assert "onerror" not in html
    assert "alert" not in html


# --- images -----------------------------------------------------------------------------


def test_first_image_is_eager_and_the_others_lazy_with_size():
    source = "![Le bouton Écrire](ecrire.png)\n\n![Le champ À](a.png) ![Envoyer](envoyer.png)"
    images = Page(render_markdown(source, resolve_image=screenshots)).find("img")
    assert [img["src"] for img in images] == [
        "/media/lesson/ecrire.png",
        "/media/lesson/a.png",
        "/media/lesson/envoyer.png",
    ]
    assert [img.get("loading") for img in images] == [None, "lazy", "lazy"]
    assert all(img["decoding"] == "async" for img in images)
    assert all((img["width"], img["height"]) == ("1280", "720") for img in images)
    assert images[0]["alt"] == "Le bouton Écrire"


def test_image_without_size_has_no_width_or_height():
    img = Page(
        render_markdown("![x](a.png)", resolve_image=lambda s: ImageInfo("/media/a", None, None))
    )
    assert img.find("img") == [{"src": "/media/a", "alt": "x", "decoding": "async"}]


def test_resolver_gets_the_path_as_written():
    seen = []
    render_markdown("![x](capture-écran.png) ![y](<mon image.png>)", resolve_image=seen.append)
    assert seen == ["capture-écran.png", "mon image.png"]


def test_missing_image_shows_its_alt_text():
    html = render_markdown(
        "![Le bouton *Envoyer* en bas](absent.png)", resolve_image=lambda s: None
    )
    assert '<span class="missing-image">Le bouton Envoyer en bas</span>' in html
    assert "<img" not in html


@pytest.mark.parametrize(
    "src", ["https://cdn.example/x.png", "http://cdn.example/x.png", "//cdn.example/x.png"]
)
def test_external_image_is_never_loaded(src):
    for resolver in (None, screenshots, lambda s: ImageInfo(s, 10, 10)):
        html = render_markdown(f"![Logo de Gmail]({src})", resolve_image=resolver)
        assert "<img" not in html
        assert "cdn.example" not in html
        assert Page(html).text == "Logo de Gmail"


def test_without_resolver_only_plain_relative_paths_load():
    html = render_markdown("![a](a.png) ![b](../b.png) ![c](/etc/c.png) ![d](img/d.png)")
    assert [img["src"] for img in Page(html).find("img")] == ["a.png", "img/d.png"]
    assert html.count('class="missing-image"') == 2


def test_a_failing_resolver_does_not_break_the_step():
    def broken(src):
        raise OSError("disk gone")

    html = render_markdown("Texte.\n\n![Capture](a.png)", resolve_image=broken)
    assert Page(html).text == "Texte. Capture"


# --- sanitiser --------------------------------------------------------------------------


def test_sanitiser_keeps_only_known_classes():
    html = sanitize_html(
        '<div class="callout callout-note" role="note">a</div><div class="evil">b</div>'
        '<p class="callout-title">c</p><span class="missing-image">d</span>'
        '<span class="highlight x">e</span><div role="alert">f</div>'
    )
    assert html == (
        '<div class="callout callout-note" role="note">a</div><div>b</div>'
        '<p class="callout-title">c</p><span class="missing-image">d</span>'
        "<span>e</span><div>f</div>"
    )


def test_sanitiser_drops_headings_outside_h2_to_h4_but_keeps_their_text():
    page = Page(sanitize_html("<h1>Un</h1><h2>Deux</h2><h4>Quatre</h4><h5>Cinq</h5>"))
    assert [tag for tag, _ in page.elements] == ["h2", "h4"]
    assert page.text == "UnDeuxQuatre Cinq"


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "object", "template", "noscript"])
def test_sanitiser_hides_the_content_of_script_like_elements(tag):
    html = sanitize_html(f"<p>Avant</p><{tag}>alert(1); body {{color: red}}</{tag}><p>Après</p>")
    assert html == "<p>Avant</p><p>Après</p>"


@pytest.mark.parametrize(
    "src,kept",
    [
        ("a.png", True),
        ("/media/a.png", True),
        ("https://cdn.example/a.png", False),
        ("//cdn.example/a.png", False),
        ("/\t/cdn.example/a.png", False),
        ("/\\cdn.example/a.png", False),
        ("&#47;/cdn.example/a.png", False),
        ("data:image/png;base64,iVBORw0KGgo=", False),
    ],
)
def test_sanitiser_only_keeps_same_origin_image_sources(src, kept):
    images = Page(sanitize_html(f'<img src="{src}" alt="x">')).find("img")
    assert ("src" in images[0]) is kept


# --- hostile input ----------------------------------------------------------------------

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<img src=x onerror=alert(1)>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
    "&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000049>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74"
    "&#x28&#x31&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<IMG SRC=\"javascript:alert('XSS')\"",
    "<img/src=x/onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="   \n\tjavascript:alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="javascript&#58alert(1)">x</a>',
    '<a href="java&Tab;script:alert(1)">x</a>',
    '<a href="javascript&NewLine;:alert(1)">x</a>',
    '<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href=/ title=x"onmouseover=alert(1)>x</a>',
    '<a title=\'"><script>alert(1)</script>\' href="/">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;'
    '&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
    '<math href="javascript:alert(1)">click</math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<object type="text/x-scriptlet" data="http://xss.example/x.html"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<style>@import "http://xss.example/xss.css";</style>',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    '<p style="x:expression(alert(1))">x</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="http://xss.example/x.css">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<video><source onerror="alert(1)">',
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div class="callout" onmouseover="alert(1)">x</div>',
    '<img src="/ok.png" alt="x" onload="alert(1)">',
    '<img src="x.png" alt="a" data-x="1" style="x">',
    '<img alt="x" src="x.png"" onerror="alert(1)">',
    "<img src=x.png alt=`x`onerror=alert(1)>",
    '<img src="x`<script>alert(1)</script>"`>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    '<isindex action="javascript:alert(1)" type=image>',
    '"><script>alert(1)</script>',
    '<kbd onclick="alert(1)">Ctrl</kbd>',
    '<span class="missing-image x" onclick="alert(1)">s</span>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x]: javascript:alert(1)\n\n[link][x]",
    "<javascript:alert(1)>",
    '[x](https://ok.example "t\\" onclick=\\"alert(1)")',
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](x.png)',
    '![x](x.png "t\\" onerror=\\"alert(1)")',
    "![x](//evil.example/x.png)",
    "![x](https://evil.example/x.png)",
    "> [!TIP]\n> <img src=x onerror=alert(1)>",
    "**<img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
]

# fmt: off
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "del", "s", "sub", "sup",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "div", "span", "figure", "figcaption", "abbr", "mark", "picture", "source",
    "wbr",
}
# fmt: on
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data"}
# Characters a browser ignores or strips inside a URL scheme, plus invisible look-alikes.
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\xa0\u00ad\u200b-\u200f\u2028\u2029\ufeff]")


def assert_harmless(html: str) -> None:
    """Fail if the HTML holds anything a browser could run or fetch from elsewhere."""
    for tag, attrs in Page(html).elements:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            if name in URL_ATTRIBUTES:
                url = IGNORED_IN_URL.sub("", value).lower()
                assert not url.startswith(("javascript:", "vbscript:", "data:")), (tag, value)
        if tag == "img":
            src = IGNORED_IN_URL.sub("", attrs.get("src", ""))
            assert not re.match(r"[a-z][a-z0-9+.-]*:|//|/\\", src, re.I), src
        if tag == "source":  # the phone's slice of a screenshot: same-origin only
            for candidate in attrs.get("srcset", "").split(","):
                url = IGNORED_IN_URL.sub("", candidate.strip())
                assert not re.match(r"[a-z][a-z0-9+.-]*:|//|/\\", url, re.I), url


@pytest.mark.parametrize("vector", XSS_VECTORS)
@pytest.mark.parametrize("inline", [False, True], ids=["block", "inline"])
def test_hostile_input_renders_harmless(vector, inline):
    assert_harmless(render_markdown(vector, resolve_image=screenshots, inline=inline))
    assert_harmless(render_markdown(vector, inline=inline))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitiser_alone_is_harmless(vector):
    assert_harmless(sanitize_html(vector))


def test_script_bodies_never_show_as_text():
    html = render_markdown(
        "Bonjour\n\n<script>alert('volé')</script>\n\n<style>body{display:none}</style>\n\nFin"
    )
    assert Page(html).text == "Bonjour Fin"


# --- Markdown written for other tools ---------------------------------------------------

FOREIGN_SYNTAX = [
    ("Voir la note[^1].\n\n[^1]: La note dit ceci.", ["note[^1].", "[^1]: La note dit ceci."]),
    (":::note\nContenu de l'encadré\n:::", [":::note Contenu de l'encadré :::"]),
    ('{{< figure src="x.png" >}}\nTexte après', ['{{< figure src="x.png" >}}', "Texte après"]),
    ("{{% notice tip %}}Astuce Hugo{{% /notice %}}", ["{{% notice tip %}}Astuce Hugo"]),
    ("{% raw %}Texte Liquid{% endraw %}", ["{% raw %}Texte Liquid{% endraw %}"]),
    ("$$\nE = mc^2\n$$\n\nEt $x_1$ en ligne.", ["$$ E = mc^2 $$", "Et $x_1$ en ligne."]),
    ("Avant <!-- note pour l'équipe --> après", ["Avant", "après"]),
    ("Courriel\n: Un message envoyé par Internet.", [": Un message envoyé par Internet."]),
    ("Voir [[Créer un compte]] et [[Page|texte]].", ["[[Créer un compte]]", "[[Page|texte]]"]),
    ("Bravo :smile: :tada:", ["Bravo :smile: :tada:"]),
    ("- [ ] à faire\n- [x] fait", ["[ ] à faire", "[x] fait"]),
    ("Titre {#mon-id .classe}", ["Titre {#mon-id .classe}"]),
    (".. note::\n   Texte reStructuredText", [".. note:: Texte reStructuredText"]),
    ("<details><summary>Plus</summary>Texte replié</details>", ["Plus", "Texte replié"]),
    ("[lien cassé][nulle-part] et [vide]()", ["[lien cassé][nulle-part]", "vide"]),
    ("> " * 10_000 + "Texte très profond", ["Texte très profond"]),
    (">" * 10_000 + "Sans espaces", ["Sans espaces"]),
    ("\n".join("  " * i + f"- niveau {i}" for i in range(200)), ["niveau 0", "niveau 199"]),
    ("- " * 3_000 + "liste dans liste", ["liste dans liste"]),
]


@pytest.mark.parametrize("source,visible", FOREIGN_SYNTAX, ids=lambda v: repr(v)[:30])
def test_markdown_from_other_tools_keeps_its_text(source, visible):
    text = Page(render_markdown(source)).text
    for words in visible:
        assert words in text


def test_html_comments_are_not_shown():
    assert "équipe" not in Page(render_markdown("Avant <!-- note pour l'équipe --> après")).text


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\x00",
        "lone \ud800 surrogate \udfff",
        "\x1b[31mrouge\x1b[0m \x07 \x0b",
        "\u202e\u200b\ufeff",
        bytes(range(256)).decode("latin-1") * 20,
        "<" * 10_000,
        "[" * 10_000 + "]" * 10_000,
        "*_" * 5_000,
        "`" * 10_000,
        "|" * 1_000 + "\n" + "|-" * 500,
        "<div>" * 3_000,
        "".join(f'<b title="{i}">' for i in range(500)),
        "a" * 1_000_000,
        "&amp;" * 10_000,
    ],
    ids=lambda v: repr(v)[:20],
)
def test_never_raises_and_always_encodes(source):
    for inline in (False, True):
        html = render_markdown(source, inline=inline)
        assert isinstance(html, Markup)
        html.encode("utf-8")  # a lone surrogate would crash the response
        assert_harmless(html)
    strip_to_text(source).encode("utf-8")
