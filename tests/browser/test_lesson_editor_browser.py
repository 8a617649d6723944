"""Staff write a lesson in a real browser, and learners only ever get the published versions.

The whole story of issue 15: create a lesson in French, upload two screenshots, draw a
highlight by dragging, write two steps, see the check catch a missing alt text while the
lesson stays unpublished, fix it, publish, translate into English, restore an earlier
version, and have an edit made on disk meanwhile caught instead of overwritten.
"""

import re
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORDS, STARTER_LESSONS, LiveServer, add_user, make_app

pytestmark = pytest.mark.browser

LESSON_ID = "payer-une-facture"
SCREENS = Path(__file__).parents[2] / "out" / "editor-screens"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live server of its own: these tests write lessons."""
    app = make_app(tmp_path_factory.mktemp("editor"), STARTER_LESSONS)
    add_user(app, "redactrice", "staff", name="Rédactrice")
    add_user(app, "grandtexte", "staff", name="Grand Texte")  # reads at 200 %
    live = LiveServer(app)
    yield live
    live.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("shots")
    paths = []
    for name, colour in (
        ("Facture en ligne.png", (30, 90, 160)),
        ("bouton-payer.png", (200, 200, 200)),
    ):
        path = folder / name
        Image.new("RGB", (800, 500), colour).save(path)
        paths.append(path)
    return paths


def signed_in(browser, server, lang="fr", username="redactrice", **options):
    context = browser.new_context(base_url=server.url, locale=f"{lang}-CA", **options)
    page = context.new_page()
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORDS["staff"])
    page.locator("form.big-form button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


def learner_sees(server, path: str) -> tuple[int, str]:
    """What a visitor gets at a lesson address (a fresh client: no staff rights)."""
    response = server.app.test_client().get(path)
    return response.status_code, response.get_data(as_text=True)


def lesson_file(server, lang="fr") -> Path:
    return Path(server.app.config["LESSONS"]) / lang / LESSON_ID / "lesson.md"


def picture_loaded(page):
    """Wait for the drawing panel's picture (polled from here: the CSP forbids eval)."""
    image = page.locator("[data-drawing-image]")
    for _ in range(100):
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the picture to draw on never loaded")


WIDER = """() => Array.from(document.querySelectorAll('main *'))
  .filter(el => el.getBoundingClientRect().right > 361)
  .slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + el.getBoundingClientRect().right)"""


def wider_than_the_screen(page) -> list[str]:
    return page.evaluate(WIDER)


def wait_for_preview(page, text: str):
    page.locator("[data-editor-preview]").get_by_text(text).first.wait_for(timeout=10_000)


def steps_text(alt_one: str) -> str:
    return f"""---
title: Payer une facture en ligne
summary: Payer une facture d'électricité sur le site de la banque.
duration: 10
updated: 2026-11-30
draft: true
---

Ayez votre facture sous la main.

## Ouvrir la page des factures {{#open-bills}}

Cliquez sur « Factures ».

![{alt_one}](facture-en-ligne.png)

## Payer {{#pay}}

Cliquez sur le bouton « Payer ».

![Le bouton Payer, en bas à droite](bouton-payer.png)
"""


def test_staff_write_publish_translate_and_restore_while_learners_get_only_published_versions(
    browser, server, shots
):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context, page = signed_in(browser, server, viewport={"width": 1280, "height": 900})

    # A new lesson in French: a draft, which learners cannot open.
    page.goto("/staff/lessons/new")
    page.get_by_label("Titre").fill("Payer une facture")
    page.get_by_role("button", name="Créer le brouillon et le modifier").click()
    page.wait_for_url(f"**/staff/lessons/{LESSON_ID}/fr/edit")
    assert learner_sees(server, f"/fr/lessons/{LESSON_ID}/")[0] == 404

    # Two screenshots, sent at the cursor: the end of the text.
    text_area = page.locator("#lesson-text")
    text_area.focus()
    page.evaluate(
        "t => { t.selectionStart = t.selectionEnd = t.value.length; }", text_area.element_handle()
    )
    text_area.press("End")
    page.locator("#pictures").set_input_files([str(p) for p in shots])
    page.get_by_role("button", name="Ajouter les captures d’écran").click()
    page.wait_for_load_state()
    folder = lesson_file(server).parent
    assert sorted(p.name for p in folder.glob("*.png")) == [
        "bouton-payer.png",
        "facture-en-ligne.png",
    ]
    assert "](facture-en-ligne.png)" in text_area.input_value()

    # Two steps; the first picture without alt text. The preview follows the typing.
    text_area.fill(steps_text(""))
    text_area.press("End")
    wait_for_preview(page, "Cliquez sur le bouton")
    verdict = page.locator("[data-editor-preview] .verdict")
    assert "erreur" in verdict.inner_text()
    problem = page.locator("[data-editor-preview] .problem-error").first
    assert "ligne 15" in problem.inner_text()
    page.screenshot(path=str(SCREENS / "story-error.png"), full_page=True)
    # A click on the message's line selects that line in the text.
    problem.locator("a[data-line]").click()
    selected = page.evaluate(
        "() => { const t = document.getElementById('lesson-text');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected == "![](facture-en-ligne.png)"

    # Draw a box by dragging on the first picture; give it a label; write it into the text.
    page.locator('[data-draw-picture="facture-en-ligne.png"]').click()
    surface = page.locator("[data-drawing-surface]").first
    surface.locator("img").wait_for()
    picture_loaded(page)
    surface.scroll_into_view_if_needed()
    box = surface.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.7, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.8, steps=5)
    page.mouse.up()
    assert page.locator(".drawn-box").count() == 1
    page.locator("[data-box-label]").first.fill("Le lien Factures")
    page.get_by_role("button", name="Écrire les zones dans le texte").click()
    written = text_area.input_value()
    match = re.search(
        r'!\[\]\(facture-en-ligne\.png\)\{highlight="([0-9.,]+)" label="Le lien Factures"\}',
        written,
    )
    assert match, written
    x, y, w, h = (float(n) for n in match.group(1).split(","))
    assert abs(x - 50) < 2 and abs(y - 60) < 2 and abs(w - 25) < 2 and abs(h - 20) < 2

    # Saving with the missing alt text keeps it as a working copy: nothing reaches learners.
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    assert "copie de travail" in page.locator(".notice").first.inner_text()
    assert "![](facture-en-ligne.png)" not in lesson_file(server).read_text()
    assert learner_sees(server, f"/fr/lessons/{LESSON_ID}/")[0] == 404

    # Fixed, then published: learners get exactly this text.
    fixed = text_area.input_value().replace(
        "![](facture", "![La page d'accueil de la banque](facture"
    )
    text_area.fill(fixed)
    wait_for_preview(page, "Aucune erreur")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    status, html = learner_sees(server, f"/fr/lessons/{LESSON_ID}/1")
    assert status == 200 and "Cliquez sur « Factures »." in html.replace("\u00a0", " ")
    assert "La page d&#39;accueil de la banque. Le lien Factures" in html
    assert "/media/v/" in html  # the highlight drawn into the copies

    # Translate into English: a draft copy with the same steps and pictures.
    page.get_by_role("button", name="Traduire en anglais").click()
    page.wait_for_url(f"**/staff/lessons/{LESSON_ID}/en/edit")
    english = text_area.input_value()
    assert "{#open-bills}" in english and "{#pay}" in english and "draft: true" in english
    assert (lesson_file(server, "en").parent / "bouton-payer.png").is_file()
    assert learner_sees(server, f"/en/lessons/{LESSON_ID}/")[0] == 404
    text_area.fill(
        english.replace("title: Payer une facture en ligne", "title: Pay a bill online").replace(
            "Cliquez sur « Factures ».", "Click “Bills”."
        )
    )
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    status, html = learner_sees(server, f"/en/lessons/{LESSON_ID}/1")
    assert status == 200 and "Click “Bills”." in html

    # A second French version, then "Restore this version" brings the first back.
    page.goto(f"/staff/lessons/{LESSON_ID}/fr/edit")
    text_area.fill(
        text_area.input_value().replace("Cliquez sur « Factures ».", "Touchez « Factures ».")
    )
    page.locator("#note").fill("Pour les téléphones")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    assert "Touchez" in learner_sees(server, f"/fr/lessons/{LESSON_ID}/1")[1]
    page.get_by_role("link", name="Historique de cette leçon").click()
    assert page.get_by_text("Pour les téléphones").is_visible()
    versions = page.locator(".version-list li")
    published_first = versions.filter(
        has=page.locator(".version-note", has_text=re.compile("^Publiée$"))
    ).first
    published_first.locator("a").click()
    assert page.locator(".diff del, .diff ins").count() >= 1
    page.get_by_role("button", name="Restaurer cette version").click()
    page.wait_for_load_state()
    status, html = learner_sees(server, f"/fr/lessons/{LESSON_ID}/1")
    assert "Cliquez sur « Factures »." in html.replace("\u00a0", " ") and "Touchez" not in html

    # Someone edits the file on disk while the browser holds the editor open: caught.
    page.goto(f"/staff/lessons/{LESSON_ID}/fr/edit")
    path = lesson_file(server)
    path.write_text(path.read_text().replace("Ayez votre facture", "Gardez votre facture"))
    text_area.fill(
        text_area.input_value().replace("Cliquez sur le bouton", "Appuyez sur le bouton")
    )
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    conflict = page.locator(".editor-conflict")
    assert conflict.is_visible()
    page.screenshot(path=str(SCREENS / "story-conflict.png"), full_page=True)
    assert "Gardez votre facture" in conflict.inner_text()
    assert "Appuyez sur le bouton" in conflict.inner_text()
    assert "Appuyez" not in path.read_text() and "Gardez" in path.read_text()
    assert "Gardez" in learner_sees(server, f"/fr/lessons/{LESSON_ID}/")[1]
    context.close()


def test_a_finger_draws_a_box_on_a_phone(browser, server, shots):
    context, page = signed_in(
        browser, server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page.goto(f"/staff/lessons/{LESSON_ID}/fr/edit")
    # "Insert at the cursor" puts the picture where the cursor is, with the alt text typed.
    text_area = page.locator("#lesson-text")
    text_area.focus()
    page.evaluate(
        "t => { t.setSelectionRange(t.value.length, t.value.length); }", text_area.element_handle()
    )
    page.locator("#alt").fill("Le bouton Payer, encore")
    page.locator('[data-insert-picture="bouton-payer.png"]').click()
    assert text_area.input_value().endswith("\n\n![Le bouton Payer, encore](bouton-payer.png)")
    page.locator('[data-draw-picture="bouton-payer.png"]').click()
    picture_loaded(page)
    surface = page.locator("[data-drawing-surface]").first
    surface.scroll_into_view_if_needed()
    box = surface.bounding_box()
    cdp = context.new_cdp_session(page)
    start = {"x": box["x"] + box["width"] * 0.2, "y": box["y"] + box["height"] * 0.2}
    end = {"x": box["x"] + box["width"] * 0.6, "y": box["y"] + box["height"] * 0.5}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [start]})
    for step in range(1, 6):
        point = {k: start[k] + (end[k] - start[k]) * step / 5 for k in "xy"}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert page.locator(".drawn-box").count() == 1
    page.get_by_role("button", name="Écrire les zones dans le texte").click()
    text = page.locator("#lesson-text").input_value()
    match = re.search(r'\(bouton-payer\.png\)\{highlight="([0-9.,]+)"\}', text)
    assert match, text
    x, y, w, h = (float(n) for n in match.group(1).split(","))
    assert abs(x - 20) < 3 and abs(y - 20) < 3 and abs(w - 40) < 3 and abs(h - 30) < 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_editor_pages_pass_axe_and_fit_a_phone_at_200_percent(
    browser, server, lang, size, tmp_path_factory
):
    options = (
        {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
        if size == "phone"
        else {"viewport": {"width": 1280, "height": 900}}
    )
    username = "grandtexte" if size == "phone" else "redactrice"
    context, page = signed_in(browser, server, lang, username, **options)
    if size == "phone":
        page.goto(f"/{lang}/display")
        page.locator("input[name=text_size][value='200']").check()
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
    shots = SCREENS
    shots.mkdir(parents=True, exist_ok=True)
    lesson = "creer-adresse-courriel"
    for name, url in (
        ("edit", f"/staff/lessons/{lesson}/fr/edit?lang={lang}"),
        (
            "highlight",
            f"/staff/lessons/{lesson}/fr/pictures/open-browser.png/highlight?lang={lang}",
        ),
        ("history", f"/staff/lessons/{lesson}/fr/history?lang={lang}"),
        ("new", f"/staff/lessons/new?lang={lang}"),
    ):
        page.goto(url)
        page.screenshot(path=str(shots / f"{name}-{lang}-{size}.png"), full_page=True)
        assert axe_violations(page) == [], (name, lang, size)
        if size == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (name, width, wider_than_the_screen(page))
    context.close()
