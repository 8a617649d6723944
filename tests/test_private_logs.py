"""No personal data in the logs, even with every logger at DEBUG (Quebec Law 25)."""

import datetime as dt
import io
import logging

import pytest

from coursesite.data.models import User, utcnow
from tests.conftest import PASSWORDS, AuthActions, app_database, csrf_token_from

pytestmark = pytest.mark.db

# Invented people and words: none of them may reach a log line.
PERSONAL = [
    "genevieve.b",
    "Geneviève Bouchard",
    "Secret-Passw0rd",  # a failed sign-in
    "Mon voisin Gérard",
    "Gérard",  # a help request's message
    "555-0142",  # how to reach them
    "Géraldine Ouellet",
    "geraldine.o",  # a learner imported from a list
    "Marcel Lapointe",
    "marcel.l",  # a learner purged after two years
    "Habite au 12 rue des Érables",  # a helper's private note
]


def test_sign_in_failures_help_requests_imports_and_purges_log_nothing_personal(
    app, client, make_learner, make_helper, make_staff, caplog
):
    make_learner("genevieve.b", name="Geneviève Bouchard")
    make_learner("marcel.l", name="Marcel Lapointe")
    make_helper("richard")
    make_staff("sophie")
    with app_database(app):
        old = utcnow() - dt.timedelta(days=800)
        User.update(created=old).where(User.username == "marcel.l").execute()
    auth = AuthActions(client)
    with caplog.at_level(logging.DEBUG):
        # A failed sign-in, then the person's own help request.
        assert "pas bon" in auth.login("genevieve.b", "Secret-Passw0rd").get_data(as_text=True)
        assert auth.login("genevieve.b", PASSWORDS["learner"]).status_code == 303
        token = auth.csrf_token("/fr/lessons/bonjour/1")
        response = client.post(
            "/help/bonjour/open-door",
            data={
                "csrf_token": token,
                "message": "Mon voisin Gérard m'aide",
                "phone": "418 555-0142",
                "when": "le matin",
            },
        )
        assert response.status_code == 303
        auth.logout()
        # A helper's session with a private note, then staff import a list of learners.
        auth.login("richard", PASSWORDS["helper"])
        page = client.get("/helper/session").get_data(as_text=True)
        slip = client.post(
            "/helper/session",
            data={
                "csrf_token": csrf_token_from(page),
                "form_key": "k" * 20,
                "name": "Lucie",
                "path": "custom",
                "position-bonjour": "1",
                "language": "fr",
                "private_note": "Habite au 12 rue des Érables",
                "kind": "home",
                "minutes": "60",
            },
        )
        assert slip.status_code == 200
        auth.logout()
        auth.login("sophie", PASSWORDS["staff"])
        cards = client.post(
            "/staff/import",
            data={
                "csrf_token": auth.csrf_token("/staff/import"),
                "learners": (
                    io.BytesIO("Géraldine Ouellet,geraldine.o,fr\n".encode()),
                    "liste.csv",
                ),
            },
        )
        assert cards.status_code == 200
        # A purge: Marcel has not been seen for over two years.
        result = app.test_cli_runner().invoke(args=["purge"])
        assert "Anonymised 1 learner accounts" in result.output
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records, "the test must see the log"
    assert [value for value in PERSONAL if value in logged] == []
