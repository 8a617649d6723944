"""A learner follows a whole lesson in a real browser; every page type passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

LESSON = "creer-adresse-courriel"


def test_learner_goes_from_language_choice_to_the_end_of_a_lesson_in_french(desktop):
    page = desktop.new_page()
    page.goto("/")
    # Accept-Language fr-CA: French is offered first.
    choices = page.locator(".language-choice a")
    expect(choices.first).to_have_text("Français")
    choices.first.click()
    expect(page).to_have_url(re.compile(r"/fr/$"))
    page.get_by_role("link", name="Créer une adresse courriel").click()
    page.get_by_role("link", name="Commencer la leçon").click()
    total = int(re.search(r"sur (\d+)", page.locator(".step-count").inner_text()).group(1))
    assert 6 <= total <= 12
    for number in range(1, total + 1):
        expect(page.locator(".step-count")).to_have_text(f"Étape {number} sur {total}")
        assert page.locator("progress").get_attribute("value") == str(number)
        image = page.locator(".lesson-content img").first
        if image.count():
            # Screenshots really load (naturalWidth > 0) and have a meaningful alt text. The
            # first view of a step makes its WebP copy, so wait for the page's load event.
            page.wait_for_load_state("load")
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
            assert len(image.get_attribute("alt")) > 10
        # "J'ai fait cette étape → suivante": marks the step and goes on in one tap.
        page.locator("[data-next-action] .button-done-next").click()
    expect(page.locator("h1")).to_have_text("Bravo!")
    # The choice is remembered: the home page now goes straight to French.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/fr/$"))


def test_switching_language_mid_lesson_lands_on_the_same_step(desktop):
    page = desktop.new_page()
    page.goto(f"/fr/lessons/{LESSON}/3")
    french_title = page.locator("h1").inner_text()
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(rf"/en/lessons/{LESSON}/3$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".step-count")).to_contain_text("Step 3 of")
    assert page.locator("h1").inner_text() != french_title
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/3$"))


PAGE_TYPES = [
    "/",
    "/{lang}/",
    "/{lang}/lessons/" + LESSON + "/",
    "/{lang}/lessons/" + LESSON + "/1",
    "/{lang}/lessons/" + LESSON + "/2",
    "/{lang}/lessons/" + LESSON + "/end",
    "/{lang}/lessons/" + LESSON + "/print",
    "/{lang}/lessons/nowhere/",
    "/poster?lang={lang}",
    "/{lang}/search?q=cour",
    "/{lang}/search?q=zzzz",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_type_passes_axe(browser, live_server, path, lang):
    context = browser.new_context(base_url=live_server.url, locale=f"{lang}-CA")
    page = context.new_page()
    page.goto(path.format(lang=lang))
    assert axe_violations(page) == []
    context.close()


def test_step_page_fits_a_360px_phone_without_sideways_scrolling(phone):
    page = phone.new_page()
    for path in (f"/fr/lessons/{LESSON}/1", f"/fr/lessons/{LESSON}/", "/fr/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_the_csp_watch_catches_a_violation(desktop, csp_violations):
    # The guard every browser test relies on: an inline script the CSP blocks is reported.
    page = desktop.new_page()
    page.goto(f"/fr/lessons/{LESSON}/1")
    assert csp_violations == []
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.append(s); }"
    )
    page.wait_for_function("() => true")
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("() => window.ran") is None  # blocked
    page.wait_for_timeout(100)  # the report arrives asynchronously
    assert any("script-src" in line for line in csp_violations), csp_violations
    csp_violations.clear()  # seen on purpose: the test itself must not fail
