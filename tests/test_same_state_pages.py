"""A learner's step page, filled once for everyone in the same state (web/same_state_pages.py).

Two learners who did the same steps of a lesson and answered the same questions right see
one step page but for their name and their CSRF token; whatever else the page shows of one
of them (their help request, an answer's feedback, a message) is shown to them alone, and a
page with their name or username in its text is theirs alone.
"""

import re

import pytest
from flask import g, session
from jinja2 import ChoiceLoader, DictLoader

from coursesite import services
from coursesite.data.models import User
from coursesite.web import page_skeleton, skeleton_cut
from coursesite.web.page_skeleton import PageKey
from tests.conftest import (
    STARTER_LESSONS,
    AuthActions,
    add_user,
    app_database,
    csrf_token_from,
    database_config,
    make_app,
)

pytestmark = pytest.mark.db  # also on PostgreSQL when COURSESITE_TEST_POSTGRES is set

LESSON = "creer-adresse-courriel"
URL = f"/fr/lessons/{LESSON}/7"  # "Choisir un mot de passe", with the question #strong-password
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
COUNT = re.compile("Étapes faites dans cette leçon\u00a0: (\\d+) sur 12")
ANSWERED = "Vous avez déjà bien répondu à cette question."


@pytest.fixture
def app(tmp_path, database_backend):
    """The real starter lessons: the step's question is one learners meet."""
    app = make_app(tmp_path, STARTER_LESSONS, **database_config(database_backend))
    yield app
    services.catalogue(app).close()  # its watches on the lessons folder, freed now
    if database_backend == "postgresql":
        services.database(app).close()


@pytest.fixture
def made(monkeypatch):
    """Count the step pages whose personal values were worked out (their holes filled)."""
    from coursesite.learn.lesson_pages import pages

    calls = []
    real = pages.step_questions
    monkeypatch.setattr(pages, "step_questions", lambda *a: calls.append(a) or real(*a))
    return calls


def learner(app, username: str, name: str):
    add_user(app, username, "learner", name=name)
    client = app.test_client()
    assert AuthActions(client).login(username).status_code in (200, 302, 303)
    return client


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def mark(client, step_id: str) -> None:
    token = csrf_token_from(page(client))
    response = client.post(
        f"/progress/{LESSON}/{step_id}?lang=fr", data={"csrf_token": token, "done": "1"}
    )
    assert response.status_code in (200, 302, 303)


def answer(client, choice: str) -> str:
    """Answer the step's question; return the page it comes back to (with the feedback)."""
    token = csrf_token_from(page(client))
    response = client.post(
        f"/questions/{LESSON}/strong-password?lang=fr",
        data={"csrf_token": token, "choice": choice},
    )
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def kept_states(app) -> list:
    return [name for (_, _, name) in app.jinja_env.kept_pages._kept if name[0] == "state"]


def test_learners_in_one_state_share_one_page_but_not_their_name_or_token(app, made):
    carole = learner(app, "carole", "Carole Tremblay")
    mamadou = learner(app, "mamadou", "Mamadou Diallo")
    # The same steps done and the question answered right, by other ways and at other times.
    for client in (carole, mamadou):
        mark(client, "choose-provider")
        mark(client, "open-browser")
    assert "Pas tout à fait" in answer(carole, "2")
    assert "Bonne réponse" in answer(carole, "3")
    assert "Bonne réponse" in answer(mamadou, "3")

    made.clear()
    states = len(kept_states(app))
    hers, his = page(carole), page(mamadou)
    assert len(made) == 1  # filled once, for Carole; Mamadou's came from the kept one
    assert len(kept_states(app)) == states + 1
    for shown, name, other in (
        (hers, "Carole Tremblay", "Mamadou"),
        (his, "Mamadou Diallo", "Carole"),
    ):
        assert f"Session de {name}" in shown and other not in shown
        assert COUNT.search(shown).group(1) == "2"
        assert ANSWERED in shown and "Pas tout à fait" not in shown
    # Nothing else differs: the name and the tokens are all that was put in.
    assert TOKEN.sub("", hers.replace("Carole Tremblay", "X")) == TOKEN.sub(
        "", his.replace("Mamadou Diallo", "X")
    )
    # Each token is its reader's, in every form of the page, and works for them alone.
    assert len(set(TOKEN.findall(hers))) == 1 and len(set(TOKEN.findall(his))) == 1
    assert TOKEN.search(hers).group(1) != TOKEN.search(his).group(1)
    path = f"/progress/{LESSON}/choose-password?lang=fr"
    stolen = {"csrf_token": TOKEN.search(his).group(1), "done": "1"}
    assert carole.post(path, data=stolen).status_code == 400
    mine = {"csrf_token": TOKEN.search(hers).group(1), "done": "1"}
    assert carole.post(path, data=mine).status_code in (200, 302, 303)
    # Carole is in another state now: her own page, and Mamadou keeps his.
    assert "Vous avez fait cette étape." in page(carole)
    assert "Vous avez fait cette étape." not in page(mamadou)


def test_learners_in_other_states_each_see_their_own(app, made):
    carole = learner(app, "carole", "Carole")
    mamadou = learner(app, "mamadou", "Mamadou")
    mark(carole, "choose-provider")
    assert "Bonne réponse" in answer(mamadou, "3")
    made.clear()
    for _ in range(2):  # made, then kept: each state its own page
        hers, his = page(carole), page(mamadou)
        assert COUNT.search(hers).group(1) == "1" and ANSWERED not in hers
        assert COUNT.search(his).group(1) == "0" and ANSWERED in his
    assert len(made) == 2


def test_what_the_page_shows_of_one_learner_is_theirs_alone(app, made):
    carole = learner(app, "carole", "Carole")
    mamadou = learner(app, "mamadou", "Mamadou")
    page(mamadou)  # the page of their state (nothing done) is made and kept
    # Carole asks for help on this step: the message, then her request, are hers alone.
    token = csrf_token_from(page(carole))
    response = carole.post(
        f"/help/{LESSON}/choose-password?lang=fr",
        data={"csrf_token": token, "message": "Je ne vois pas le bouton."},
        follow_redirects=True,
    )
    assert "Votre demande est envoyée" in response.get_data(as_text=True)
    assert "Demande envoyée" in page(carole)
    assert "Demande envoyée" not in page(mamadou)
    assert "Votre demande est envoyée" not in page(mamadou)
    # Mamadou's feedback on a wrong answer is his alone, and shown once.
    assert "Pas tout à fait" in answer(mamadou, "1")
    assert "Pas tout à fait" not in page(carole)
    assert "Pas tout à fait" not in page(mamadou)
    # Neither's is in what is kept for their state.
    kept = [
        "".join(pieces)
        for (_, _, name), pieces in app.jinja_env.kept_pages._kept.items()
        if name[0] == "state"
    ]
    assert kept and not any("Demande envoyée" in p or "Pas tout à fait" in p for p in kept)


def test_a_page_with_the_learners_name_in_its_text_is_theirs_alone(app, made):
    # "passe", as in "mot de passe", on every line of this step.
    passe = learner(app, "passe", "Paul")
    carole = learner(app, "carole", "Carole")
    assert "Session de Paul" in page(passe)
    assert kept_states(app) == []  # not kept: his username is in it
    assert "Session de Carole" in page(carole) and "Paul" not in page(carole)
    assert len(kept_states(app)) == 1  # hers is


def test_a_hole_that_reads_the_learner_while_filled_for_a_state_is_an_error(app):
    # Only the name and the token are put in for each person: a hole that reads anything
    # else of them would show it to everyone in their state.
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"t/username.html": "{{ current_user.username }}"}), app.jinja_env.loader]
    )
    template = app.jinja_env.from_string('[{{ personal("t/username.html") }}]')
    carole = add_user(app, "carole", "learner", name="Carole")
    with app.test_request_context("/fr/"), app_database(app):
        app.preprocess_request()
        g._login_user = User.get_by_id(carole.id)
        key = PageKey(1, "learner", ("username",))
        # Filled for Carole alone, it reads her; filled for a state, it is refused.
        assert page_skeleton.render_page(template, key, {}, dict) == "[carole]"
        with pytest.raises(skeleton_cut.PersonalValueInSkeleton, match="username"):
            page_skeleton.render_page(template, key, {}, dict, same_as=lambda: "a state")


def test_a_page_whose_filling_changed_the_session_is_not_kept(app):
    # Filling the holes must leave the session as it was: a page made while it changed
    # (something of the person read and taken out, say) is theirs alone.
    template = app.jinja_env.from_string("[{{ personal_csrf_field() }}]")
    key = PageKey(1, "visitor", ("changes",))

    def person():
        session["seen"] = True
        return {}

    with app.test_request_context("/fr/"):
        app.preprocess_request()
        assert page_skeleton.render_page(template, key, {}, person).startswith(
            '[<input type="hidden"'
        )
    assert kept_states(app) == []
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        assert page_skeleton.render_page(template, key, {}, dict).startswith(
            '[<input type="hidden"'
        )
    assert kept_states(app) == [("state", "nothing")]
