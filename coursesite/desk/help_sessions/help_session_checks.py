"""Each part of the "after the session" form checked: the learner, how the help was given,
the path or lessons, the notes and the next appointment.

Every problem comes back as (field, sentence) so the page can point at the field.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from coursesite.accounts.users import (
    language_problems,
    name_problems,
    normalize_username,
    suggest_username,
    username_problems,
    username_taken,
)
from coursesite.data.models import SESSION_KINDS, User
from coursesite.desk.paths import (
    CUSTOM_MAX_LESSONS,
    NOTE_MAX,
    PRIVATE_NOTE_MAX,
    TITLE_MAX,
    lessons_to_offer,
    paths_to_offer,
)
from coursesite.lessons.text import comparable

CUSTOM = "custom"
NO_PATH = "none"  # help that solved a problem without lessons to follow
MINUTES_MAX = 600
MINUTES = re.compile(r"[0-9]{1,3}")
# What <input type="datetime-local"> sends, and the same with a space for browsers without it.
APPOINTMENT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
APPOINTMENT_MAX_DAYS = 2 * 366
POSITION = re.compile(r"[1-9][0-9]?")


@dataclass
class HelpSessionForm:
    """What was typed (to show again) and what it means once checked."""

    values: dict
    learner: User | None = None  # an existing learner; None means a new one
    lesson_ids: list[str] = field(default_factory=list)
    path_id: str | None = None
    appointment: dt.datetime | None = None
    kind: str | None = None  # how the help was given: one of SESSION_KINDS
    minutes: int | None = None
    matches: list[User] = field(default_factory=list)  # learners with the same name
    problems: list[tuple[str, object]] = field(default_factory=list)

    @property
    def invalid(self) -> set[str]:
        return {name for name, _ in self.problems}


def learner_by_id(value: str) -> User | None:
    if not value.isdigit() or len(value) > 12:
        return None
    return User.get_or_none(
        (User.id == int(value)) & (User.role == "learner") & (User.active == True)  # noqa: E712
    )


def same_name_learners(name: str) -> list[User]:
    """Return the active learners whose name is the same as this one, give or take accents."""
    key = comparable(name)
    learners = User.select().where((User.role == "learner") & (User.active == True))  # noqa: E712
    return [u for u in learners if comparable(u.display_name) == key]


def parse_appointment(text: str) -> dt.datetime | None:
    """Return the appointment as the lab's local time, or raise ValueError."""
    for pattern in APPOINTMENT_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).replace(second=0, microsecond=0)
        except ValueError:
            continue
    raise ValueError(text)


def read_learner(form, result: HelpSessionForm) -> None:
    """Find the existing learner, or check the new learner's name, username and language."""
    values, problem = result.values, result.problems.append
    if values["learner_id"]:
        result.learner = learner_by_id(values["learner_id"])
        if result.learner is None:
            problem(
                (
                    "learner",
                    _l(
                        "This learner’s account was not found. Go back to the "
                        "helper desk and search for them again."
                    ),
                )
            )
        return
    for message in name_problems(values["name"]):
        problem(("name", message))
    if values["username"]:
        username = normalize_username(values["username"])
        messages = username_problems(username)
        if not messages and username_taken(username):
            free = suggest_username(username, {u.username for u in User.select(User.username)})
            messages = [
                _l(
                    "The username “%(username)s” is already taken. “%(free)s” is free.",
                    username=username,
                    free=free,
                )
            ]
        for message in messages:
            problem(("username", message))
    for message in language_problems(values["language"]):
        problem(("language", message))
    if values["name"].strip() and not name_problems(values["name"]):
        result.matches = same_name_learners(values["name"])
    if result.matches:
        chosen = next((u for u in result.matches if str(u.id) == values["same_as"]), None)
        if chosen is not None:
            result.learner = chosen
        elif values["same_as"] != "new":
            problem(
                (
                    "same_as",
                    _l(
                        "There is already a learner named “%(name)s”. Is it the same "
                        "person? Choose below, then send the form again.",
                        name=values["name"].strip(),
                    ),
                )
            )


def read_help_given(result: HelpSessionForm) -> None:
    """Read how the help was given and for how long."""
    values, problem = result.values, result.problems.append
    if values["kind"] in SESSION_KINDS:
        result.kind = values["kind"]
    else:
        problem(("kind", _l("Please say how the help was given: at the lab, at home or by phone.")))
    typed = values["minutes"].strip()
    if MINUTES.fullmatch(typed) and 1 <= int(typed) <= MINUTES_MAX:
        result.minutes = int(typed)
    else:
        problem(
            (
                "minutes",
                _l(
                    "Please type how long the help lasted, in minutes: a number from 1 to "
                    "%(max)d, for example 15.",
                    max=MINUTES_MAX,
                ),
            )
        )


def read_lessons(form, result: HelpSessionForm, lang: str) -> None:
    """Read the path chosen, or the lessons numbered in the order to follow them."""
    choice, problem = result.values["path"], result.problems.append
    if choice == NO_PATH:
        return
    if choice == CUSTOM:
        picked, bad = [], False
        for index, lesson in enumerate(lessons_to_offer(lang)):
            typed = (form.get(f"position-{lesson.id}") or "").strip()
            result.values["positions"][lesson.id] = typed[:3]
            if typed and POSITION.fullmatch(typed):
                picked.append((int(typed), index, lesson.id))
            elif typed:
                bad = True
        if bad:
            problem(
                (
                    "lessons",
                    _l(
                        "Beside each lesson to follow, type its position: 1, 2, "
                        "3… (a number from 1 to 99)."
                    ),
                )
            )
        elif not picked:
            problem(
                (
                    "lessons",
                    _l(
                        "Choose at least one lesson: type 1 beside the first lesson "
                        "to follow, 2 beside the next, and so on."
                    ),
                )
            )
        elif len(picked) > CUSTOM_MAX_LESSONS:
            problem(
                (
                    "lessons",
                    _l(
                        "Choose at most %(max)d lessons, so that the slip fits on one page.",
                        max=CUSTOM_MAX_LESSONS,
                    ),
                )
            )
        result.lesson_ids = [lesson_id for _, _, lesson_id in sorted(picked)]
        if len(result.values["custom_title"]) > TITLE_MAX:
            problem(
                (
                    "custom_title",
                    _l("The title can have at most %(max)d characters.", max=TITLE_MAX),
                )
            )
        return
    offered = {path["id"]: path for path in paths_to_offer(lang)}
    if choice in offered:
        result.path_id = choice
        result.lesson_ids = [lesson.id for lesson in offered[choice]["lessons"]]
    else:
        problem(("path", _l("Please choose a path, or choose the lessons one by one.")))


def read_notes(result: HelpSessionForm) -> None:
    """Check the notes' lengths and read the appointment strictly."""
    values, problem = result.values, result.problems.append
    if len(values["note"]) > NOTE_MAX:
        problem(
            (
                "note",
                _l(
                    "The note for the learner can have at most %(max)d characters: "
                    "it is printed in large type.",
                    max=NOTE_MAX,
                ),
            )
        )
    if len(values["private_note"]) > PRIVATE_NOTE_MAX:
        problem(
            (
                "private_note",
                _l(
                    "The note for helpers can have at most %(max)d characters.",
                    max=PRIVATE_NOTE_MAX,
                ),
            )
        )
    if not values["appointment"]:
        return
    try:
        when = parse_appointment(values["appointment"])
    except ValueError:
        problem(
            (
                "appointment",
                _l(
                    "The next appointment is not a date and time we understand. "
                    "Example: 2026-12-03 14:00."
                ),
            )
        )
        return
    today = dt.date.today()
    if when.date() < today:
        problem(("appointment", _l("The next appointment is in the past. Please check the date.")))
    elif when.date() > today + dt.timedelta(days=APPOINTMENT_MAX_DAYS):
        problem(
            (
                "appointment",
                _l("The next appointment is more than two years away. Please check the year."),
            )
        )
    else:
        result.appointment = when
