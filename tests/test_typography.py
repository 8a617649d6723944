"""Rendered lesson text breaks where a reader expects it, never inside « guillemets » nor
before French punctuation."""

from coursesite.lessons.markup.markdown import render_markdown
from coursesite.lessons.markup.typography import allow_address_breaks


def test_french_guillemets_stay_with_their_words():
    html = str(render_markdown("Cliquez sur « Créer un compte »."))
    assert "«\u00a0Créer un compte\u00a0»" in html


def test_french_punctuation_stays_with_its_word_but_a_picture_is_left_alone():
    html = str(
        render_markdown("Il vous faut : un courriel ; le voulez-vous ? Oui ! ![Écran](a.png)")
    )
    assert "faut\u00a0: un courriel\u00a0; le voulez-vous\u00a0? Oui\u00a0!" in html
    assert "Oui\u00a0! <img" in html or "Oui\u00a0! <a" in html  # the picture is not glued


def test_long_addresses_break_at_their_at_sign_and_dots_but_not_inside_a_tag():
    html = allow_address_breaks(
        '<a href="mailto:carole.m.exemple@gmail.com">carole.m.exemple@gmail.com</a>'
    )
    assert html == (
        '<a href="mailto:carole.m.exemple@gmail.com">carole.<wbr>m.<wbr>exemple<wbr>@gmail.com</a>'
    )
    assert allow_address_breaks("<p>Voir www.a.ca</p>") == "<p>Voir www.a.ca</p>"  # short: whole
