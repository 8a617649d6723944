"""Display preferences: chosen once, applied by the server on every page, kept per person."""

import json
import re

import pytest

from tests.conftest import app_database, csrf_token_from

pytestmark = pytest.mark.db


def html_tag(client, url="/fr/") -> str:
    return re.search(r"<html[^>]*>", client.get(url).get_data(as_text=True)).group(0)


def save(client, **choices):
    token = csrf_token_from(client.get("/fr/display").get_data(as_text=True))
    return client.post("/fr/display", data={"csrf_token": token, **choices})


def test_pages_have_no_preference_classes_by_default(client):
    assert html_tag(client) == '<html lang="fr">'


def test_a_visitor_choice_is_kept_in_a_cookie_and_applied_everywhere(client):
    response = save(
        client, text_size="200", contrast="high", motion="reduced", next="/fr/lessons/bonjour/1"
    )
    assert response.status_code == 303 and response.headers["Location"] == "/fr/lessons/bonjour/1"
    for url in ("/fr/", "/en/lessons/bonjour/1", "/fr/search?q=porte"):
        assert 'class="text-200 contrast-high motion-reduced"' in html_tag(client, url)


def test_the_form_shows_the_current_choice(client):
    save(client, text_size="150")
    page = client.get("/fr/display").get_data(as_text=True)
    assert re.search(r'name="text_size" value="150" checked', page)
    assert "Taille du texte" in page and "Contraste élevé" in page


def test_a_signed_in_persons_choice_is_kept_in_the_account(app, client, auth, make_learner):
    user = make_learner()
    auth.login()
    save(client, text_size="125", contrast="high")
    assert 'class="text-125 contrast-high"' in html_tag(client)
    with app_database(app):
        from coursesite.data.models import User

        stored = json.loads(User.get_by_id(user.id).preferences)
    assert stored == {"text_size": "125", "contrast": "high", "motion": "normal"}
    # Another browser, same account: the same display.
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login()
    assert 'class="text-125 contrast-high"' in html_tag(other)


@pytest.mark.parametrize(
    "choices",
    [
        {"text_size": "9000"},
        {"text_size": "<script>"},
        {"contrast": "x" * 10_000},
        {"motion": ["a", "b"]},
        {},
    ],
)
def test_invalid_choices_fall_back_to_defaults(client, choices):
    assert save(client, **choices).status_code == 303
    assert html_tag(client) == '<html lang="fr">'


def test_a_forged_cookie_is_ignored(client):
    client.set_cookie("display", '{"text_size": "999", "contrast": "<b>"}')
    assert html_tag(client) == '<html lang="fr">'
    client.set_cookie("display", "not json at all")
    assert html_tag(client) == '<html lang="fr">'


def test_saving_without_a_csrf_token_is_refused(client):
    response = client.post("/fr/display", data={"text_size": "200"})
    assert response.status_code == 400
    assert html_tag(client) == '<html lang="fr">'


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_it_never_redirects_off_the_site(client, target):
    response = save(client, text_size="125", next=target)
    assert response.headers["Location"] == "/fr/"
