"""Pages kept whole for everyone, with holes for each person (web/page_skeleton.py).

A step page is rendered once without anybody, cut at its holes, and then only the holes
are filled for each request. These tests check that a kept page is exactly the page a
plain render gives, whoever asks, and that nothing personal ever lands in what is kept.
"""

import re

import pytest
from flask import render_template

from coursesite.web import page_skeleton
from coursesite.web.shared_parts import SharedKey
from tests.conftest import PASSWORDS, csrf_token_from

STEP = "/fr/lessons/bonjour/1"
TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def page(client, path=STEP) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return TOKEN.sub('name="csrf_token" value=""', response.get_data(as_text=True))


@pytest.fixture
def plain(monkeypatch):
    """Render pages the ordinary way: the whole template for every request."""

    def render_plainly(template, key, everyone, person):
        return render_template(template, **everyone, **person)

    def use():
        monkeypatch.setattr("coursesite.learn.pages.render_page", render_plainly)

    return use


def mark_done(client, step_id="open-door"):
    token = csrf_token_from(client.get(STEP).get_data(as_text=True))
    response = client.post(
        f"/progress/bonjour/{step_id}?lang=fr", data={"csrf_token": token, "done": "1"}
    )
    assert response.status_code in (200, 302, 303)


@pytest.mark.parametrize("who", ["visitor", "learner", "learner who did it", "staff"])
def test_a_kept_step_page_is_the_page_a_plain_render_gives(app, client, auth, plain, who):
    if who != "visitor":
        role = "staff" if who == "staff" else "learner"
        from tests.conftest import add_user

        add_user(app, "carole", role, name="Carole")
        auth.login("carole", PASSWORDS[role])
    if who == "learner who did it":
        mark_done(client)
    kept = [page(client) for _ in range(2)]  # made, then reused
    plain()
    assert kept[0] == kept[1] == page(client)


def test_nothing_personal_is_kept(app, client, auth, make_learner):
    make_learner("carole", name="Carole")
    auth.login("carole")
    mark_done(client)
    mine = client.get(STEP).get_data(as_text=True)
    assert "Session de Carole" in mine and "Vous avez fait cette étape." in mine
    kept = app.jinja_env.page_skeletons._pages
    assert kept, "the step page was not kept"
    token = TOKEN.search(mine).group(0)
    for skeleton in kept.values():
        text = "".join(skeleton.texts)
        assert "Carole" not in text and "csrf_token" not in text and token not in text
        assert "Étapes faites" not in text  # her count is hers
    # A visitor asking next gets the visitor's page, not hers.
    visitor = app.test_client().get(STEP).get_data(as_text=True)
    assert "Carole" not in visitor and "Me connecter" in visitor
    assert "Étapes faites dans cette leçon : 0 sur 3" in visitor


def test_a_form_outside_a_hole_is_refused_when_the_page_is_made(app):
    oops = app.jinja_env.from_string(
        '<form><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>'
    )
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        with pytest.raises(RuntimeError, match="CSRF token"):
            page_skeleton.render_page(oops, SharedKey(1, ("oops",)), {}, {})
        assert not app.jinja_env.page_skeletons._pages  # nothing kept


def test_a_hole_marks_its_place_and_an_ordinary_page_includes_it(app):
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        recorder = page_skeleton.Recorder("\x00m:")
        template = app.jinja_env.from_string('a{{ personal("_csrf_field.html") }}b')
        assert template.render(page_skeleton=recorder) == "a\x00m:0\x00b"
        assert recorder.holes == [page_skeleton.Hole("_csrf_field.html", ())]
        assert 'name="csrf_token"' in template.render()  # no recorder: an include


def test_visitors_learners_and_staff_each_get_their_own_page(app, make_learner, make_staff):
    make_learner("carole", name="Carole")
    make_staff(name="Sophie")
    visitor, learner, staff = app.test_client(), app.test_client(), app.test_client()
    for client, (username, role) in (
        (learner, ("carole", "learner")),
        (staff, ("sophie", "staff")),
    ):
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        data = {"csrf_token": token, "username": username, "password": PASSWORDS[role]}
        assert client.post("/login", data=data).status_code in (200, 302, 303)
    for _ in range(2):  # whoever comes first, each kind keeps its own
        for client in (staff, learner, visitor):
            shown = page(client)
            asks = "J’ai besoin d’aide" in shown  # the learner's "I need help" form
            reads_code = "Lisez ce code au téléphone" in shown  # the visitor's way
            settings = 'href="/staff/settings"' in shown  # staff fill in the lab's details
            assert (asks, reads_code, settings) == (
                client is learner,
                client is visitor,
                client is staff,
            )


def test_the_lab_details_staff_save_show_at_once_on_a_kept_page(app, client, auth, make_staff):
    visitor = app.test_client()
    assert "418 555-0123" not in page(visitor)
    make_staff(name="Sophie")
    auth.login("sophie", PASSWORDS["staff"])
    settings = client.get("/staff/settings").get_data(as_text=True)
    fields = {"phone": "418 555-0123", "name_fr": "Carrefour techno", "name_en": "Tech Hub"}
    for lang in ("fr", "en"):
        for field in ("hours", "address", "message"):
            fields.setdefault(f"{field}_{lang}", "")
    response = client.post(
        "/staff/settings", data={"csrf_token": csrf_token_from(settings), **fields}
    )
    assert response.status_code == 303
    shown = page(visitor)
    assert "Appelez le labo :" in shown and "418 555-0123" in shown  # "Need help?"
    assert "Un service gratuit de Carrefour techno." in shown  # the footer


def test_each_persons_text_size_is_kept_apart(app):
    big, usual = app.test_client(), app.test_client()
    token = csrf_token_from(big.get("/fr/display").get_data(as_text=True))
    big.post(
        "/fr/display",
        data={"csrf_token": token, "text_size": "200", "contrast": "normal", "motion": "full"},
    )
    assert re.search(r'<html lang="fr" class="[^"]*text-200', page(big))
    assert "text-200" not in page(usual).split(">", 2)[1]  # the <html> tag
    assert re.search(r'<html lang="fr" class="[^"]*text-200', page(big))


def test_the_display_link_comes_back_to_the_very_address(client):
    assert "next=/fr/lessons/bonjour/1?source%3Dposter" in page(client, STEP + "?source=poster")
    assert 'display?next=/fr/lessons/bonjour/1"' in page(client)


def test_a_lesson_edit_drops_every_kept_page(app, client, lessons_dir):
    assert "Dire bonjour" in page(client)
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    lesson.write_text(lesson.read_text().replace("title: Dire bonjour", "title: Saluer"))
    assert "Dire bonjour" not in page(client) and "· Saluer ·" in page(client)
