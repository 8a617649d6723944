"""The helper desk over HTTP: the after-session form, slips, learners' pages, passwords."""

import datetime as dt
import re

import pytest

from coursesite.accounts import cards
from coursesite.data.models import HelpRequest, HelpSession, SignInCard, StepProgress, User
from tests.conftest import PASSWORDS, app_database, csrf_token_from
from tests.test_assignments import add_path_lessons
from tests.test_html_valid import save_pages, validate

pytestmark = pytest.mark.db  # also on PostgreSQL when COURSESITE_TEST_POSTGRES is set

FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def fresh_form(client, learner_id=None) -> dict:
    page = client.get("/helper/session" + (f"?learner={learner_id}" if learner_id else ""))
    html = page.get_data(as_text=True)
    return {"csrf_token": csrf_token_from(html), "form_key": FORM_KEY.search(html).group(1)}


def send(client, learner=None, **fields):
    """Fill and send the after-session form like a helper at the desk (for `learner`'s id)."""
    data = {**fresh_form(client, learner), "kind": "lab", "minutes": "30", **fields}
    if learner:
        data["learner_id"] = str(learner)
    return client.post("/helper/session", data=data)


def saved(app, model=HelpSession) -> list:
    with app_database(app):
        return list(model.select().order_by(model.id))


def live_cards(app, user) -> int:
    with app_database(app):
        return (
            SignInCard.select()
            .where((SignInCard.user == user.id) & SignInCard.revoked.is_null())
            .count()
        )


@pytest.fixture
def paths(lessons_dir):
    return add_path_lessons(lessons_dir)


@pytest.fixture
def helper(client, auth, make_helper):
    """Richard, a French-speaking helper, signed in."""
    user = make_helper(name="Richard")
    auth.login("richard", PASSWORDS["helper"])
    return user


def test_a_helper_signs_in_and_lands_on_the_desk(client, auth, make_helper):
    make_helper()
    response = auth.login("richard", PASSWORDS["helper"])
    assert response.headers["Location"] == "/helper/"
    page = text_of(client.get("/helper/"))
    assert "Bureau d’aide" in page and "Après une rencontre avec une nouvelle personne" in page


def test_after_the_session_a_new_learner_gets_an_account_a_path_and_a_slip_to_assign(
    app, client, helper, paths
):
    response = send(
        client,
        name="Carole Tremblay",
        language="en",
        path="salutations",
        note="Bravo!\nSee you Tuesday.",
        private_note="Needs large print",
        appointment="2027-01-05T14:00",
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = text_of(response)
    password = re.search(r"Mot de passe : (\w+)", page).group(1)
    assert "Le compte de Carole Tremblay est prêt. Nom d’utilisateur : carole.tremblay" in page
    # The page speaks the helper's language, the slip the learner's.
    assert "Fiche de Carole Tremblay" in page and '<article class="slip" lang="en"' in page
    slip = page[page.index('<article class="slip"') :]
    assert "Your path" in slip and "Greetings" in slip
    assert 'Say hello</span> <span class="slip-duration">5 min' in slip
    assert 'Say goodbye</span> <span class="slip-duration">7 min' in slip
    assert "Tuesday, January 5, 2027 at 2:00" in slip and "Bravo!" in slip
    assert "Needs large print" not in slip
    assert 'class="card-qr"' in slip and "http://<wbr>localhost/" in slip
    assert f'<dd class="slip-value">{password}</dd>' in slip
    [help_session] = saved(app)
    with app_database(app):
        learner = User.get_by_id(help_session.learner_id)
    assert (learner.username, learner.display_name, learner.language, learner.role) == (
        "carole.tremblay",
        "Carole Tremblay",
        "en",
        "learner",
    )
    assert help_session.lesson_ids == ["bonjour", "au-revoir"]  # the unknown lesson is left out
    assert help_session.helper_id == helper.id and help_session.private_note == "Needs large print"
    assert help_session.note_for_learner == "Bravo!\nSee you Tuesday."
    assert help_session.next_appointment == dt.datetime(2027, 1, 5, 14, 0)
    assert live_cards(app, learner) == 1
    other = app.test_client()
    login = other.post(
        "/login",
        data={
            "csrf_token": csrf_token_from(other.get("/login").get_data(as_text=True)),
            "username": "carole.tremblay",
            "password": password,
        },
    )
    assert login.status_code == 303


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "Carole"}, "Veuillez choisir un parcours, ou choisir les leçons une par une."),
        ({"name": "", "path": "salutations"}, "Veuillez taper un nom."),
        ({"name": "Carole", "path": "nope"}, "Veuillez choisir un parcours"),
        ({"name": "Carole", "path": "custom"}, "Choisissez au moins une leçon"),
        (
            {"name": "Carole", "path": "custom", "position-bonjour": "un"},
            "tapez sa position : 1, 2, 3",
        ),
        (
            {"name": "Carole", "path": "custom", "position-bonjour": "1", "custom_title": "t" * 81},
            "Le titre peut avoir au plus 80 caractères.",
        ),
        (
            {"name": "Carole", "path": "salutations", "appointment": "demain"},
            "Exemple : 2026-12-03 14:00.",
        ),
        (
            {"name": "Carole", "path": "salutations", "appointment": "2026-02-30T10:00"},
            "n’est pas une date et une heure",
        ),
        (
            {"name": "Carole", "path": "salutations", "appointment": "2001-01-01T10:00"},
            "Le prochain rendez-vous est dans le passé.",
        ),
        (
            {"name": "Carole", "path": "salutations", "appointment": "2999-01-01T10:00"},
            "dans plus de deux ans",
        ),
        (
            {"name": "Carole", "path": "salutations", "note": "n" * 601},
            "au plus 600 caractères : il est imprimé en gros caractères.",
        ),
        ({"name": "Carole", "path": "salutations", "private_note": "p" * 1001}, "au plus 1000"),
        ({"name": "Carole", "path": "salutations", "username": "Éric!"}, "lettres sans accents"),
        (
            {"name": "Carole", "path": "salutations", "username": "richard"},
            "Le nom d’utilisateur « richard » est déjà pris. « richard2 » est libre.",
        ),
        ({"name": "Carole", "path": "salutations", "language": "xx"}, "La langue doit être"),
        (
            {"learner_id": "999", "path": "salutations"},
            "Le compte de cette personne apprenante est",
        ),
    ],
)
def test_assign_form_problems_are_plain_and_nothing_is_saved(
    app, client, helper, paths, fields, message
):
    response = send(client, **{"language": "fr", **fields})
    page = text_of(response)
    assert response.status_code == 400
    assert "Rien n’a encore été enregistré." in page and message in page
    assert saved(app) == [] and len(saved(app, User)) == 1


def test_hostile_input_to_the_assign_form_never_breaks_it(app, client, helper, paths):
    for fields in (
        {"learner_id": "x" * 5000},
        {"learner_id": "99999999999999999999"},
        {"name": "Bob\x00", "path": "salutations\x00"},
        {"path": "custom", "position-bonjour": "9" * 1000},
        {"form_key": "k" * 1000, "same_as": "y" * 1000, "language": "é" * 100},
    ):
        response = send(client, **fields)
        assert response.status_code == 400, fields
    assert saved(app) == []


def test_a_custom_assignment_follows_the_positions_the_helper_typed(
    app, client, helper, paths, make_learner
):
    learner = make_learner(name="Carole")
    send(
        client,
        learner.id,
        path="custom",
        **{"position-au-revoir": " 1", "position-bonjour": "2"},
        custom_title="Pour Carole",
    )
    [help_session] = saved(app)
    assert (
        help_session.lesson_ids == ["au-revoir", "bonjour"] and help_session.title == "Pour Carole"
    )
    assert help_session.path_id is None


def test_a_same_name_asks_the_helper_whether_it_is_the_same_person(
    app, client, helper, paths, make_learner
):
    carole = make_learner(name="Carole Tremblay")
    with app_database(app):
        cards.issue_card(User.get_by_id(carole.id))
    form = {"name": "carole  TREMBLAY", "path": "salutations", "language": "fr"}
    page = text_of(send(client, **form))
    assert "Il y a déjà une personne apprenante nommée « carole TREMBLAY »." in page
    assert "Oui : Carole Tremblay (nom d’utilisateur : carole)" in page
    response = send(client, **form, same_as=str(carole.id))
    assert response.status_code == 200 and 'class="card-qr"' in response.get_data(as_text=True)
    assert [a.learner_id for a in saved(app)] == [carole.id] and len(saved(app, User)) == 2
    assert live_cards(app, carole) == 1  # a new card: the slip's
    send(client, **form, same_as="new")
    assert saved(app, User)[-1].username == "carole.tremblay"


def test_the_same_assign_form_sent_twice_saves_once(app, client, helper, paths):
    form = {**fresh_form(client), "name": "Carole", "path": "salutations", "language": "fr"}
    form.update(kind="lab", minutes="45")
    assert client.post("/helper/session", data=form).status_code == 200
    again = client.post("/helper/session", data=form)
    [help_session] = saved(app)
    assert again.status_code == 303
    assert again.headers["Location"] == f"/helper/learners/{help_session.learner_id}"
    assert "Ce formulaire a déjà été envoyé et enregistré." in text_of(
        client.get(again.headers["Location"])
    )
    assert len(saved(app, User)) == 2


def test_an_existing_learner_keeps_their_card_unless_the_slip_gets_a_qr_code(
    app, client, helper, paths, make_learner
):
    learner = make_learner(name="Carole")
    with app_database(app):
        cards.issue_card(User.get_by_id(learner.id))
    page = text_of(client.get(f"/helper/session?learner={learner.id}"))
    assert "Pour Carole (nom d’utilisateur : carole)." in page
    assert 'id="new_card" name="new_card" type="checkbox" value="1" checked' in page
    response = send(client, learner.id, path="salutations")  # box unticked
    page = text_of(response)
    assert 'class="card-qr"' not in page and "La fiche n’a pas de code QR" in page
    assert "(celui que vous avez choisi)" in page and live_cards(app, learner) == 1
    response = send(client, learner.id, path="salutations", new_card="1", new_password="1")
    page = text_of(response)
    assert "La carte ou la fiche précédente de la personne ne fonctionne plus." in page
    assert re.search(r"Nouveau mot de passe : \w+[2-9]{2}", page)
    with app_database(app):
        assert SignInCard.select().where(SignInCard.user == learner.id).count() == 2
    assert live_cards(app, learner) == 1


def test_a_slip_is_printed_again_with_a_new_qr_code(app, client, helper, paths, make_learner):
    learner = make_learner(name="Carole")
    send(client, learner.id, path="salutations", new_card="1")
    [help_session] = saved(app)
    token = csrf_token_from(client.get(f"/helper/learners/{learner.id}").get_data(as_text=True))
    response = client.post(
        f"/helper/assignments/{help_session.id}/slip", data={"csrf_token": token}
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'class="card-qr"' in response.get_data(as_text=True)
    with app_database(app):
        assert SignInCard.select().where(SignInCard.user == learner.id).count() == 2
    assert live_cards(app, learner) == 1
    assert (
        client.post("/helper/assignments/999/slip", data={"csrf_token": token}).status_code == 404
    )


def test_the_desk_finds_learners_by_name_and_shows_where_each_is_stuck(
    app, client, helper, paths, make_learner
):
    eve = make_learner("eve", name="Ève Gagnon")
    make_learner("marc", name="Marc")
    send(client, eve.id, path="salutations")
    long_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=9)
    with app_database(app):
        StepProgress.create(user=eve, lesson_id="bonjour", step_id="open-door", done_at=long_ago)
        HelpRequest.create(learner=eve, lesson_id="au-revoir", step_id="go")
    page = text_of(client.get("/helper/?q=EVE"))
    assert "Personnes trouvées pour « EVE »" in page and "Ève Gagnon" in page and "Marc" not in page
    assert "Dernière activité : aujourd’hui" in page
    assert "« Les salutations » : étapes faites, 1 sur 5" in page
    assert "A demandé de l’aide :</strong> « Dire au revoir », étape 2" in page
    assert "Arrêt à l’étape 2 de « Dire bonjour », il y a 9 jours" in page
    assert "Aucune personne apprenante n’a ce nom" in text_of(client.get("/helper/?q=zzz"))


def test_a_path_not_started_after_a_week_shows_on_the_helper_desk(
    app, client, helper, paths, make_learner
):
    learner = make_learner(name="Carole")
    send(client, learner.id, path="salutations")
    with app_database(app):
        for help_session in HelpSession.select():
            help_session.created -= dt.timedelta(days=8)
            help_session.save()
    assert "N’a pas commencé le parcours donné il y a 8 jours" in text_of(client.get("/helper/"))


def test_a_learners_page_holds_their_whole_history_for_the_helper(
    app, client, helper, paths, make_learner
):
    learner = make_learner(name="Carole")
    send(
        client,
        learner.id,
        path="salutations",
        note="Pour Carole",
        private_note="Entre nous",
        appointment="2027-01-05T14:00",
    )
    with app_database(app):
        StepProgress.create(user=learner, lesson_id="bonjour", step_id="open-door")
        HelpRequest.create(
            learner=learner,
            lesson_id="bonjour",
            step_id="saluer",
            message="Aide",
            handled_at=dt.datetime(2026, 1, 1),
            handled_by=helper.id,
        )
    page = text_of(client.get(f"/helper/learners/{learner.id}"))
    for expected in (
        "Les salutations",
        "Parcours actuel",
        "Donné le",
        "par Richard",
        "Mot pour Carole",
        "Pour Carole",
        "Note pour les membres de l’équipe seulement",
        "Entre nous",
        "Prochain rendez-vous : mardi 5 janvier 2027 à 14:00",
        "Étapes faites : 1 sur 5",
        "Imprimer cette fiche de nouveau",
        "Demandes d’aide",
        "réglée",
        "par Richard",
        "La rouvrir",
        "Leçons travaillées",
        "étapes faites : 1 sur 3, la suivante est l’étape 2",
        "Carte de connexion : en imprimer une nouvelle",
        "Mot de passe oublié : en donner un nouveau",
    ):
        assert expected in page, expected
    assert re.search(r"réglée [^<]{1,40} par Richard", page)  # who closed it, by name


def test_helper_pages_of_a_non_learner_answer_404(client, helper, make_staff):
    staff = make_staff()
    for url in (
        f"/helper/learners/{staff.id}",
        f"/helper/learners/{helper.id}",
        "/helper/learners/999",
        f"/helper/learners/{staff.id}/password",
        f"/helper/session?learner={staff.id}",
        "/helper/session?learner=abc",
    ):
        assert client.get(url).status_code == 404, url


def test_a_helper_resets_a_forgotten_password_after_confirming(
    app, client, auth, helper, make_learner
):
    learner = make_learner(name="Carole")
    page = client.get(f"/helper/learners/{learner.id}/password").get_data(as_text=True)
    assert "Un nouveau mot de passe pour Carole" in page and "Annuler" in page
    assert auth.login("carole", PASSWORDS["learner"]).status_code == 303  # unchanged by the GET
    auth.login("richard", PASSWORDS["helper"])
    page = client.get(f"/helper/learners/{learner.id}/password").get_data(as_text=True)
    response = client.post(
        f"/helper/learners/{learner.id}/password", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(
        r'<dd class="slip-value">(\w+[2-9]{2})</dd>', response.get_data(as_text=True)
    ).group(1)
    other = app.test_client()
    token = csrf_token_from(other.get("/login").get_data(as_text=True))
    assert (
        other.post(
            "/login",
            data={"csrf_token": token, "username": "carole", "password": PASSWORDS["learner"]},
        ).status_code
        == 200
    )
    assert (
        other.post(
            "/login", data={"csrf_token": token, "username": "carole", "password": password}
        ).status_code
        == 303
    )


def test_the_helper_desk_is_for_helpers_and_staff_and_staff_have_a_home(
    client, auth, make_learner, make_staff
):
    response = client.get("/helper/")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/helper/"
    make_learner()
    auth.login()
    assert client.get("/helper/").status_code == 403
    assert "Bureau d’aide" not in text_of(client.get("/fr/"))
    make_staff()
    auth.login("sophie", PASSWORDS["staff"])
    page = text_of(client.get("/staff/"))
    assert client.get("/helper/").status_code == 200
    for link in ("/helper/", "/staff/import", "/staff/lessons", "/staff/lessons/drafts"):
        assert f'href="{link}"' in page
    assert 'class="desk-link" href="/helper/">Bureau d’aide' in page


def test_the_helper_desk_speaks_the_helpers_language(client, auth, make_helper, paths):
    make_helper(language="en")
    auth.login("richard", PASSWORDS["helper"])
    assert "Needs help now" in text_of(client.get("/helper/"))
    assert "Greetings" in text_of(client.get("/helper/session"))


def test_every_helper_page_is_valid_html(app, client, helper, paths, make_learner, tmp_path):
    learner = make_learner(name="Carole")
    with app_database(app):
        StepProgress.create(user=learner, lesson_id="bonjour", step_id="open-door")
        HelpRequest.create(learner=learner, lesson_id="bonjour", step_id="saluer", message="?")
    code = re.search(
        r'<span aria-hidden="true">([A-Z0-9]{4})</span>',
        client.get("/fr/lessons/bonjour/2").get_data(as_text=True),
    ).group(1)
    send(client, learner.id, path="salutations", note="Bravo", appointment="2027-01-05T14:00")
    files = save_pages(
        client,
        {
            "desk": "/helper/",
            "desk-search": "/helper/?q=car",
            "desk-none": "/helper/?q=zzz",
            "session": "/helper/session",
            "session-learner": f"/helper/session?learner={learner.id}",
            "learner": f"/helper/learners/{learner.id}",
            "code": ("/helper/code?code=ZZZZ", 404),  # no such step: says so
            "code-step": f"/helper/code?code={code}&learner={learner.id}",
            "password": f"/helper/learners/{learner.id}/password",
        },
        tmp_path,
    )
    posted = {
        "slip": send(
            client,
            name="Marie",
            path="salutations",
            note="Bravo",
            language="fr",
            appointment="2027-01-05T14:00",
        ),
        "session-errors": send(client, name="Carole", path="custom", **{"position-bonjour": "x"}),
        "reset": client.post(
            f"/helper/learners/{learner.id}/password",
            data={"csrf_token": fresh_form(client)["csrf_token"]},
        ),
    }
    for name, response in posted.items():
        (tmp_path / f"{name}.html").write_bytes(response.data)
        files.append(tmp_path / f"{name}.html")
    assert validate(files) == []


def test_a_learners_pages_with_an_assigned_path_are_valid_html(
    app, client, auth, paths, make_learner, make_helper, make_staff, tmp_path
):
    learner = make_learner(name="Carole")
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    send(
        client,
        learner.id,
        path="salutations",
        note="Bravo\nÀ mardi",
        appointment="2027-01-05T14:00",
    )
    send(client, learner.id, path="custom", **{"position-au-revoir": "1"})
    auth.login()
    token = csrf_token_from(client.get("/fr/lessons/bonjour/2").get_data(as_text=True))
    client.post("/help/bonjour/saluer?lang=fr", data={"csrf_token": token, "message": "?"})
    files = save_pages(client, {"home": "/fr/", "step-help": "/fr/lessons/bonjour/2"}, tmp_path)
    make_staff()
    auth.login("sophie", PASSWORDS["staff"])
    files += save_pages(client, {"staff-home": "/staff/"}, tmp_path)
    assert validate(files) == []


def test_a_phone_call_that_solved_a_problem_is_a_session_without_a_path(
    app, client, helper, paths, make_learner
):
    learner = make_learner(name="Carole")
    response = send(client, learner.id, path="none", kind="phone", minutes="15")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/helper/learners/{learner.id}"
    page = text_of(client.get(response.headers["Location"]))
    assert "La séance avec Carole est enregistrée (Au téléphone, 15 min)." in page
    [session] = saved(app)  # a session, with no path: no slip
    assert (session.kind, session.minutes, session.helper_id) == ("phone", 15, helper.id)
    assert session.lesson_ids == [] and not session.has_path
    # It is not a path: the learner's page and home page show none.
    assert "Aucun parcours n’a encore été donné." in page
    # Her page lists the session all the same: when, how, how long, by whom.
    assert "Au téléphone, 15 min" in page and "(par Richard, sans parcours)" in page


def test_a_session_with_a_path_records_how_and_how_long(app, client, helper, paths):
    response = send(client, name="Carole", path="salutations", kind="home", minutes="90")
    assert response.status_code == 200
    [session] = saved(app)
    assert (session.kind, session.minutes) == ("home", 90)
    assert session.lesson_ids == ["bonjour", "au-revoir"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "moon"}, "Veuillez indiquer comment l’aide a été donnée"),
        ({"minutes": ""}, "Veuillez taper la durée de l’aide, en minutes"),
        ({"minutes": "0"}, "un nombre de 1 à 600"),
        ({"minutes": "601"}, "un nombre de 1 à 600"),
        ({"minutes": "une heure"}, "un nombre de 1 à 600"),
    ],
)
def test_how_and_how_long_are_checked(app, client, helper, paths, fields, message):
    response = send(client, name="Carole", path="salutations", **fields)
    assert response.status_code == 400 and message in text_of(response)
    assert saved(app, HelpSession) == [] and saved(app) == []


def test_needs_help_now_lists_requests_oldest_first_then_stuck_learners_then_the_rest(
    app, client, helper, paths, make_learner
):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    first, second = make_learner("ana", name="Ana"), make_learner("bea", name="Béa")
    stuck, fine = make_learner("cleo", name="Cléo"), make_learner("dan", name="Dan")
    with app_database(app):
        HelpRequest.create(learner=second, lesson_id="bonjour", step_id="saluer", created=now)
        HelpRequest.create(
            learner=first, lesson_id="bonjour", step_id="leave", created=now - dt.timedelta(hours=3)
        )
        StepProgress.create(
            user=stuck, lesson_id="bonjour", step_id="open-door", done_at=now - dt.timedelta(days=9)
        )
        StepProgress.create(user=fine, lesson_id="bonjour", step_id="open-door", done_at=now)
    page = text_of(client.get("/helper/"))
    now_section = page[page.index("A besoin d’aide maintenant") : page.index("Autres personnes")]
    # The oldest request first, then the stuck learner with the reason; Dan is fine, later.
    assert now_section.index("Ana") < now_section.index("Béa") < now_section.index("Cléo")
    assert "Arrêt à l’étape 2 de « Dire bonjour », il y a 9 jours" in now_section
    assert "Dan" not in now_section and "Dan" in page[page.index("Autres personnes") :]


def test_a_path_begun_before_it_was_given_is_never_called_not_started(
    app, client, helper, paths, make_learner
):
    """ "4 of 24" and "has not started" never show together for one learner."""
    learner = make_learner(name="Carole")
    long_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=20)
    with app_database(app):
        StepProgress.create(
            user=learner, lesson_id="bonjour", step_id="open-door", done_at=long_ago
        )
    send(client, learner.id, path="salutations")
    with app_database(app):
        HelpSession.update(created=long_ago + dt.timedelta(days=1)).execute()
    page = text_of(client.get("/helper/"))
    assert "« Les salutations » : étapes faites, 1 sur 5" in page
    assert "N’a pas commencé" not in page


def test_what_was_left_long_ago_is_history_not_needs_help_now(
    app, client, helper, paths, make_learner
):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    old, recent = make_learner("olga", name="Olga"), make_learner("remi", name="Rémi")
    path_long_ago = make_learner("paul", name="Paul")
    send(client, path_long_ago.id, path="salutations")
    with app_database(app):
        # Olga left "Dire bonjour" at step 2 three months ago; Rémi left it nine days ago.
        StepProgress.create(
            user=old, lesson_id="bonjour", step_id="open-door", done_at=now - dt.timedelta(days=90)
        )
        StepProgress.create(
            user=recent,
            lesson_id="bonjour",
            step_id="open-door",
            done_at=now - dt.timedelta(days=9),
        )
        # Paul was given a path three months ago and never began it.
        HelpSession.update(created=now - dt.timedelta(days=90)).execute()
    page = text_of(client.get("/helper/"))
    now_section = page[page.index("A besoin d’aide maintenant") : page.index("Autres personnes")]
    assert "Rémi" in now_section and "Arrêt à l’étape 2 de « Dire bonjour », il y a 9 jours" in page
    assert "Olga" not in now_section and "Paul" not in now_section
    assert "Olga" in page and "Paul" in page
    assert "Arrêt à l’étape 2 de « Dire bonjour », il y a 90 jours" not in page
    assert "N’a pas commencé" not in page
    # Her page still tells where she stopped.
    olga = text_of(client.get(f"/helper/learners/{old.id}"))
    assert "Arrêt à l’étape 2 de « Dire bonjour », il y a 90 jours" in olga


def test_the_desk_shows_the_most_recently_active_of_many_stuck_learners(
    app, client, helper, make_learner
):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    learners = [make_learner(f"stuck{n:02d}", name=f"Bloqué {n:02d}") for n in range(33)]
    with app_database(app):
        for n, learner in enumerate(learners):  # Bloqué 00 stopped most recently
            StepProgress.create(
                user=learner,
                lesson_id="bonjour",
                step_id="open-door",
                done_at=now - dt.timedelta(days=8, minutes=n),
            )
    page = text_of(client.get("/helper/"))
    now_section = page[page.index("A besoin d’aide maintenant") : page.index("Autres personnes")]
    shown = re.findall(r"Bloqué (\d\d)", now_section)
    assert sorted(set(shown)) == [f"{n:02d}" for n in range(30)]
    assert "Voici les 30 personnes actives le plus récemment." in now_section
    # The three others are not lost: they are listed below, with where they stopped.
    others = page[page.index("Autres personnes") :]
    assert all(f"Bloqué {n}" in others for n in (30, 31, 32))
    assert page.count("Arrêt à l’étape 2 de « Dire bonjour », il y a 8 jours") == 33
    # Found by name, one of them is shown stuck.
    found = text_of(client.get("/helper/?q=Bloqué 31"))
    found_now = found[found.index("A besoin d’aide maintenant") : found.index("Personnes trouvées")]
    assert "Bloqué 31" in found_now and "Voici les" not in found_now
