"""A pause on a username that a guesser cannot renew forever against its owner.

Failures from one address pause that address for every username. Failures on a username
pause it only from addresses it never signed in from: the owner's usual browser (the lab,
home) keeps working however long someone elsewhere keeps guessing. Staff see the pause on
the learner's page and can lift it.
"""

import re

import pytest

from tests.conftest import PASSWORDS, AuthActions, csrf_token_from

pytestmark = pytest.mark.db

OWNER = "203.0.113.10"  # the learner's usual address: the lab
GUESSERS = [f"198.51.100.{n}" for n in range(1, 40)]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def try_password(client, username, password, address):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_guesser_elsewhere_cannot_keep_the_owner_out(app, make_learner):
    make_learner("erin")
    owner = app.test_client()
    assert try_password(owner, "erin", PASSWORDS["learner"], OWNER).status_code == 303
    AuthActions(owner).logout()
    guesser = app.test_client()
    # Four addresses, nine wrong passwords each (under the per-address limit), over and over:
    # the username stays paused for strangers…
    for address in GUESSERS[:4]:
        for _ in range(9):
            try_password(guesser, "erin", "wrong-guess", address)
    assert try_password(guesser, "erin", PASSWORDS["learner"], GUESSERS[5]).status_code == 429
    # …but the owner, from where they signed in before, gets in at once.
    assert try_password(owner, "erin", PASSWORDS["learner"], OWNER).status_code == 303


def test_failures_from_one_address_pause_it_even_for_a_known_username(app, make_learner):
    make_learner("erin")
    client = app.test_client()
    assert try_password(client, "erin", PASSWORDS["learner"], OWNER).status_code == 303
    AuthActions(client).logout()
    for number in range(10):
        try_password(client, f"someone{number}", "wrong", OWNER)
    assert try_password(client, "erin", PASSWORDS["learner"], OWNER).status_code == 429
    assert try_password(client, "erin", PASSWORDS["learner"], GUESSERS[0]).status_code == 303


def test_staff_see_the_pause_on_the_learners_page_and_lift_it(app, make_learner, make_staff):
    erin = make_learner("erin", name="Erin")
    guesser = app.test_client()
    for address in GUESSERS[:2]:
        for _ in range(5):
            try_password(guesser, "erin", "wrong", address)
    assert try_password(guesser, "erin", PASSWORDS["learner"], GUESSERS[3]).status_code == 429
    make_staff()
    staff = app.test_client()
    AuthActions(staff).login("sophie", PASSWORDS["staff"])
    page = staff.get(f"/staff/learners/{erin.id}")
    assert "la connexion est suspendue encore 15 minutes" in text_of(page)
    response = staff.post(
        f"/staff/learners/{erin.id}/lift-pause", data={"csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 303
    page = staff.get(response.headers["Location"])
    assert "Erin peut de nouveau se connecter de partout." in text_of(page)
    assert "La connexion n’est pas suspendue pour ce nom d’utilisateur." in text_of(page)
    assert try_password(guesser, "erin", PASSWORDS["learner"], GUESSERS[3]).status_code == 303


def test_known_addresses_are_kept_as_keyed_hashes(app, make_learner, database_backend):
    if database_backend != "sqlite":
        pytest.skip("reads the SQLite file itself to look for the address")
    import sqlite3
    from pathlib import Path

    make_learner("erin")
    try_password(app.test_client(), "erin", PASSWORDS["learner"], OWNER)
    database = Path(app.instance_path) / "coursesite.db"
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT username, address FROM knownaddress").fetchall()
    assert len(rows) == 1 and rows[0][0] == "erin" and OWNER not in rows[0][1]
