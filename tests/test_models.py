"""Account tables: no email, hashed passwords, progress keyed by lesson and step ids."""

import pytest
from peewee import IntegrityError

from coursesite import services
from coursesite.accounts.users import AccountError, create_user
from coursesite.data.models import LoginFailure, SignInCard, StepProgress, User
from tests.conftest import app_database

pytestmark = pytest.mark.db


@pytest.mark.real_password_hashing
def test_a_user_has_no_email_and_a_salted_modern_password_hash(app, make_learner):
    make_learner(name="Carole", language="fr")
    with app_database(app):
        user = User.get(User.username == "carole")
        assert not any("mail" in name for name in User._meta.fields)
        # A real account gets scrypt at full cost (the other tests use cheap parameters).
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert "piano47" not in user.password_hash
        assert (user.display_name, user.role, user.language) == ("Carole", "learner", "fr")
        other = create_user("carole2", password="piano47")[0]
        assert other.password_hash != user.password_hash  # salted


def test_usernames_are_unique_whatever_their_capitals(app, make_learner):
    make_learner("carole")
    with app_database(app), pytest.raises(AccountError) as error:
        create_user("  CAROLE ", password="piano47")
    assert "déjà pris" in str(error.value)  # the site default language, outside a request


def test_each_step_is_stored_once_per_person(app, make_learner):
    user = make_learner()
    with app_database(app):
        StepProgress.create(user=user, lesson_id="bonjour", step_id="open-door")
        with pytest.raises(IntegrityError):
            StepProgress.create(user=user, lesson_id="bonjour", step_id="open-door")


def test_deleting_a_person_deletes_their_progress_and_cards(app, make_learner):
    user = make_learner()
    with app_database(app):
        StepProgress.create(user=user, lesson_id="bonjour", step_id="open-door")
        SignInCard.create(user=user, token_hash="0" * 64)
        User.get_by_id(user.id).delete_instance()
        assert StepProgress.select().count() == 0 and SignInCard.select().count() == 0


def test_roles_are_ranked_learner_helper_staff(app, make_learner, make_helper, make_staff):
    learner, helper, staff = make_learner(), make_helper(), make_staff()
    assert learner.has_role("learner") and not learner.has_role("helper")
    assert helper.has_role("learner") and helper.has_role("helper") and not helper.has_role("staff")
    assert staff.has_role("helper") and staff.has_role("staff")
    assert not staff.has_role("admin")


def test_display_preferences_fall_back_to_defaults(app, make_learner):
    user = make_learner()
    defaults = {"text_size": "100", "contrast": "normal", "motion": "normal"}
    assert user.display_preferences == defaults
    user.preferences = '{"text_size": "200", "contrast": "high", "junk": 1}'
    assert user.display_preferences == {**defaults, "text_size": "200", "contrast": "high"}
    user.preferences = '{"text_size": "enormous", "motion": ["x"]}'
    assert user.display_preferences == defaults
    user.preferences = "not json"
    assert user.display_preferences == defaults


def test_the_cookie_key_names_a_sign_in_and_its_secret_never_the_account(app, make_learner):
    from coursesite.accounts import sign_ins

    user = make_learner()
    assert user.get_id() is None  # not signed in anywhere: nothing to put in a cookie
    with app_database(app):
        first = sign_ins.start(user, remember=False)
        second = sign_ins.start(user, remember=False)
    assert user.get_id() == second != first
    row_id, secret = second.split(":")
    with app_database(app):
        from coursesite.data.models import SignIn

        row = SignIn.get_by_id(int(row_id))  # the sign-in's row, not the account's id
        assert row.user_id == user.id and secret not in row.secret_hash
    assert len(secret) >= 40  # 32 random bytes


def test_every_table_is_created_on_a_fresh_database(app):
    with app_database(app):
        db = services.database(app)
        for model in (User, StepProgress, SignInCard, LoginFailure):
            assert db.table_exists(model._meta.table_name)
