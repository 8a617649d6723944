"""Erasing a learner (Law 25): nothing personal left, anonymous counts kept; the CLI."""

import json

import pytest

from coursesite import services
from coursesite.accounts.cards import issue_card
from coursesite.accounts.changes import record_change
from coursesite.data.models import (
    AccountChange,
    GroupMember,
    HelpRequest,
    HelpSession,
    LearnerGroup,
    LoginFailure,
    SignInCard,
    StepProgress,
    User,
)
from coursesite.data.privacy.anonymous_models import (
    AnonymousHelpRequest,
    AnonymousProgress,
    AnonymousSession,
)
from coursesite.data.privacy.erasure import anonymise_learner
from coursesite.data.privacy.personal_export import export_user
from coursesite.desk.help_requests.help_requests import ask_for_help
from coursesite.desk.paths import assign_path
from tests.conftest import (
    FIXTURE_LESSONS,
    PASSWORDS,
    AuthActions,
    app_database,
    make_app,
)

pytestmark = pytest.mark.db


@pytest.fixture
def carole(app, make_learner, make_helper):
    """A learner with everything a learner can have: progress, a path, a request, a card."""
    learner = make_learner("carole", name="Carole Tremblay")
    helper = make_helper("richard")
    with app.test_request_context(), app_database(app):
        StepProgress.create(user=learner.id, lesson_id="bonjour", step_id="open-door")
        StepProgress.create(user=learner.id, lesson_id="bonjour", step_id="leave")
        assign_path(
            learner,
            helper,
            ["bonjour"],
            note_for_learner="Bravo Carole",
            private_note="Vit seule, malentendante",
            kind="home",
            minutes=45,
        )
        ask_for_help(learner, "bonjour", "leave", "Mon fils m'aide d'habitude", "418 555-0199")
        GroupMember.create(group=LearnerGroup.create(name="Atelier"), learner=learner.id)
        record_change(learner, helper, "renamed", "Carole T.", "Carole Tremblay")
        issue_card(learner)
        LoginFailure.create(username="carole", address="x" * 32)
        User.update(preferences='{"text_size": "150"}', language="en").where(
            User.id == learner.id
        ).execute()
    return learner


def test_erasing_keeps_no_personal_data_but_the_anonymous_counts(app, carole):
    with app_database(app):
        before = export_user(User.get_by_id(carole.id))
        anonymise_learner(User.get_by_id(carole.id))
        tombstone = User.get_by_id(carole.id)
        assert tombstone.username.startswith("deleted-") and len(tombstone.username) == 24
        assert tombstone.display_name == "" and tombstone.preferences == "{}"
        assert tombstone.last_login is None and not tombstone.active
        assert tombstone.anonymised_at is not None and tombstone.language == "fr"
        assert "$" not in tombstone.password_hash  # no password can ever match it
        for model, field in (
            (StepProgress, StepProgress.user),
            (HelpSession, HelpSession.learner),
            (HelpRequest, HelpRequest.learner),
            (SignInCard, SignInCard.user),
            (HelpSession, HelpSession.learner),
            (GroupMember, GroupMember.learner),
            (AccountChange, AccountChange.subject),
        ):
            assert model.select().where(field == carole.id).count() == 0
        assert LoginFailure.select().count() == 0
        keys = {
            row.learner_key
            for model in (AnonymousProgress, AnonymousSession, AnonymousHelpRequest)
            for row in model.select()
        }
        assert len(keys) == 1 and carole.username not in keys.pop()
        assert AnonymousProgress.select().count() == len(before["progress"]) == 2
        session = AnonymousSession.get()
        assert (session.helper.username, session.kind, session.minutes) == ("richard", "home", 45)
        assert AnonymousHelpRequest.get().step_id == "leave"
        # Nothing anywhere in the database still says who she was.
        everything = json.dumps(
            [
                list(m.select().dicts())
                for m in (User, AnonymousProgress, AnonymousSession, AnonymousHelpRequest)
            ],
            default=str,
        )
        for personal in (
            "Carole",
            "carole",
            "Tremblay",
            "malentendante",
            "Mon fils",
            "Bravo",
            "555-0199",
        ):
            assert personal not in everything


def test_an_erased_learner_cannot_sign_in_and_is_gone_from_the_desks(
    app, client, carole, make_staff
):
    learner_client = app.test_client()
    assert AuthActions(learner_client).login("carole").status_code == 303
    with app_database(app):
        anonymise_learner(User.get_by_id(carole.id))
    # Her open session ends at once, and her password no longer works.
    assert learner_client.get("/fr/").get_data(as_text=True).count("Carole") == 0
    assert "Carole" not in learner_client.get("/helper/").get_data(as_text=True)
    page = AuthActions(client).login("carole").get_data(as_text=True)
    assert "Le nom d’utilisateur ou le mot de passe n’est pas bon" in page
    make_staff("sophie")
    AuthActions(client).login("sophie", PASSWORDS["staff"])
    for path in ("/helper/", "/staff/learners"):
        assert "Carole" not in client.get(path).get_data(as_text=True)
    assert client.get(f"/helper/learners/{carole.id}").status_code == 404
    assert client.get(f"/staff/learners/{carole.id}").status_code == 404


def test_only_learners_not_erased_yet_can_be_erased(app, carole, make_helper):
    helper = make_helper("marc")
    with app_database(app):
        with pytest.raises(ValueError):
            anonymise_learner(User.get_by_id(helper.id))
        anonymise_learner(User.get_by_id(carole.id))
        with pytest.raises(ValueError):
            anonymise_learner(User.get_by_id(carole.id))


def test_coursesite_delete_learner_asks_first_and_refuses_other_roles(app, runner, carole):
    result = runner.invoke(args=["delete-learner", "Carole"], input="n\n")
    assert result.exit_code == 1 and "Carole Tremblay" in result.output
    with app_database(app):
        assert User.get_by_id(carole.id).anonymised_at is None
    result = runner.invoke(args=["delete-learner", "carole"], input="y\n")
    assert result.exit_code == 0 and "is deleted" in result.output
    with app_database(app):
        assert User.get_by_id(carole.id).anonymised_at is not None
    result = runner.invoke(args=["delete-learner", "carole", "--yes"])
    assert result.exit_code == 1 and "no account" in result.output
    result = runner.invoke(args=["delete-learner", "richard", "--yes"])
    assert result.exit_code == 1 and "helper's account" in result.output


def test_an_upgraded_first_release_database_gets_the_anonymous_tables(tmp_path):
    from tests.test_migrations import v1_database

    v1_database(tmp_path / "instance")
    app = make_app(tmp_path, FIXTURE_LESSONS)
    db = services.database(app)
    with app_database(app):
        assert {"anonymousprogress", "anonymoussession", "anonymoushelprequest"} <= set(
            db.get_tables()
        )
        anonymise_learner(User.get(User.username == "carole"))
        assert AnonymousProgress.select().count() == 2 and AnonymousSession.select().count() == 1
