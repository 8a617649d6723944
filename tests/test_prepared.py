"""Queries whose SQL is built once give exactly what the same peewee query gives."""

import datetime as dt

import pytest

from coursesite.accounts.sign_ins import OPEN_SIGN_IN
from coursesite.data.models import HelpRequest, StepProgress, utcnow
from coursesite.data.prepared import PreparedQuery, slot
from coursesite.desk.help_requests.help_requests import REQUESTS_ON_A_STEP
from coursesite.learn.progress_stores import DONE_STEPS
from tests.conftest import add_user, app_database

pytestmark = pytest.mark.db


def test_each_run_takes_its_own_values(app):
    carole = add_user(app, "carole")
    mamadou = add_user(app, "mamadou")
    with app_database(app):
        for user, step in ((carole, "a"), (carole, "b"), (mamadou, "c")):
            StepProgress.create(user=user, lesson_id="bonjour", step_id=step, done_at=utcnow())
        for user in (carole, mamadou, carole):  # the SQL is made once, then reused
            plain = list(
                StepProgress.select(
                    StepProgress.lesson_id, StepProgress.step_id, StepProgress.done_at
                )
                .where(StepProgress.user == user)
                .tuples()
            )
            prepared = list(DONE_STEPS.rows(user=user))
            assert prepared == plain and prepared
            assert all(isinstance(done_at, dt.datetime) for *_, done_at in prepared)
        assert {step for _, step, _ in DONE_STEPS.rows(user=mamadou)} == {"c"}


def test_a_joined_row_comes_back_whole(app, auth):
    add_user(app, "carole", name="Carole")
    assert auth.login("carole").status_code in (200, 302, 303)
    with app_database(app):
        from coursesite.data.models import SignIn

        row_id = SignIn.select().order_by(SignIn.id.desc()).get().id
        row = OPEN_SIGN_IN.first(id=row_id)
        assert (
            row.id == row_id and row.user.username == "carole" and row.user.display_name == "Carole"
        )
        assert OPEN_SIGN_IN.first(id=row_id + 1000) is None


def test_later_runs_read_rows_with_the_first_runs_column_work(app):
    # The reader's column work is kept from the first run: later rows must still land in
    # the right fields of the right models, for each person.
    people = [
        add_user(app, username, name=name)
        for username, name in (("carole", "Carole"), ("mamadou", "Mamadou"))
    ]
    with app_database(app):
        from coursesite.accounts import sign_ins
        from coursesite.data.models import SignIn

        for person in people:
            sign_ins.start(person, remember=False)

        rows = list(SignIn.select().order_by(SignIn.id))
        assert len(rows) == 2
        for _ in range(3):
            for expected in rows:
                row = OPEN_SIGN_IN.first(id=expected.id)
                assert (row.id, row.secret_hash, row.user.username, row.user.display_name) == (
                    expected.id,
                    expected.secret_hash,
                    expected.user.username,
                    expected.user.display_name,
                )
                assert row.created == expected.created and row.user.id == expected.user.id


def _same_instance(made, expected) -> None:
    """Assert that a model instance is the one peewee's reader makes, value for value."""
    assert type(made) is type(expected)
    assert made.__data__ == expected.__data__
    assert {name: type(value) for name, value in made.__data__.items()} == {
        name: type(value) for name, value in expected.__data__.items()
    }
    assert not made._dirty  # read, not changed: saving it writes nothing


def test_a_sign_in_and_its_account_are_made_as_peewees_reader_makes_them(app, auth):
    add_user(app, "carole", name="Carole")
    assert auth.login("carole").status_code in (200, 302, 303)
    with app_database(app):
        from coursesite.data.models import SignIn, User

        expected = SignIn.select(SignIn, User).join(User).order_by(SignIn.id.desc()).get()
        assert OPEN_SIGN_IN._maker is not None or OPEN_SIGN_IN.first(id=expected.id)
        made = OPEN_SIGN_IN.first(id=expected.id)
        assert OPEN_SIGN_IN._maker is not None  # not peewee's reader
        _same_instance(made, expected)
        _same_instance(made.user, expected.user)
        assert made.__rel__["user"] is made.user  # linked, not read again
        assert made.user_id == made.user.id and made.card is None
        assert isinstance(made.created, dt.datetime) and made.remember is False
        assert made.user.active is True and made.ended is None
        # Changed and saved as peewee's own would be: only what changed.
        made.user.display_name = "Carole B."
        assert made.user._dirty == {"display_name"}
        made.user.save()
        assert User.get_by_id(made.user.id).display_name == "Carole B."


def test_an_outer_join_without_its_row_links_none_as_peewee_does(app, auth):
    from peewee import JOIN

    from coursesite.data.models import SignIn, SignInCard

    add_user(app, "carole")
    assert auth.login("carole").status_code in (200, 302, 303)
    query = PreparedQuery(
        lambda: (
            SignIn.select(SignIn, SignInCard)
            .join(SignInCard, JOIN.LEFT_OUTER)
            .where(SignIn.id == slot("id", SignIn.id))
        )
    )
    with app_database(app):
        row_id = SignIn.select().order_by(SignIn.id.desc()).get().id
        expected = (
            SignIn.select(SignIn, SignInCard)
            .join(SignInCard, JOIN.LEFT_OUTER)
            .where(SignIn.id == row_id)
            .get()
        )
        made = query.first(id=row_id)
        assert query._maker is not None
        _same_instance(made, expected)
        assert made.__rel__ == expected.__rel__ == {"card": None}


def test_queries_of_other_shapes_keep_peewees_reader(app):
    from peewee import fn

    from coursesite.data.models import HelpRequest, User
    from coursesite.learn.progress_stores import LAST_DONE

    carole = add_user(app, "carole")
    # Joined by one of three keys to User: which one, only peewee's join knows.
    by_learner = PreparedQuery(
        lambda: (
            HelpRequest.select(HelpRequest, User)
            .join(User, on=HelpRequest.learner)
            .where(HelpRequest.learner == slot("learner", HelpRequest.learner))
        )
    )
    with app_database(app):
        earlier = utcnow() - dt.timedelta(days=2)
        for step, when in (("a", earlier), ("b", utcnow())):
            StepProgress.create(user=carole, lesson_id="bonjour", step_id=step, done_at=when)
        HelpRequest.create(learner=carole, lesson_id="bonjour", step_id="a")
        latest = LAST_DONE.rows(user=carole)  # a function's value: the latest step
        assert LAST_DONE._maker is None
        assert latest == list(
            StepProgress.select(StepProgress.lesson_id, fn.MAX(StepProgress.done_at))
            .where(StepProgress.user == carole)
            .group_by(StepProgress.lesson_id)
            .tuples()
        )
        assert isinstance(latest[0][1], dt.datetime)
        (request,) = by_learner.rows(learner=carole)
        assert by_learner._maker is None
        assert request.learner.username == "carole" and request.step_id == "a"


def test_dates_compare_as_the_database_stores_them(app):
    carole = add_user(app, "carole")
    now = utcnow()
    with app_database(app):
        for days, handled in (
            (0, None),
            (1, now - dt.timedelta(days=1)),
            (9, now - dt.timedelta(days=9)),
        ):
            HelpRequest.create(
                learner=carole,
                lesson_id="bonjour",
                step_id="open-door",
                created=now - dt.timedelta(days=days),
                handled_at=handled,
            )
        since = now - dt.timedelta(days=3)
        found = list(
            REQUESTS_ON_A_STEP.rows(
                learner=carole, since=since, lesson_id="bonjour", step_id="open-door"
            )
        )
        # Open, and handled two days ago; not the one handled nine days ago. Newest first.
        assert [(r.created.date(), r.handled_at is None) for r in found] == [
            (now.date(), True),
            ((now - dt.timedelta(days=1)).date(), False),
        ]
        assert (
            list(
                REQUESTS_ON_A_STEP.rows(
                    learner=carole, since=since, lesson_id="bonjour", step_id="x"
                )
            )
            == []
        )


def test_a_value_left_open_is_required(app):
    query = PreparedQuery(
        lambda: StepProgress.select().where(
            StepProgress.step_id == slot("step", StepProgress.step_id)
        )
    )
    with app_database(app), pytest.raises(KeyError):
        list(query.rows())


def test_plain_rows_are_the_databases_own_rows_for_each_runs_values(app):
    from coursesite.learn.progress_stores import LESSON_STEPS_DONE, STEPS_DONE

    carole = add_user(app, "carole")
    mamadou = add_user(app, "mamadou")
    with app_database(app):
        for user, lesson, step in (
            (carole, "bonjour", "a"),
            (carole, "visite", "b"),
            (mamadou, "bonjour", "c"),
        ):
            StepProgress.create(user=user, lesson_id=lesson, step_id=step, done_at=utcnow())
        for user in (carole, mamadou, carole):  # the SQL is made once, then reused
            plain = StepProgress.select(StepProgress.lesson_id, StepProgress.step_id).where(
                StepProgress.user == user
            )
            assert sorted(STEPS_DONE.plain_rows(user=user)) == sorted(plain.tuples())
        assert LESSON_STEPS_DONE.plain_rows(user=carole, lesson="visite") == [("b",)]
        assert LESSON_STEPS_DONE.plain_rows(user=mamadou, lesson="visite") == []
        assert all(
            type(step) is str
            for (step,) in LESSON_STEPS_DONE.plain_rows(user=carole, lesson="bonjour")
        )
