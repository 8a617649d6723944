"""The plain text of lesson Markdown: words kept, markup, tags and callout titles gone."""

import pytest

from coursesite.lessons.markup.markdown_text import strip_to_text


@pytest.mark.parametrize(
    "source,text",
    [
        ("**Gras** et _italique_ &amp; <kbd>Ctrl</kbd>", "Gras et italique & Ctrl"),
        ("1. Ouvrir le navigateur", "1. Ouvrir le navigateur"),
        ("L&#39;adresse &lt;courriel&gt; `a < b`", "L'adresse <courriel> a < b"),
        ("Un paragraphe.\n\n- premier\n- second", "Un paragraphe.\npremier\nsecond"),
        ("> [!TIP]\n> Gardez votre mot de passe.", "Gardez votre mot de passe."),
        ("Cliquez ici : ![Le bouton Envoyer](envoyer.png)", "Cliquez ici : Le bouton Envoyer"),
        ("<script>alert(1)</script>Bonjour <!-- caché -->", "Bonjour"),
        ("[Gmail](https://gmail.com) &nbsp;!", "Gmail !"),
        ("", ""),
    ],
)
def test_strip_to_text(source, text):
    assert strip_to_text(source) == text


def test_strip_to_text_has_no_tags_or_entities():
    text = strip_to_text("| a | b |\n|---|---|\n| <em>x</em> | &eacute; |\n\n### Titre")
    assert text == "a\nb\nx\né\nTitre"
