"""Privacy: the policy page in both languages, and no personal data where it does not belong."""

import logging

import pytest

from tests.conftest import app_database

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Vos renseignements personnels", "24 mois", "Loi 25", "courriel", "faire effacer"]),
        ("en", ["Your personal information", "24 months", "Law 25", "email address", "erased"]),
    ],
)
def test_the_privacy_page_says_what_is_kept_why_and_for_how_long(client, lang, words):
    response = client.get(f"/{lang}/privacy")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in page
    for word in words:
        assert word in page


def test_every_page_links_to_the_privacy_page(client):
    assert 'href="/fr/privacy"' in client.get("/fr/lessons/bonjour/1").get_data(as_text=True)
    assert 'href="/en/privacy"' in client.get("/en/").get_data(as_text=True)


def test_the_policy_retention_matches_the_settings(app):
    # The page says 24 months and 15 minutes: if a setting changes, the text must too.
    assert app.config["PURGE_AFTER_MONTHS"] == 24
    assert app.config["LOGIN_FAILURE_WINDOW"] == 15 * 60


def test_failed_sign_ins_keep_no_ip_address(app, client, auth):
    client.get("/login")
    client.post(
        "/login",
        data={"csrf_token": auth.csrf_token(), "username": "nobody", "password": "x"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    from coursesite.data.models import LoginFailure

    with app_database(app):
        addresses = [row.address for row in LoginFailure.select()]
    assert len(addresses) == 1 and "198.51.100.23" not in addresses[0] and len(addresses[0]) == 32


def test_a_crash_on_a_card_link_does_not_log_the_token(app, client, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    app.view_functions["auth.card_sign_in"] = broken
    with caplog.at_level(logging.ERROR):
        response = client.get("/s/SECRET-TOKEN-123")
    assert response.status_code == 500
    assert "SECRET-TOKEN-123" not in caplog.text and "/s/…" in caplog.text
