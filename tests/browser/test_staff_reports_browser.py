"""Staff reports and a privacy request in a real browser: charts drawn, phones, downloads."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coursesite import services
from coursesite.data.models import HelpSession, StepProgress, User
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORDS, add_user, app_database

pytestmark = pytest.mark.browser

LESSON = "creer-adresse-courriel"


@pytest.fixture(scope="module")
def report_data(live_server):
    """A learner who did two steps and had a session, and a staff account, on the live server."""
    app = live_server.app
    with app_database(app):
        existing = {u.username for u in User.select(User.username)}
    if "reports.staff" not in existing:
        add_user(app, "reports.staff", "staff", name="Reports Staff")
        learner = add_user(app, "reports.learner", "learner", name="Reports Learner")
        with app_database(app):
            lesson = services.catalogue(app).get("fr", LESSON)
            for step in lesson.steps[:2]:
                StepProgress.create(user=learner.id, lesson_id=LESSON, step_id=step.id)
            staff = User.get(User.username == "reports.staff")
            HelpSession.create(
                learner=learner.id, helper=staff.id, title="t", lessons=f'["{LESSON}"]'
            )
    return app


def staff_page(browser, live_server, lang, **options):
    context = browser.new_context(base_url=live_server.url, locale=f"{lang}-CA", **options)
    page = context.new_page()
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=username]").fill("reports.staff")
    page.locator("input[name=password]").fill(PASSWORDS["staff"])
    page.locator("form.big-form button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_draws_its_bars_fits_a_phone_and_passes_axe(
    browser, live_server, report_data, lang
):
    context, page = staff_page(
        browser, live_server, lang, viewport={"width": 360, "height": 640}, is_mobile=True
    )
    page.goto(f"/staff/reports?lang={lang}")
    bars = page.locator("svg.bar rect:nth-child(2)")
    assert bars.count() >= 3  # one helper, and the lesson's steps
    assert bars.first.bounding_box()["width"] > 100  # drawn, full width for the top value
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    context.close()


def test_a_staff_member_downloads_the_csv_files(browser, live_server, report_data):
    context, page = staff_page(browser, live_server, "fr", accept_downloads=True)
    page.goto("/staff/reports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les étapes de chaque leçon (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert download.value.suggested_filename.startswith("coursesite-steps-")
    assert rows[0][0] == "Identifiant de la leçon"
    lesson = services.catalogue(report_data).get("fr", LESSON)
    mine = [row for row in rows if row[0] == LESSON]
    # One row per step, numbers as numbers; other browser tests share this server's learners.
    assert [row[4] for row in mine] == [step.id for step in lesson.steps]
    assert all(int(row[-1]) >= 1 for row in mine[:2])
    context.close()


def test_a_privacy_request_is_answered_in_a_few_clicks(browser, live_server, report_data):
    add_user(live_server.app, "reports.gone", "learner", name="Personne Effacée")
    context, page = staff_page(browser, live_server, "fr", accept_downloads=True)
    page.goto("/staff/")
    page.get_by_role("link", name="Renseignements des personnes apprenantes").click()
    page.get_by_label("Nom ou nom d’utilisateur").fill("effacée")
    page.get_by_role("button", name="Trouver").click()
    page.get_by_role("link", name="Personne Effacée").click()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Télécharger tout ce qui concerne cette personne (JSON)"
        ).click()
    assert "Personne Effacée" in Path(download.value.path()).read_text(encoding="utf-8")
    page.get_by_role("link", name="Effacer les données de cette personne…").click()
    page.get_by_label("Pour confirmer, tapez son nom d’utilisateur : reports.gone").fill(
        "reports.gone"
    )
    page.get_by_role("button", name="Supprimer pour de bon").click()
    expect(page.locator("main")).to_contain_text(
        "Les renseignements personnels de «\u00a0reports.gone\u00a0» sont supprimés"
    )
    context.close()
