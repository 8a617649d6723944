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
    assert "Demande envoyée" in page
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
    assert "A besoin d’aide maintenant" in page
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


# Two ways: how to reach the learner, "taken", the answer, and the counter.


def ask_with_contact(client, phone="418 555-0123", when="le matin", message="Où est le bouton?"):
    token = csrf_token_from(client.get("/fr/lessons/bonjour/2").get_data(as_text=True))
    return client.post(
        "/help/bonjour/saluer?lang=fr",
        data={"csrf_token": token, "message": message, "phone": phone, "when": when},
    )


def helper_token(client) -> str:
    return csrf_token_from(client.get("/helper/").get_data(as_text=True))


def test_the_form_says_the_contact_is_kept_only_until_the_request_is_closed(
    client, auth, make_learner
):
    make_learner(name="Carole")
    auth.login()
    page = text_of(client.get("/fr/lessons/bonjour/2"))
    assert "Comment vous joindre (facultatif)" in page
    assert "Conservé seulement jusqu’à ce que votre demande soit fermée, puis effacé." in page
    assert 'name="phone" type="tel"' in page and 'name="when"' in page


def test_taken_then_answered_the_learner_sees_who_and_what_and_the_phone_is_erased(
    app, make_learner, make_helper
):
    make_learner(name="Carole")
    make_helper("josee", name="Josée")
    make_helper("richard", name="Richard")
    learner, josee, richard = app.test_client(), app.test_client(), app.test_client()
    from tests.conftest import AuthActions

    AuthActions(learner).login()
    AuthActions(josee).login("josee", PASSWORDS["helper"])
    AuthActions(richard).login("richard", PASSWORDS["helper"])
    assert ask_with_contact(learner).status_code == 303
    [saved] = requests(app)
    assert (saved.contact_phone, saved.contact_when, saved.state) == (
        "418 555-0123",
        "le matin",
        "sent",
    )
    desk = text_of(richard.get("/helper/"))
    assert "Pour la joindre : " in desk and "418 555-0123" in desk and "le matin" in desk

    # Josée takes it: the learner reads her name; Richard sees she is on it.
    response = josee.post(
        f"/helper/requests/{saved.id}/take", data={"csrf_token": helper_token(josee)}
    )
    assert response.status_code == 303
    assert "Josée s’occupe de votre demande." in text_of(learner.get("/fr/lessons/bonjour/2"))
    assert "Josée s’en occupe." in text_of(richard.get("/helper/"))
    assert "Vous vous en occupez." in text_of(josee.get("/helper/"))

    # She answers: the request is closed, the phone number and the time to call are erased.
    response = josee.post(
        f"/helper/requests/{saved.id}/answer",
        data={"csrf_token": helper_token(josee), "reply": "Le bouton est en haut à droite."},
    )
    assert response.status_code == 303
    [saved] = requests(app)
    assert saved.state == "answered" and saved.handled_by.username == "josee"
    assert (saved.contact_phone, saved.contact_when) == ("", "")
    step = text_of(learner.get("/fr/lessons/bonjour/2"))
    assert "Réponse de Josée" in step and "Le bouton est en haut à droite." in step
    home = text_of(learner.get("/fr/"))
    assert "Mes demandes d’aide" in home and "Le bouton est en haut à droite." in home
    assert "418 555-0123" not in text_of(richard.get(f"/helper/learners/{saved.learner_id}"))


def test_closing_without_an_answer_erases_the_contact_too(
    app, client, auth, make_learner, make_helper
):
    make_learner(name="Carole")
    auth.login()
    ask_with_contact(client)
    auth.logout()
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    [saved] = requests(app)
    client.post(f"/helper/requests/{saved.id}/handled", data={"csrf_token": helper_token(client)})
    [saved] = requests(app)
    assert saved.state == "closed" and saved.contact_phone == "" and saved.contact_when == ""


def test_an_empty_or_too_long_answer_sends_nothing(app, client, auth, make_learner, make_helper):
    make_learner(name="Carole")
    auth.login()
    ask_with_contact(client)
    auth.logout()
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    [saved] = requests(app)
    for reply, message in (
        ("  ", "La réponse était vide : rien n’a été envoyé."),
        ("x" * 501, "La réponse peut avoir au plus 500 caractères"),
    ):
        response = client.post(
            f"/helper/requests/{saved.id}/answer",
            data={"csrf_token": helper_token(client), "reply": reply},
        )
        assert message in text_of(client.get(response.headers["Location"]))
        [still] = requests(app)
        assert still.state == "sent" and still.contact_phone == "418 555-0123"


def test_a_too_long_phone_number_is_refused_plainly(app, client, auth, make_learner):
    make_learner(name="Carole")
    auth.login()
    response = ask_with_contact(client, phone="4" * 41)
    assert "Le numéro de téléphone peut avoir au plus 40 caractères" in text_of(
        client.get(response.headers["Location"])
    )
    assert requests(app) == []


def test_the_header_counts_open_requests_and_the_json_says_the_same(
    app, client, auth, make_learner, make_helper
):
    make_learner(name="Carole")
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    page = client.get("/helper/learners/1").get_data(as_text=True)
    assert 'data-open-requests="/helper/requests/open.json"' in page
    assert re.search(r'class="request-count" data-count>0</span>', page)
    answer = client.get("/helper/requests/open.json")
    assert answer.get_json()["open"] == 0 and answer.headers["Cache-Control"] == "no-store"
    with app_database(app):
        from coursesite.data.models import User

        HelpRequest.create(
            learner=User.get(User.username == "carole"), lesson_id="bonjour", step_id="saluer"
        )
    assert client.get("/helper/requests/open.json").get_json() == {
        "open": 1,
        "announcement": "1 demande d’aide attend.",
    }
    page = client.get("/fr/").get_data(as_text=True)  # every page of a helper, lessons too
    assert re.search(r'class="request-count has-requests" data-count>1</span>', page)
    # The desk can be refreshed without JavaScript.
    assert "Actualiser cette liste" in text_of(client.get("/helper/"))
    auth.logout()
    auth.login()
    assert "data-open-requests" not in client.get("/fr/").get_data(as_text=True)
    assert client.get("/helper/requests/open.json").status_code == 403
