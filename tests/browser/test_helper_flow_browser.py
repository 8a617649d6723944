"""The helper's after-session routine in a real browser, and the learner picking it up at home.

A helper signs in, creates a learner, assigns "Premiers pas" with a note and prints the slip;
the slip's QR code is read from a print-media screenshot by a real decoder (zxing-cpp) and
opened on a phone, where the learner lands on the first step, marks it done and asks for help
on the next; the helper then sees both.
"""

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_display_browser import choose
from tests.browser.test_signin_browser import sign_in_with_the_form
from tests.conftest import PASSWORDS, add_user

pytestmark = pytest.mark.browser

LESSON = "creer-adresse-courriel"
LETTER_PAGES = re.compile(rb"/Type\s*/Page[^s]")


def helper_at_the_desk(live_server, context, username):
    """Sign a new helper in through /helper/, as they would at the lab."""
    add_user(live_server.app, username, "helper", name="Richard")
    page = context.new_page()
    page.goto("/helper/")
    sign_in_with_the_form(page, username, PASSWORDS["helper"])
    expect(page).to_have_url(re.compile(r"/helper/$"))
    return page


def read_qr_code(page) -> str:
    """Return the link in the page's QR code, read from a screenshot as a phone camera would."""
    image = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, "exactly one QR code on the printed slip"
    return found[0].text


def test_a_helper_assigns_a_path_prints_the_slip_and_the_learner_continues_at_home(
    live_server, desktop, phone
):
    page = helper_at_the_desk(live_server, desktop, "richard.flow")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bureau d’aide")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Après une rencontre avec une nouvelle personne").first.click()
    assert axe_violations(page) == []
    page.get_by_label("Prénom, ou le nom que la personne aime utiliser").fill("Carole Lavoie")
    page.get_by_label("Premiers pas").check()
    page.get_by_label("Mot pour la personne apprenante (facultatif)").fill(
        "Bravo Carole! Commencez par votre adresse courriel."
    )
    page.get_by_label("Prochain rendez-vous (facultatif)").fill("2027-01-05T14:00")
    page.get_by_label("Durée, en minutes").fill("30")
    page.get_by_role("button", name="Enregistrer la séance").click()

    # The slip: the helper's page in French, the password shown once, ready to print.
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiche de Carole Lavoie")
    notice = page.locator(".notice").first
    expect(notice).to_contain_text("Nom d’utilisateur : carole.lavoie")
    password = re.search(r"Mot de passe\s:\s(\w+)", notice.inner_text()).group(1)
    expect(page.get_by_role("button", name="Imprimer la fiche")).to_be_visible()
    assert axe_violations(page) == []
    slip = page.locator(".slip")
    expect(slip.locator(".slip-lesson")).to_have_count(3)
    expect(slip.locator(".slip-lesson").first).to_contain_text("Créer une adresse courriel")
    expect(slip.locator(".slip-lesson").first).to_contain_text("30 min")
    expect(slip).to_contain_text("Bravo Carole! Commencez par votre adresse courriel.")
    expect(slip).to_contain_text("mardi 5 janvier 2027")
    expect(slip.locator(".slip-address")).to_have_text(f"{live_server.url}/")

    # Printed: one letter page, no site header, and the QR code reads back as the card link.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    assert len(LETTER_PAGES.findall(page.pdf(format="Letter"))) == 1
    link = read_qr_code(page)
    page.emulate_media(media="screen")
    assert link.startswith(f"{live_server.url}/s/") and len(link.rsplit("/", 1)[1]) >= 32

    # At home, on a phone: the QR code signs Carole in on the path's first step.
    learner = phone.new_page()
    learner.goto(link)
    learner.get_by_role("button", name="Continuer").click()  # one scan, one tap
    expect(learner).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/1$"))
    expect(learner.locator(".signed-in-as")).to_have_text("Session de Carole Lavoie")
    # "J'ai fait cette étape → suivante": marked, and on to step 2 in one tap.
    learner.get_by_role("button", name="J’ai fait cette étape").click()
    expect(learner).to_have_url(re.compile(rf"/fr/lessons/{LESSON}/2$"))
    code = learner.locator(".phone-code [aria-hidden=true]").inner_text()
    learner.get_by_text("J’ai besoin d’aide").click()
    learner.get_by_label("Votre message (facultatif)").fill("Je ne trouve pas le navigateur.")
    learner.get_by_role("button", name="Envoyer ma demande à l’équipe du labo").click()
    expect(learner.locator(".step-help [role=status]")).to_contain_text("Votre demande est envoyée")
    assert axe_violations(learner) == []
    assert learner.evaluate("document.documentElement.scrollWidth") <= 360
    learner.goto("/fr/")
    mine = learner.locator(".my-path")
    expect(mine.get_by_role("heading", name="Mon parcours")).to_be_visible()
    expect(mine).to_contain_text("Bravo Carole!")
    expect(mine.get_by_role("link", name="Continuer")).to_have_attribute(
        "href", f"/fr/lessons/{LESSON}/2"
    )
    assert axe_violations(learner) == []

    # Back at the desk, the helper sees the step done and the request for help.
    page.goto("/helper/?q=lavoie")
    card = page.locator(".desk-item", has_text="Carole Lavoie").last
    expect(card).to_contain_text(re.compile(r"«\sPremiers pas\s»\s: étapes faites, 1 sur \d+"))
    expect(card).to_contain_text("A demandé de l’aide : « Créer une adresse courriel », étape 2")
    requests = page.locator("#help-requests")
    expect(requests).to_contain_text("Je ne trouve pas le navigateur.")
    expect(requests).to_contain_text("« Créer une adresse courriel », étape 2 sur 12")
    assert axe_violations(page) == []
    card.get_by_role("link", name="Ouvrir la page de Carole Lavoie").click()
    expect(page.locator("#help-requests")).to_contain_text("Je ne trouve pas le navigateur.")
    assert axe_violations(page) == []
    # On the phone: the code Carole reads opens her step beside her progress.
    page.get_by_label("Code lu par la personne").fill(code.lower())
    page.get_by_role("button", name="Ouvrir l’étape").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Au téléphone avec Carole Lavoie")
    expect(page.locator("aside")).to_contain_text("Étapes faites : 1 sur 12.")
    assert axe_violations(page) == []
    # The helper marks the request handled, and could undo it.
    page.goto("/helper/")
    page.locator("#help-requests").get_by_role("button", name="Marquer comme réglée").first.click()
    expect(
        page.get_by_role("button", name="Annuler : elle n’est pas encore réglée")
    ).to_be_visible()
    assert axe_violations(page) == []

    # And the password shown once works on a lab computer.
    other = desktop.browser.new_context(base_url=live_server.url, locale="fr-CA")
    lab = other.new_page()
    lab.goto("/login")
    sign_in_with_the_form(lab, "carole.lavoie", password)
    expect(lab.locator(".signed-in-as")).to_have_text("Session de Carole Lavoie")
    other.close()


def test_a_slip_with_the_longest_note_still_prints_on_one_page(live_server, desktop):
    page = helper_at_the_desk(live_server, desktop, "richard.long")
    page.goto("/helper/session")
    page.get_by_label("Prénom, ou le nom que la personne aime utiliser").fill(
        "Marie-Ève Longuenom-Tremblay"
    )
    page.get_by_label("Premiers pas").check()
    page.get_by_label("Mot pour la personne apprenante (facultatif)").fill(
        ("Refaites l’étape du mot de passe avec calme. " * 20)[:600]
    )
    page.get_by_label("Prochain rendez-vous (facultatif)").fill("2027-01-05T14:00")
    page.get_by_label("Durée, en minutes").fill("30")
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fiche de")
    page.emulate_media(media="print")
    assert len(LETTER_PAGES.findall(page.pdf(format="Letter"))) == 1
    assert read_qr_code(page).startswith(f"{live_server.url}/s/")


def test_the_helper_desk_fits_a_phone_and_works_without_javascript(live_server, browser):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CA",
        viewport={"width": 360, "height": 640},
        java_script_enabled=False,
    )
    page = helper_at_the_desk(live_server, context, "richard.small")
    for path in ("/helper/", "/helper/session"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.get_by_label("Prénom, ou le nom que la personne aime utiliser").fill("Ahmed Sansjs")
    page.get_by_label("English").check()
    page.get_by_label("Leçons choisies une par une, plus bas").check()
    page.get_by_label("Trouver de la musique en ligne").fill("1")
    page.get_by_label("Créer une adresse courriel").fill("2")
    page.get_by_label("Durée, en minutes").fill("30")
    page.get_by_role("button", name="Enregistrer la séance").click()
    slip = page.locator(".slip")
    expect(slip).to_have_attribute("lang", "en")
    expect(slip.locator(".slip-lesson").first).to_contain_text("Find music online")
    expect(slip.locator(".slip-path-title")).to_have_text("Lessons chosen for you")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    learner_page = page.get_by_role("link", name=re.compile("Aller à la page de")).get_attribute(
        "href"
    )
    # Twice the text size, still no sideways scrolling on any page of the desk.
    choose(page, "200")
    for path in (
        "/helper/",
        "/helper/session",
        learner_page,
        f"{learner_page}/password",
        "/helper/code?code=ZZZZ",
    ):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 200 % text"
    context.close()
