"""Shared computers: what one person leaves behind must not serve the next, nor an attacker.

Each test plays an attack through HTTP as it was tried on the site (issue 11), and checks
what a person would notice: who the next visitor of the laptop is, whether a copied cookie
still opens an account, whether a card link hidden in a page switches the reader's account.
"""

import re
import sqlite3
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from flask import url_for

from tests.conftest import PASSWORDS, AuthActions, app_database, csrf_token_from
from tests.test_roles import VALUES, routes

pytestmark = pytest.mark.db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def signed_in_name(client) -> str | None:
    match = re.search(r'class="signed-in-as">([^<]*)<', text_of(client.get("/fr/")))
    return match.group(1) if match else None


def cookies_set(response) -> dict[str, str]:
    """Return name → value of each Set-Cookie of a response ("" when it deletes the cookie)."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            deleted = "1970" in morsel["expires"] or morsel["max-age"] == "0"
            found[name] = "" if deleted else morsel.value
    return found


def cookie_jar(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def replay(app, cookies: dict[str, str]):
    """Return a fresh browser that carries only these copied cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def issue_card_for(app, user) -> str:
    from coursesite.accounts import cards
    from coursesite.data.models import User

    with app_database(app):
        return cards.issue_card(User.get_by_id(user.id))


def open_card(client, token, **headers):
    """Open a card link as a phone camera would, then tap the one button."""
    page = client.get(f"/s/{token}", headers=headers)
    assert page.status_code == 200, page.status_code
    csrf = csrf_token_from(page.get_data(as_text=True))
    return client.post(f"/s/{token}", data={"csrf_token": csrf})


# 1. Signing out signs out, and a copied cookie stops working


@pytest.mark.parametrize("how", ["password", "password, stay signed in", "card"])
def test_the_next_person_at_the_laptop_is_a_visitor(app, client, auth, make_learner, how):
    erin = make_learner("erin", name="Erin Tremblay")
    if how == "card":
        assert open_card(client, issue_card_for(app, erin)).status_code == 303
    else:
        auth.login("erin", remember="stay" in how)
    assert signed_in_name(client) == "Session de Erin Tremblay"
    # Every cookie the site set is deleted, the remember cookie first of all.
    before = set(cookie_jar(client))
    response = auth.logout()
    deleted = {name for name, value in cookies_set(response).items() if value == ""}
    assert "remember_token" not in before or "remember_token" in deleted
    assert cookie_jar(client) == {}, cookie_jar(client)
    assert signed_in_name(client) is None
    assert "Votre session est fermée." in text_of(client.get(response.headers["Location"]))


@pytest.mark.parametrize("remember", [False, True], ids=["session", "stay signed in"])
def test_a_copied_cookie_stops_working_at_sign_out(app, client, auth, make_learner, remember):
    make_learner("erin", name="Erin")
    auth.login("erin", remember=remember)
    copied = cookie_jar(client)
    assert signed_in_name(replay(app, copied)) == "Session de Erin"  # the copy works…
    auth.logout()
    assert signed_in_name(replay(app, copied)) is None  # …until the owner signs out
    if remember:
        only_remember = {"remember_token": copied["remember_token"]}
        assert signed_in_name(replay(app, only_remember)) is None


def test_the_remember_cookie_is_new_at_each_sign_in_and_stored_only_hashed(
    app, auth, client, make_learner
):
    make_learner("erin")
    values = []
    for _ in range(2):
        auth.login("erin", remember=True)
        values.append(cookie_jar(client)["remember_token"])
        auth.logout()
    assert values[0] != values[1]
    secret = values[1].split("|")[0].split(":")[-1]
    assert len(secret) >= 32
    database = Path(app.instance_path) / "coursesite.db"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(FULL)")
    stored = b"".join(p.read_bytes() for p in database.parent.glob("coursesite.db*"))
    assert secret.encode() not in stored


def test_sign_out_of_every_device_from_the_account_page(app, client, auth, make_learner):
    make_learner("erin", name="Erin")
    phone = app.test_client()
    AuthActions(phone).login("erin", remember=True)
    auth.login("erin")
    page = client.get("/fr/account")
    assert page.status_code == 200
    assert "Fermer ma session sur tous les appareils" in text_of(page)
    response = client.post(
        "/fr/account/sign-out-everywhere", data={"csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 303
    assert signed_in_name(phone) is None and signed_in_name(client) is None


def test_a_helper_signs_a_learner_out_of_every_device(app, client, auth, make_learner, make_helper):
    erin = make_learner("erin", name="Erin")
    phone = app.test_client()
    AuthActions(phone).login("erin", remember=True)
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    page = client.get(f"/helper/learners/{erin.id}")
    assert "Fermer la session de Erin sur tous les appareils" in text_of(page)
    response = client.post(
        f"/helper/learners/{erin.id}/sign-out-everywhere",
        data={"csrf_token": csrf_token_from(page.text)},
    )
    assert response.status_code == 303
    assert signed_in_name(phone) is None
    assert signed_in_name(client) == "Session de richard"  # the helper stays signed in


# 2. Card links never sign anyone in by themselves


def test_a_card_link_asks_who_you_are_and_signs_in_only_with_the_button(app, client, make_learner):
    marie = make_learner("marie", name="Marie Roy-Tremblay")
    token = issue_card_for(app, marie)
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert "Continuer en tant que Marie R. ?" in text_of(page)
    assert "Roy-Tremblay" not in text_of(page)
    assert "Ce n’est pas moi" in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"
    assert signed_in_name(client) is None  # opening the link signed nobody in
    assert client.post(f"/s/{token}", data={}).status_code == 400  # no CSRF token: refused
    assert signed_in_name(client) is None
    response = client.post(f"/s/{token}", data={"csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 303
    assert signed_in_name(client) == "Session de Marie Roy-Tremblay"


@pytest.mark.parametrize("destination", ["image", "iframe", "frame", "embed", "object", "script"])
def test_a_card_link_loaded_by_a_page_is_refused(app, client, make_learner, destination):
    token = issue_card_for(app, make_learner("marie", name="Marie Roy"))
    response = client.get(f"/s/{token}", headers={"Sec-Fetch-Dest": destination})
    assert response.status_code == 403
    assert "Marie" not in text_of(response)
    assert signed_in_name(client) is None


def test_a_card_link_hidden_in_a_lesson_or_a_foreign_page_switches_nobody(
    app, client, auth, lessons_dir, make_learner, make_helper
):
    attacker = make_learner("mallory", name="Mallory")
    token = issue_card_for(app, attacker)
    lesson = lessons_dir / "fr" / "bonjour" / "lesson.md"
    lesson.write_text(
        lesson.read_text(encoding="utf-8")
        + f'\n\n<img src="/s/{token}" alt="">\n\n<a href="/s/{token}">Suite</a>\n',
        encoding="utf-8",
    )
    make_helper(name="Richard")
    auth.login("richard", PASSWORDS["helper"])
    page = text_of(client.get("/fr/lessons/bonjour/"))
    assert f"/s/{token}" not in page
    # A foreign page's <img src="…/s/TOKEN"> and a plain link followed by the reader.
    client.get(f"/s/{token}", headers={"Sec-Fetch-Dest": "image", "Sec-Fetch-Site": "cross-site"})
    client.get(f"/s/{token}", headers={"Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"})
    assert signed_in_name(client) == "Session de Richard"


def test_someone_else_signed_in_is_told_and_must_press_the_button(
    app, client, auth, make_learner, make_helper
):
    token = issue_card_for(app, make_learner("marie", name="Marie Roy"))
    make_helper(name="Richard Gagnon")
    auth.login("richard", PASSWORDS["helper"])
    page = client.get(f"/s/{token}")
    assert "Richard Gagnon a une session ouverte dans ce navigateur" in text_of(page)
    assert signed_in_name(client) == "Session de Richard Gagnon"
    client.post(f"/s/{token}", data={"csrf_token": csrf_token_from(page.text)})
    assert signed_in_name(client) == "Session de Marie Roy"


# 4. A visitor's progress joins an account only when the person says so


def mark_done(client, lesson_id="bonjour", step_id="open-door"):
    csrf = csrf_token_from(client.get(f"/fr/lessons/{lesson_id}/1").get_data(as_text=True))
    return client.post(f"/progress/{lesson_id}/{step_id}", data={"done": "1", "csrf_token": csrf})


def steps_done_of(app, user) -> int:
    from coursesite.data.models import StepProgress

    with app_database(app):
        return StepProgress.select().where(StepProgress.user == user.id).count()


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_a_visitors_steps_join_the_account_only_when_the_person_says_yes(
    app, client, auth, make_learner, answer
):
    erin = make_learner("erin", name="Erin")
    mark_done(client)
    auth.login("erin")
    assert steps_done_of(app, erin) == 0  # nothing joined behind the person's back
    page = client.get("/fr/")
    question = "Vous avez fait 1 étape avant de vous connecter sur cet ordinateur"
    assert question in text_of(page)
    response = client.post(
        "/visitor-progress", data={"csrf_token": csrf_token_from(page.text), "join": answer}
    )
    assert response.status_code == 303
    assert steps_done_of(app, erin) == (1 if answer == "yes" else 0)
    assert question not in text_of(client.get("/fr/"))


def test_a_visitors_progress_lives_only_as_long_as_the_browser_on_a_shared_computer(client):
    response = mark_done(client)
    session_cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session")]
    assert session_cookie and "Expires" not in session_cookie[0]


# 5. No personal page is ever cached


# The same for everyone, and worth caching: style sheets, scripts and lesson pictures.
PUBLIC_FILES = {"static", "media.variant", "learn.media", "site.poster_qr"}


@pytest.mark.parametrize("role", ["visitor", "learner", "helper", "staff"])
def test_every_personal_page_says_no_store(app, role, make_learner, make_helper, make_staff):
    learner = make_learner("carole")
    if role == "helper":
        make_helper()
    if role == "staff":
        make_staff()
    client = app.test_client()
    auth = AuthActions(client)
    username = {"learner": "carole", "helper": "richard", "staff": "sophie"}.get(role)
    if username:
        auth.login(username, PASSWORDS[role])
    cached = []
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint in PUBLIC_FILES:
            continue
        values = {**VALUES, "user_id": learner.id}
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
        response = client.get(url)
        response.close()
        personal = username or url.startswith(("/helper", "/staff"))
        if personal and "no-store" not in response.headers.get("Cache-Control", ""):
            cached.append(f"{url}: {response.status_code} {response.headers.get('Cache-Control')}")
    assert cached == []


def test_a_persons_export_lists_their_sign_ins_without_any_secret(
    app, client, auth, make_learner, runner
):
    import json

    make_learner("erin", name="Erin")
    auth.login("erin", remember=True)
    secret = cookie_jar(client)["remember_token"].split("|")[0].split(":")[1]
    auth.logout()
    document = json.loads(runner.invoke(args=["export-learner", "erin"]).output)
    assert len(document["sign_ins"]) == 1
    sign_in = document["sign_ins"][0]
    assert sign_in["stay_signed_in"] is True and sign_in["ended"] is not None
    assert len(document["known_addresses"]) == 1
    assert secret not in json.dumps(document)
