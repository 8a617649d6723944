"""The lab's details: set by staff in the browser, shown on every page, slips, cards, poster."""

import re

import pytest

from coursesite import services
from tests.conftest import PASSWORDS, app_database, csrf_token_from

pytestmark = pytest.mark.db

DETAILS = {
    "phone": "418 555-0123",
    "name_fr": "Carrefour techno de Limoilou",
    "name_en": "Limoilou Tech Hub",
    "hours_fr": "Lundi au jeudi, 9 h à 16 h\nVendredi, 9 h à midi",
    "hours_en": "Monday to Thursday, 9 am to 4 pm\nFriday, 9 am to noon",
    "address_fr": "800, 3e Avenue, Québec",
    "address_en": "",
    "message_fr": "Fermé pendant les Fêtes, de retour le 6 janvier.",
    "message_en": "Closed for the holidays, back on January 6.",
}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def save(client, **fields):
    token = csrf_token_from(client.get("/staff/settings").get_data(as_text=True))
    return client.post("/staff/settings", data={"csrf_token": token, **DETAILS, **fields})


@pytest.fixture
def staff(client, auth, make_staff):
    make_staff(name="Sophie")
    auth.login("sophie", PASSWORDS["staff"])
    return client


def test_a_fresh_install_shows_a_clear_placeholder_and_staff_the_link_to_fill_it(
    app, client, staff
):
    visitor = app.test_client()
    page = text_of(visitor.get("/fr/"))
    assert "Le nom, le numéro de téléphone et les heures d’ouverture du labo ne sont pas" in page
    assert "/staff/settings" not in page  # the link is for staff only
    assert 'href="/staff/settings">Remplir les coordonnées du labo' in text_of(staff.get("/fr/"))
    with app.test_request_context(), app_database(app):
        assert services.lab_name("fr") == "le laboratoire communautaire d’aide techno"
        assert services.lab_name("en") == "the community tech-help lab"


def test_staff_set_the_details_and_every_page_shows_them_in_its_language(app, staff):
    response = save(staff)
    assert response.status_code == 303
    assert "Les coordonnées du labo sont enregistrées." in text_of(staff.get("/staff/settings"))
    visitor = app.test_client()
    french = text_of(visitor.get("/fr/lessons/bonjour/1"))
    assert "Un service gratuit de Carrefour techno de Limoilou." in french
    assert 'href="tel:4185550123">418 555-0123</a>' in french
    assert "Lundi au jeudi, 9 h à 16 h Vendredi" in french
    assert "Fermé pendant les Fêtes" in french and "800, 3e Avenue, Québec" in french
    assert "Appelez le labo :" in french  # under the step, beside the phone code
    english = text_of(visitor.get("/en/"))
    assert "A free service of Limoilou Tech Hub." in english
    assert "Closed for the holidays" in english and "Monday to Thursday" in english
    assert "800, 3e Avenue, Québec" in english  # an address missing in English: the French one
    help_page = text_of(visitor.get("/fr/help"))
    assert "L’équipe de Carrefour techno de Limoilou répond à vos questions" in help_page
    assert "418 555-0123" in help_page
    poster = text_of(visitor.get("/poster"))
    assert "Carrefour techno de Limoilou" in poster and "Limoilou Tech Hub" in poster
    assert "418 555-0123" in poster
    with app.test_request_context(), app_database(app):
        assert services.lab_name("en") == "Limoilou Tech Hub"
        assert services.lab_details("fr").hours.startswith("Lundi au jeudi")


def test_a_message_can_be_taken_down_and_the_rest_stays(app, staff):
    save(staff)
    save(staff, message_fr="", message_en="")
    page = text_of(app.test_client().get("/fr/"))
    assert "Fermé pendant les Fêtes" not in page and "418 555-0123" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name_fr": ""}, "Veuillez taper le nom du labo"),
        ({"phone": "appelez-nous"}, "Le numéro de téléphone peut seulement contenir"),
        ({"message_en": "x" * 201}, "Ce champ peut avoir au plus 200 caractères."),
    ],
)
def test_wrong_details_are_refused_plainly_and_nothing_changes(app, staff, fields, message):
    response = save(staff, **fields)
    assert response.status_code == 400 and message in text_of(response)
    assert "ne sont pas encore remplis" in text_of(app.test_client().get("/fr/"))


def test_slips_and_cards_carry_the_lab_phone_in_the_learners_language(app, staff, make_learner):
    save(staff)
    learner = make_learner(name="Ahmed", language="en")
    token = csrf_token_from(staff.get(f"/helper/learners/{learner.id}/card").get_data(as_text=True))
    card = text_of(staff.post(f"/helper/learners/{learner.id}/card", data={"csrf_token": token}))
    assert "Questions? Call Limoilou Tech Hub: 418 555-0123" in re.sub(r"<[^>]+>", "", card)


def test_the_slip_of_a_path_carries_the_lab_phone_and_hours(app, staff, make_learner):
    from tests.test_assignments import add_path_lessons

    add_path_lessons(__import__("pathlib").Path(app.config["LESSONS"]))
    save(staff)
    learner = make_learner(name="Carole")
    page = staff.get(f"/helper/session?learner={learner.id}").get_data(as_text=True)
    form_key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    slip = staff.post(
        "/helper/session",
        data={
            "csrf_token": csrf_token_from(page),
            "form_key": form_key,
            "learner_id": str(learner.id),
            "path": "salutations",
            "kind": "lab",
            "minutes": "45",
        },
    )
    text = re.sub(r"<[^>]+>", "", text_of(slip))
    assert "Des questions? Appelez Carrefour techno de Limoilou : 418 555-0123" in text
    assert "Lundi au jeudi, 9 h à 16 h" in text


def test_certificates_print_the_name_staff_set_before_the_configured_one(app, staff):
    from coursesite.learn.certificates.certificates import lab_name

    app.config["LAB_NAME"] = "Nom de la configuration"
    with app.test_request_context("/fr/"), app_database(app):
        assert lab_name() == "Nom de la configuration"
    save(staff)
    with app.test_request_context("/fr/"), app_database(app):
        assert lab_name() == "Carrefour techno de Limoilou"
