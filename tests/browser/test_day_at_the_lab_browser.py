"""A day at the lab, in real browsers against a real server (issue 13's "done when").

Staff set the lab's details and create a helper; the helper imports a workshop of 8 from a
CSV with one name already known, gives the group a path and prints the sheet; a learner at
home asks for help with a phone number; the counter in the helper's header goes to 1 without
a reload (and nothing in the header moves); the helper takes the request, answers it and
records a 15-minute phone session; the learner reads the answer; the report counts one phone
session of 15 minutes.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_signin_browser import sign_in_with_the_form
from tests.conftest import PASSWORDS, STARTER_LESSONS, LiveServer, add_user, make_app

pytestmark = pytest.mark.browser

LESSON = "creer-adresse-courriel"
LETTER_PAGES = re.compile(rb"/Type\s*/Page[^s]")
WORKSHOP = [
    "Carole Tremblay",
    "Marie-Ève Roy",  # already has an account: the same person
    "Ahmed Benali",
    "Lucie Gagnon",
    "Gérard Côté",
    "Nadia Haddad",
    "Paul Bélanger",
    "Rose Pelletier",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A server of its own (its lab details must not show on other tests' pages), with the
    header's counter asking every second instead of every 30."""
    app = make_app(tmp_path_factory.mktemp("day"), STARTER_LESSONS, OPEN_REQUESTS_POLL_SECONDS=1)
    add_user(app, "sophie", "staff", name="Sophie")
    add_user(app, "marie-eve.roy", "learner", name="Marie-Ève Roy")
    server = LiveServer(app)
    yield server
    server.close()


def context(browser, lab, **options):
    return browser.new_context(base_url=lab.url, locale="fr-CA", **options)


def signed_in(ctx, path, username, password):
    page = ctx.new_page()
    page.goto(path)
    sign_in_with_the_form(page, username, password)
    return page


def test_a_day_at_the_lab(browser, lab, tmp_path):
    desk_size = {"viewport": {"width": 1280, "height": 800}}

    # 8:30 — Sophie (staff) fills in the lab's details, then creates Josée's account.
    staff = signed_in(context(browser, lab, **desk_size), "/staff/", "sophie", PASSWORDS["staff"])
    expect(staff.locator(".site-footer")).to_contain_text("ne sont pas encore remplis")
    staff.goto("/staff/settings")
    staff.get_by_label("Numéro de téléphone").fill("418 555-0123")
    french = staff.locator("fieldset", has_text="En Français")
    french.get_by_label("Nom du labo").fill("Carrefour techno de Limoilou")
    french.get_by_label("Heures d’ouverture").fill("Lundi au vendredi, 9 h à 16 h")
    english = staff.locator("fieldset", has_text="En English")
    english.get_by_label("Nom du labo").fill("Limoilou Tech Hub")
    english.get_by_label("Heures d’ouverture").fill("Monday to Friday, 9 am to 4 pm")
    assert axe_violations(staff) == []
    staff.get_by_role("button", name="Enregistrer les coordonnées du labo").click()
    expect(staff.locator(".notice")).to_contain_text("Les coordonnées du labo sont enregistrées")
    expect(staff.locator(".site-footer")).to_contain_text("418 555-0123")
    staff.goto("/staff/accounts")
    staff.get_by_label("Nom", exact=True).fill("Josée Gagnon")
    staff.get_by_role("radio", name="Membre de l’équipe").check()
    staff.get_by_role("radio", name="Français").check()
    assert axe_violations(staff) == []
    staff.get_by_role("button", name="Créer le compte").click()
    facts = staff.locator(".password-once")
    username, password = facts.nth(0).inner_text(), facts.nth(1).inner_text()
    assert username == "josee.gagnon"

    # 9:00 — Josée signs in and imports Tuesday's workshop: 8 names, one already known.
    helper_ctx = context(browser, lab, **desk_size)
    helper = signed_in(helper_ctx, "/helper/", username, password)
    expect(helper).to_have_url(re.compile(r"/helper/$"))
    helper.get_by_role("link", name="Groupes", exact=True).click()
    helper.get_by_label("Nom du groupe").fill("Atelier du mardi")
    helper.get_by_role("button", name="Créer le groupe").click()
    expect(helper.get_by_role("heading", level=1)).to_have_text("Groupe « Atelier du mardi »")
    helper.get_by_role("link", name="Ajouter des personnes à partir d’un fichier CSV").click()
    listing = tmp_path / "atelier.csv"
    with listing.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["nom"], *[[name] for name in WORKSHOP]])
    helper.get_by_label("Liste des personnes apprenantes (fichier CSV)").set_input_files(listing)
    helper.get_by_role("button", name="Ajouter les personnes et faire leurs cartes").click()
    expect(helper.locator("#duplicates-notice")).to_contain_text("1 nom est déjà connu")
    expect(helper.locator(".duplicate-choice")).to_contain_text("Ligne 3 : Marie-Ève Roy")
    assert axe_violations(helper) == []
    helper.get_by_label(re.compile("^Même personne")).check()
    helper.get_by_role("button", name="Ajouter les personnes et faire leurs cartes").click()
    expect(helper.locator(".signin-card")).to_have_count(7)
    expect(helper.locator(".signin-card").first).to_contain_text(
        "Des questions? Appelez Carrefour techno de Limoilou : 418 555-0123"
    )
    helper.get_by_role("link", name="Aller à la page du groupe").click()
    expect(helper.locator("#members-title")).to_have_text("8 personnes apprenantes")

    # The whole group gets "Premiers pas" in one form, and one sheet of slips to print.
    helper.get_by_role("link", name="Donner un parcours à tout le groupe").click()
    helper.get_by_label("Premiers pas").check()
    helper.get_by_label("Note pour les personnes (facultatif)").fill("Bienvenue à l’atelier!")
    helper.get_by_role(
        "button", name="Donner le parcours et afficher les fiches à imprimer"
    ).click()
    expect(helper.locator(".slip")).to_have_count(8)
    expect(helper.locator(".slip").first).to_contain_text(
        "Carrefour techno de Limoilou : 418 555-0123"
    )
    assert axe_violations(helper) == []
    helper.emulate_media(media="print")
    expect(helper.locator(".site-header")).to_be_hidden()
    assert len(LETTER_PAGES.findall(helper.pdf(format="Letter"))) == 8  # a slip per page
    helper.emulate_media(media="screen")

    # 10:00 — Josée waits at the desk, which shows no request yet.
    helper.goto("/helper/")
    counter = helper.locator(".request-counter")
    expect(counter.locator("[data-count]")).to_have_text("0")
    before = {
        "counter": counter.bounding_box(),
        "sign-out": helper.get_by_role("button", name="Me déconnecter").bounding_box(),
        "title": helper.get_by_role("heading", level=1).bounding_box(),
    }

    # 10:05 — at home, Marie-Ève asks for help on her phone, with her number.
    phone_ctx = context(
        browser, lab, viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    learner = signed_in(phone_ctx, "/login", "marie-eve.roy", PASSWORDS["learner"])
    learner.goto(f"/fr/lessons/{LESSON}/2")
    expect(learner.locator(".step-help")).to_contain_text("Appelez le labo : 418 555-0123")
    learner.get_by_text("J’ai besoin d’aide").click()
    learner.get_by_label("Votre message (facultatif)").fill("Je ne trouve pas le bouton.")
    learner.get_by_label("Numéro de téléphone").fill("418 555-0199")
    learner.get_by_label("Le moment qui vous convient").fill("avant midi")
    learner.get_by_role("button", name="Envoyer ma demande à l’équipe du labo").click()
    expect(learner.locator(".help-state")).to_contain_text("Demande envoyée")
    assert axe_violations(learner) == []
    assert learner.evaluate("document.documentElement.scrollWidth") <= 360

    # Without a reload, the counter in Josée's header says 1, and nothing else moved.
    expect(counter.locator("[data-count]")).to_have_text("1", timeout=10_000)
    after = {
        "counter": counter.bounding_box(),
        "sign-out": helper.get_by_role("button", name="Me déconnecter").bounding_box(),
        "title": helper.get_by_role("heading", level=1).bounding_box(),
    }
    assert after == before
    expect(helper.locator("[data-requests-news]")).to_contain_text("1 demande d’aide attend.")

    # She refreshes the list, takes the request, and answers it.
    helper.locator("[data-requests-news]").get_by_role(
        "link", name="Actualiser cette liste"
    ).click()
    request = helper.locator("#help-requests .desk-item", has_text="Marie-Ève Roy").first
    expect(request).to_contain_text("418 555-0199")
    expect(request).to_contain_text("avant midi")
    request.get_by_role("button", name="Je m’en occupe").click()
    request = helper.locator("#help-requests .desk-item", has_text="Marie-Ève Roy").first
    expect(request).to_contain_text("Vous vous en occupez.")
    assert axe_violations(helper) == []
    learner.reload()
    expect(learner.locator(".help-state")).to_contain_text(
        "Josée Gagnon s’occupe de votre demande."
    )
    request.get_by_text("Répondre à la personne").click()
    request.get_by_label("Votre réponse, affichée à la personne sous l’étape").fill(
        "Le bouton « Créer un compte » est en bas de la page, à droite."
    )
    request.get_by_role("button", name="Envoyer la réponse").click()
    expect(helper.locator(".notice").first).to_contain_text("La réponse est envoyée")
    expect(counter.locator("[data-count]")).to_have_text("0")

    # The call took 15 minutes and solved it: a phone session, without a path.
    helper.goto("/helper/?q=marie")
    helper.get_by_role("link", name="Après une rencontre", exact=True).first.click()
    helper.get_by_label("Au téléphone").check()
    helper.get_by_label("Durée, en minutes").fill("15")
    helper.get_by_label("Pas de parcours cette fois").check()
    helper.get_by_role("button", name="Enregistrer la séance").click()
    expect(helper.locator(".notice").first).to_contain_text(
        "La séance avec Marie-Ève Roy est enregistrée (Au téléphone, 15 min)."
    )

    # Marie-Ève reads the answer under the step and on her home page; her number is gone.
    learner.reload()
    expect(learner.locator(".help-state")).to_contain_text("Réponse de Josée Gagnon")
    expect(learner.locator(".help-reply")).to_contain_text("en bas de la page, à droite")
    learner.goto("/fr/")
    expect(learner.locator(".my-requests")).to_contain_text("en bas de la page, à droite")
    assert axe_violations(learner) == []

    # 16:00 — Sophie's report: one phone session of 15 minutes (and the group's 8 learners).
    staff.goto("/staff/reports")
    figures = staff.locator(".figures")
    expect(figures.locator("div", has_text="Au téléphone")).to_contain_text("1 séance")
    expect(figures.locator("div", has_text="Au téléphone")).to_contain_text("15 min")
    expect(figures.locator("div", has_text="Minutes d’aide").first).to_contain_text("15")
    assert axe_violations(staff) == []
    summary = staff.request.get(staff.url.replace("/staff/reports", "/staff/reports/summary.csv"))
    rows = list(csv.reader(io.StringIO(summary.text().lstrip("\ufeff")), delimiter=";"))
    assert ["Séances d’aide\u00a0: Au téléphone", "1"] in rows
    assert ["Minutes d’aide\u00a0: Au téléphone", "15"] in rows
    for ctx in (staff.context, helper_ctx, phone_ctx):
        ctx.close()
