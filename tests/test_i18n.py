"""Interface text: a complete French catalogue, and the right <html lang> everywhere."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import coursesite
from coursesite.lessons.markup.typography import keep_french_punctuation_together

TRANSLATIONS = Path(coursesite.__file__).parent / "translations"


def catalogues():
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_there_is_a_french_catalogue():
    assert [p.parts[-3] for p in catalogues()] == ["fr"]


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda p: p.parts[-3])
def test_every_entry_is_translated_and_none_is_fuzzy(po_path):
    with po_path.open("rb") as f:
        catalogue = read_po(f)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        for placeholder in re.findall(r"%\(\w+\)[sd]", str(message.id)):
            if not all(placeholder in s for s in strings):
                problems.append(f"placeholder {placeholder} lost in {message.id!r}")
    assert problems == []


def test_french_punctuation_stays_on_the_line_of_its_word():
    # At 200 % text on a phone, "Étapes faites dans cette leçon : 1 sur 12" put ": 1 sur 12"
    # alone on a line. Every French message is written as lesson text is rendered: a
    # non-breaking space (U+00A0) before : ; ? ! » and after «.
    (po_path,) = [p for p in catalogues() if p.parts[-3] == "fr"]
    with po_path.open("rb") as f:
        catalogue = read_po(f)
    loose = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        loose += [s for s in strings if message.id and keep_french_punctuation_together(s) != s]
    assert loose == []


def test_every_interface_string_in_the_code_is_in_the_catalogue():
    """A msgid in the code but missing from messages.po would show in English to French readers."""
    from babel.messages.extract import extract_from_dir

    method_map = [("coursesite/**.py", "python"), ("coursesite/templates/**.html", "jinja2")]
    root = Path(coursesite.__file__).parent.parent
    found = {
        (m[2] if isinstance(m[2], str) else m[2][0])
        for m in extract_from_dir(
            root / "coursesite",
            [(p.removeprefix("coursesite/"), k) for p, k in method_map],
            keywords={
                "_": None,
                "_l": None,
                "gettext": None,
                "lazy_gettext": None,
                "ngettext": (1, 2),
                "lazy_ngettext": (1, 2),
                "N_": None,  # lessons check's messages, translated where they are shown
            },
        )
    }
    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert sorted(found - known) == []


@pytest.mark.parametrize(
    ("url", "lang"),
    [
        ("/fr/", "fr"),
        ("/en/", "en"),
        ("/fr/lessons/bonjour/1", "fr"),
        ("/en/lessons/bonjour/1", "en"),
        ("/fr/lessons/nope/", "fr"),
        ("/en/lessons/nope/", "en"),
        ("/poster?lang=en", "en"),
        ("/poster?lang=fr", "fr"),
    ],
)
def test_html_lang_matches_the_page_language(client, url, lang):
    page = client.get(url).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page


def test_pages_without_a_language_in_the_url_follow_the_browser(client):
    page = client.get("/poster", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "QR code of the address" in page
    page = client.get("/poster", headers={"Accept-Language": "fr-CA,fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in page and "Code QR de l’adresse" in page


def test_every_string_of_the_code_and_templates_is_in_the_french_catalogue():
    """What `make messages` extracts (templates' own tags included) is all in messages.po."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    root = Path(coursesite.__file__).parent.parent
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    keywords["N_"] = None
    found = set()
    for _, _, message, _, _ in extract_from_dir(root, method_map, options_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    po = root / "coursesite" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalogue = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(f) if m.id}
    missing = sorted(found - catalogue)
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"


def test_babel_reads_the_templates_with_every_tag_the_site_adds(app):
    """A tag unknown to the extractor hides its strings, and `make messages` then drops them.

    The site adds no tag of its own today (holes are functions: web/page_skeleton.py); one
    added later must be named in babel.cfg."""
    root = Path(coursesite.__file__).parent.parent
    cfg = (root / "babel.cfg").read_text(encoding="utf-8")
    own = [name for name in app.jinja_env.extensions if name.startswith("coursesite.")]
    assert all(name in cfg for name in own), own
