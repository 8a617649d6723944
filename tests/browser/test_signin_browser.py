"""Accounts in a real browser: the sign-in form, a card scanned on a phone, progress that
survives a restart of the real server process, a visitor's progress joined on "yes",
and the CSRF and throttle refusals as a person would meet them."""

import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from coursesite.data.models import StepProgress, User
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORDS, STARTER_LESSONS, add_user, app_database, free_port

pytestmark = pytest.mark.browser

LESSON = "creer-adresse-courriel"
STEP_IDS = ("choose-provider", "open-browser", "go-to-provider")
COURSESITE = [sys.executable, "-m", "coursesite.cli"]


def sign_in_with_the_form(page, username, password, remember=False):
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    if remember:
        page.get_by_label("Garder ma session ouverte sur cet appareil").check()
    page.get_by_role("button", name="Me connecter").click()


def test_a_learner_signs_in_with_the_form(live_server, desktop):
    add_user(live_server.app, "lea.form", name="Léa")
    page = desktop.new_page()
    page.goto("/fr/")
    page.get_by_role("link", name="Me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Me connecter")
    assert axe_violations(page) == []
    password = page.get_by_label("Mot de passe", exact=True)
    expect(page.get_by_label("Garder ma session ouverte sur cet appareil")).not_to_be_checked()
    password.fill(PASSWORDS["learner"])
    page.get_by_role("button", name="Afficher le mot de passe").click()
    expect(password).to_have_attribute("type", "text")
    page.get_by_role("button", name="Cacher le mot de passe").click()
    expect(password).to_have_attribute("type", "password")
    page.get_by_label("Nom d’utilisateur").fill("Lea.Form")
    page.get_by_role("button", name="Me connecter").click()
    expect(page).to_have_url(re.compile(r"/fr/$"))
    expect(page.locator(".signed-in-as")).to_have_text("Session de Léa")


def test_a_card_printed_by_a_helper_signs_in_on_a_phone_at_the_next_step(
    live_server, desktop, phone
):
    learner = add_user(live_server.app, "carole.card", name="Carole", language="fr")
    add_user(live_server.app, "richard.card", "helper")
    with app_database(live_server.app):
        for step_id in STEP_IDS[:2]:
            StepProgress.create(user=learner, lesson_id=LESSON, step_id=step_id)
    helper = desktop.new_page()
    helper.goto(f"/login?next=/helper/learners/{learner.id}/card")
    sign_in_with_the_form(helper, "richard.card", PASSWORDS["helper"])
    expect(helper.get_by_role("heading", level=1)).to_have_text("Carte de connexion de Carole")
    helper.get_by_role("button", name="Faire une nouvelle carte à imprimer").click()
    card = helper.locator(".signin-card")
    expect(card.locator(".signin-card-name")).to_have_text("Carole")
    assert axe_violations(helper) == []
    # Printed, the card fits half a letter page, and the whole page prints on one sheet.
    helper.emulate_media(media="print")
    box = card.bounding_box()
    assert box["width"] <= 8.5 * 96 and box["height"] <= 5.5 * 96
    assert len(re.findall(rb"/Type\s*/Page[^s]", helper.pdf(format="Letter"))) == 1
    helper.emulate_media(media="screen")
    # Scan the QR code as a phone camera would.
    image = Image.open(io.BytesIO(card.locator("svg.card-qr").screenshot()))
    link = zxingcpp.read_barcodes(image)[0].text
    assert link.startswith(f"{live_server.url}/s/") and len(link.rsplit("/", 1)[1]) >= 32
    page = phone.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuer en tant que Carole ?")
    page.get_by_role("button", name="Continuer").click()  # one scan, one tap
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/3$"))
    expect(page.locator(".signed-in-as")).to_have_text("Session de Carole")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_staff_import_a_group_and_print_two_cards_per_letter_page(live_server, desktop):
    add_user(live_server.app, "sophie.import", "staff")
    page = desktop.new_page()
    page.goto("/login?next=/staff/import")
    sign_in_with_the_form(page, "sophie.import", PASSWORDS["staff"])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ajouter un groupe de personnes apprenantes"
    )
    page.get_by_label("Liste des personnes apprenantes (fichier CSV)").set_input_files(
        files=[
            {
                "name": "atelier.csv",
                "mimeType": "text/csv",
                "buffer": b"nom;langue\nAtelier Un;fr\nAtelier Deux;en\nAtelier Trois;fr\n",
            }
        ]
    )
    page.get_by_role("button", name="Ajouter les personnes et faire leurs cartes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "3 personnes apprenantes ont été créées"
    )
    expect(page.locator(".signin-card")).to_have_count(3)
    expect(page.locator(".signin-card[lang=en] .signin-card-site")).to_contain_text(
        "Your sign-in card"
    )
    page.emulate_media(media="print")
    assert len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="Letter"))) == 2


def test_a_visitors_progress_joins_the_account_when_they_say_yes(live_server, desktop):
    user = add_user(live_server.app, "visitor.merge", name="Nadia")
    page = desktop.new_page()
    page.goto(f"/fr/lessons/{LESSON}/1")
    page.get_by_role("button", name="J’ai fait cette étape").click()  # "→ suivante"
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/2$"))
    page.goto(f"/fr/lessons/{LESSON}/1")
    expect(page.locator(".progress-status")).to_have_text("✓ Vous avez fait cette étape.")
    # Undone and done again in place by the page's script, without a reload.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Marquer comme pas faite").click()
    expect(page.locator("[data-progress-live]")).to_have_text("Étape marquée comme pas faite.")
    page.get_by_role("button", name="J’ai fait cette étape", exact=True).click()
    expect(page.locator(".progress-status")).to_have_text("✓ Vous avez fait cette étape.")
    expect(page.locator("[data-progress-live]")).to_have_text("Étape marquée comme faite.")
    assert page.evaluate("window.notReloaded === true")  # updated in place, no reload
    expect(page.get_by_role("button", name="Marquer comme pas faite")).to_be_focused()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Me connecter").click()
    sign_in_with_the_form(page, "visitor.merge", PASSWORDS["learner"])
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/1$"))  # back where they were
    question = page.locator(".visitor-progress")
    expect(question).to_contain_text("Vous avez fait 1 étape avant de vous connecter")
    assert axe_violations(page) == []
    question.get_by_role("button", name="Oui, les ajouter").click()
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/1$"))  # still where they were
    expect(page.locator(".visitor-progress")).to_have_count(0)
    expect(page.locator(".progress-status")).to_contain_text("Vous avez fait cette étape.")
    for path in ("/fr/", f"/fr/lessons/{LESSON}/"):  # progress bars, "continue", steps done
        page.goto(path)
        expect(page.locator("progress").first).to_be_visible()
        assert axe_violations(page) == []
    with app_database(live_server.app):
        rows = StepProgress.select().join(User).where(User.id == user.id)
        assert [(r.lesson_id, r.step_id) for r in rows] == [(LESSON, "choose-provider")]


def test_without_javascript_marking_a_step_goes_on_to_the_next(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-CA", java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/login")
    expect(page.get_by_role("button", name="Afficher le mot de passe")).to_be_hidden()
    page.goto(f"/fr/lessons/{LESSON}/2")
    page.get_by_role("button", name="J’ai fait cette étape").click()  # "→ suivante"
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/3$"))
    page.go_back()
    page.reload()
    expect(page.locator(".progress-status")).to_contain_text("Vous avez fait cette étape.")
    page.goto("/fr/")
    expect(
        page.get_by_role("link", name=re.compile("Continuer là où vous étiez"))
    ).to_have_attribute("href", f"/fr/lessons/{LESSON}/1")
    context.close()


def test_an_expired_form_is_refused_with_a_plain_message(live_server, desktop):
    page = desktop.new_page()
    page.goto("/login")
    desktop.clear_cookies()  # as if the session had ended while the page stayed open
    sign_in_with_the_form(page, "anyone", "whatever")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quelque chose n’allait pas dans cette demande"
    )
    expect(page.locator(".lead")).to_contain_text("Ce formulaire a expiré")


# A real server process, with its own instance folder, restarted in the middle of a test.


class ServerProcess:
    """`coursesite serve` in its own process, on its own instance folder."""

    def __init__(self, tmp_path):
        self.env = {
            **os.environ,
            "COURSESITE_INSTANCE": str(tmp_path / "instance"),
            "COURSESITE_LESSONS": str(STARTER_LESSONS),
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def command(self, *args) -> str:
        return subprocess.run(
            [*COURSESITE, *args], env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def start(self):
        self.process = subprocess.Popen(
            [*COURSESITE, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except OSError:
                assert self.process.poll() is None, "the server stopped on its own"
                assert time.monotonic() < deadline, "the server did not answer within 20 s"
                time.sleep(0.1)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def server(tmp_path):
    server = ServerProcess(tmp_path)
    yield server
    server.stop()


def test_progress_marked_is_still_there_after_the_server_process_restarts(server, browser):
    server.start()
    server.command(
        "create-user", "marc", "--role", "learner", "--name", "Marc", "--password", "radiopanda23"
    )
    context = browser.new_context(base_url=server.url, locale="fr-CA")
    page = context.new_page()
    page.goto("/login")
    sign_in_with_the_form(page, "marc", "radiopanda23")
    page.goto(f"/fr/lessons/{LESSON}/1")
    page.get_by_role("button", name="J’ai fait cette étape").click()  # "→ suivante"
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/2$"))
    page.goto(f"/fr/lessons/{LESSON}/1")
    expect(page.locator(".progress-status")).to_contain_text("Vous avez fait cette étape.")
    server.stop()
    server.start()
    page.reload()
    expect(page.locator(".progress-status")).to_contain_text("Vous avez fait cette étape.")
    expect(page.locator(".signed-in-as")).to_have_text("Session de Marc")
    page.goto("/")
    page.get_by_role("link", name=re.compile("Continuer là où vous étiez")).click()
    expect(page).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/2$"))
    context.close()


def test_ten_wrong_passwords_pause_sign_in_and_say_for_how_long(server, browser):
    server.start()
    server.command("create-user", "lina", "--role", "learner", "--password", "radiopanda23")
    context = browser.new_context(base_url=server.url, locale="fr-CA")
    page = context.new_page()
    page.goto("/login")
    for attempt in range(1, 11):
        sign_in_with_the_form(page, "lina", f"wrong{attempt}")
        if attempt < 10:
            expect(page.locator("[role=alert]")).to_contain_text("n’est pas bon")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trop d’essais")
    expect(page.locator(".lead")).to_contain_text("Essayez de nouveau dans 15 minutes.")
    page.goto("/login")
    sign_in_with_the_form(page, "lina", "radiopanda23")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trop d’essais")
    context.close()
