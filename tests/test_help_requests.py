"""Help requests: learners ask on a step, helpers see that exact step and mark it handled."""

import re

import pytest

from coursesite.data.models import HelpRequest
from tests.conftest import PASSWORDS, app_database, csrf_token_from

pytestmark = pytest.mark.db  # also on PostgreSQL when COURSESITE_TEST_POSTGRES is set


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def requests(app) -> list[HelpRequest]:
    with app_database(app):
        return list(HelpRequest.select().order_by(HelpRequest.id))


def ask(client, url="/help/bonjour/saluer?lang=fr", message=""):
    token = csrf_token_from(client.get("/fr/lessons/bonjour/2").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "message": message})


def test_a_learner_asks_a_helper_for_help_without_javascript(app, client, auth, make_learner):
    make_learner(name="Carole")
    auth.login()
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "J’ai besoin d’aide" in page and "Votre message (facultatif)" in page
    response = ask(client, message="Je ne trouve pas le bouton.")
    assert response.status_code == 303
    assert response.headers["Location"] == "/fr/lessons/bonjour/2#help"
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "Votre demande est envoyée. Une personne de l’équipe du labo va la voir" in page
    assert "Vous avez demandé de l’aide pour cette étape." in page
    [saved] = requests(app)
    assert (saved.lesson_id, saved.step_id, saved.message) == (
        "bonjour",
        "saluer",
        "Je ne trouve pas le bouton.",
    )
    assert saved.handled_at is None


def test_asking_twice_on_one_step_keeps_one_request_for_the_helper(app, client, auth, make_learner):
    make_learner()
    auth.login()
    ask(client, message="Premier message")
    ask(client)  # no message: the first one stays
    ask(client, message="Deuxième\x00 message")
    [saved] = requests(app)
    assert saved.message == "Deuxième message"  # the newest words; no NUL for PostgreSQL
    ask(client, "/help/bonjour/open-door?lang=en")
    assert len(requests(app)) == 2


def test_a_too_long_message_is_refused_plainly_and_nothing_reaches_the_helper(
    app, client, auth, make_learner
):
    make_learner()
    auth.login()
    assert ask(client, message="x" * 501).status_code == 303
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "Votre message est trop long : 500 caractères au plus." in page
    assert requests(app) == []


def test_visitors_see_the_code_but_no_form_to_ask_a_helper(client):
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "Code pour l’aide au téléphone" in page and "Votre message" not in page
    response = ask(client)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login?next=")


def test_a_helper_has_no_help_button_and_cannot_file_requests(app, client, auth, make_helper):
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    assert "Votre message" not in text_of(client.get("/fr/lessons/bonjour/2"))
    ask(client)
    assert requests(app) == []


def test_asking_a_helper_needs_a_real_step_and_a_csrf_token(app, client, auth, make_learner):
    make_learner()
    auth.login()
    assert ask(client, "/help/bonjour/no-such-step").status_code == 404
    assert ask(client, "/help/nope/open-door").status_code == 404
    assert client.post("/help/bonjour/saluer", data={"message": "x"}).status_code == 400
    assert requests(app) == []


def test_the_helper_sees_the_exact_step_marks_it_handled_and_can_undo(
    app, client, auth, make_learner, make_helper
):
    learner = make_learner(name="Carole")
    auth.login()
    ask(client, message="Où est le bouton?")
    auth.logout()
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    page = text_of(client.get("/helper/"))
    assert "Personnes qui ont demandé de l’aide" in page
    assert "« Dire bonjour », étape 2 sur 3</a> — Saluer" in page
    assert "Où est le bouton?" in page
    [saved] = requests(app)
    token = csrf_token_from(client.get("/helper/").get_data(as_text=True))
    response = client.post(f"/helper/requests/{saved.id}/handled", data={"csrf_token": token})
    assert response.headers["Location"] == f"/helper/?handled={saved.id}#help-requests"
    page = text_of(client.get(response.headers["Location"]))
    assert "Marquée comme réglée : la demande de Carole." in page
    assert "Personne n’attend d’aide en ce moment." in page
    assert requests(app)[0].handled_by_id is not None
    # Undo, from the notice: open again, and back on the list.
    response = client.post(
        f"/helper/requests/{saved.id}/reopen",
        data={"csrf_token": token, "back": "learner"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "La demande est de nouveau ouverte." in page and "Arrêt" not in page
    assert f"/helper/learners/{learner.id}" in response.request.path
    assert requests(app)[0].handled_at is None
    assert (
        client.post("/helper/requests/999/handled", data={"csrf_token": token}).status_code == 404
    )


def test_a_request_on_a_removed_step_is_shown_plainly_to_the_helper(
    app, client, auth, make_learner, make_helper, lessons_dir
):
    learner = make_learner()
    with app_database(app):
        HelpRequest.create(learner=learner, lesson_id="bonjour", step_id="gone-step")
        HelpRequest.create(learner=learner, lesson_id="gone-lesson", step_id="x")
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    page = text_of(client.get("/helper/"))
    assert "« Dire bonjour », une étape qui n’existe plus" in page
    assert "Une leçon qui n’est plus offerte (gone-lesson)" in page
