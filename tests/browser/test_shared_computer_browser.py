"""One lab laptop, one browser, one person after another: nothing passes between them.

Learner A signs in (by card, with "Stay signed in", or with a password), signs out, and
learner B opening the site is a visitor. A card link loaded by a foreign page switches
nobody; a card link opened on its own asks "Continue as …?" and signs in with one tap.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORDS, add_user, app_database

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parents[2] / "out" / "screenshots" / "shared-computer"
LESSON = "creer-adresse-courriel"


def issue_card_for(app, user) -> str:
    from coursesite.accounts import cards
    from coursesite.data.models import User

    with app_database(app):
        return cards.issue_card(User.get_by_id(user.id))


def sign_in_with_the_form(page, username, password, remember=False):
    page.goto("/login?lang=fr")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    if remember:
        page.get_by_label("Garder ma session ouverte sur cet appareil").check()
    page.get_by_role("button", name="Me connecter").click()


# Words of an element's text cut across two lines ("Continu|er"), measured in the page.
WORDS_CUT = """el => {
  const cut = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    for (const match of text.matchAll(/[\\p{L}\\p{N}’'.]+/gu)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) cut.push(match[0]);
    }
  }
  return cut;
}"""


def words_cut(page, selector) -> list[str]:
    return [word for el in page.locator(selector).all() for word in el.evaluate(WORDS_CUT)]


def site_cookies(context, url) -> list[str]:
    return [cookie["name"] for cookie in context.cookies(url)]


@pytest.mark.parametrize("how", ["card", "stay signed in", "password"])
def test_after_sign_out_the_next_person_is_a_visitor(browser, live_server, how):
    name = f"erin.{how.replace(' ', '')}"
    erin = add_user(live_server.app, name, name="Erin Tremblay", language="fr")
    laptop = browser.new_context(base_url=live_server.url, locale="fr-CA")
    page = laptop.new_page()
    if how == "card":
        page.goto(f"/s/{issue_card_for(live_server.app, erin)}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Continuer en tant que Erin T. ?")
        page.get_by_role("button", name="Continuer").click()
    else:
        sign_in_with_the_form(page, name, PASSWORDS["learner"], remember=how == "stay signed in")
    expect(page.locator(".signed-in-as")).to_have_text("Session de Erin Tremblay")
    page.get_by_role("button", name="Me déconnecter").click()
    expect(page.get_by_text("Votre session est fermée.")).to_be_visible()
    assert site_cookies(laptop, live_server.url) == []
    # Learner B sits down at the same laptop, same browser, and opens the site.
    page = laptop.new_page()
    page.goto("/fr/")
    expect(page.locator(".signed-in-as")).to_have_count(0)
    expect(page.get_by_role("link", name="Me connecter")).to_be_visible()
    laptop.close()


def test_a_card_link_in_a_foreign_page_switches_nobody(browser, live_server):
    mallory = add_user(live_server.app, "mallory.web", name="Mallory")
    add_user(live_server.app, "richard.web", "helper", name="Richard")
    token = issue_card_for(live_server.app, mallory)
    laptop = browser.new_context(base_url=live_server.url, locale="fr-CA")
    page = laptop.new_page()
    sign_in_with_the_form(page, "richard.web", PASSWORDS["helper"])
    expect(page.locator(".signed-in-as")).to_have_text("Session de Richard")
    card = f"{live_server.url}/s/{token}"
    foreign = (
        f'<html><body><img src="{card}" alt=""><iframe src="{card}"></iframe>'
        f'<a id="go" href="{card}">Un lien</a></body></html>'
    )
    laptop.route(
        "http://foreign.example/",
        lambda route: route.fulfill(body=foreign, content_type="text/html"),
    )
    page.goto("http://foreign.example/")
    page.wait_for_timeout(500)
    page.click("#go")  # a plain link followed by the reader: the page asks, nothing more
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuer en tant que Mallory ?")
    expect(page.get_by_text("Richard a une session ouverte dans ce navigateur")).to_be_visible()
    page.goto("/fr/")
    expect(page.locator(".signed-in-as")).to_have_text("Session de Richard")
    laptop.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_card_page_and_the_join_question_read_well(browser, live_server, lang, size):
    username = f"marie.{lang}.{size}"
    marie = add_user(live_server.app, username, name="Marie Roy", language=lang)
    token = issue_card_for(live_server.app, marie)
    viewport = {"width": 360, "height": 740} if size == "phone" else {"width": 1280, "height": 800}
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="fr-CA" if lang == "fr" else "en-CA"
    )
    page = context.new_page()
    if size == "phone":  # the largest text a learner can choose
        page.goto(f"/{lang}/display")
        page.locator("input[name=text_size][value='200']").check()
        with page.expect_navigation():
            page.locator("form button[type=submit]").last.click()
    # A step done as a visitor, then the card: the question comes after the one tap.
    page.goto(f"/{lang}/lessons/{LESSON}/1")
    with page.expect_response(lambda response: "/progress/" in response.url):
        page.locator("form[action*='/progress/'] button").first.click()
    page.goto(f"/s/{token}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"card-{lang}-{size}.png", full_page=True)
    assert words_cut(page, "main h1, main button, main a") == []
    button = page.locator("form.card-confirm button")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 200  # one large button, easy to tap
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    button.click()
    question = page.locator(".visitor-progress")
    expect(question).to_be_visible()
    assert words_cut(page, ".visitor-progress") == []
    page.screenshot(path=SHOTS / f"join-{lang}-{size}.png", full_page=True)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    question.get_by_role("button").first.click()
    expect(page.locator(".visitor-progress")).to_have_count(0)
    with app_database(live_server.app):
        from coursesite.data.models import StepProgress

        assert StepProgress.select().where(StepProgress.user == marie.id).count() == 1
    page.goto(f"/{lang}/account")
    page.screenshot(path=SHOTS / f"account-{lang}-{size}.png", full_page=True)
    assert words_cut(page, "main") == []
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_the_qr_flow_is_one_scan_and_one_tap(browser, live_server):
    carole = add_user(live_server.app, "carole.tap", name="Carole", language="fr")
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 640}, is_mobile=True
    )
    page = phone.new_page()
    page.goto(f"/s/{issue_card_for(live_server.app, carole)}")  # the scan
    page.get_by_role("button", name="Continuer").click()  # the tap
    expect(page).to_have_url(re.compile(r"/fr/"))
    expect(page.locator(".signed-in-as")).to_have_text("Session de Carole")
    phone.close()


def paused(app, username: str) -> None:
    """Make a username paused, as ten wrong passwords from a stranger's address would."""
    from coursesite.data.models import LoginFailure

    with app_database(app):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            LoginFailure.create(username=username, address="stranger")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_desk_and_staff_pages_offer_sign_out_everywhere_and_lifting_a_pause(
    browser, live_server, lang, size
):
    learner = add_user(live_server.app, f"nadia.{lang}.{size}", name="Nadia Benali-Tremblay")
    add_user(live_server.app, f"sophie.{lang}.{size}", "staff", name="Sophie")
    paused(live_server.app, learner.username)
    viewport = {"width": 360, "height": 740} if size == "phone" else {"width": 1280, "height": 800}
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    sign_in_with_the_form(page, f"sophie.{lang}.{size}", PASSWORDS["staff"])
    if size == "phone":  # staff choose the largest text too, in their account
        page.goto(f"/{lang}/display")
        page.locator("input[name=text_size][value='200']").check()
        with page.expect_navigation():
            page.locator("form button[type=submit]").last.click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in (
        ("desk", f"/helper/learners/{learner.id}?lang={lang}"),
        ("staff", f"/staff/learners/{learner.id}?lang={lang}"),
    ):
        page.goto(path)
        page.screenshot(path=SHOTS / f"{name}-{lang}-{size}.png", full_page=True)
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        # What this issue added; other headings of these pages are lowvision's to fix.
        mine = "form[action$='/sign-out-everywhere'] button, form[action$='/lift-pause'] button"
        assert words_cut(page, f"{mine}, #signing-in-title, #signing-in-title + p") == []
    page.locator("form[action$='/lift-pause'] button").click()
    expect(page.locator("form[action$='/lift-pause']")).to_have_count(0)
    page.goto(f"/helper/learners/{learner.id}?lang={lang}")
    page.locator("form[action$='/sign-out-everywhere'] button").click()
    expect(page.locator(".notice")).to_contain_text("Nadia Benali-Tremblay")
    context.close()
