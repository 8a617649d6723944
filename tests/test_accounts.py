"""Accounts: easy passwords, checks, the account commands, the CSV import and the cards pages."""

import json
import os
import re
import subprocess
import sys

import pytest

from coursesite.accounts import users as accounts
from coursesite.accounts.users import suggest_username
from coursesite.data.models import SignInCard, StepProgress, User
from tests.conftest import PASSWORDS, app_database, csrf_token_from

pytestmark = pytest.mark.db

COURSESITE = [sys.executable, "-m", "coursesite.cli"]
EASY = re.compile(rf"(?:{'|'.join(accounts.WORDS)}){{2}}[2-9]{{2}}")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def users(app) -> list[User]:
    with app_database(app):
        return list(User.select().order_by(User.id))


# Passwords and checks


def test_easy_passwords_are_words_and_unambiguous_digits():
    passwords = {accounts.easy_password() for _ in range(200)}
    assert len(passwords) > 190
    assert all(EASY.fullmatch(p) for p in passwords)
    assert all(len(accounts.easy_password("staff")) >= 10 for _ in range(50))


@pytest.mark.parametrize(
    ("value", "check", "expected"),
    [
        ("c" * 41, accounts.username_problems, "at most 40 characters"),
        ("carole tremblay", accounts.username_problems, "can only use letters without accents"),
        ("éric", accounts.username_problems, "can only use letters without accents"),
        ("", accounts.username_problems, "Please type a username."),
        ("x" * 81, accounts.name_problems, "at most 80 characters"),
        ("Bob\u202e", accounts.name_problems, "invisible or control characters"),
    ],
)
def test_bad_names_get_plain_messages(app, value, check, expected):
    with app.test_request_context("/?lang=en"):
        assert expected in str(check(value)[0])


def test_password_rules_are_plain_and_stricter_for_helpers_and_staff(app):
    with app.test_request_context("/?lang=en"):
        assert accounts.password_problems("abcdef", "learner") == []
        rules = str(accounts.password_problems("abc", "learner")[0])
        assert "at least 6 characters" in rules and "Capital letters count" in rules
        assert "at least 10 characters" in str(accounts.password_problems("abcdef", "staff")[0])
        assert "at most 200" in str(accounts.password_problems("p" * 201)[0])
        assert accounts.password_problems("carole", "learner", "carole")  # not the username


def test_usernames_are_made_from_names_without_collisions():
    assert suggest_username("Marie-Ève Roy", set()) == "marie-eve.roy"
    assert suggest_username("Carole", {"carole", "carole2"}) == "carole3"
    assert suggest_username("李", set()) == "learner"


# Commands


def test_create_user_generates_an_easy_password_printed_once(app, runner, client, auth):
    result = runner.invoke(
        args=["create-user", "Carole", "--role", "learner", "--name", "Carole T."]
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"Password: (\S+)", result.output).group(1)
    assert EASY.fullmatch(password)
    assert "it will not be shown again" in result.output
    assert re.search(r"helper/learners/\d+/card", result.output)
    assert auth.login("carole", password).status_code == 303


def test_create_user_with_a_password_and_its_errors(app, runner):
    result = runner.invoke(
        args=["create-user", "richard", "--role", "helper", "--password", "short"]
    )
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    assert users(app) == []
    ok = runner.invoke(
        args=["create-user", "richard", "--role", "helper", "--password", "a long helper password"]
    )
    assert ok.exit_code == 0 and "Password:" not in ok.output
    again = runner.invoke(args=["create-user", "RICHARD", "--role", "staff"])
    assert again.exit_code == 1 and "already taken" in again.output
    bad_role = runner.invoke(args=["create-user", "x", "--role", "admin"])
    assert bad_role.exit_code == 2


def test_create_user_in_a_real_process(tmp_path):
    env = {**os.environ, "COURSESITE_INSTANCE": str(tmp_path / "instance")}
    result = subprocess.run(
        [*COURSESITE, "create-user", "ahmed", "--role", "learner", "--language", "en"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Created learner “ahmed” (ahmed)." in result.stdout and "Traceback" not in result.stderr


CSV_OK = "name,username,language\nCarole,,fr\nAhmed Benali,ahmed.b,en\n\nMarie-Ève Roy\n"


def test_import_learners_creates_everyone_and_writes_a_private_printable_sheet(
    app, runner, tmp_path
):
    source = tmp_path / "group.csv"
    source.write_text(CSV_OK, encoding="utf-8")
    sheet = tmp_path / "cards.html"
    result = runner.invoke(args=["import-learners", str(source), "--sheet", str(sheet)])
    assert result.exit_code == 0, result.output
    assert [(u.username, u.display_name, u.language) for u in users(app)] == [
        ("carole", "Carole", "fr"),
        ("ahmed.b", "Ahmed Benali", "en"),
        ("marie-eve.roy", "Marie-Ève Roy", "fr"),
    ]
    assert "line 5: Marie-Ève Roy — username marie-eve.roy, password " in result.output
    html = sheet.read_text(encoding="utf-8")
    assert sheet.stat().st_mode & 0o077 == 0
    assert html.count('class="signin-card"') == 3 and html.count("<svg") == 3
    assert "Votre carte de connexion" in html and "Your sign-in card" in html
    assert "<style>" in html and "@page" in html
    with app_database(app):
        assert SignInCard.select().count() == 3


def test_a_spreadsheet_saved_with_semicolons_in_windows_encoding_is_understood(
    app, runner, tmp_path
):
    source = tmp_path / "group.csv"
    source.write_bytes("nom;nom d'utilisateur;langue\r\nHélène;;fr\r\n".encode("cp1252"))
    result = runner.invoke(
        args=["import-learners", str(source), "--sheet", str(tmp_path / "s.html")]
    )
    assert result.exit_code == 0, result.output
    assert [(u.username, u.display_name) for u in users(app)] == [("helene", "Hélène")]


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(app, runner, tmp_path, make_learner):
    make_learner("taken")
    source = tmp_path / "group.csv"
    source.write_text(
        f"Carole,carole\n,nobody\nBob,taken\nEve,carole\nZoé,,de\n{'x' * 81}\n", encoding="utf-8"
    )
    result = runner.invoke(args=["import-learners", str(source)])
    assert result.exit_code == 1
    for expected in (
        "Line 2: Please type a name.",
        "Line 3: the username “taken” is already",
        "Line 4: the username “carole” is also on line 1.",
        "Line 5: The language must be one of: fr, en.",
        "Line 6: A name can have at most 80 characters.",
        "Nothing was imported",
    ):
        assert expected in result.output
    assert [u.username for u in users(app)] == ["taken"]


def test_export_learner_prints_everything_stored_as_json(app, runner, make_learner):
    user = make_learner(name="Carole", language="fr")
    runner.invoke(args=["create-user", "other", "--role", "learner"])
    with app_database(app):
        StepProgress.create(user=user, lesson_id="bonjour", step_id="open-door")
        StepProgress.create(user=user, lesson_id="2026", step_id="42")
        SignInCard.create(user=user, token_hash="a" * 64)
    result = runner.invoke(args=["export-learner", "Carole"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["account"]["username"] == "carole"
    assert document["account"]["display_name"] == "Carole"
    assert len(document["progress"]) == 2
    for entry in document["progress"]:
        assert set(entry) == {"lesson_id", "step_id", "done_at"}
        assert isinstance(entry["lesson_id"], str) and isinstance(entry["step_id"], str)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["done_at"])
    assert document["sign_in_cards"][0]["revoked"] is None
    assert "scrypt" not in result.output and "a" * 64 not in result.output
    assert "other" not in result.output


def test_export_of_an_unknown_person_fails_clearly(runner):
    result = runner.invoke(args=["export-learner", "nobody"])
    assert result.exit_code == 1 and "no account with the username" in result.output


# The staff upload and the helper's card page


def upload(client, data: bytes, filename="group.csv"):
    import io

    token = csrf_token_from(client.get("/staff/import").get_data(as_text=True))
    return client.post(
        "/staff/import",
        data={"csrf_token": token, "learners": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_staff_upload_a_group_and_get_their_cards_to_print(app, client, auth, make_staff):
    make_staff()
    auth.login("sophie", PASSWORDS["staff"])
    response = upload(client, CSV_OK.encode())
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = text_of(response)
    assert "3 personnes apprenantes ont été créées" in page
    assert page.count('class="signin-card"') == 3 and page.count('role="img"') == 3
    assert re.search(r'<dd class="signin-card-value">\w+[2-9]{2}</dd>', page)  # the password
    assert len(users(app)) == 4


def test_staff_upload_with_errors_changes_nothing(app, client, auth, make_staff):
    make_staff()
    auth.login("sophie", PASSWORDS["staff"])
    response = upload(client, b"Carole\n,\xff\x00")
    assert response.status_code == 400 and "Ce n’est pas un fichier texte CSV" in text_of(response)
    response = upload(client, b"Carole,carole\nAnne,carole\n")
    page = text_of(response)
    assert response.status_code == 400 and "Rien n’a été ajouté." in page
    assert "Ligne 2 : le nom d’utilisateur « carole » est aussi à la ligne 1." in page
    assert len(users(app)) == 1


def test_a_helper_prints_a_card_with_a_new_password_and_the_old_card_stops(
    app, client, auth, make_helper, make_learner
):
    learner = make_learner(name="Carole", language="en")
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    page = text_of(client.get(f"/helper/learners/{learner.id}/card"))
    assert "Carte de connexion de Carole" in page
    token = csrf_token_from(
        client.get(f"/helper/learners/{learner.id}/card").get_data(as_text=True)
    )
    response = client.post(
        f"/helper/learners/{learner.id}/card", data={"csrf_token": token, "new_password": "1"}
    )
    card = text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    # The page is in the helper's language, the card in the learner's.
    assert "Nouvelle carte de connexion de Carole" in card and 'lang="en"' in card
    assert "Your sign-in card" in card and '<dd class="signin-card-value">carole</dd>' in card
    password = re.findall(r'<dd class="signin-card-value">([^<]+)</dd>', card)[1]
    assert "http://localhost/" in card
    old_login = app.test_client()
    assert (
        old_login.post(
            "/login",
            data={
                "csrf_token": csrf_token_from(old_login.get("/login").get_data(as_text=True)),
                "username": "carole",
                "password": password,
            },
        ).status_code
        == 303
    )
    with app_database(app):
        assert SignInCard.select().where(SignInCard.revoked.is_null()).count() == 1
    # Revoke: the card stops working; the page says so.
    response = client.post(
        f"/helper/learners/{learner.id}/card/revoke",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "L’ancienne carte ne fonctionne plus." in text_of(response)
    with app_database(app):
        assert SignInCard.select().where(SignInCard.revoked.is_null()).count() == 0


def test_card_pages_exist_only_for_learners(client, auth, make_helper, make_staff):
    make_helper()
    staff = make_staff()
    auth.login("richard", PASSWORDS["helper"])
    assert client.get(f"/helper/learners/{staff.id}/card").status_code == 404
    assert client.get("/helper/learners/999/card").status_code == 404


def test_import_learners_refuses_duplicates_unless_told_what_they_are(
    app, runner, tmp_path, make_learner
):
    make_learner("marie-eve.roy", name="Marie-Ève Roy")
    source = tmp_path / "group.csv"
    source.write_text("Carole\nMarie-Ève Roy\nCarole\n", encoding="utf-8")
    sheet = tmp_path / "cards.html"
    refused = runner.invoke(args=["import-learners", str(source), "--sheet", str(sheet)])
    assert refused.exit_code == 1
    assert "line 2: Marie-Ève Roy: Already has an account: Marie-Ève Roy" in refused.output
    assert "line 3: Carole: The same name is on line 1." in refused.output
    assert "--duplicates skip" in refused.output and not sheet.exists()
    assert [u.username for u in users(app)] == ["marie-eve.roy"]

    skipped = runner.invoke(
        args=["import-learners", str(source), "--sheet", str(sheet), "--duplicates", "skip"]
    )
    assert skipped.exit_code == 0, skipped.output
    assert "Skipped line 2: Marie-Ève Roy (already known)." in skipped.output
    assert [u.username for u in users(app)] == ["marie-eve.roy", "carole"]

    created = runner.invoke(
        args=["import-learners", str(source), "--sheet", str(sheet), "--duplicates", "create"]
    )
    assert created.exit_code == 0, created.output
    assert [u.username for u in users(app)] == [
        "marie-eve.roy",
        "carole",
        "carole2",
        "marie-eve.roy2",
        "carole3",
    ]
    bad = runner.invoke(args=["import-learners", str(source), "--duplicates", "maybe"])
    assert bad.exit_code == 2
