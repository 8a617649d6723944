"""Signing in: the form, sessions and cookies, throttling, CSRF, and personal card links."""

import datetime as dt
import re

import pytest

from coursesite.accounts import cards
from coursesite.accounts.users import set_password
from coursesite.data.models import LoginFailure, SignInCard, StepProgress, User
from tests.conftest import FIXTURE_LESSONS, AuthActions, app_database, make_app

pytestmark = pytest.mark.db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def issue_card_for(app, user) -> str:
    with app_database(app):
        return cards.issue_card(User.get_by_id(user.id))


# The form


def test_login_form_has_large_labelled_fields_and_a_show_password_button(client):
    page = text_of(client.get("/login?lang=fr"))
    assert '<label for="username">Nom d’utilisateur</label>' in page
    assert '<label for="password">Mot de passe</label>' in page
    assert 'autocomplete="current-password"' in page and 'type="password"' in page
    # The toggle is hidden until site.js shows it: without JavaScript it never appears.
    assert re.search(r'<button [^>]*data-password-toggle="password"[^>]* hidden>', page)
    assert "Afficher le mot de passe" in page


def test_stay_signed_in_is_unticked_on_shared_computers_and_ticked_otherwise(tmp_path, client):
    assert re.search(r'<input id="remember"[^>]*value="1" aria', text_of(client.get("/login")))
    personal = make_app(tmp_path / "home", FIXTURE_LESSONS, SHARED_COMPUTER=False)
    assert re.search(
        r'<input id="remember"[^>]*value="1" checked', text_of(personal.test_client().get("/login"))
    )


def test_a_learner_signs_in_and_lands_on_the_lessons_in_their_language(client, auth, make_learner):
    make_learner(name="Carole", language="en")
    response = auth.login("Carole")  # capitals in the username do not matter
    assert response.status_code == 303 and response.headers["Location"] == "/en/"
    page = text_of(client.get("/en/"))
    assert "Signed in: Carole" in page and "Sign out" in page


def test_session_cookie_is_httponly_and_samesite_lax_and_not_remembered_by_default(
    auth, make_learner
):
    make_learner()
    cookies = set_cookies(auth.login())
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Expires" not in session
    assert not any(c.startswith("remember_token=") for c in cookies)


def test_stay_signed_in_sets_a_long_httponly_remember_cookie(auth, make_learner):
    make_learner()
    cookies = set_cookies(auth.login(remember=True))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember and "Expires" in remember


def test_cookies_are_secure_when_the_site_is_served_over_https(app, make_learner):
    make_learner()
    client = app.test_client()
    page = client.get("/login", base_url="https://lab.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        base_url="https://lab.example",
        data={"csrf_token": token, "username": "carole", "password": "piano47", "remember": "1"},
    )
    cookies = set_cookies(response)
    assert cookies and all("; Secure" in c for c in cookies)
    assert not any("Secure" in c for c in set_cookies(app.test_client().get("/fr/")))


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "piano47", "Veuillez taper votre nom d’utilisateur."),
        ("carole", "", "Veuillez taper votre mot de passe."),
        ("c" * 41, "piano47", "Un nom d’utilisateur a au plus 40 caractères."),
        ("carole", "p" * 201, "Un mot de passe a au plus 200 caractères."),
        ("carole", "Piano47", "Le nom d’utilisateur ou le mot de passe n’est pas bon."),
        ("nobody", "piano47", "Le nom d’utilisateur ou le mot de passe n’est pas bon."),
    ],
)
def test_form_errors_are_plain_words_in_the_page_language(
    client, auth, make_learner, username, password, message
):
    make_learner()
    response = client.post(
        "/login?lang=fr",
        data={"csrf_token": auth.csrf_token(), "username": username, "password": password},
    )
    assert response.status_code == 200
    page = text_of(response)
    assert message in page and 'role="alert"' in page and "Session de" not in page


def test_english_page_gives_english_errors(client, auth):
    response = client.post(
        "/login?lang=en", data={"csrf_token": auth.csrf_token(), "username": "x", "password": "y"}
    )
    assert "The username or the password is not right." in text_of(response)


def test_next_goes_back_to_the_page_but_never_to_another_site(client, auth, make_learner):
    make_learner()
    assert auth.login(next="/fr/lessons/bonjour/2").headers["Location"] == "/fr/lessons/bonjour/2"
    auth.logout()
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert auth.login(next=bad).headers["Location"] == "/fr/"
        auth.logout()


def test_sign_out_is_a_post_that_forgets_the_session(client, auth, make_learner):
    make_learner()
    auth.login()
    assert client.get("/logout").status_code == 405
    response = auth.logout()
    assert response.status_code == 303 and response.headers["Location"] == "/fr/signed-out"
    page = text_of(client.get(response.headers["Location"]))
    assert "Votre session est fermée." in page
    assert "Session de" not in text_of(client.get("/fr/"))


def test_a_new_password_ends_sessions_opened_with_the_old_one(app, client, auth, make_learner):
    user = make_learner()
    auth.login()
    with app_database(app):
        set_password(User.get_by_id(user.id), "radiopanda23")
    assert "Session de" not in text_of(client.get("/fr/"))


def test_choosing_a_language_is_kept_in_the_account(app, client, auth, make_learner):
    user = make_learner(language="fr")
    auth.login()
    client.get("/en/lessons/bonjour/")
    with app_database(app):
        assert User.get_by_id(user.id).language == "en"
    assert client.get("/").headers["Location"] == "/en/"


# CSRF and throttling


@pytest.mark.parametrize(
    "path",
    [
        "/login",
        "/logout",
        "/progress/bonjour/open-door",
        "/helper/learners/1/card",
        "/staff/import",
    ],
)
def test_a_post_without_a_valid_csrf_token_answers_400(client, path):
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(path, data={**data, "username": "a", "password": "b", "done": "1"})
        assert response.status_code == 400
        assert "Ce formulaire a expiré" in text_of(response)


def fail_to_sign_in(client, auth, username, times, address="192.0.2.1"):
    for _ in range(times):
        response = client.post(
            "/login",
            data={"csrf_token": auth.csrf_token(), "username": username, "password": "wrong"},
            environ_base={"REMOTE_ADDR": address},
        )
    return response


def test_ten_failures_for_a_username_pause_sign_in_with_a_friendly_429(client, auth, make_learner):
    make_learner()
    assert fail_to_sign_in(client, auth, "carole", 9).status_code == 200
    response = fail_to_sign_in(client, auth, "carole", 1, address="192.0.2.2")
    assert response.status_code == 429
    assert 800 < int(response.headers["Retry-After"]) <= 900
    page = text_of(response)
    assert "Trop d’essais" in page and "Essayez de nouveau dans 15 minutes." in page
    # Even the right password waits: guessing gains nothing.
    response = client.post(
        "/login",
        data={"csrf_token": auth.csrf_token(), "username": "carole", "password": "piano47"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 429


def test_ten_failures_from_one_address_pause_it_for_every_username(client, auth):
    for number in range(10):
        response = fail_to_sign_in(client, auth, f"someone{number}", 1)
    assert response.status_code == 429
    assert fail_to_sign_in(client, auth, "anyone", 1, address="192.0.2.99").status_code == 200


def test_sign_in_works_again_once_the_window_has_passed(app, client, auth, make_learner):
    make_learner()
    fail_to_sign_in(client, auth, "carole", 10)
    with app_database(app):
        for failure in LoginFailure.select():
            failure.at -= dt.timedelta(minutes=16)
            failure.save()
    assert auth.login().status_code == 303


def test_signing_in_forgets_the_username_failures(app, client, auth, make_learner):
    make_learner()
    fail_to_sign_in(client, auth, "carole", 5)
    assert auth.login().status_code == 303
    with app_database(app):
        assert LoginFailure.select().where(LoginFailure.username == "carole").count() == 0


def test_the_throttle_is_shared_by_every_process_using_the_database(tmp_path, auth, make_learner):
    # Two apps on one instance folder stand for two server processes.
    first = make_app(tmp_path, FIXTURE_LESSONS).test_client()
    second_app = make_app(tmp_path, FIXTURE_LESSONS)
    fail_to_sign_in(first, type(auth)(first), "carole", 10)
    second = second_app.test_client()
    assert (
        fail_to_sign_in(second, type(auth)(second), "carole", 1, "203.0.113.5").status_code == 429
    )


# Personal sign-in cards


def test_a_card_link_signs_in_for_long_and_goes_to_the_next_step_not_done(
    app, client, make_learner
):
    user = make_learner(language="fr")
    with app_database(app):
        StepProgress.create(user=user, lesson_id="bonjour", step_id="open-door")
    token = issue_card_for(app, user)
    assert len(token) >= 32  # 24 random bytes: 192 bits
    assert client.get(f"/s/{token}").status_code == 200  # opening the link asks first
    assert "Session de" not in text_of(client.get("/fr/"))
    response = AuthActions(client).open_card(token)
    assert response.status_code == 303 and response.headers["Location"] == "/fr/lessons/bonjour/2"
    assert any(c.startswith("remember_token=") for c in set_cookies(response))
    assert "Session de" in text_of(client.get("/fr/"))


def test_a_card_without_progress_goes_to_the_lessons_in_the_learners_language(
    app, client, make_learner
):
    token = issue_card_for(app, make_learner(language="en"))
    assert AuthActions(client).open_card(token).headers["Location"] == "/en/"


def test_only_the_hash_of_a_card_token_is_stored(app, make_learner):
    token = issue_card_for(app, make_learner())
    with app_database(app):
        card = SignInCard.get()
        assert token not in card.token_hash and len(card.token_hash) == 64


def test_a_new_card_kills_the_old_one_and_its_sessions(app, make_learner):
    user = make_learner()
    old = issue_card_for(app, user)
    phone = app.test_client()
    AuthActions(phone).open_card(old)
    assert "Session de" in text_of(phone.get("/fr/"))
    new = issue_card_for(app, user)
    assert "Session de" not in text_of(phone.get("/fr/"))  # even with its remember cookie
    response = app.test_client().get(f"/s/{old}")
    assert response.status_code == 404
    assert "Cette carte ne fonctionne plus" in text_of(response)
    assert "Demandez une nouvelle carte à l’équipe du labo." in text_of(response)
    assert AuthActions(app.test_client()).open_card(new).status_code == 303


def test_a_bad_card_link_answers_in_the_persons_language(client):
    response = client.get("/s/not-a-real-token", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "This card no longer works" in text_of(response)


def test_bad_card_links_count_towards_the_address_throttle(client):
    for _ in range(9):
        assert client.get("/s/guess").status_code == 404
    response = client.get("/s/guess")
    assert response.status_code == 429 and "Retry-After" in response.headers


def test_cards_are_for_learners_only(app, make_helper):
    helper = make_helper()
    with app_database(app), pytest.raises(ValueError):
        cards.issue_card(User.get_by_id(helper.id))


def test_a_card_session_ends_if_the_learner_becomes_a_helper(app, make_learner):
    user = make_learner()
    phone = app.test_client()
    AuthActions(phone).open_card(issue_card_for(app, user))
    with app_database(app):
        User.update(role="helper").where(User.id == user.id).execute()
    assert "Session de" not in text_of(phone.get("/fr/"))


def test_a_card_opened_on_a_browser_signed_in_as_someone_else_switches_account(
    app, client, auth, make_learner, make_helper
):
    learner = make_learner(name="Carole")
    make_helper(name="Richard")
    auth.login("richard", "helper-pass-47")
    auth.open_card(issue_card_for(app, learner))
    page = text_of(client.get("/fr/"))
    assert "Session de Carole" in page and "Richard" not in page
