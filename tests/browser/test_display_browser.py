"""At 200 % text on a 360-px phone nothing scrolls sideways; preferences work without JavaScript."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

LESSON = "demande-assurance-emploi"
PAGES = [
    "/fr/",
    f"/fr/lessons/{LESSON}/",
    f"/fr/lessons/{LESSON}/1",
    f"/fr/lessons/{LESSON}/5",
    f"/fr/lessons/{LESSON}/end",
    f"/fr/lessons/{LESSON}/print",
    "/fr/search?q=emploi",
    "/fr/display",
    "/login?lang=fr",
    "/poster?lang=fr",
]


def choose(page, text_size="200", contrast="normal"):
    page.goto("/fr/display")
    page.locator(f"input[name=text_size][value='{text_size}']").check()
    page.locator(f"input[name=contrast][value='{contrast}']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert "/display" not in page.url  # saved, and sent back where the person was


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_200_percent_text_on_a_phone_never_scrolls_sideways(browser, live_server, javascript):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    choose(page, "200")
    base = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert base >= 36  # 16 px × 225 % on a phone: the text really is twice as large
    for path in PAGES:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 200 % text"
    context.close()


def test_high_contrast_and_large_text_pages_pass_axe(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    choose(page, "150", "high")
    assert page.evaluate("document.documentElement.className") == "text-150 contrast-high"
    for path in PAGES:
        page.goto(path)
        assert axe_violations(page) == [], path
    context.close()
