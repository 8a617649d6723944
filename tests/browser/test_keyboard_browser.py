"""A keyboard-only learner finishes a lesson: skip link, visible focus, logical order."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LESSON = "trouver-musique-en-ligne"


def tab_to(page, predicate_js: str, limit: int = 40) -> dict:
    """Press Tab until the focused element matches; return what was focused on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement || document.body; const s = getComputedStyle(e);
                return {tag: e.tagName, text: (e.innerText || e.value || '').trim(), href: e.getAttribute('href'),
                        rel: e.getAttribute('rel'), outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth)}; }"""
        )
        seen.append(info)
        if page.evaluate(predicate_js):
            return {"focused": info, "seen": seen}
    raise AssertionError(f"never reached the target; focused on the way: {seen}")


def test_keyboard_only_learner_completes_a_lesson(desktop):
    page = desktop.new_page()
    page.goto(f"/fr/lessons/{LESSON}/")
    # The first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-200px"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    start = tab_to(page, "document.activeElement.textContent.trim() === 'Commencer la leçon'")
    assert start["focused"]["outline"] != "none" and start["focused"]["outlineWidth"] >= 2
    page.keyboard.press("Enter")
    expect(page.locator(".step-count")).to_contain_text("Étape 1 sur")
    total = int(re.search(r"sur (\d+)", page.locator(".step-count").inner_text()).group(1))
    for number in range(1, total + 1):
        expect(page.locator(".step-count")).to_have_text(f"Étape {number} sur {total}")
        result = tab_to(
            page, "document.activeElement.classList.contains('button-done-next')", limit=60
        )
        # Logical order: Previous and the step's own content come before "I did this step → next".
        rels = [item["rel"] for item in result["seen"]]
        assert "prev" in rels and rels.index("prev") < len(rels) - 1
        assert result["focused"]["outline"] != "none"
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Bravo!")
