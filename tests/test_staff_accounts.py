"""Accounts in the browser: staff manage helpers and staff; helpers change learners' names.

Every change is recorded with who made it and when, and listed on the person's page.
"""

import re

import pytest

from coursesite.data.models import AccountChange, User
from tests.conftest import PASSWORDS, AuthActions, app_database, csrf_token_from

pytestmark = pytest.mark.db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def post(client, url, page, **data):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def user(app, username) -> User | None:
    with app_database(app):
        return User.get_or_none(User.username == username)


@pytest.fixture
def staff(client, auth, make_staff):
    make_staff(name="Sophie")
    auth.login("sophie", PASSWORDS["staff"])
    return client


def test_staff_create_a_helper_whose_password_is_shown_once_and_works(app, staff):
    response = post(
        staff,
        "/staff/accounts",
        "/staff/accounts",
        name="Josée Gagnon",
        role="helper",
        language="fr",
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = text_of(response)
    assert "Le compte de Josée Gagnon est prêt." in page and "josee.gagnon" in page
    password = re.search(r'class="password-once">(\w+)<', response.get_data(as_text=True))[1]
    created = user(app, "josee.gagnon")
    assert (created.role, created.display_name) == ("helper", "Josée Gagnon")
    josee = app.test_client()
    assert AuthActions(josee).login("josee.gagnon", password).headers["Location"] == "/helper/"
    # Her page lists the change, with who made it.
    page = text_of(staff.get(f"/staff/accounts/{created.id}"))
    assert "Compte créé" in page and "par Sophie" in page
    assert password not in staff.get(f"/staff/accounts/{created.id}").get_data(as_text=True)


def test_a_learner_cannot_be_made_from_the_team_form(app, staff):
    response = post(staff, "/staff/accounts", "/staff/accounts", name="Carole", role="learner")
    assert response.status_code == 400 and "Veuillez choisir le rôle" in text_of(response)
    assert user(app, "carole") is None


def test_rename_deactivate_reactivate_and_reset_all_recorded(app, staff, make_helper):
    helper = make_helper("richard", name="Richard")
    richard = app.test_client()
    AuthActions(richard).login("richard", PASSWORDS["helper"])
    page = f"/staff/accounts/{helper.id}"
    response = post(staff, page, page, display_name="Richard Côté", username="richard.cote")
    assert response.status_code == 303
    assert (user(app, "richard.cote").display_name) == "Richard Côté"
    # The next page says so, once.
    assert "Les changements sont enregistrés." in text_of(staff.get(response.headers["Location"]))
    assert "Les changements sont enregistrés." not in text_of(staff.get(page))
    # Deactivated: his open session ends, and he cannot sign in again.
    post(staff, f"{page}/active", page, active="0")
    assert not user(app, "richard.cote").active
    assert richard.get("/helper/").status_code == 302
    assert (
        AuthActions(app.test_client()).login("richard.cote", PASSWORDS["helper"]).status_code != 303
    )
    post(staff, f"{page}/active", page, active="1")
    assert (
        AuthActions(app.test_client()).login("richard.cote", PASSWORDS["helper"]).status_code == 303
    )
    # A new password, shown once; the old one stops working.
    response = post(staff, f"{page}/password", page)
    password = re.search(r'class="password-once">(\w+)<', response.get_data(as_text=True))[1]
    assert AuthActions(app.test_client()).login("richard.cote", password).status_code == 303
    assert (
        AuthActions(app.test_client()).login("richard.cote", PASSWORDS["helper"]).status_code != 303
    )
    history = text_of(staff.get(page))
    for line in (
        "Nom changé de « Richard » à « Richard Côté »",
        "Nom d’utilisateur changé de « richard » à « richard.cote »",
        "Compte désactivé",
        "Compte réactivé",
        "Nouveau mot de passe donné",
    ):
        assert line in history
    with app_database(app):
        assert {c.actor.username for c in AccountChange.select()} == {"sophie"}


def test_staff_cannot_deactivate_themselves_nor_take_a_taken_username(app, staff, make_helper):
    me = user(app, "sophie")
    make_helper("richard")
    page = f"/staff/accounts/{me.id}"
    post(staff, f"{page}/active", page, active="0")
    assert user(app, "sophie").active
    response = post(staff, page, page, display_name="Sophie", username="richard")
    assert response.status_code == 400 and "« richard » est déjà pris" in text_of(response)


def test_a_helper_changes_a_learners_name_username_and_language(
    app, client, auth, make_helper, make_learner
):
    learner = make_learner(name="Carole")
    make_helper(name="Richard")
    auth.login("richard", PASSWORDS["helper"])
    page = f"/helper/learners/{learner.id}/account"
    response = post(
        client, page, page, display_name="Carole Tremblay", username="carole.t", language="en"
    )
    assert response.status_code == 303
    assert "Les changements sont enregistrés." in text_of(client.get(response.headers["Location"]))
    changed = user(app, "carole.t")
    assert (changed.display_name, changed.language) == ("Carole Tremblay", "en")
    history = text_of(client.get(f"/helper/learners/{learner.id}"))
    assert "Langue changée de fr à en" in history and "par Richard" in history
    response = post(client, page, page, display_name="", username="Carole T", language="de")
    assert response.status_code == 400
    assert user(app, "carole.t").display_name == "Carole Tremblay"
