"""Questions and certificates in a real browser, with and without JavaScript (issue 14).

A learner works through the email lesson of her path: answers a question wrongly then
rightly, types a practice answer with other capitals and accents, finishes the path and
prints her certificate to PDF (one letter page); a phone reads its QR code, as a camera
would, and reaches /verify/<code>, which confirms it. The helper sees her answers, and the
staff report lists the question most often missed first. Then the same without JavaScript.
"""

import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_display_browser import choose
from tests.browser.test_signin_browser import sign_in_with_the_form
from tests.conftest import PASSWORDS, add_user, app_database

pytestmark = pytest.mark.browser

LESSON = "creer-adresse-courriel"
STEPS = 12
LETTER_PAGES = re.compile(rb"/Type\s*/Page[^s]")
# Where the printed certificates are kept to be looked at (`pdftoppm -png` shows them);
# pytest's temporary folder unless COURSESITE_TEST_OUT names another.
OUT = os.environ.get("COURSESITE_TEST_OUT")


def learner_with_the_email_path(app, username, name):
    from coursesite.desk.paths import assign_path

    user = add_user(app, username, "learner", name=name)
    with app_database(app):
        assign_path(user, None, [LESSON], title="Mon adresse courriel")
    return user


def signed_in(context, username, password=PASSWORDS["learner"]):
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login")
    sign_in_with_the_form(page, username, password)
    expect(page.locator(".signed-in-as")).to_be_visible()
    return page


def check_answer(page, javascript):
    """Press "Check my answer": in place with JavaScript, a new page without."""
    button = page.get_by_role("button", name="Vérifier ma réponse")
    if javascript:
        button.click()
    else:
        with page.expect_navigation():
            button.click()


def work_through_the_lesson(page, javascript):
    """Do every step; at each question, the moves the issue asks for."""
    for number in range(1, STEPS + 1):
        page.goto(f"/fr/lessons/{LESSON}/{number}")
        if number == 3:  # type it: other capitals, an accent and spaces around
            page.get_by_label("Votre réponse").fill("  GMÀIL.Com ")
            check_answer(page, javascript)
            feedback = page.locator("#q-type-provider-address-feedback")
            expect(feedback).to_contain_text("Bonne réponse!")
            expect(feedback).to_contain_text("Ensuite, appuyez sur la touche Entrée.")
            if javascript:  # focus moved to the feedback: a screen reader reads it at once
                assert page.evaluate("document.activeElement.id") == feedback.get_attribute("id")
            else:
                assert page.url.endswith("#q-type-provider-address")
        if number == 6:  # tick all that apply
            for label in ("Utiliser votre prénom", "Écrire", "Ajouter une initiale"):
                page.get_by_label(re.compile(label)).check()
            check_answer(page, javascript)
            expect(page.locator("#q-good-address-feedback")).to_contain_text("Bonne réponse!")
        if number == 7:  # one answer: wrong first, then right
            page.get_by_label("123456").check()
            check_answer(page, javascript)
            feedback = page.locator("#q-strong-password-feedback")
            # Never colour alone: a mark and words say it is wrong.
            expect(feedback).to_contain_text("✗ Pas tout à fait.")
            expect(feedback).to_contain_text("un des mots de passe les plus utilisés")
            expect(feedback).to_contain_text("Une mauvaise réponse ne coûte rien")
            if javascript:  # axe runs as a script: only where scripts run
                assert axe_violations(page) == []
            page.get_by_label(re.compile("Trois ou quatre mots")).check()
            check_answer(page, javascript)
            expect(page.locator("#q-strong-password-feedback")).to_contain_text("✓ Bonne réponse!")
        # The bar's one tap marks the step done and goes on: to the next step, or the end.
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^J’ai fait cette étape")).click()
        following = f"/{number + 1}" if number < STEPS else "/end"
        assert urlsplit(page.url).path == f"/fr/lessons/{LESSON}{following}"


# A word is cut when its letters sit on more than one line (breaking after - or / is normal).
CUT_WORDS = """sel => { const cut = []; for (const root of document.querySelectorAll(sel)) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { const node = walker.currentNode; const words = /\\S+/g; let m;
    while ((m = words.exec(node.data))) { const range = document.createRange();
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1 && !/[-\\/]/.test(m[0])) cut.push(m[0]); } } } return cut; }"""


def read_qr_code(page) -> str:
    image = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, "exactly one QR code on the certificate"
    return found[0].text


def print_the_certificate(page, live_server, folder: Path) -> str:
    """Print to PDF (one letter page, kept to look at) and return the QR code's link."""
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="Letter", print_background=True)
    assert len(LETTER_PAGES.findall(pdf)) == 1
    folder = Path(OUT) if OUT else folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "certificate.pdf").write_bytes(pdf)
    link = read_qr_code(page)
    page.emulate_media(media="screen")
    assert re.fullmatch(
        rf"{live_server.url}/verify/[A-Z2-9]{{4}}-[A-Z2-9]{{4}}-[A-Z2-9]{{4}}", link
    )
    return link


def get_the_certificate(page):
    page.goto("/fr/")
    mine = page.locator(".my-path")
    expect(mine).to_contain_text("Vous avez fait toutes les étapes et bien répondu")
    mine.get_by_role("button", name="Obtenir mon attestation").click()
    expect(page).to_have_url(re.compile(r"/fr/certificates/[A-Z2-9]{12}$"))
    certificate = page.locator(".certificate")
    expect(certificate).to_contain_text("Attestation de réussite")
    expect(certificate.locator(".certificate-lessons li")).to_have_count(1)
    expect(certificate).to_contain_text("Créer une adresse courriel")
    expect(certificate).to_contain_text("30 min")
    return certificate


def test_a_learner_answers_finishes_prints_and_a_phone_verifies(
    live_server, browser, phone, tmp_path
):
    learner = learner_with_the_email_path(live_server.app, "carole.quiz", "Carole Quévillon")
    context = browser.new_context(
        base_url=live_server.url, locale="fr-CA", viewport={"width": 1280, "height": 800}
    )
    page = signed_in(context, "carole.quiz")
    work_through_the_lesson(page, javascript=True)
    certificate = get_the_certificate(page)
    expect(certificate).to_contain_text("Carole Quévillon")
    expect(certificate).to_contain_text("Mon adresse courriel")
    assert axe_violations(page) == []
    link = print_the_certificate(page, live_server, tmp_path)

    # A phone's camera reads the printed code: the public page confirms, without signing in,
    # in the phone's own language (an employer's, here English).
    check = phone.new_page()
    check.goto(link)
    expect(check.locator(".verify-result")).to_contain_text("This certificate is real.")
    expect(check.locator(".verify-facts")).to_contain_text("Carole Q.")
    expect(check.locator(".verify-facts")).to_contain_text("Mon adresse courriel")
    expect(check.locator("main")).not_to_contain_text("Quévillon")
    assert axe_violations(check) == []
    assert check.evaluate("document.documentElement.scrollWidth") <= 360

    # The helper sees her answers, lesson by lesson, and can print the certificate again.
    add_user(live_server.app, "richard.quiz", "helper", name="Richard")
    desk = signed_in(
        browser.new_context(base_url=live_server.url, locale="fr-CA"),
        "richard.quiz",
        PASSWORDS["helper"],
    )
    desk.goto(f"/helper/learners/{learner.id}")
    answers = desk.locator(".answers-item", has_text="Créer une adresse courriel")
    expect(answers).to_contain_text(
        "Réussies du premier coup : 2 · après d’autres essais : 1 · pas encore : 0"
    )
    expect(answers.locator("li", has_text="Lequel de ces mots de passe")).to_contain_text(
        "Réussie après 2 essais"
    )
    expect(desk.get_by_role("link", name="Imprimer l’attestation")).to_be_visible()
    assert axe_violations(desk) == []

    # Staff: the report lists the question most often missed first, with its bar.
    add_user(live_server.app, "sophie.quiz", "staff", name="Sophie")
    office = signed_in(
        browser.new_context(base_url=live_server.url, locale="fr-CA"),
        "sophie.quiz",
        PASSWORDS["staff"],
    )
    office.goto("/staff/reports")
    missed = office.locator(
        "section",
        has=office.get_by_role(
            "heading", name="Questions le plus souvent manquées du premier coup"
        ),
    )
    first = missed.locator("tbody tr").first
    expect(first).to_contain_text("Lequel de ces mots de passe est le plus difficile à deviner?")
    expect(first.locator("svg.bar")).to_be_attached()
    expect(office.locator(".figures")).to_contain_text("Attestations remises")
    assert axe_violations(office) == []
    for other in (context, desk.context, office.context):
        other.close()


def test_the_same_without_javascript(live_server, browser, tmp_path):
    learner_with_the_email_path(live_server.app, "ahmed.nojs", "Ahmed Sansjs")
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CA",
        viewport={"width": 360, "height": 640},
        java_script_enabled=False,
    )
    page = signed_in(context, "ahmed.nojs")
    choose(page, "200")  # twice the text size, on a 360-pixel phone
    work_through_the_lesson(page, javascript=False)
    # Every word of a question and its feedback whole, nothing wider than the phone.
    page.goto(f"/fr/lessons/{LESSON}/7")
    page.get_by_label("123456").check()
    check_answer(page, javascript=False)
    assert page.evaluate(CUT_WORDS, ".question") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    certificate = get_the_certificate(page)
    expect(certificate).to_contain_text("Ahmed Sansjs")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate(CUT_WORDS, "main") == []
    link = print_the_certificate(page, live_server, tmp_path)
    page.goto(link.replace(live_server.url, ""))
    expect(page.locator(".verify-result")).to_contain_text("Cette attestation est authentique.")
    expect(page.locator(".verify-facts")).to_contain_text("Ahmed S.")
    context.close()
