"""Certificates: earned with every step done and every question right, checked at /verify/."""

import json
import re

import pytest

from coursesite import services
from tests.conftest import (
    PASSWORDS,
    STARTER_LESSONS,
    AuthActions,
    app_database,
    csrf_token_from,
    make_app,
)

LESSON = "creer-adresse-courriel"
RIGHT = {  # question id: the form that answers it right (starter lesson, either language)
    "type-provider-address": {"typed": "gmail.com"},
    "good-address": {"choice": ["1", "2", "4"]},
    "strong-password": {"choice": "3"},
}


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, STARTER_LESSONS, LAB_NAME="Techno-Solidarité Limoilou")


@pytest.fixture
def carole(app, make_learner):
    """A learner with a one-lesson path, the email lesson."""
    from coursesite.desk.paths import assign_path

    user = make_learner("carole", name="Carole Tremblay")
    with app_database(app):
        help_session = assign_path(user, None, [LESSON], title="Mon courriel")
    return user, help_session


def token(client, path=f"/fr/lessons/{LESSON}/1"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def do_every_step(client, app):
    lesson = services.catalogue(app).get("fr", LESSON)
    for step in lesson.steps:
        response = client.post(
            f"/progress/{LESSON}/{step.id}", data={"csrf_token": token(client), "done": "1"}
        )
        assert response.status_code == 303


def answer(client, question_id, **form):
    return client.post(
        f"/questions/{LESSON}/{question_id}?lang=fr", data={"csrf_token": token(client), **form}
    )


def answer_all_right(client, skip=()):
    for question_id, form in RIGHT.items():
        if question_id not in skip:
            assert answer(client, question_id, **form).status_code == 303


def get_certificate(client, help_session):
    response = client.post(
        f"/certificates/make/{help_session.id}", data={"csrf_token": token(client, "/fr/")}
    )
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def test_every_step_done_is_not_enough_every_question_must_be_right(client, auth, carole):
    user, help_session = carole
    auth.login("carole")
    do_every_step(client, client.application)
    answer_all_right(client, skip={"strong-password"})
    home = client.get("/fr/").get_data(as_text=True)
    assert "Pour obtenir votre attestation, répondez correctement à ces questions" in home
    assert f'href="/fr/lessons/{LESSON}/7#q-strong-password"' in home
    refused = client.post(
        f"/certificates/make/{help_session.id}", data={"csrf_token": token(client, "/fr/")}
    )
    assert refused.status_code == 409
    answer(client, "strong-password", choice="1")  # wrong first: it costs nothing
    answer(client, "strong-password", choice="3")
    home = client.get("/fr/").get_data(as_text=True)
    assert "Obtenir mon attestation" in home


def test_the_certificate_says_who_what_when_where_with_a_code_and_its_qr(client, auth, carole):
    user, help_session = carole
    auth.login("carole")
    do_every_step(client, client.application)
    answer_all_right(client)
    location = get_certificate(client, help_session)
    assert re.fullmatch(r"/fr/certificates/[A-Z2-9]{12}", location)
    page = client.get(location)
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Attestation de réussite" in html and "Carole Tremblay" in html
    assert "Mon courriel" in html and "Créer une adresse courriel" in html and "30 min" in html
    assert "Techno-Solidarité Limoilou" in html
    code = location.rsplit("/", 1)[1]
    shown = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert shown in html and f"http://localhost/verify/{shown}" in html
    assert '<svg role="img"' in html  # the QR code, drawn on the server
    # The same path gives the same certificate: asking again does not make another.
    assert get_certificate(client, help_session) == location
    home = client.get("/fr/").get_data(as_text=True)
    assert "Votre attestation de réussite est prête." in home and location in home


def test_verify_tells_anyone_first_name_initial_path_date_and_lab_nothing_more(
    app, client, auth, carole
):
    user, help_session = carole
    auth.login("carole")
    do_every_step(client, app)
    answer_all_right(client)
    code = get_certificate(client, help_session).rsplit("/", 1)[1]
    auth.logout()
    for typed in (code, code.lower(), f"{code[:4]}-{code[4:8]}-{code[8:]}"):
        page = client.get(f"/verify/{typed}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Cette attestation est authentique." in html
        assert "Carole T." in html and "Tremblay" not in html and "carole" not in html
        assert "Mon courriel" in html and "Techno-Solidarité Limoilou" in html
    assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 404
    # Someone else, signed in, cannot open the certificate itself.
    AuthActions(client)
    other = app.test_client()
    from tests.conftest import add_user

    add_user(app, "bob", "learner", name="Bob")
    AuthActions(other).login("bob")
    assert other.get(f"/fr/certificates/{code}").status_code == 404


def test_staff_withdraw_a_certificate_and_can_undo_it(
    app, client, auth, carole, make_helper, make_staff
):
    user, help_session = carole
    auth.login("carole")
    do_every_step(client, app)
    answer_all_right(client)
    location = get_certificate(client, help_session)
    code = location.rsplit("/", 1)[1]
    auth.logout()
    make_helper("richard")
    helper = app.test_client()
    AuthActions(helper).login("richard", PASSWORDS["helper"])
    learner_page = helper.get(f"/helper/learners/{user.id}").get_data(as_text=True)
    assert location in learner_page  # the helper can print it again
    assert "Retirer cette attestation" not in helper.get(location).get_data(as_text=True)
    refused = helper.post(
        f"/staff/certificates/{code}/withdraw",
        data={"csrf_token": token(helper, location), "withdraw": "1"},
    )
    assert refused.status_code == 403
    make_staff("sophie")
    staff = app.test_client()
    AuthActions(staff).login("sophie", PASSWORDS["staff"])
    page = staff.get(location).get_data(as_text=True)
    assert "Retirer cette attestation" in page
    staff.post(
        f"/staff/certificates/{code}/withdraw",
        data={
            "csrf_token": csrf_token_from(page[page.index("certificate-withdraw") :]),
            "withdraw": "1",
        },
    )
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Le labo a retiré cette attestation le" in html
    assert "Cette attestation est authentique." not in html
    staff.post(
        f"/staff/certificates/{code}/withdraw",
        data={"csrf_token": token(staff, location), "withdraw": "0"},
    )
    assert "Cette attestation est authentique." in client.get(f"/verify/{code}").get_data(
        as_text=True
    )


def test_export_delete_and_reports_follow_answers_and_certificates(app, client, auth, carole):
    from coursesite.data.models import Certificate, QuestionAnswer, User
    from coursesite.data.privacy.anonymous_models import AnonymousAnswer
    from coursesite.data.privacy.erasure import anonymise_learner
    from coursesite.data.privacy.personal_export import export_user
    from coursesite.staff.reports.periods import Period
    from coursesite.staff.reports.question_reports import certificates_issued, missed_first
    from coursesite.staff.reports.reports import lessons_by_id

    user, help_session = carole
    auth.login("carole")
    do_every_step(client, app)
    answer(client, "strong-password", choice="2")
    answer_all_right(client)
    code = get_certificate(client, help_session).rsplit("/", 1)[1]
    auth.logout()
    with app_database(app):
        exported = json.loads(json.dumps(export_user(User.get_by_id(user.id))))
        assert [(a["question_id"], a["answer"], a["right"]) for a in exported["answers"]][:2] == [
            ("strong-password", "123456", False),
            ("type-provider-address", "gmail.com", True),
        ]
        assert exported["certificates"][0]["code"] == code
        assert exported["certificates"][0]["lessons"][0][0] == LESSON

        def counts():
            import datetime as dt

            start, end = Period(dt.date.today(), dt.date.today()).bounds()
            lessons = lessons_by_id(services.catalogue(app), ("fr", "en"))
            missed = {
                (r.question_id, r.missed, r.answered) for r in missed_first(start, end, lessons)
            }
            return missed, certificates_issued(start, end)

        before = counts()
        assert ("strong-password", 1, 1) in before[0] and before[1] == 1
        anonymise_learner(User.get_by_id(user.id))
        assert QuestionAnswer.select().count() == 0 and Certificate.select().count() == 0
        assert AnonymousAnswer.select().count() == 4
        assert counts() == before  # erased learners still count, anonymously
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Cette attestation n’est plus disponible" in html and "Carole" not in html


def test_a_single_lesson_gives_a_certificate_only_when_paths_yml_allows_it(
    app, client, auth, make_learner
):
    from pathlib import Path

    make_learner("lea", name="Léa Roy")
    auth.login("lea")
    do_every_step(client, app)
    answer_all_right(client)
    end = f"/fr/lessons/{LESSON}/end"
    assert "Obtenir mon attestation" not in client.get(end).get_data(as_text=True)
    refused = client.post(
        f"/certificates/make-lesson/{LESSON}", data={"csrf_token": token(client, "/fr/")}
    )
    assert refused.status_code == 409
    paths = Path(app.config["LESSONS"]) / "paths.yml"
    paths.write_text(
        paths.read_text(encoding="utf-8").replace(
            "  lessons: [", "  lesson_certificates: true\n  lessons: ["
        ),
        encoding="utf-8",
    )
    html = client.get(end).get_data(as_text=True)
    assert "Obtenir mon attestation" in html
    location = client.post(
        f"/certificates/make-lesson/{LESSON}", data={"csrf_token": csrf_token_from(html)}
    ).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Léa Roy" in page and "Créer une adresse courriel" in page and "30 min" in page
    assert "Voir et imprimer mon attestation" in client.get(end).get_data(as_text=True)
