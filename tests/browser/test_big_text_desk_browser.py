"""The new pages of issue 13 on a 360-pixel phone at the largest text size (200 %): nothing
wider than the screen, in both languages (a help request's answer box once was)."""

import datetime as dt
import json
import re

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_signin_browser import sign_in_with_the_form
from tests.conftest import PASSWORDS, STARTER_LESSONS, LiveServer, add_user, app_database, make_app

pytestmark = pytest.mark.browser

BIG = json.dumps({"text_size": "200"})


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("bigtext"), STARTER_LESSONS)
    add_user(app, "sophie.big", "staff", name="Sophie")
    helper = add_user(app, "josee.big", "helper", name="Josée Gagnon")
    learner = add_user(app, "marie.big", "learner", name="Marie-Ève Roy")
    from coursesite.data.models import HelpRequest, LabDetail, LearnerGroup, StepProgress, User

    # More learners stuck than the desk lists: it says it shows the most recently active.
    stuck = [
        add_user(app, f"bloque.{n}", "learner", name=f"Gisèle Bouchard {n}") for n in range(31)
    ]
    nine_days_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=9)
    with app_database(app):
        for learner_id in (user.id for user in stuck):
            StepProgress.create(
                user=learner_id,
                lesson_id="creer-adresse-courriel",
                step_id="choose-provider",
                done_at=nine_days_ago,
            )
        User.update(preferences=BIG).execute()  # everyone reads at the largest text size
        for key, value in {
            "phone": "418 555-0123",
            "name.fr": "Carrefour techno de Limoilou",
            "name.en": "Limoilou Tech Hub",
            "hours.fr": "Lundi au vendredi, 9 h à 16 h",
            "address.fr": "800, 3e Avenue, Québec",
        }.items():
            LabDetail.create(key=key, value=value)
        LearnerGroup.create(name="Atelier du mardi matin, automne 2026")
        HelpRequest.create(
            learner=learner.id,
            lesson_id="creer-adresse-courriel",
            step_id="ouvrir-le-navigateur",
            message="Je ne trouve pas le bouton pour créer mon adresse.",
            contact_phone="418 555-0199",
            contact_when="avant midi, en semaine",
            taken_by=helper.id,
        )
    server = LiveServer(app)
    yield server
    server.close()


PAGES = {
    "sophie.big": ("staff", ["/staff/settings", "/staff/accounts", "/staff/reports"]),
    "josee.big": (
        "helper",
        ["/helper/", "/helper/groups", "/helper/groups/{group}", "/helper/session"],
    ),
    "marie.big": ("learner", ["/{lang}/help", "/{lang}/"]),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("username", list(PAGES))
def test_new_pages_fit_a_phone_at_200_percent_text(browser, lab, lang, username):
    role, paths = PAGES[username]
    with app_database(lab.app):
        from coursesite.data.models import User

        User.update(language=lang).where(User.username == username).execute()
    context = browser.new_context(
        base_url=lab.url, locale=f"{lang}-CA", viewport={"width": 360, "height": 640}
    )
    page = context.new_page()
    page.goto(f"/login?lang={lang}")
    sign_in_with_the_form_any(page, username, PASSWORDS[role], lang)
    with app_database(lab.app):
        from coursesite.data.models import LearnerGroup

        group = LearnerGroup.get().id  # its page lists the 32 learners to add, names wrapped
    wide = []
    for path in paths:
        url = path.format(lang=lang, group=group)
        page.goto(url if url.startswith(f"/{lang}/") else f"{url}?lang={lang}")
        assert "text-200" in (page.locator("html").get_attribute("class") or "")
        if url == "/helper/":
            shown = re.compile(r"\b30 (personnes actives le plus récemment|most recently active)")
            assert page.locator("#help-requests p").filter(has_text=shown).count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide.append(f"{url}: {width}px")
        assert axe_violations(page) == [], url
    context.close()
    assert wide == []


def sign_in_with_the_form_any(page, username, password, lang):
    if lang == "fr":
        sign_in_with_the_form(page, username, password)
        return
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
