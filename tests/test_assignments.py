"""Assigned paths: what is stored, how lessons are looked up, and the learner's "My path"."""

import datetime as dt
import json
import re
import shutil

import pytest

from coursesite.accounts import cards
from coursesite.data.models import HelpRequest, HelpSession, StepProgress, User
from coursesite.desk import paths as help_sessions
from coursesite.learn.progress import Progress
from coursesite.learn.progress_stores import AccountStore
from tests.conftest import PASSWORDS, AuthActions, app_database

pytestmark = pytest.mark.db  # also on PostgreSQL when COURSESITE_TEST_POSTGRES is set

PATHS_YML = """\
- id: salutations
  title: {fr: Les salutations, en: Greetings}
  description: {fr: Dire bonjour et au revoir., en: Say hello and goodbye.}
  lessons: [bonjour, au-revoir, pas-encore-ecrite]
"""
AU_REVOIR = {
    "fr": "---\ntitle: Dire au revoir\nsummary: s\nduration: 7\n---\n## Saluer {#wave}\n\nx\n\n"
    "## Partir {#go}\n\ny\n",
    "en": "---\ntitle: Say goodbye\nsummary: s\nduration: 7\n---\n## Wave {#wave}\n\nx\n\n"
    "## Go {#go}\n\ny\n",
}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def add_path_lessons(lessons_dir):
    """Add a second lesson and a paths.yml naming both lessons and one not written yet."""
    for lang, text in AU_REVOIR.items():
        (lessons_dir / lang / "au-revoir").mkdir()
        (lessons_dir / lang / "au-revoir" / "lesson.md").write_text(text, encoding="utf-8")
    (lessons_dir / "paths.yml").write_text(PATHS_YML, encoding="utf-8")
    return lessons_dir


@pytest.fixture
def paths(lessons_dir):
    return add_path_lessons(lessons_dir)


def assign(app, learner, lesson_ids=("bonjour", "au-revoir"), helper=None, **fields):
    with app.test_request_context("/fr/"), app_database(app):
        return help_sessions.assign_path(
            User.get_by_id(learner.id), helper, list(lesson_ids), **fields
        )


def state(app, help_session, lang="fr"):
    with app.test_request_context(f"/{lang}/"), app_database(app):
        learner = User.get_by_id(help_session.learner_id)
        return help_sessions.path_state(
            HelpSession.get_by_id(help_session.id), lang, Progress(AccountStore(learner))
        )


def test_assigning_a_named_path_keeps_its_lessons_and_its_title_in_the_learners_language(
    app, paths, make_learner
):
    learner = make_learner(language="en")
    saved = assign(app, learner, ["bonjour", "au-revoir"], path_id="salutations")
    assert saved.lesson_ids == ["bonjour", "au-revoir"] and saved.title == "Greetings"
    assert saved.language == "en" and saved.path_id == "salutations"
    assert state(app, saved, "fr").title == "Les salutations"  # read in the reader's language
    assert state(app, saved, "en").minutes == 5 + 7


def test_a_custom_assignment_keeps_the_helpers_order_and_a_default_title(app, paths, make_learner):
    saved = assign(app, make_learner(), ["au-revoir", "bonjour"])
    assert saved.path_id is None and saved.title == ""
    shown = state(app, saved)
    assert shown.title == "Leçons choisies pour vous"
    assert [item.lesson.title for item in shown.lessons] == ["Dire au revoir", "Dire bonjour"]


def test_paths_are_assigned_to_learners_only_and_never_empty(app, paths, make_learner, make_helper):
    with pytest.raises(ValueError):
        assign(app, make_helper())
    with pytest.raises(ValueError):
        assign(app, make_learner(), [])
    with pytest.raises(ValueError):
        assign(app, make_learner("anne"), path_id="nope")


def test_assigned_progress_counts_steps_by_id_and_finds_the_next_one(app, paths, make_learner):
    learner = make_learner()
    saved = assign(app, learner)
    with app_database(app):
        for step_id in ("open-door", "saluer", "leave", "wave"):
            StepProgress.create(
                user=learner,
                lesson_id="bonjour" if step_id != "wave" else "au-revoir",
                step_id=step_id,
            )
    shown = state(app, saved)
    assert (shown.done, shown.total) == (4, 5)
    assert shown.lessons[0].finished and not shown.lessons[1].finished
    assert (shown.next.lesson_id, shown.next.next_number) == ("au-revoir", 2)
    assert not shown.finished


def test_an_assignment_survives_lessons_and_paths_that_are_gone(
    app, client, auth, paths, make_learner
):
    learner = make_learner()
    saved = assign(app, learner, ["au-revoir", "bonjour"], path_id="salutations")
    shutil.rmtree(paths / "fr" / "au-revoir")
    shutil.rmtree(paths / "en" / "au-revoir")
    (paths / "paths.yml").unlink()
    shown = state(app, saved)
    assert shown.title == "Les salutations"  # the title kept when it was assigned
    assert shown.lessons[0].lesson is None and shown.lessons[1].lesson.id == "bonjour"
    assert shown.next.lesson_id == "bonjour"
    auth.login()
    page = text_of(client.get("/fr/"))
    assert "Une leçon qui n’est plus offerte" in page and "Dire bonjour" in page


def test_a_lesson_missing_in_the_readers_language_is_found_in_another(
    app, paths, make_learner, lessons_dir
):
    shutil.rmtree(lessons_dir / "en" / "au-revoir")
    saved = assign(app, make_learner(language="en"))
    assert state(app, saved, "en").lessons[1].lesson.lang == "fr"


def test_a_damaged_assignment_lesson_list_reads_as_empty():
    assert HelpSession(lessons="not json").lesson_ids == []
    assert HelpSession(lessons='{"a": 1}').lesson_ids == []
    assert HelpSession(lessons='["a", 2, "b"]').lesson_ids == ["a", "b"]


def test_deleting_a_learner_deletes_their_assignments_but_a_helpers_deletion_keeps_them(
    app, paths, make_learner, make_helper
):
    learner, other, helper = make_learner(), make_learner("anne"), make_helper()
    assign(app, learner, helper=helper)
    kept = assign(app, other, helper=helper)
    with app_database(app):
        HelpRequest.create(learner=learner, lesson_id="bonjour", step_id="saluer")
        User.get_by_id(learner.id).delete_instance()
        User.get_by_id(helper.id).delete_instance()
        assert HelpRequest.select().count() == 0
        assert [a.id for a in HelpSession.select()] == [kept.id]
        assert HelpSession.get_by_id(kept.id).helper is None


def test_my_path_on_the_learners_home_shows_the_newest_assignment_first(
    app, client, auth, paths, make_learner
):
    learner = make_learner()
    assign(app, learner, ["au-revoir"], note_for_learner="Ancien mot")
    newest = assign(
        app,
        learner,
        ["bonjour", "au-revoir"],
        path_id="salutations",
        note_for_learner="Bravo Carole!\nÀ mardi.",
        private_note="Notes privées",
        next_appointment=dt.datetime(2027, 1, 5, 14, 0),
    )
    with app_database(app):
        HelpSession.update(created=newest.created + dt.timedelta(seconds=1)).where(
            HelpSession.id == newest.id
        ).execute()
        StepProgress.create(user=learner, lesson_id="bonjour", step_id="open-door")
    auth.login()
    page = text_of(client.get("/fr/"))
    mine = page[page.index("Mon parcours") : page.index("Choisissez une leçon")]
    assert mine.index("Les salutations") < mine.index("1 parcours précédent")
    assert (
        "Étapes faites dans ce parcours : 1 sur 5" in mine and '<progress max="5" value="1"' in mine
    )
    assert 'href="/fr/lessons/bonjour/2">Continuer' in mine
    assert "Bravo Carole!\nÀ mardi." in client.get("/fr/").get_data(as_text=True)
    assert "Prochain rendez-vous : mardi 5 janvier 2027 à 14:00" in mine
    assert "<details" in mine and "Ancien mot" in mine  # earlier paths, folded
    assert "Notes privées" not in page  # for helpers only
    assert "Continuer là où vous étiez" not in page  # one obvious next action: the path's


def test_a_finished_assignment_congratulates_and_continue_where_you_left_off_returns(
    app, client, auth, paths, make_learner
):
    learner = make_learner()
    assign(app, learner, ["au-revoir"])
    with app_database(app):
        for step_id in ("wave", "go"):
            StepProgress.create(user=learner, lesson_id="au-revoir", step_id=step_id)
        StepProgress.create(user=learner, lesson_id="bonjour", step_id="open-door")
    auth.login()
    page = text_of(client.get("/fr/"))
    assert "Vous avez fait toutes les leçons de ce parcours. Bravo!" in page
    assert "Continuer là où vous étiez" in page


def test_the_slip_qr_of_an_assigned_path_opens_its_next_step_not_done(
    app, client, paths, make_learner
):
    learner = make_learner(language="en")
    assign(app, learner, ["au-revoir", "bonjour"])
    with app_database(app):
        StepProgress.create(user=learner, lesson_id="au-revoir", step_id="wave")
        StepProgress.create(user=learner, lesson_id="bonjour", step_id="open-door")  # later
        token = cards.issue_card(User.get_by_id(learner.id))
    response = AuthActions(client).open_card(token)
    assert response.headers["Location"] == "/en/lessons/au-revoir/2"


def test_visitors_and_helpers_have_no_assigned_path_on_their_home(client, auth, paths, make_helper):
    assert "Mon parcours" not in text_of(client.get("/fr/"))
    make_helper()
    auth.login("richard", PASSWORDS["helper"])
    assert "Mon parcours" not in text_of(client.get("/fr/"))


def test_the_learners_export_holds_their_assignments_and_help_requests(
    app, runner, paths, make_learner, make_helper
):
    learner = make_learner()
    assign(
        app,
        learner,
        helper=make_helper(),
        private_note="Lunettes",
        next_appointment=dt.datetime(2027, 1, 5, 14, 0),
    )
    with app_database(app):
        HelpRequest.create(learner=learner, lesson_id="bonjour", step_id="saluer", message="Aide")
    exported = json.loads(runner.invoke(args=["export-learner", "carole"]).output)
    [given] = exported["paths"]
    assert given["lessons"] == ["bonjour", "au-revoir"] and given["given_by"] == "richard"
    assert given["private_note"] == "Lunettes" and given["next_appointment"] == "2027-01-05T14:00"
    assert exported["help_requests"][0]["message"] == "Aide"
