"""Erasing a learner (Law 25): nothing personal left, anonymous counts kept; `purge` and the CLI."""

import datetime as dt
import json

import pytest

from coursesite import services
from coursesite.accounts.cards import issue_card
from coursesite.accounts.changes import record_change
from coursesite.data.models import (
    AccountChange,
    AnonymousHelpRequest,
    AnonymousProgress,
    AnonymousSession,
    GroupMember,
    HelpRequest,
    HelpSession,
    LearnerGroup,
    LoginFailure,
    SignInCard,
    StepProgress,
    User,
    utcnow,
)
from coursesite.data.personal_data import (
    anonymise_learner,
    export_user,
    inactive_learners,
    months_before,
    purge,
)
from coursesite.desk.help_requests import ask_for_help
from coursesite.desk.paths import assign_path
from tests.conftest import (
    FIXTURE_LESSONS,
    PASSWORDS,
    AuthActions,
    add_user,
    app_database,
    make_app,
)

pytestmark = pytest.mark.db

NOW = utcnow().replace(microsecond=0)  # the commands use the real clock


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


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        ("2026-11-26 12:00", 24, "2024-11-26 12:00"),
        ("2026-03-31 08:00", 1, "2026-02-28 08:00"),
        ("2028-03-31 08:00", 1, "2028-02-29 08:00"),
        ("2026-01-15 00:00", 13, "2024-12-15 00:00"),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(dt.datetime.fromisoformat(moment), months) == dt.datetime.fromisoformat(
        expected
    )


def ago(**kwargs) -> dt.datetime:
    return NOW - dt.timedelta(**kwargs)


@pytest.fixture
def people(app, make_learner, make_helper, make_staff):
    """Learners whose latest trace is of each kind, some old and some recent; old helper/staff."""
    users = {
        name: make_learner(name)
        for name in (
            "old",
            "old-login",
            "recent-login",
            "recent-step",
            "recent-request",
            "recent-path",
            "new",
        )
    }
    users["helper"], users["staff"] = make_helper("richard"), make_staff("sophie")
    old = ago(days=800)
    with app_database(app):
        User.update(created=old).where(User.username != "new").execute()
        User.update(created=ago(days=10)).where(User.username == "new").execute()
        User.update(last_login=ago(days=760)).where(User.username == "old-login").execute()
        User.update(last_login=ago(days=20)).where(User.username == "recent-login").execute()
        StepProgress.create(
            user=users["recent-step"].id,
            lesson_id="bonjour",
            step_id="leave",
            done_at=ago(days=100),
        )
        StepProgress.create(
            user=users["old"].id, lesson_id="bonjour", step_id="leave", done_at=ago(days=790)
        )
        HelpRequest.create(
            learner=users["recent-request"].id,
            lesson_id="bonjour",
            step_id="leave",
            created=ago(days=5),
        )
        HelpSession.create(
            learner=users["recent-path"].id,
            helper=users["helper"].id,
            title="t",
            created=ago(days=60),
        )
    return users


def test_purge_erases_only_learners_inactive_for_longer_than_the_months(app, people):
    with app.test_request_context(), app_database(app):
        found = dict(inactive_learners(24, NOW))
        assert set(found) == {people["old"].id, people["old-login"].id}
        assert found[people["old"].id] == ago(days=790)  # its last step, not its creation
        assert purge(24, NOW) == sorted(found)
        erased = {u.id for u in User.select().where(User.anonymised_at.is_null(False))}
        assert erased == set(found)
        assert inactive_learners(24, NOW) == []  # done once: a second run finds nobody
        # With shorter limits, more learners are inactive; helpers and staff never are.
        assert {i for i, _ in inactive_learners(3, NOW)} == {people["recent-step"].id}
        assert {i for i, _ in inactive_learners(1, NOW)} == {
            people["recent-step"].id,
            people["recent-path"].id,
        }


def test_coursesite_purge_dry_run_names_no_one_and_changes_nothing(app, runner, people):
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 learner accounts" in result.output and "Nothing was changed" in result.output
    assert f"account {people['old'].id}, last activity" in result.output
    assert "old-login" not in result.output  # accounts are named by their id only
    with app_database(app):
        assert User.select().where(User.anonymised_at.is_null(False)).count() == 0
    result = runner.invoke(args=["purge", "--months", "1"])
    assert result.exit_code == 0 and "Anonymised 4 learner accounts" in result.output
    assert runner.invoke(args=["purge", "--months", "0"]).exit_code == 2


def test_coursesite_purge_reads_purge_after_months(tmp_path):
    app = make_app(tmp_path / "other", FIXTURE_LESSONS, PURGE_AFTER_MONTHS=1)
    learner = add_user(app, "lea")
    with app_database(app):
        User.update(created=utcnow() - dt.timedelta(days=45)).where(User.id == learner.id).execute()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert (
        "Anonymised 1 learner accounts" in result.output and "more than 1 months" in result.output
    )


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
