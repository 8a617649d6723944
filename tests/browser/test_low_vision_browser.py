"""A low-vision learner on a 360-px phone at the largest text size: what they would notice.

No word cut across lines, nothing scrolling sideways, every control 44 × 44 px or more, a focus
ring that stands out from what is behind it, the step's next action always on the screen, and
screenshots whose text is as large as the page's. Measured in a real Chromium on every page
type, in both languages; the numbers are printed (pytest -s) for the record.
"""

import re

import pytest
from playwright.sync_api import expect

from coursesite import services
from tests.browser import measure
from tests.browser.conftest import axe_violations
from tests.browser.test_every_page_browser import USERNAMES, signed_in_context
from tests.conftest import add_user, app_database

pytestmark = pytest.mark.browser

LESSONS = ("creer-adresse-courriel", "demande-assurance-emploi", "trouver-musique-en-ligne")
TOPIC = {"fr": "courriel", "en": "email"}
VISITOR_PAGES = [
    "/{lang}/",
    "/{lang}/topics/{topic}",
    "/{lang}/lessons/creer-adresse-courriel/",
    "/{lang}/lessons/creer-adresse-courriel/1",  # the table of providers
    "/{lang}/lessons/creer-adresse-courriel/6",  # e-mail addresses in the text
    "/{lang}/lessons/demande-assurance-emploi/5",  # "renseignements personnels"
    "/{lang}/lessons/trouver-musique-en-ligne/2",
    "/{lang}/lessons/creer-adresse-courriel/end",
    "/{lang}/lessons/creer-adresse-courriel/print",
    "/{lang}/lessons/creer-adresse-courriel/sheet",
    "/{lang}/lessons/creer-adresse-courriel/4/picture/1",
    "/{lang}/search?q=courriel",
    "/{lang}/display",
    "/{lang}/privacy",
    "/{lang}/lessons/nowhere/",
    "/login?lang={lang}",
    "/poster?lang={lang}",
]
HELPER_PAGES = [
    "/helper/?lang={lang}",
    "/helper/session?lang={lang}",
    "/helper/learners/{learner}?lang={lang}",
    "/helper/code?code=ZZZZ&lang={lang}",
]
STAFF_PAGES = [
    "/staff/?lang={lang}",
    "/staff/lessons?lang={lang}",
    "/staff/reports?lang={lang}",
    "/staff/learners?lang={lang}",
]
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def choose_display(page, text_size="200", contrast="normal", lang="fr"):
    """Pick the text size and colours on the display page, as a learner would."""
    page.goto(f"/{lang}/display")
    page.locator(f"input[name=text_size][value='{text_size}']").check()
    page.locator(f"input[name=contrast][value='{contrast}']").check()
    with page.expect_navigation():
        page.locator("form.preferences-form button[type=submit]").click()


@pytest.fixture(scope="module")
def accounts(live_server):
    """The accounts signed_in_context signs in with (the same as the axe test's)."""
    users = {}
    with app_database(live_server.app):
        from coursesite.data.models import User

        users = {role: User.get_or_none(User.username == name) for role, name in USERNAMES.items()}
    for role, username in USERNAMES.items():
        if users[role] is None:
            users[role] = add_user(live_server.app, username, role, name=f"Test {role}")
    return users


def paths(templates, lang, accounts=None):
    learner = accounts["learner"].id if accounts else 0
    return [t.format(lang=lang, topic=TOPIC[lang], learner=learner) for t in templates]


@pytest.fixture
def large_phone(browser, live_server, request):
    """A phone at 200 % text; the language and JavaScript come from the test's parameters."""
    lang = getattr(request, "param", "fr")
    context = browser.new_context(base_url=live_server.url, locale=f"{lang}-CA", **PHONE)
    page = context.new_page()
    choose_display(page, "200", lang=lang)
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("role", ["visitor", "helper", "staff"])
def test_no_word_is_cut_and_nothing_scrolls_sideways_at_200_percent_on_a_phone(
    browser, live_server, accounts, role, lang
):
    context = signed_in_context(browser, live_server, role, lang, **PHONE)
    page = context.new_page()
    choose_display(page, "200", lang=lang)
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 36
    templates = {"visitor": VISITOR_PAGES, "helper": HELPER_PAGES, "staff": STAFF_PAGES}[role]
    problems, words = {}, 0
    for path in paths(templates, lang, accounts):
        response = page.goto(path)
        assert response.status in (200, 404), path
        measured = measure.split_words(page, "body")
        words += measured["words"]
        sideways = measure.sideways_scroll(page)
        if measured["cut"] or sideways > 0:
            problems[path] = {"cut": measured["cut"], "sideways px": sideways}
    context.close()
    print(f"\n{role} {lang}: {words} words measured, cut: {problems}")
    assert words > 300  # the measure really saw the pages' text
    assert problems == {}


@pytest.mark.parametrize("text_size", ["100", "200"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("role", ["visitor", "helper", "staff"])
def test_every_control_is_at_least_44_by_44_px(
    browser, live_server, accounts, role, device, text_size
):
    lang = "fr" if text_size == "200" else "en"
    context = signed_in_context(
        browser, live_server, role, lang, **(PHONE if device == "phone" else DESKTOP)
    )
    page = context.new_page()
    choose_display(page, text_size, lang=lang)
    templates = {"visitor": VISITOR_PAGES, "helper": HELPER_PAGES, "staff": STAFF_PAGES}[role]
    small, narrowest = {}, float("inf")
    for path in paths(templates, lang, accounts):
        page.goto(path)
        narrowest = min(narrowest, measure.narrowest_target(page))
        found = measure.small_targets(page)
        if found:
            small[path] = found
    context.close()
    print(f"\n{role} {device} {text_size} %: narrowest target {narrowest} px")
    assert small == {}
    assert narrowest >= 44


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("role", ["learner", "helper"])
def test_the_header_links_and_sign_out_button_read_on_one_line(
    browser, live_server, accounts, role, device, lang
):
    # "My account" sat 1.5 px (desktop) to 5 px (phone, 200 % text) above "Sign out".
    context = signed_in_context(
        browser, live_server, role, lang, **(PHONE if device == "phone" else DESKTOP)
    )
    page = context.new_page()
    choose_display(page, "200" if device == "phone" else "100", lang=lang)
    page.goto(f"/{lang}/lessons/creer-adresse-courriel/3")
    rows = measure.header_rows(page)
    context.close()
    print(f"\n{role} {device} {lang}: {rows}")
    if role == "learner":  # a helper's "Sign out" may wrap to a line of its own
        sign_out = "Me déconnecter" if lang == "fr" else "Sign out"
        assert any(sign_out in row["texts"] for row in rows)
    assert [row for row in rows if row["spread"] > 1] == []


@pytest.mark.parametrize("contrast", ["normal", "high"])
@pytest.mark.parametrize("role", ["visitor", "helper", "staff"])
def test_the_focus_ring_stands_out_3_to_1_from_every_background(
    browser, live_server, accounts, role, contrast
):
    context = signed_in_context(browser, live_server, role, "fr", **DESKTOP)
    page = context.new_page()
    choose_display(page, "100", contrast)
    templates = {"visitor": VISITOR_PAGES, "helper": HELPER_PAGES, "staff": STAFF_PAGES}[role]
    faint, lowest = [], float("inf")
    for path in paths(templates[:6], "fr", accounts):
        page.goto(path)
        for ring in measure.focus_rings(page):
            lowest = min(lowest, ring["ratio"])
            if ring["ratio"] < 3:
                faint.append((path, ring))
    context.close()
    print(f"\n{role} {contrast} contrast: lowest focus ring contrast {lowest}:1")
    assert faint == []
    assert lowest >= 3


def lesson_steps(live_server, lang):
    catalogue = services.catalogue(live_server.app)
    for lesson_id in LESSONS:
        lesson = catalogue.get(lang, lesson_id)
        for number in range(1, len(lesson.steps) + 1):
            yield f"/{lang}/lessons/{lesson_id}/{number}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_next_action_is_on_the_first_screen_of_every_step_and_hides_nothing(
    browser, live_server, lang, javascript
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    choose_display(page, "200", lang=lang)
    out_of_view, hidden_end, tallest = [], [], 0
    for path in lesson_steps(live_server, lang):
        page.goto(path)
        bar = page.locator("[data-next-action]")
        action = bar.locator(".button").first
        box, height = action.bounding_box(), page.viewport_size["height"]
        if not (box["y"] >= 0 and box["y"] + box["height"] <= height):
            out_of_view.append((path, box))
        tallest = max(tallest, bar.bounding_box()["height"])
        # At the very end of the page, the last words of the step are above the bar.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        last = page.locator("article.step .lesson-content > *").last.bounding_box()
        if last["y"] + last["height"] > bar.bounding_box()["y"] + 1:
            hidden_end.append(path)
    context.close()
    print(f"\n{lang}: the bar is at most {tallest:.0f} px of a 640-px screen at 200 % text")
    assert out_of_view == []
    assert hidden_end == []
    assert tallest <= 640 / 3


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_step_title_and_the_next_action_share_the_first_screen_at_200_percent(
    browser, live_server, lang, javascript
):
    """Where am I (the step's title) and what do I do next (the bar), without scrolling."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    choose_display(page, "200", lang=lang)
    below, lowest = [], None
    for path in lesson_steps(live_server, lang):
        page.goto(path)
        if javascript:  # "Listen" is shown by the script, when the browser can speak
            page.wait_for_load_state("load")
        assert page.evaluate("window.scrollY") == 0
        title = page.locator("#step-title").bounding_box()
        bar = page.locator("[data-next-action]").bounding_box()
        bottom = title["y"] + title["height"]
        if lowest is None or bottom - bar["y"] > lowest[0] - lowest[1]:
            lowest = (bottom, bar["y"], path)
        if title["y"] < 0 or bottom > bar["y"]:
            below.append((path, round(title["y"]), round(bottom), round(bar["y"])))
    context.close()
    print(
        f"\n{lang} {'with' if javascript else 'without'} JS, 200 % on 360×640: the lowest step"
        f" title ends at y={lowest[0]:.0f}, the bar starts at y={lowest[1]:.0f} ({lowest[2]})"
    )
    assert below == []


# The text sizes the display page offers (data/models.py DISPLAY_PREFERENCES).
TEXT_SIZES = ("100", "125", "150", "200")
# The mock-ups' smallest text (the starter screenshots use 16 to 20 px).
MOCKUP_TEXT_PX = 16

SHOT_SIZES = """
img => {
  const frame = img.closest('.slide-frame') || img.closest('picture');
  const box = img.getBoundingClientRect();
  return {
    src: img.currentSrc, natural: img.naturalWidth, shown: box.width, alt: img.alt,
    body: parseFloat(getComputedStyle(document.querySelector('.lesson-content p') || document.body).fontSize),
    frameWidth: frame.getBoundingClientRect().width, frameScroll: frame.scrollLeft,
    scrolls: frame.scrollWidth > frame.clientWidth + 1,
  };
}
"""


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("text_size", TEXT_SIZES)
def test_a_phone_shows_the_part_of_the_screenshot_around_the_box_as_large_as_the_text(
    browser, live_server, lang, text_size
):
    """Every highlighted screenshot of the three lessons, at every text size the site offers."""
    context = browser.new_context(base_url=live_server.url, locale=f"{lang}-CA", **PHONE)
    page = context.new_page()
    choose_display(page, text_size, lang=lang)
    small, whole, sideways, measured = [], [], [], []
    for path in lesson_steps(live_server, lang):
        page.goto(path)
        shots = page.locator(".lesson-content .shot img")
        for index in range(shots.count()):
            shot = shots.nth(index)
            shot.scroll_into_view_if_needed()
            expect(shot).to_have_js_property("complete", True)
            info = shot.evaluate(SHOT_SIZES)
            if (
                not page.locator(".lesson-content .shot")
                .nth(index)
                .locator("picture.cropped")
                .count()
            ):
                continue  # a picture without a highlight shows whole
            if "-crop" not in info["src"]:
                whole.append(path)  # the whole screen where the slice was due
                continue
            # naturalWidth counts the slice's pixels as they were on the screen it shows (the
            # file holds more, for sharpness): on the phone each of them is shown / natural px.
            text_px = MOCKUP_TEXT_PX * info["shown"] / info["natural"]
            measured.append((text_px, info["body"], path))
            if text_px < info["body"] - 0.5:
                small.append((path, round(text_px, 1), info["body"]))
            if info["scrolls"]:
                if info["frameScroll"] != 0:
                    sideways.append((path, "the frame does not start at the box"))
                # A sighted learner is told the picture slides.
                hint = page.locator(".lesson-content .shot").nth(index).locator(".shot-slide")
                if not hint.is_visible():
                    sideways.append((path, "nothing says the picture slides"))
        if measure.sideways_scroll(page) > 0:
            sideways.append((path, "the page scrolls sideways"))
    context.close()
    smallest = min(measured, key=lambda m: m[0] - m[1])
    print(
        f"\n{lang} {text_size} %: {len(measured)} highlighted screenshots; smallest screenshot"
        f" text {smallest[0]:.1f} px vs body {smallest[1]:.1f} px ({smallest[2]})"
    )
    assert len(measured) >= 25  # every step with a highlight in the three lessons
    assert whole == []
    assert small == []
    assert sideways == []


def test_the_slice_keeps_the_alt_text_and_links_to_the_whole_screen(large_phone):
    page = large_phone
    page.goto("/fr/lessons/creer-adresse-courriel/4")
    shot = page.locator(".lesson-content .shot img").first
    expect(shot).to_have_js_property("complete", True)
    assert shot.evaluate("img => img.currentSrc").endswith("-crop200.webp")  # the slice
    assert "Créer un compte" in shot.get_attribute("alt")  # the same words for a screen reader
    # "See the whole screen" goes to the picture's own page.
    link = page.locator(".lesson-content .shot-full a").first
    assert re.search(r"/fr/lessons/creer-adresse-courriel/4/picture/1$", link.get_attribute("href"))
    expect(link).to_have_text("Voir tout l’écran")


def test_a_sliding_frame_is_reached_and_slid_with_the_keyboard_on_a_phone_only(
    browser, live_server, large_phone
):
    page = large_phone
    page.goto("/fr/lessons/creer-adresse-courriel/3")  # the address bar: wider than the phone
    frame = page.locator(".lesson-content .slide-frame").first
    expect(frame.locator("img")).to_have_js_property("complete", True)
    expect(frame).to_have_attribute("tabindex", "0")
    expect(frame).to_have_accessible_name("Glissez l’image sur le côté pour la voir au complet.")
    frame.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.slide-frame').scrollLeft > 0")
    assert measure.sideways_scroll(page) <= 0  # the frame slides, not the page
    # On a desktop the whole slice shows: no tab stop that does nothing.
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    desktop = context.new_page()
    desktop.goto("/fr/lessons/creer-adresse-courriel/3")
    expect(desktop.locator(".lesson-content .slide-frame")).to_have_count(1)
    expect(desktop.locator(".lesson-content .slide-frame").first).not_to_have_attribute(
        "tabindex", "0"
    )
    context.close()


def test_a_desktop_shows_the_whole_screenshot(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    page.goto("/fr/lessons/creer-adresse-courriel/4")
    shot = page.locator(".lesson-content .shot img").first
    expect(shot).to_have_js_property("complete", True)
    assert not shot.evaluate("img => img.currentSrc").endswith("-crop.webp")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_one_tap_opens_the_whole_screen_at_its_own_size_and_one_tap_comes_back(
    browser, live_server, javascript
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    choose_display(page, "200")
    page.goto("/fr/lessons/creer-adresse-courriel/4")
    page.get_by_role("link", name="Voir tout l’écran").click()
    expect(page).to_have_url(re.compile(r"/4/picture/1$"))
    expect(page.locator("h1")).to_have_text("Cliquer sur « Créer un compte »")
    picture = page.locator(".picture-frame img")
    expect(picture).to_have_js_property("complete", True)
    shown = picture.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")
    assert shown >= 1  # its own pixel size or larger (×1.5 at 200 % text)
    assert "Créer un compte" in picture.get_attribute("alt")
    assert measure.sideways_scroll(page) <= 0  # the frame scrolls, not the page
    assert page.locator(".picture-frame").evaluate("f => f.scrollWidth > f.clientWidth")
    page.get_by_role("link", name="Retour à l’étape").first.click()
    expect(page).to_have_url(re.compile(r"/fr/lessons/creer-adresse-courriel/4$"))
    context.close()


def pdf_pages(page) -> int:
    page.emulate_media(media="print")
    pdf = page.pdf(format="Letter")
    page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize(("text_size", "pages"), [("100", 1), ("200", 2)])
def test_the_take_home_sheet_prints_on_one_letter_page_two_at_200_percent(
    browser, live_server, text_size, pages
):
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    choose_display(page, text_size)
    # A lab's address of three lines, as a real one would be.
    live_server.app.config["LAB_ADDRESS"] = "123, rue Saint-Jean; Québec G1R 1N8; 418 555-0100"
    counted = {}
    for lang in ("fr", "en"):
        for lesson in LESSONS:
            page.goto(f"/{lang}/lessons/{lesson}/sheet")
            expect(page.locator(".sheet-steps li").first).to_be_visible()
            assert page.locator(".sheet-note").count() >= 1  # the lesson's [!REMEMBER] lines
            assert page.locator(".sheet-qr svg").count() == 1
            counted[f"{lang}/{lesson}"] = pdf_pages(page)
    context.close()
    live_server.app.config["LAB_ADDRESS"] = ""
    print(f"\ntake-home sheets at {text_size} %: {counted}")
    assert set(counted.values()) == {pages}


def test_the_printed_lesson_follows_the_learners_text_size(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    sizes, counts = {}, {}
    for text_size in ("100", "200"):
        choose_display(page, text_size)
        page.goto("/fr/lessons/creer-adresse-courriel/print")
        page.emulate_media(media="print")
        sizes[text_size] = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.lesson-content p')).fontSize)"
        )
        page.emulate_media(media="screen")
        counts[text_size] = pdf_pages(page)
    context.close()
    print(f"\nprinted lesson: {sizes} px, {counts} pages")
    assert sizes["200"] == pytest.approx(2 * sizes["100"], rel=0.01)
    assert counts["200"] > counts["100"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_new_pages_pass_axe(browser, live_server, lang):
    context = browser.new_context(base_url=live_server.url, locale=f"{lang}-CA", **PHONE)
    page = context.new_page()
    choose_display(page, "200", lang=lang)
    page.goto(f"/{lang}/lessons/creer-adresse-courriel/1")
    page.locator("[data-next-action] .button-done-next").click()  # step 1 done, on to 2
    problems = {}
    for path in (
        f"/{lang}/lessons/creer-adresse-courriel/1",  # a step already done
        f"/{lang}/lessons/creer-adresse-courriel/end",  # 1 of 12 done, the others linked
        f"/{lang}/lessons/creer-adresse-courriel/4/picture/1",
        f"/{lang}/lessons/creer-adresse-courriel/sheet",
        f"/{lang}/lessons/creer-adresse-courriel/3",  # a slice sliding sideways in its frame
    ):
        page.goto(path)
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    context.close()
    assert problems == {}
