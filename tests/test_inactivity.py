"""Learners inactive for long (Law 25): who they are, `coursesite purge` and its settings."""

import datetime as dt

import pytest

from coursesite.data.models import (
    HelpRequest,
    HelpSession,
    StepProgress,
    User,
    utcnow,
)
from coursesite.data.privacy.inactivity import inactive_learners, months_before, purge
from tests.conftest import (
    FIXTURE_LESSONS,
    add_user,
    app_database,
    make_app,
)

pytestmark = pytest.mark.db

NOW = utcnow().replace(microsecond=0)  # the commands use the real clock


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
