"""The lesson health page in a real browser: what is held back, why, on a phone at 200 % text."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import axe_violations
from tests.conftest import FIXTURE_LESSONS, PASSWORDS, LiveServer, add_user, make_app

pytestmark = pytest.mark.browser
SHOTS = (
    Path(os.environ.get("COURSESITE_SCREENSHOTS", ""))
    if os.environ.get("COURSESITE_SCREENSHOTS")
    else None
)


# The words of the matched elements that a line break cuts in two (not after - or /); with
# `prose`, only words of letters: file names and Markdown may break at their punctuation.
CUT_WORDS = """([selector, prose]) => {
  const cut = [];
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (prose && /[^\\p{L}'’]/u.test(match[0])) continue;
        if (tops.size > 1) cut.push(match[0]);
      }
    }
  }
  return cut;
}"""


def save(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """A site of its own whose lessons staff broke on disk: one edited, one new."""
    app = make_app(tmp_path_factory.mktemp("health"), FIXTURE_LESSONS)
    add_user(app, "health.staff", "staff", name="Health Staff")
    add_user(app, "health.desk", "staff", name="Desk Staff")  # keeps the usual text size
    server = LiveServer(app)
    lessons = Path(app.config["LESSONS"])
    path = lessons / "fr" / "bonjour" / "lesson.md"
    # Published once as it is, then broken: learners keep that version.
    with app.test_client() as client:
        assert client.get("/fr/lessons/bonjour/").status_code == 200
    save(
        path, path.read_text(encoding="utf-8").replace("title: Dire bonjour", "title: Dire : allo")
    )
    save(
        lessons / "fr" / "facture" / "lesson.md",
        "---\ntitle: Payer une facture\nsummary: s\nduration: 5\n---\n\n## Un\n\n"
        "![](facture-en-ligne-du-mois-de-novembre.png)\n",
    )
    yield server
    server.close()


def staff_page(browser, server, lang, username="health.staff", **options):
    context = browser.new_context(base_url=server.url, locale=f"{lang}-CA", **options)
    page = context.new_page()
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORDS["staff"])
    page.locator("form.big-form button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


@pytest.mark.parametrize(
    ("lang", "held", "reason"),
    [
        ("fr", "Leçons retenues\u00a0: 2", "contient «\u00a0:\u00a0», alors il doit être écrit"),
        ("en", "Lessons held back: 2", "contains “: ”, so it must be written between"),
    ],
)
def test_the_health_page_says_what_learners_see_and_fits_a_phone_at_200_percent(
    browser, broken_site, lang, held, reason
):
    context, page = staff_page(
        browser, broken_site, lang, viewport={"width": 360, "height": 640}, is_mobile=True
    )
    page.goto("/fr/display")
    page.locator("input[name=text_size][value='200']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert (
        page.evaluate("getComputedStyle(document.documentElement).fontSize") == "36px"
    )  # 200 % of 18 px
    page.goto(f"/staff/lessons?lang={lang}")
    held_back = page.locator("section.health-held")
    assert held in held_back.inner_text()
    assert len(held_back.locator("li").all()) == 2
    assert reason in page.locator("main").inner_text()
    if SHOTS:
        page.screenshot(path=str(SHOTS / f"health-{lang}-360.png"), full_page=True)
    # Nothing wider than the phone: long file names and messages wrap; no word is cut.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate(CUT_WORDS, ["section.health-held h2, section.health-held p", False]) == []
    assert page.evaluate(CUT_WORDS, ["section.health-held code", False]) == []  # file names: at a /
    assert page.evaluate(CUT_WORDS, [".problem-list", True]) == []  # and the messages' words
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize(
    ("lang", "seen"),
    [("fr", "Les apprenants voient la version publiée le"), ("en", "Learners see the version")],
)
def test_the_health_page_on_a_desktop(browser, broken_site, lang, seen):
    context, page = staff_page(
        browser, broken_site, lang, "health.desk", viewport={"width": 1280, "height": 800}
    )
    page.goto(f"/staff/lessons?lang={lang}")
    assert seen in page.locator("main").inner_text()
    if SHOTS:
        page.screenshot(path=str(SHOTS / f"health-{lang}-desktop.png"), full_page=True)
    assert axe_violations(page) == []
    context.close()
