"""Every page type, for every role, in both languages: axe-clean and nothing from elsewhere.

Also the weight budgets of a step page (its own HTML, CSS, JavaScript and fonts at most
30 KB in at most 6 requests, screenshots aside) and of the screenshot a phone gets.
"""

import pytest

from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORDS, add_user, app_database

pytestmark = pytest.mark.browser

LESSON = "creer-adresse-courriel"
STEP = f"/{{lang}}/lessons/{LESSON}/3"

VISITOR_PAGES = [
    "/{lang}/",
    f"/{{lang}}/lessons/{LESSON}/",
    STEP,
    f"/{{lang}}/lessons/{LESSON}/end",
    f"/{{lang}}/lessons/{LESSON}/print",
    "/{lang}/search?q=cour",
    "/{lang}/display",
    "/login?lang={lang}",
    "/poster?lang={lang}",
    "/{lang}/lessons/nowhere/",
    "/{lang}/topics/{topic}",
    "/{lang}/signed-out",
    "/{lang}/help",
]
LEARNER_PAGES = [*VISITOR_PAGES[:7], "/{lang}/account"]
HELPER_PAGES = [
    "/helper/?lang={lang}",
    "/helper/session?lang={lang}",
    "/helper/learners/{learner}?lang={lang}",
    "/helper/learners/{learner}/card?lang={lang}",
    "/helper/learners/{learner}/password?lang={lang}",
    "/helper/code?code=ZZZZ&lang={lang}",
    "/helper/learners/{learner}/account?lang={lang}",
    "/helper/groups?lang={lang}",
]
STAFF_PAGES = [
    "/staff/?lang={lang}",
    "/staff/lessons?lang={lang}",
    "/staff/lessons/drafts?lang={lang}",
    f"/staff/lessons/{LESSON}/preview?lang={{lang}}",
    "/staff/import?lang={lang}",
    "/staff/reports?lang={lang}",
    "/staff/reports?from=nope&lang={lang}",
    "/staff/learners?lang={lang}",
    "/staff/learners/{learner}?lang={lang}",
    "/staff/learners/{learner}/delete?lang={lang}",
    "/staff/settings?lang={lang}",
    "/staff/accounts?lang={lang}",
]
ROLE_PAGES = {
    "visitor": VISITOR_PAGES,
    "learner": LEARNER_PAGES,
    "helper": HELPER_PAGES,
    "staff": STAFF_PAGES,
}
USERNAMES = {"learner": "pages.learner", "helper": "pages.helper", "staff": "pages.staff"}


@pytest.fixture(scope="module")
def accounts(live_server):
    """One account per role in the live server's database, and the learner's id."""
    users = {}
    with app_database(live_server.app):
        from coursesite.data.models import User

        for role, username in USERNAMES.items():
            users[role] = User.get_or_none(User.username == username)
    for role, username in USERNAMES.items():
        if users[role] is None:
            users[role] = add_user(live_server.app, username, role, name=f"Test {role}")
    return users


def signed_in_context(browser, live_server, role, lang, **options):
    context = browser.new_context(base_url=live_server.url, locale=f"{lang}-CA", **options)
    if role != "visitor":
        page = context.new_page()
        page.goto(f"/login?lang={lang}")
        page.locator("input[name=username]").fill(USERNAMES[role])
        page.locator("input[name=password]").fill(PASSWORDS[role])
        page.locator("form.login-form button[type=submit], form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.close()
    return context


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_every_page_type_passes_axe_and_stays_on_this_site(
    browser, live_server, accounts, role, lang
):
    context = signed_in_context(browser, live_server, role, lang)
    elsewhere = []
    context.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else elsewhere.append(request.url)
        ),
    )
    page = context.new_page()
    problems = {}
    for template in ROLE_PAGES[role]:
        topic = {"fr": "courriel", "en": "email"}[lang]
        path = template.format(lang=lang, learner=accounts["learner"].id, topic=topic)
        response = page.goto(path)
        assert response.status in (200, 400, 404), f"{role} {path}: {response.status}"
        assert page.locator("html").get_attribute("lang") == lang, path
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    context.close()
    assert problems == {}
    assert elsewhere == [], "requests left the site"


def step_page_weight(browser, live_server, **options):
    """Return [(url, resource type, bytes on the wire)] of a first visit to a step page."""
    warm_up = browser.new_context(base_url=live_server.url, **options)
    warm_up.new_page().goto(STEP.format(lang="fr"))  # makes the screenshot's copies once
    warm_up.close()
    context = browser.new_context(base_url=live_server.url, **options)  # an empty cache
    page = context.new_page()
    seen = []
    page.on("requestfinished", lambda request: seen.append(request))
    page.goto(STEP.format(lang="fr"), wait_until="load")
    page.wait_for_timeout(500)  # deferred scripts and the favicon
    weights = []
    for request in seen:
        response = request.response()
        assert response.status == 200, request.url
        encoded = request.sizes()["responseBodySize"]
        weights.append(
            (request.url, request.resource_type, encoded if encoded > 0 else len(response.body()))
        )
    context.close()
    return weights


def test_a_step_page_weighs_at_most_30_kb_in_at_most_6_requests(browser, live_server):
    weights = step_page_weight(browser, live_server, viewport={"width": 1280, "height": 800})
    own = [
        (url, kind, size) for url, kind, size in weights if kind != "image" or url.endswith(".svg")
    ]
    assert len(own) <= 6, own
    assert sum(size for _, _, size in own) <= 30 * 1024, own


def test_a_phone_gets_a_screenshot_of_at_most_120_kb(browser, live_server):
    weights = step_page_weight(
        browser,
        live_server,
        viewport={"width": 360, "height": 640},
        device_scale_factor=3,
        is_mobile=True,
    )
    pictures = [
        (url, size) for url, kind, size in weights if kind == "image" and not url.endswith(".svg")
    ]
    assert pictures, "the step has a screenshot"
    assert all(size <= 120 * 1024 for _, size in pictures), pictures
    assert all(".webp" in url for url, _ in pictures), pictures
