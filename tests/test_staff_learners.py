"""A privacy request answered by staff in minutes: find the person, give a copy, delete it."""

import json
import re

import pytest

from coursesite.data.models import StepProgress, User
from coursesite.desk.help_requests.help_requests import ask_for_help
from coursesite.desk.paths import assign_path
from tests.conftest import PASSWORDS, app_database, csrf_token_from

pytestmark = pytest.mark.db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def carole(app, make_learner, make_helper):
    learner = make_learner("carole", name="Carole Tremblay")
    helper = make_helper("richard", name="Richard")
    with app.test_request_context(), app_database(app):
        StepProgress.create(user=learner.id, lesson_id="bonjour", step_id="open-door")
        assign_path(learner, helper, ["bonjour"], private_note="Préfère le matin")
        ask_for_help(learner, "bonjour", "open-door", "Je ne vois pas la porte")
    return learner


@pytest.fixture
def staff(client, auth, make_staff):
    make_staff("sophie", name="Sophie")
    auth.login("sophie", PASSWORDS["staff"])
    return client


def test_staff_find_a_learner_and_see_what_is_kept(staff, carole):
    page = text_of(staff.get("/staff/learners?q=tremb"))
    assert f'href="/staff/learners/{carole.id}">Carole Tremblay</a>' in page
    page = text_of(staff.get(f"/staff/learners/{carole.id}"))
    assert "Ce que le laboratoire garde sur Carole Tremblay" in page
    assert "1 étape faite, 1 parcours donné, 1 demande d’aide, 0 carte de connexion" in page
    assert f'href="/staff/learners/{carole.id}/export.json" download' in page


def test_the_export_is_everything_about_the_person_as_a_json_file(staff, carole):
    response = staff.get(f"/staff/learners/{carole.id}/export.json")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="coursesite-carole-\d{4}-\d{2}-\d{2}\.json"',
        response.headers["Content-Disposition"],
    )
    document = json.loads(response.data)
    assert document["account"]["display_name"] == "Carole Tremblay"
    assert document["paths"][0]["private_note"] == "Préfère le matin"
    assert document["help_requests"][0]["message"] == "Je ne vois pas la porte"
    assert document["progress"][0]["step_id"] == "open-door"


def test_deleting_asks_to_type_the_username_and_nothing_happens_otherwise(app, staff, carole):
    page = staff.get(f"/staff/learners/{carole.id}/delete").get_data(as_text=True)
    assert "On ne peut pas revenir en arrière" in page
    token = csrf_token_from(page)
    for typed in ("", "carol", "eve", "carole\x00"):
        response = staff.post(
            f"/staff/learners/{carole.id}/delete", data={"csrf_token": token, "username": typed}
        )
        assert response.status_code == 400
        assert "Le nom d’utilisateur tapé n’est pas « carole ». Rien n’a été supprimé." in text_of(
            response
        )
    response = staff.post(f"/staff/learners/{carole.id}/delete", data={"username": "carole"})
    assert response.status_code == 400  # no CSRF token
    with app_database(app):
        assert User.get_by_id(carole.id).anonymised_at is None


def test_export_then_delete_and_the_report_numbers_do_not_change(app, staff, carole):
    summary = "/staff/reports/summary.csv?from=2000-01-01&to=2100-12-31"
    steps = "/staff/reports/steps.csv?from=2000-01-01&to=2100-12-31"
    before = (staff.get(summary).data, staff.get(steps).data)
    assert staff.get(f"/staff/learners/{carole.id}/export.json").status_code == 200
    token = csrf_token_from(staff.get(f"/staff/learners/{carole.id}/delete").get_data(as_text=True))
    response = staff.post(
        f"/staff/learners/{carole.id}/delete", data={"csrf_token": token, "username": " Carole "}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/staff/learners"
    page = text_of(staff.get("/staff/learners"))
    assert "Les renseignements personnels de « carole » sont supprimés." in page
    assert "Carole Tremblay" not in page
    assert (staff.get(summary).data, staff.get(steps).data) == before
    for path in ("", "/export.json", "/delete"):
        assert staff.get(f"/staff/learners/{carole.id}{path}").status_code == 404


def test_helpers_and_staff_accounts_are_not_erased_from_these_pages(app, staff, make_helper):
    helper = make_helper("richard")
    assert staff.get(f"/staff/learners/{helper.id}").status_code == 404
    token = csrf_token_from(staff.get("/staff/learners").get_data(as_text=True))
    response = staff.post(
        f"/staff/learners/{helper.id}/delete", data={"csrf_token": token, "username": "richard"}
    )
    assert response.status_code == 404
