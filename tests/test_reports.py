"""The report's numbers: periods in the lab's time, learners only, and unchanged by erasure."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coursesite import services
from coursesite.data.models import (
    GroupMember,
    HelpRequest,
    HelpSession,
    LearnerGroup,
    StepProgress,
    User,
)
from coursesite.data.privacy.erasure import anonymise_learner
from coursesite.staff.reports.periods import Period, presets
from coursesite.staff.reports.reports import bar_widths, build_report
from tests.conftest import app_database

pytestmark = pytest.mark.db

QUEBEC = ZoneInfo("America/Toronto")  # Quebec City keeps Eastern time
OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_a_period_is_whole_local_days_turned_into_utc_bounds():
    # October 1st starts at 04:00 UTC (daylight time); November 1st still does, the clocks
    # going back at 2:00 that night. In December, midnight is 05:00 UTC.
    assert OCTOBER.bounds(QUEBEC) == (utc("2026-10-01 04:00"), utc("2026-11-01 04:00"))
    december = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert december.bounds(QUEBEC) == (utc("2026-12-01 05:00"), utc("2026-12-02 05:00"))


def test_the_preset_periods():
    found = presets(dt.date(2026, 3, 15))
    assert found["last-30-days"] == Period(dt.date(2026, 2, 14), dt.date(2026, 3, 15))
    assert found["this-month"] == Period(dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    assert found["last-month"] == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert found["this-year"] == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 15))
    assert presets(dt.date(2026, 1, 10))["last-month"] == Period(
        dt.date(2025, 12, 1), dt.date(2025, 12, 31)
    )


def test_bar_widths_are_shares_of_the_largest():
    assert bar_widths([4, 2, 0]) == [100.0, 50.0, 0.0]
    assert bar_widths([0, 0]) == [0, 0]
    assert bar_widths([]) == []


@pytest.fixture
def october(app, make_learner, make_helper, make_staff):
    """Two learners' October at the lab, with a helper and staff trying lessons out."""
    carole, eve = make_learner("carole"), make_learner("eve")
    richard, sophie = make_helper("richard"), make_staff("sophie")
    with app_database(app):
        User.update(created=utc("2026-10-03 15:00")).where(User.id == carole.id).execute()
        User.update(created=utc("2026-08-01 15:00")).where(User.id != carole.id).execute()
        for user, step, when in [
            (carole, "open-door", "2026-10-05 12:00"),
            (carole, "saluer", "2026-10-05 12:05"),
            (carole, "leave", "2026-10-06 12:00"),  # Carole finishes the French lesson
            (eve, "open-door", "2026-09-20 12:00"),  # started before October
            (eve, "saluer", "2026-10-31 03:30"),  # October 30th, 23:30 in Quebec
            (eve, "leave", "2026-11-01 03:59"),  # October 31st, 23:59: finishes the English one
            (richard, "open-door", "2026-10-10 12:00"),  # helpers and staff do not count
            (sophie, "open-door", "2026-10-10 12:00"),
        ]:
            StepProgress.create(user=user.id, lesson_id="bonjour", step_id=step, done_at=utc(when))
        StepProgress.create(
            user=carole.id, lesson_id="bonjour", step_id="extra", done_at=utc("2026-11-01 04:00")
        )  # November 1st: after the period
        for learner, helper, when, kind, minutes in [
            (carole, richard, "2026-10-03 15:10", "lab", 60),
            (carole, richard, "2026-10-20 15:10", "phone", 15),
            (eve, sophie, "2026-10-21 15:10", "home", 90),
            (eve, richard, "2026-09-21 15:10", "lab", 30),  # before the period
        ]:
            HelpSession.create(
                learner=learner.id,
                helper=helper.id,
                lessons='["bonjour"]',
                title="Premiers pas",
                created=utc(when),
                private_note="Elle vit seule",
                kind=kind,
                minutes=minutes,
            )
        HelpRequest.create(
            learner=carole.id,
            lesson_id="bonjour",
            step_id="saluer",
            message="Je ne trouve pas",
            created=utc("2026-10-05 12:10"),
            handled_at=utc("2026-10-05 13:00"),
        )
        HelpRequest.create(
            learner=eve.id,
            lesson_id="bonjour",
            step_id="saluer",
            message="Aide",
            created=utc("2026-09-25 12:00"),
            handled_at=utc("2026-10-02 13:00"),
        )
    return {"carole": carole, "eve": eve, "richard": richard, "sophie": sophie}


def report_of(app, period=OCTOBER):
    with app_database(app):
        return build_report(period, services.catalogue(app), app.config["LANGUAGES"], QUEBEC)


def numbers(report) -> dict:
    """Return everything a report says, as plain values to compare."""
    return {
        "figures": (
            report.active_learners,
            report.new_learners,
            report.sessions,
            report.lessons_started,
            report.lessons_finished,
            report.requests_opened,
            report.requests_handled,
        ),
        "helpers": [
            (row.helper.username if row.helper else None, row.sessions) for row in report.helpers
        ],
        "kinds": [(k.kind, k.sessions, k.minutes) for k in report.kinds],
        "minutes": report.minutes,
        "steps": {
            lesson.lesson_id: (
                lesson.learners,
                [(s.step_id, s.numbers, s.learners) for s in lesson.steps],
            )
            for lesson in report.lessons
        },
    }


def test_the_october_report_counts_learners_only_in_whole_local_days(app, october):
    found = numbers(report_of(app))
    # Active: Carole and Ève. New: Carole. Sessions: three. Started: Carole's (Ève began in
    # September). Finished: Carole (French) and Ève (English: its two steps). Requests: one
    # opened (Carole's), two handled (Carole's and Ève's September one).
    assert found["figures"] == (2, 1, 3, 1, 2, 1, 2)
    assert found["helpers"] == [("richard", 2), ("sophie", 1)]
    assert found["steps"]["bonjour"] == (
        2,
        [
            ("open-door", {"fr": 1, "en": 1}, 1),
            ("saluer", {"fr": 2}, 2),
            ("leave", {"fr": 3, "en": 2}, 2),
        ],
    )


def test_an_empty_period_has_zeroes_and_every_lesson(app, october):
    found = numbers(report_of(app, Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))))
    assert found["figures"] == (0, 0, 0, 0, 0, 0, 0)
    assert found["helpers"] == []
    assert found["steps"]["bonjour"][0] == 0


def test_erasing_a_learner_changes_no_number_of_any_period(app, october):
    periods = [
        OCTOBER,
        Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ]
    before = [numbers(report_of(app, period)) for period in periods]
    with app_database(app):
        anonymise_learner(User.get(User.username == "carole"))
        anonymise_learner(User.get(User.username == "eve"))
        assert StepProgress.select().join(User).where(User.role == "learner").count() == 0
    assert [numbers(report_of(app, period)) for period in periods] == before


def test_a_deleted_helpers_sessions_still_count_as_a_former_helpers(app, october):
    with app_database(app):
        User.get(User.username == "sophie").delete_instance()
    assert numbers(report_of(app))["helpers"] == [("richard", 2), (None, 1)]


def test_sessions_are_counted_by_kind_with_their_minutes_per_helper_too(app, october):
    report = report_of(app)
    assert (report.sessions, report.minutes) == (3, 165)
    assert [(k.kind, k.sessions, k.minutes) for k in report.kinds] == [
        ("lab", 1, 60),
        ("home", 1, 90),
        ("phone", 1, 15),
    ]
    richard = report.helpers[0]
    assert (richard.helper.username, richard.sessions, richard.minutes) == ("richard", 2, 75)
    assert [(k.kind, k.sessions) for k in richard.kinds] == [("lab", 1), ("phone", 1)]


def test_sessions_recorded_before_kinds_existed_are_counted_apart(app, october):
    with app_database(app):
        HelpSession.update(kind=None, minutes=None).where(HelpSession.minutes == 60).execute()
    kinds = [(k.kind, k.sessions, k.minutes) for k in report_of(app).kinds]
    assert kinds == [("lab", 0, 0), ("home", 1, 90), ("phone", 1, 15), (None, 1, 0)]


def test_a_report_for_one_group_counts_its_learners_only(app, october):
    with app_database(app):
        workshop = LearnerGroup.create(name="Atelier du mardi")
        GroupMember.create(group=workshop, learner=october["eve"].id)
        learners = {october["eve"].id}
        report = build_report(
            OCTOBER, services.catalogue(app), app.config["LANGUAGES"], QUEBEC, learners
        )
    # Ève only: active, not new, one session at home (90 min), finished the English lesson.
    assert (report.active_learners, report.new_learners, report.sessions) == (1, 0, 1)
    assert (report.minutes, report.lessons_finished, report.requests_opened) == (90, 1, 0)
    assert report.requests_handled == 1  # her September request, handled on October 2nd


def test_a_groups_steps_and_lessons_count_its_members_only(app, october):
    # Carole, outside the group, began and finished the French lesson in October: the group's
    # report shows Ève's steps only, and her lesson begun in September is not "started".
    with app_database(app):
        report = build_report(
            OCTOBER,
            services.catalogue(app),
            app.config["LANGUAGES"],
            QUEBEC,
            {october["eve"].id},
        )
    found = numbers(report)
    assert found["steps"]["bonjour"] == (
        1,
        [
            ("open-door", {"fr": 1, "en": 1}, 0),
            ("saluer", {"fr": 2}, 1),
            ("leave", {"fr": 3, "en": 2}, 1),
        ],
    )
    assert (report.lessons_started, report.lessons_finished) == (0, 1)


def test_a_lesson_finished_before_the_period_is_not_finished_again_in_it(app, october):
    # Ève finished the English lesson on October 31st; the French one needs "saluer" too,
    # which she did on October 30th: in November she finishes nothing new.
    with app_database(app):
        StepProgress.update(done_at=utc("2026-11-05 12:00")).where(
            (StepProgress.user == october["eve"].id) & (StepProgress.step_id == "saluer")
        ).execute()
    november = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # English complete on October 31st (open-door, leave): the French one completed in
    # November does not make the lesson finished in November.
    assert report_of(app, november).lessons_finished == 0
    # In October Ève finished it, though her French was not complete then.
    assert report_of(app).lessons_finished == 2


def test_lessons_finished_are_counted_over_a_catalogue_of_thousands_of_lessons(app, october):
    # A learner who worked on 3,000 lessons of 12 steps in October and finished two: their
    # 36,000 steps are more values than SQLite takes in one statement.
    from types import SimpleNamespace

    from coursesite.staff.reports.step_counts import lessons_finished, step_tables

    def lesson(lesson_id):
        steps = [SimpleNamespace(id=f"step-{k}") for k in range(12)]
        return {"fr": SimpleNamespace(id=lesson_id, steps=steps)}

    lessons = {f"lecon-{n:04d}": lesson(f"lecon-{n:04d}") for n in range(3000)}
    eve = october["eve"].id
    rows = [
        {
            "user": eve,
            "lesson_id": lesson_id,
            "step_id": "step-0",
            "done_at": utc("2026-10-10 14:00"),
        }
        for lesson_id in lessons
    ]
    rows += [
        {
            "user": eve,
            "lesson_id": lesson_id,
            "step_id": f"step-{k}",
            "done_at": utc("2026-10-11 14:00"),
        }
        for lesson_id in ("lecon-0007", "lecon-2999")
        for k in range(1, 12)
    ]
    with app_database(app):
        for start in range(0, len(rows), 500):
            StepProgress.insert_many(rows[start : start + 500]).execute()
        (live, *_) = step_tables({eve})
        start, end = OCTOBER.bounds(QUEBEC)
        assert lessons_finished(live, start, end, lessons) == 2
