"""The lesson editor over HTTP: saving, publishing, conflicts, pictures, boxes, history."""

import html
import io
import os
import re

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import PASSWORDS, csrf_token_from

EDIT = "/staff/lessons/bonjour/fr/edit"


@pytest.fixture
def staff(client, auth, make_staff):
    make_staff()
    auth.login("sophie", PASSWORDS["staff"])
    return client


def form_of(page: str) -> dict:
    """Return the editor form's fields as the page holds them."""
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    unescaped = (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&#39;", "'")
    )
    return {
        "csrf_token": csrf_token_from(page),
        "base": re.search(r'name="base" value="([^"]*)"', page).group(1),
        "text": unescaped.replace("&amp;", "&"),
    }


def open_editor(client, url=EDIT) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return form_of(response.get_data(as_text=True))


def learner_page(app, path="/fr/lessons/bonjour/1") -> str:
    visitor = app.test_client()
    return visitor.get(path).get_data(as_text=True)


def png(size=(320, 200), colour=(20, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def test_the_editor_shows_the_text_its_steps_and_the_preview(staff):
    page = staff.get(EDIT).get_data(as_text=True)
    assert "Poussez la porte." in page  # in the text area
    assert 'data-line="12"' in page and "Ouvrir la porte" in page  # the step list, with lines
    assert "<strong>courte</strong>" in page  # the preview, rendered
    assert 'src="/staff/lessons/bonjour/fr/pictures/porte.png"' in page


def test_a_clean_save_publishes_and_keeps_the_previous_version(app, staff, lessons_dir):
    form = open_editor(staff)
    form["text"] = form["text"].replace("Poussez la porte.", "Tirez la porte.")
    form["note"] = "Le bon sens"
    response = staff.post(EDIT, data={**form, "action": "save"})
    assert response.status_code == 303
    page = staff.get(EDIT).get_data(as_text=True)
    assert "Saved and published" in page or "publiée" in page
    assert "Tirez la porte." in (lessons_dir / "fr/bonjour/lesson.md").read_text()
    assert "Tirez la porte." in learner_page(app)
    history = staff.get("/staff/lessons/bonjour/fr/history").get_data(as_text=True)
    assert "Le bon sens" in history and "sophie" in history
    assert "le fichier de la leçon, tel qu’il était" in history  # version 1: not "saved by"
    # The file as it was before the first browser save is version 1.
    first = staff.get("/staff/lessons/bonjour/fr/history/1").get_data(as_text=True)
    assert "Poussez la porte." in first


def test_a_missing_alt_text_keeps_the_published_version_and_says_why(app, staff, lessons_dir):
    before = (lessons_dir / "fr/bonjour/lesson.md").read_text()
    form = open_editor(staff)
    form["text"] = (
        form["text"].replace("![La porte est ouverte]", "![]").replace("Poussez", "Ouvrez")
    )
    assert staff.post(EDIT, data={**form, "action": "save"}).status_code == 303
    assert (lessons_dir / "fr/bonjour/lesson.md").read_text() == before
    assert "Ouvrez" not in learner_page(app) and "Poussez" in learner_page(app)
    page = staff.get(EDIT).get_data(as_text=True)
    assert "Ouvrez la porte." in page  # the working copy reopens
    assert 'class="problem problem-error"' in page and 'data-line="16"' in page
    # The health page says so, with a link to fix it.
    health = staff.get("/staff/lessons").get_data(as_text=True)
    assert "pas publiées\u00a0: 1" in health and 'href="/staff/lessons/bonjour/fr/edit"' in health
    # Fixing it publishes, and the working copy is gone.
    form = form_of(page)
    form["text"] = form["text"].replace("![]", "![Une porte ouverte]")
    assert staff.post(EDIT, data={**form, "action": "save"}).status_code == 303
    assert "Ouvrez la porte." in learner_page(app)
    assert "copie de travail" not in staff.get(EDIT).get_data(as_text=True)
    assert "pas publiées" not in staff.get("/staff/lessons").get_data(as_text=True)


def test_a_file_changed_on_disk_meanwhile_is_not_overwritten(staff, lessons_dir):
    form = open_editor(staff)
    path = lessons_dir / "fr/bonjour/lesson.md"
    path.write_text(path.read_text().replace("Au revoir.", "À bientôt."))
    form["text"] = form["text"].replace("Poussez", "Tirez")
    response = staff.post(EDIT, data={**form, "action": "save"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "À bientôt." in page and "Tirez" in page  # both versions shown
    assert "Tirez" not in path.read_text() and "À bientôt." in path.read_text()
    # Saving again from that page is a deliberate choice: it goes through.
    again = form_of(page)
    assert staff.post(EDIT, data={**again, "action": "save"}).status_code == 303
    assert "Tirez" in path.read_text()


def test_a_text_too_long_is_refused(staff):
    form = open_editor(staff)
    form["text"] += "x" * 260_000
    response = staff.post(EDIT, data={**form, "action": "save"})
    assert response.status_code == 413


def test_preview_as_you_type_answers_a_fragment(staff):
    form = open_editor(staff)
    response = staff.post(
        "/staff/lessons/bonjour/fr/preview",
        data={
            "csrf_token": form["csrf_token"],
            "text": form["text"].replace("Au revoir.", "*Bye*"),
        },
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<em>Bye</em>" in fragment
    assert "<html" not in fragment and 'data-fragment="preview"' in fragment


def test_uploading_puts_a_clean_picture_at_the_cursor(staff, lessons_dir):
    form = open_editor(staff)
    cursor = form["text"].index("## Partir")
    response = staff.post(
        EDIT,
        data={
            **form,
            "action": "upload",
            "cursor": str(cursor),
            "alt": "Le bouton Au revoir",
            "pictures": [(io.BytesIO(png()), "Capture d’écran 2026.PNG")],
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (lessons_dir / "fr/bonjour/capture-d-ecran-2026.png").is_file()
    text = form_of(page)["text"]
    assert "![Le bouton Au revoir](capture-d-ecran-2026.png)\n\n## Partir" in text
    # Not saved yet: the file on disk is unchanged until "Save".
    assert "capture-d" not in (lessons_dir / "fr/bonjour/lesson.md").read_text()


def test_a_fake_picture_is_refused_and_nothing_is_written(staff, lessons_dir):
    form = open_editor(staff)
    response = staff.post(
        EDIT,
        data={**form, "action": "upload", "pictures": [(io.BytesIO(b"<svg/>"), "x.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert sorted(p.name for p in (lessons_dir / "fr/bonjour").iterdir()) == [
        "lesson.md",
        "porte.png",
    ]


def test_only_unused_pictures_can_be_deleted(staff, lessons_dir):
    (lessons_dir / "fr/bonjour/vieux.png").write_bytes(png())
    form = open_editor(staff)
    refused = staff.post(EDIT, data={**form, "delete": "porte.png"})
    assert refused.status_code == 409 and (lessons_dir / "fr/bonjour/porte.png").exists()
    done = staff.post(EDIT, data={**form, "delete": "vieux.png"})
    assert done.status_code == 200 and not (lessons_dir / "fr/bonjour/vieux.png").exists()
    assert staff.post(EDIT, data={**form, "delete": "../en/bonjour/porte.png"}).status_code == 404


def test_boxes_without_javascript_apply_then_write_into_the_lesson(app, staff, lessons_dir):
    url = "/staff/lessons/bonjour/fr/pictures/porte.png/highlight"
    page = staff.get(url, query_string={"x0": "10", "y0": "20", "w0": "30", "h0": "15",
                                        "label0": "La poignée", "x1": "5", "y1": "5",
                                        "w1": "10", "h1": "10"}).get_data(as_text=True)  # fmt: skip
    assert "/media/v/" in page  # the preview picture has the boxes drawn in
    assert 'highlight="10,20,30,15;5,5,10,10" label="La poignée"' in html.unescape(page)
    form = {
        "csrf_token": csrf_token_from(page),
        "base": re.search(r'name="base" value="([^"]*)"', page).group(1),
        "use": "0",
        "boxes": "10,20,30,15;5,5,10,10",
        "labels": "La poignée|",
    }
    assert staff.post(url, data=form).status_code == 303
    text = (lessons_dir / "fr/bonjour/lesson.md").read_text()
    assert (
        '![La porte est ouverte](porte.png){highlight="10,20,30,15;5,5,10,10" label="La poignée"}'
        in text
    )
    assert 'alt="La porte est ouverte. La poignée"' in learner_page(app)
    bad = staff.get(url, query_string={"x0": "90", "y0": "0", "w0": "30", "h0": "10"})
    bad_page = bad.get_data(as_text=True)
    assert 'class="field-error"' in bad_page  # the box goes past the right edge
    assert re.search(r'type="submit" disabled>', bad_page)  # and cannot be written


def test_restoring_a_version_is_a_new_save(app, staff):
    form = open_editor(staff)
    form["text"] = form["text"].replace("Poussez", "Tirez")
    staff.post(EDIT, data={**form, "action": "save"})
    assert "Tirez" in learner_page(app)
    token = csrf_token_from(staff.get("/staff/lessons/bonjour/fr/history/1").get_data(as_text=True))
    response = staff.post("/staff/lessons/bonjour/fr/history/1/restore", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Poussez" in learner_page(app)
    history = staff.get("/staff/lessons/bonjour/fr/history").get_data(as_text=True)
    assert "Version 3" in history
    diff = staff.get("/staff/lessons/bonjour/fr/history/3").get_data(as_text=True)
    assert "<del>Tirez la porte.</del>" in diff and "<ins>Poussez la porte.</ins>" in diff


def test_a_new_lesson_is_a_draft_then_published_only_when_clean(app, staff, lessons_dir):
    token = csrf_token_from(staff.get("/staff/lessons/new").get_data(as_text=True))
    response = staff.post(
        "/staff/lessons/new",
        data={"csrf_token": token, "title": "Payer une facture : en ligne", "lang": "fr"},
    )
    assert response.headers["Location"].endswith(
        "/staff/lessons/payer-une-facture-en-ligne/fr/edit"
    )
    text = (lessons_dir / "fr/payer-une-facture-en-ligne/lesson.md").read_text()
    assert 'title: "Payer une facture : en ligne"' in text and "draft: true" in text
    url = "/staff/lessons/payer-une-facture-en-ligne/fr/edit"
    assert app.test_client().get("/fr/lessons/payer-une-facture-en-ligne/").status_code == 404
    form = open_editor(staff, url)
    broken = form["text"] + "\n![](nulle-part.png)\n"
    refused = staff.post(url, data={**form, "text": broken, "action": "publish"})
    assert (
        refused.status_code == 422
        and "draft: true" in form_of(refused.get_data(as_text=True))["text"]
    )
    assert app.test_client().get("/fr/lessons/payer-une-facture-en-ligne/").status_code == 404
    assert staff.post(url, data={**form, "action": "publish"}).status_code == 303
    assert "draft: false" in (lessons_dir / "fr/payer-une-facture-en-ligne/lesson.md").read_text()
    assert app.test_client().get("/fr/lessons/payer-une-facture-en-ligne/").status_code == 200


def test_a_new_lesson_with_a_taken_or_bad_id_is_refused(staff, lessons_dir):
    token = csrf_token_from(staff.get("/staff/lessons/new").get_data(as_text=True))
    for lesson_id in ("bonjour", "../x", "Majuscule"):
        response = staff.post(
            "/staff/lessons/new",
            data={"csrf_token": token, "title": "X", "lesson_id": lesson_id, "lang": "fr"},
        )
        assert response.status_code == 422, lesson_id
    assert sorted(p.name for p in (lessons_dir / "fr").iterdir()) == ["bonjour"]


def test_translating_copies_steps_ids_and_pictures_as_a_draft(staff, lessons_dir):
    token = csrf_token_from(staff.get("/staff/lessons/new").get_data(as_text=True))
    staff.post("/staff/lessons/new", data={"csrf_token": token, "title": "Essai", "lang": "fr"})
    (lessons_dir / "fr/essai/ecran.png").write_bytes(png())
    response = staff.post(
        "/staff/lessons/essai/fr/translate", data={"csrf_token": token, "target": "en"}
    )
    assert response.headers["Location"].endswith("/staff/lessons/essai/en/edit")
    assert (lessons_dir / "en/essai/ecran.png").is_file()
    text = (lessons_dir / "en/essai/lesson.md").read_text()
    assert "{#first-step}" in text and "draft: true" in text


def test_paths_outside_the_lesson_answer_404(staff, lessons_dir, tmp_path):
    (tmp_path / "secret.png").write_bytes(png())
    (lessons_dir / "fr/bonjour/lien.png").symlink_to(tmp_path / "secret.png")
    for url in (
        "/staff/lessons/bonjour/de/edit",
        "/staff/lessons/Bonjour/fr/edit",
        "/staff/lessons/nulle/fr/edit",
        "/staff/lessons/bonjour/fr/pictures/lien.png",
        "/staff/lessons/bonjour/fr/pictures/lesson.md",
        "/staff/lessons/bonjour/fr/pictures/..%2f..%2fen%2fbonjour%2fporte.png",
        "/staff/lessons/bonjour/fr/history/999",
    ):
        assert staff.get(url).status_code == 404, url


def test_learners_and_helpers_cannot_open_the_editor(app, client, auth, make_learner):
    make_learner()
    auth.login("carole", PASSWORDS["learner"])
    assert client.get(EDIT).status_code == 403
    assert client.get("/staff/lessons/new").status_code == 403


def test_a_post_without_csrf_is_refused(staff, lessons_dir):
    before = (lessons_dir / "fr/bonjour/lesson.md").read_text()
    form = open_editor(staff)
    form.pop("csrf_token")
    response = staff.post(EDIT, data={**form, "text": "x", "action": "save"})
    assert response.status_code == 400
    assert (lessons_dir / "fr/bonjour/lesson.md").read_text() == before


def test_a_screenshot_heavier_than_other_forms_allow_still_goes_in(staff, lessons_dir):
    noisy = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert out.tell() > 2 * 1024 * 1024  # more than the site's usual request limit
    out.seek(0)
    form = open_editor(staff)
    fields = MultiDict({**form, "action": "upload", "alt": "Du bruit"})
    fields.add("pictures", FileStorage(out, "bruit.png", content_type="image/png"))
    # Sent as bytes: the test client would otherwise spool the body to a file it never closes.
    boundary, body = encode_multipart(fields)
    response = staff.post(EDIT, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert (lessons_dir / "fr/bonjour/bruit.png").is_file()


def test_hostile_text_to_the_preview_and_translate_never_breaks_them(staff, lessons_dir):
    from tests.test_hostile_input import RAW, TEXT

    form = open_editor(staff)
    token = form["csrf_token"]
    for name, value in TEXT.items():
        preview = staff.post(
            "/staff/lessons/bonjour/fr/preview", data={"csrf_token": token, "text": value}
        )
        assert preview.status_code in (200, 413), name
        translate = staff.post(
            "/staff/lessons/bonjour/fr/translate", data={"csrf_token": token, "target": value}
        )
        assert translate.status_code in (303, 404), name
    for name, raw in RAW.items():
        body = b"csrf_token=" + token.encode() + b"&text=" + raw
        response = staff.post(
            "/staff/lessons/bonjour/fr/preview",
            data=body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (200, 400), name
    assert sorted(p.name for p in lessons_dir.iterdir()) == ["en", "fr"]
    assert sorted(p.name for p in (lessons_dir / "fr").iterdir()) == ["bonjour"]


def test_a_picture_learners_still_see_cannot_be_deleted(app, staff, lessons_dir):
    path = lessons_dir / "fr/bonjour/lesson.md"
    assert app.test_client().get("/fr/lessons/bonjour/1").status_code == 200  # published
    # Edited on disk: the picture taken out, and an error, so learners keep the old version.
    path.write_text(path.read_text().replace("![La porte est ouverte](porte.png)", "![](x.png)"))
    assert "porte.png" in app.test_client().get("/fr/lessons/bonjour/1").get_data(as_text=True)
    form = open_editor(staff)
    form["text"] = form["text"].replace("![](x.png)", "")
    response = staff.post(EDIT, data={**form, "delete": "porte.png"})
    assert response.status_code == 409 and (lessons_dir / "fr/bonjour/porte.png").exists()


def test_the_editor_pages_are_valid_html(staff, tmp_path):
    from tests.test_html_valid import save_pages, validate

    form = open_editor(staff)
    staff.post(
        EDIT, data={**form, "text": form["text"].replace("Poussez", "Tirez"), "action": "save"}
    )
    pages = {
        "edit": EDIT,
        "highlight": "/staff/lessons/bonjour/fr/pictures/porte.png/highlight?x0=5&y0=5&w0=20&h0=20",
        "history": "/staff/lessons/bonjour/fr/history",
        "version": "/staff/lessons/bonjour/fr/history/2",
        "new": "/staff/lessons/new",
        "health": "/staff/lessons",
    }
    assert validate(save_pages(staff, pages, tmp_path)) == []


def test_opening_a_new_translation_adds_no_second_version(staff):
    token = csrf_token_from(staff.get("/staff/lessons/new").get_data(as_text=True))
    staff.post("/staff/lessons/new", data={"csrf_token": token, "title": "Essai", "lang": "fr"})
    staff.post("/staff/lessons/essai/fr/translate", data={"csrf_token": token, "target": "en"})
    for lang in ("fr", "en"):
        open_editor(staff, f"/staff/lessons/essai/{lang}/edit")
        history = staff.get(f"/staff/lessons/essai/{lang}/history").get_data(as_text=True)
        assert "Version 1" in history and "Version 2" not in history, lang


def test_preview_without_javascript_shows_the_text_and_saves_nothing(staff, lessons_dir):
    before = (lessons_dir / "fr/bonjour/lesson.md").read_text()
    form = open_editor(staff)
    form["text"] = form["text"].replace("Au revoir.", "À **demain**.")
    response = staff.post(EDIT, data={**form, "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "À <strong>demain</strong>." in page
    assert form_of(page)["text"] == form["text"]  # the text typed stays in the box
    assert (lessons_dir / "fr/bonjour/lesson.md").read_text() == before
