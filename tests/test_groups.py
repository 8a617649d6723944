"""Groups: made by helpers, filled from the list or a CSV file (no silent duplicates), given a
path in one form, printed on one sheet, followed lesson by lesson on the group page and the desk.
"""

import io
import re

import pytest

from coursesite.data.models import (
    GroupMember,
    HelpSession,
    LearnerGroup,
    SignInCard,
    StepProgress,
    User,
)
from tests.conftest import PASSWORDS, app_database, csrf_token_from
from tests.test_assignments import add_path_lessons

pytestmark = pytest.mark.db

FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
CSV_DATA = re.compile(r'name="csv_data" value="([^"]+)"')


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def token_of(client, page) -> str:
    return csrf_token_from(client.get(page).get_data(as_text=True))


@pytest.fixture
def helper(client, auth, make_helper, lessons_dir):
    add_path_lessons(lessons_dir)
    make_helper(name="Richard")
    auth.login("richard", PASSWORDS["helper"])
    return client


def make_group(client, name="Atelier du mardi") -> int:
    response = client.post(
        "/helper/groups", data={"csrf_token": token_of(client, "/helper/groups"), "name": name}
    )
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def upload(client, group_id, text: str):
    page = f"/helper/groups/{group_id}/import"
    return client.post(
        page,
        data={
            "csrf_token": token_of(client, page),
            "learners": (io.BytesIO(text.encode()), "groupe.csv"),
        },
        content_type="multipart/form-data",
    )


def members(app, group_id) -> list[str]:
    with app_database(app):
        return sorted(
            m.learner.username for m in GroupMember.select().where(GroupMember.group == group_id)
        )


def test_a_helper_makes_a_group_and_adds_learners_from_the_list(app, helper, make_learner):
    carole, eve = make_learner("carole", name="Carole"), make_learner("eve", name="Ève")
    group_id = make_group(helper)
    page = f"/helper/groups/{group_id}"
    assert "Aucune personne dans ce groupe" in text_of(helper.get(page))
    response = helper.post(
        f"{page}/members",
        data={"csrf_token": token_of(helper, page), "learner": [str(carole.id), str(eve.id)]},
    )
    assert "2 personnes ajoutées au groupe." in text_of(helper.get(response.headers["Location"]))
    assert members(app, group_id) == ["carole", "eve"]
    helper.post(f"{page}/members/{eve.id}/remove", data={"csrf_token": token_of(helper, page)})
    assert members(app, group_id) == ["carole"]
    assert "Atelier du mardi" in text_of(helper.get("/helper/groups"))


def test_a_name_already_known_asks_same_person_or_new_person_per_line(app, helper, make_learner):
    make_learner("marie-eve.roy", name="Marie-Ève Roy")
    group_id = make_group(helper)
    csv = "name\nCarole Tremblay\nMarie-Eve Roy\nAhmed Benali\nAhmed Benali\n"
    response = upload(helper, group_id, csv)
    page = text_of(response)
    assert response.status_code == 200
    assert "Rien n’a encore été ajouté : 2 noms sont déjà connus." in page
    assert "Ligne 3 : Marie-Eve Roy" in page and "nom d’utilisateur marie-eve.roy" in page
    assert "Ligne 5 : Ahmed Benali" in page and "Le même nom est à la ligne 4." in page
    with app_database(app):
        assert User.select().count() == 2  # Richard and Marie-Ève: nothing created yet
    # Sent back without a choice for one line: still nothing, and it says which.
    data = CSV_DATA.search(response.get_data(as_text=True)).group(1)
    page_url = f"/helper/groups/{group_id}/import"
    half = helper.post(
        page_url, data={"csrf_token": token_of(helper, page_url), "csv_data": data, "dup-3": "skip"}
    )
    assert half.status_code == 400
    # Marie-Ève is the same person (she joins the group); the second Ahmed is someone else.
    done = helper.post(
        page_url,
        data={
            "csrf_token": token_of(helper, page_url),
            "csv_data": data,
            "dup-3": "skip",
            "dup-5": "create",
        },
    )
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert done.get_data(as_text=True).count('class="signin-card"') == 3
    assert members(app, group_id) == [
        "ahmed.benali",
        "ahmed.benali2",
        "carole.tremblay",
        "marie-eve.roy",
    ]


def test_the_whole_group_gets_a_path_in_one_form_and_one_sheet_of_slips(app, helper, make_learner):
    group_id = make_group(helper)
    upload(helper, group_id, "Carole\nÈve\nAhmed\n")
    page = f"/helper/groups/{group_id}/path"
    html = helper.get(page).get_data(as_text=True)
    form = {
        "csrf_token": csrf_token_from(html),
        "form_key": FORM_KEY.search(html).group(1),
        "path": "salutations",
        "note": "Bienvenue à l’atelier!",
    }
    sheet = helper.post(page, data=form)
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    assert sheet.get_data(as_text=True).count('<article class="slip') == 3
    assert "Le parcours est enregistré pour 3 personnes." in text_of(sheet)
    again = helper.post(page, data=form)  # the same form sent twice saves once
    assert again.status_code == 303
    with app_database(app):
        assert HelpSession.select().count() == 3
        assert {a.note_for_learner for a in HelpSession.select()} == {"Bienvenue à l’atelier!"}
        assert {a.kind for a in HelpSession.select()} == {"lab"}
        carole = User.get(User.username == "carole")
        StepProgress.create(user=carole, lesson_id="bonjour", step_id="open-door")
        for step in ("open-door", "saluer", "leave"):
            StepProgress.create(
                user=User.get(User.username == "eve"), lesson_id="bonjour", step_id=step
            )
    group_page = text_of(helper.get(f"/helper/groups/{group_id}"))
    assert "Commencée par 2, terminée par 1, sur 3 personnes" in group_page


def test_every_members_card_on_one_sheet(app, helper):
    group_id = make_group(helper)
    upload(helper, group_id, "Carole\nÈve\n")
    page = f"/helper/groups/{group_id}"
    sheet = helper.post(f"{page}/cards", data={"csrf_token": token_of(helper, page)})
    assert sheet.get_data(as_text=True).count('class="signin-card"') == 2
    assert "Cartes de connexion du groupe « Atelier du mardi »" in text_of(sheet)
    with app_database(app):
        assert SignInCard.select().where(SignInCard.revoked.is_null()).count() == 2


def test_the_desk_filters_by_group(app, helper, make_learner):
    make_learner("zoe", name="Zoé Hors-groupe")
    group_id = make_group(helper)
    upload(helper, group_id, "Carole\n")
    everyone = text_of(helper.get("/helper/"))
    assert "Zoé Hors-groupe" in everyone and "Carole" in everyone
    only = text_of(helper.get(f"/helper/?group={group_id}"))
    assert "Carole" in only and "Zoé Hors-groupe" not in only
    assert "Autres personnes de « Atelier du mardi »" in only


def test_a_group_needs_a_name(app, helper):
    response = helper.post(
        "/helper/groups", data={"csrf_token": token_of(helper, "/helper/groups"), "name": " "}
    )
    assert response.status_code == 400 and "Veuillez taper le nom du groupe." in text_of(response)
    with app_database(app):
        assert LearnerGroup.select().count() == 0


def test_a_lab_of_many_learners_finds_the_ones_to_add_by_name(app, helper, make_learner):
    with app_database(app):
        User.insert_many(
            {
                "username": f"appr.{n:03d}",
                "display_name": f"Apprenant {n:03d}",
                "role": "learner",
                "password_hash": "invented",
            }
            for n in range(45)
        ).execute()
    make_learner("zoe", name="Zoé Lévesque")
    group_id = make_group(helper)
    page = text_of(helper.get(f"/helper/groups/{group_id}"))
    # The first 40 by name to tick; the others are found by name.
    assert "40 personnes affichées sur 46" in page and "Nom ou nom d’utilisateur" in page
    assert "Apprenant 039" in page and "Apprenant 040" not in page and "Zoé" not in page
    found = helper.get(f"/helper/groups/{group_id}?q=zoe")
    assert "Zoé Lévesque" in text_of(found) and "Apprenant 000" not in text_of(found)
    zoe = re.search(r'id="add-(\d+)"', found.get_data(as_text=True)).group(1)
    added = helper.post(
        f"/helper/groups/{group_id}/members",
        data={"csrf_token": token_of(helper, f"/helper/groups/{group_id}"), "learner": zoe},
    )
    assert added.status_code == 303
    with app_database(app):
        assert [m.learner.username for m in GroupMember.select()] == ["zoe"]
    nobody = text_of(helper.get(f"/helper/groups/{group_id}?q=zoe"))
    assert "Aucune personne apprenante n’a ce nom" in nobody


def test_a_small_lab_lists_every_learner_to_add_without_a_search(app, helper, make_learner):
    make_learner("zoe", name="Zoé Lévesque")
    make_learner("marc", name="Marc")
    group_id = make_group(helper)
    page = text_of(helper.get(f"/helper/groups/{group_id}"))
    assert "Zoé Lévesque" in page and "Marc" in page
    assert "Nom ou nom d’utilisateur" not in page and "personnes affichées" not in page
