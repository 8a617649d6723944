"""Rendered lesson text breaks where a reader expects it, and never inside « guillemets »."""

from coursesite.lessons.markup.markdown import render_markdown
from coursesite.lessons.markup.typography import allow_address_breaks


def test_french_guillemets_stay_with_their_words():
    html = str(render_markdown("Cliquez sur « Créer un compte »."))
    assert "«\u00a0Créer un compte\u00a0»" in html


def test_long_addresses_break_at_their_at_sign_and_dots_but_not_inside_a_tag():
    html = allow_address_breaks(
        '<a href="mailto:carole.m.exemple@gmail.com">carole.m.exemple@gmail.com</a>'
    )
    assert html == (
        '<a href="mailto:carole.m.exemple@gmail.com">carole.<wbr>m.<wbr>exemple<wbr>@gmail.com</a>'
    )
    assert allow_address_breaks("<p>Voir www.a.ca</p>") == "<p>Voir www.a.ca</p>"  # short: whole
