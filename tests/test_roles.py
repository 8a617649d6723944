"""Every route, opened by each role, against the roles table of DESIGN.md.

A route added without an entry in MATRIX fails this test: decide who may open it first.
"""

import re

import pytest
from flask import url_for

from tests.conftest import PASSWORDS, AuthActions, app_database, csrf_token_from

pytestmark = pytest.mark.db

ROLES = ("visitor", "learner", "helper", "staff")

# The least role needed for each endpoint and method (DESIGN.md, "Roles"):
# visitor  read published lessons, keep progress in this browser, sign in;
# learner  ask a helper for help on a step ("keep progress in an account, see own path");
# helper   print sign-in cards ("create learners, … print slips and cards"), the helper desk:
#          learners, paths, slips, passwords, phone codes, help requests;
#          groups of learners, a learner's name, username and language;
# staff    manage accounts (helpers' and staff's, the group import), the lab's details, drafts
#          and lesson health, the staff home, reports, and learners' data (privacy requests).
MATRIX = {
    ("static", "GET"): "visitor",
    ("media.variant", "GET"): "visitor",
    ("site.home", "GET"): "visitor",
    ("site.healthz", "GET"): "visitor",
    ("site.poster", "GET"): "visitor",
    ("site.poster_qr", "GET"): "visitor",
    ("learn.catalogue", "GET"): "visitor",
    ("learn.topic", "GET"): "visitor",
    ("privacy.policy", "GET"): "visitor",
    ("learn.lesson", "GET"): "visitor",
    ("learn.step", "GET"): "visitor",
    ("learn.end", "GET"): "visitor",
    ("learn.print_view", "GET"): "visitor",
    ("learn.picture", "GET"): "visitor",
    ("learn.sheet", "GET"): "visitor",
    ("learn.search", "GET"): "visitor",
    ("learn.media", "GET"): "visitor",
    ("display.preferences", "GET"): "visitor",
    ("display.preferences", "POST"): "visitor",
    ("auth.login", "GET"): "visitor",
    ("auth.login", "POST"): "visitor",
    ("auth.logout", "POST"): "visitor",
    ("auth.card_sign_in", "GET"): "visitor",
    ("auth.card_confirm", "POST"): "visitor",
    ("auth.signed_out", "GET"): "visitor",
    ("auth.account", "GET"): "learner",
    ("auth.sign_out_everywhere", "POST"): "learner",
    ("progress.answer_visitor_question", "POST"): "learner",
    ("helper.sign_out_everywhere", "POST"): "helper",
    ("progress.mark", "POST"): "visitor",
    ("answers.answer", "POST"): "visitor",
    ("certificates.verify", "GET"): "visitor",
    ("certificates.verify_form", "GET"): "visitor",
    ("certificates.make", "POST"): "learner",
    ("certificates.make_for_lesson", "POST"): "learner",
    ("certificates.show", "GET"): "learner",
    ("staff_certificates.withdraw", "POST"): "staff",
    ("cards.card_form", "GET"): "helper",
    ("cards.issue", "POST"): "helper",
    ("cards.revoke", "POST"): "helper",
    ("staff_import.form", "GET"): "staff",
    ("staff_import.upload", "POST"): "staff",
    ("staff.lessons", "GET"): "staff",
    ("staff.drafts", "GET"): "staff",
    ("staff.preview", "GET"): "staff",
    ("staff.home", "GET"): "staff",
    ("editor.edit", "GET"): "staff",
    ("editor.edit", "POST"): "staff",
    ("editor.preview", "POST"): "staff",
    ("editor.picture", "GET"): "staff",
    ("highlights.highlight", "GET"): "staff",
    ("highlights.highlight", "POST"): "staff",
    ("lesson_history.history", "GET"): "staff",
    ("lesson_history.version", "GET"): "staff",
    ("lesson_history.restore", "POST"): "staff",
    ("new_lessons.new", "GET"): "staff",
    ("new_lessons.new", "POST"): "staff",
    ("new_lessons.translate", "POST"): "staff",
    ("staff_reports.page", "GET"): "staff",
    ("staff_reports.summary_csv", "GET"): "staff",
    ("staff_reports.steps_csv", "GET"): "staff",
    ("staff_reports.questions_csv", "GET"): "staff",
    ("staff_learners.search", "GET"): "staff",
    ("staff_learners.learner", "GET"): "staff",
    ("staff_learners.export", "GET"): "staff",
    ("staff_learners.delete", "GET"): "staff",
    ("staff_learners.delete", "POST"): "staff",
    ("staff_learners.lift_pause", "POST"): "staff",
    ("help_requests.ask", "POST"): "learner",
    ("help_requests.handle", "POST"): "helper",
    ("help_requests.undo_handled", "POST"): "helper",
    ("helper.dashboard", "GET"): "helper",
    ("helper.learner", "GET"): "helper",
    ("helper.session", "GET"): "helper",
    ("helper.save_session", "POST"): "helper",
    ("helper.reprint_slip", "POST"): "helper",
    ("helper.password", "GET"): "helper",
    ("helper.reset_password", "POST"): "helper",
    ("helper.code", "GET"): "helper",
    ("site.help_page", "GET"): "visitor",
    ("help_requests.take_request", "POST"): "helper",
    ("help_requests.answer", "POST"): "helper",
    ("help_requests.count", "GET"): "helper",
    ("helper_accounts.learner_account", "GET"): "helper",
    ("helper_accounts.learner_account", "POST"): "helper",
    ("groups.index", "GET"): "helper",
    ("groups.create", "POST"): "helper",
    ("groups.group", "GET"): "helper",
    ("groups.add", "POST"): "helper",
    ("groups.remove", "POST"): "helper",
    ("groups.import_form", "GET"): "helper",
    ("groups.import_upload", "POST"): "helper",
    ("groups.cards", "POST"): "helper",
    ("groups.path_form", "GET"): "helper",
    ("groups.give_path", "POST"): "helper",
    ("lab_settings.form", "GET"): "staff",
    ("lab_settings.save", "POST"): "staff",
    ("staff_accounts.index", "GET"): "staff",
    ("staff_accounts.create", "POST"): "staff",
    ("staff_accounts.account", "GET"): "staff",
    ("staff_accounts.account", "POST"): "staff",
    ("staff_accounts.reset_password", "POST"): "staff",
    ("staff_accounts.set_active_view", "POST"): "staff",
}

# Example values for the URL parts, so that every route can be opened.
VALUES = {
    "filename": "css/site.css",
    "name": "nothing.webp",
    "lang": "fr",
    "lesson_lang": "fr",
    "lesson_id": "bonjour",
    "number": 1,
    "k": 1,
    "token": "not-a-card",
    "step_id": "open-door",
    "user_id": None,
    "request_id": 1,
    "help_session_id": 1,
    "topic": "essai",
    "question_id": "greeting",
    "code": "ABCD-EFGH-JKMN",
    "group_id": 1,
}
FORM = {"done": "1", "username": "", "password": ""}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_entry_in_the_matrix(app):
    missing = [
        f"{rule.endpoint} {method} {rule.rule}"
        for rule, method in routes(app)
        if (rule.endpoint, method) not in MATRIX
    ]
    assert missing == [], "add these routes to MATRIX in tests/test_roles.py"
    assert set(MATRIX) <= {(rule.endpoint, method) for rule, method in routes(app)}


def may(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(
    app, role, make_learner, make_helper, make_staff
):
    learner = make_learner("carole")
    accounts = {"helper": make_helper, "staff": make_staff}
    username = {"learner": "carole", "helper": "richard", "staff": "sophie"}.get(role)
    if role in accounts:
        accounts[role]()
    client = app.test_client()
    auth = AuthActions(client)

    def sign_in():
        if username:
            assert auth.login(username, PASSWORDS[role]).status_code == 303

    sign_in()
    wrong = []
    for rule, method in routes(app):
        values = {**VALUES, "user_id": learner.id}
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
        if method == "POST":
            token = csrf_token_from(client.get("/fr/lessons/bonjour/1").get_data(as_text=True))
            response = client.post(url, data={**FORM, "csrf_token": token})
        else:
            response = client.get(url)
        response.close()
        to_login = response.status_code in (302, 303) and re.match(
            r"(http://localhost)?/login\?next=", response.headers.get("Location", "")
        )
        needed = MATRIX[(rule.endpoint, method)]
        if may(role, needed):
            refused = response.status_code in (401, 403) or to_login
        elif role == "visitor":
            refused = not to_login  # a visitor is sent to sign in first
        else:
            refused = response.status_code != 403
        if refused:
            wrong.append(f"{role} {method} {url}: {response.status_code} (needs {needed})")
        elif response.status_code >= 500:  # let in, then broken: as wrong as a refusal
            wrong.append(f"{role} {method} {url}: {response.status_code} (server error)")
        if rule.endpoint in ("auth.logout", "auth.sign_out_everywhere"):
            sign_in()
    assert wrong == []


def test_only_staff_see_draft_lessons(app, client, auth, lessons_dir, make_helper, make_staff):
    folder = lessons_dir / "fr" / "brouillon"
    folder.mkdir()
    (folder / "lesson.md").write_text(
        "---\ntitle: Brouillon\nsummary: s\nduration: 3\ndraft: true\n---\n## Un {#un}\n\nx\n",
        encoding="utf-8",
    )
    assert client.get("/fr/lessons/brouillon/").status_code == 404
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    assert client.get("/fr/lessons/brouillon/").status_code == 404
    auth.logout()
    make_staff()
    auth.login("sophie", PASSWORDS["staff"])
    assert client.get("/fr/lessons/brouillon/").status_code == 200


def test_a_signed_in_person_without_the_role_gets_a_plain_403(client, auth, make_learner):
    make_learner()
    auth.login()
    response = client.get("/staff/import?lang=fr")
    assert response.status_code == 403
    assert "Cette page n’est pas pour votre compte" in response.get_data(as_text=True)


def test_a_helper_can_touch_no_helper_or_staff_account(app, client, auth, make_helper, make_staff):
    """Helpers change learners' accounts only; every account page for the team is staff's."""
    make_helper()
    boss = make_staff(name="Sophie")
    auth.login("richard", PASSWORDS["helper"])
    token = csrf_token_from(client.get("/helper/").get_data(as_text=True))
    for method, url in (
        ("GET", f"/staff/accounts/{boss.id}"),
        ("POST", f"/staff/accounts/{boss.id}"),
        ("POST", f"/staff/accounts/{boss.id}/password"),
        ("POST", f"/staff/accounts/{boss.id}/active"),
        ("POST", "/staff/accounts"),
    ):
        data = {"csrf_token": token, "display_name": "X", "username": "x", "active": "0"}
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, url
    # The learner pages of the desk do not open staff (or helper) accounts either.
    assert client.get(f"/helper/learners/{boss.id}/account").status_code == 404
    response = client.post(
        f"/helper/learners/{boss.id}/account",
        data={"csrf_token": token, "display_name": "X", "username": "x", "language": "fr"},
    )
    assert response.status_code == 404
    with app_database(app):
        from coursesite.data.models import User

        still = User.get_by_id(boss.id)
        assert (still.display_name, still.username, still.active) == ("Sophie", "sophie", True)
