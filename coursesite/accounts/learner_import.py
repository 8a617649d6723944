"""Create a workshop's learners from one CSV file: all of them, or none.

The file has one learner per line: name, then optional username and language. A first line
of column titles (name/nom, username/nom d'utilisateur, language/langue) is recognised, and
so are the semicolons and Windows encoding of a French spreadsheet program. Every problem
is reported with its line number, and nothing is saved unless every line is right.

No silent duplicates: a name already in the database, or twice in the file, is reported, and
the person importing says for each such line whether it is the same person (the line is
skipped: the account already known is used) or a new person (created with the next free
username, like "marie-eve.roy2"). Nothing is created until every such line is decided.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from coursesite.accounts.learner_csv import (
    MAX_FILE_BYTES,
    MAX_LEARNERS,
    LearnerImportError,
    decode,
    read_rows,
)
from coursesite.accounts.users import (
    easy_password,
    hash_password,
    language_problems,
    name_problems,
    normalize_username,
    suggest_username,
    username_problems,
)
from coursesite.data.database import database
from coursesite.data.models import User
from coursesite.lessons.text import comparable


@dataclass
class NewLearner:
    line: int
    name: str
    username: str
    language: str
    password: str = ""
    user: User | None = None  # the account made, or the one known for a skipped duplicate
    created: bool = False
    same_name: list[User] = field(default_factory=list)  # accounts known with this name
    same_line: int | None = None  # an earlier line of the file with this name

    @property
    def duplicate(self) -> bool:
        return bool(self.same_name) or self.same_line is not None

    @property
    def reasons(self) -> list:
        """Return why this line looks like someone already known, in plain words."""
        found = [
            _l(
                "Already has an account: %(name)s (username %(username)s), created on %(date)s.",
                name=user.display_name,
                username=user.username,
                date=user.created.date().isoformat(),
            )
            for user in self.same_name
        ]
        if self.same_line is not None:
            found.append(_l("The same name is on line %(line)d.", line=self.same_line))
        return found


DUPLICATE_CHOICES = ("skip", "create")  # "same person" and "new person"


class DuplicatesToDecide(ValueError):
    """Some lines name people already known: `learners` holds them, each with its reasons."""

    def __init__(self, learners: list[NewLearner], undecided: list[int]):
        super().__init__(f"{len(undecided)} duplicate lines to decide")
        self.learners = learners
        self.undecided = undecided


def check_rows(rows: list[tuple[int, dict]]) -> tuple[list[NewLearner], list]:
    """Return the learners to create and every problem found, each with its line."""
    default_language = current_app.config["BABEL_DEFAULT_LOCALE"]
    existing = {u.username for u in User.select(User.username)}
    wanted: dict[str, int] = {}
    learners, problems = [], []

    def problem(line, message):
        problems.append(_l("Line %(line)d: %(problem)s", line=line, problem=message))

    for line, row in rows:
        if row.get("_too_many"):
            problem(line, _l("there are more than three columns (name, username, language)."))
            continue
        name = row.get("name", "")
        username = normalize_username(row.get("username", ""))
        language = (row.get("language") or default_language).strip().lower()
        for message in name_problems(name) + language_problems(language):
            problem(line, message)
        if username:
            for message in username_problems(username):
                problem(line, message)
            if username in existing:
                problem(
                    line, _l("the username “%(username)s” is already taken.", username=username)
                )
            elif username in wanted:
                problem(
                    line,
                    _l(
                        "the username “%(username)s” is also on line %(other)d.",
                        username=username,
                        other=wanted[username],
                    ),
                )
            wanted.setdefault(username, line)
        learners.append(NewLearner(line, name.strip(), username, language))
    return learners, problems


def name_key(name: str) -> str:
    """Return a name as compared: "Marie-Ève  ROY" and "marie-eve roy" are the same."""
    return comparable(name.replace("-", " "))


def mark_duplicates(learners: list[NewLearner]) -> list[NewLearner]:
    """Mark the lines whose name is already a learner's, or on an earlier line; return them."""
    known: dict[str, list[User]] = {}
    for user in User.select().where(
        (User.role == "learner") & (User.active == True)  # noqa: E712
    ):
        known.setdefault(name_key(user.display_name), []).append(user)
    first_line: dict[str, int] = {}
    for learner in learners:
        key = name_key(learner.name)
        learner.same_name = known.get(key, [])
        learner.same_line = first_line.get(key)
        first_line.setdefault(key, learner.line)
    return [learner for learner in learners if learner.duplicate]


def decide(learners: list[NewLearner], duplicates) -> list[NewLearner]:
    """Return the learners to create, given "skip" or "create" for every duplicate line.

    `duplicates` is one choice for all ("skip"/"create"), or {line: choice}. A skipped line
    that names someone known gets that account (to join a group, say).
    Raises DuplicatesToDecide when a duplicate line has no choice.
    """
    found = mark_duplicates(learners)
    choice_of = (
        (lambda line: duplicates)
        if isinstance(duplicates, str)
        else (lambda line: (duplicates or {}).get(line))
    )
    undecided = [d.line for d in found if choice_of(d.line) not in DUPLICATE_CHOICES]
    if undecided:
        raise DuplicatesToDecide(found, undecided)
    to_create = []
    for learner in learners:
        if learner.duplicate and choice_of(learner.line) == "skip":
            learner.user = learner.same_name[0] if learner.same_name else None
            continue
        to_create.append(learner)
    return to_create


def import_learners(data: bytes, duplicates=None) -> list[NewLearner]:
    """Create the learners of the CSV file, each with an easy password, in one transaction.

    `duplicates` says what to do with lines naming someone already known (see `decide`).
    Return every line's learner: `created` tells the new accounts from the known ones.
    Raises LearnerImportError listing every problem by line, or DuplicatesToDecide; nothing
    is saved then.
    """
    if len(data) > MAX_FILE_BYTES:
        raise LearnerImportError(
            [
                _l(
                    "The file is too large to be a list of learners (%(size)d KB). Check that "
                    "it is the right file.",
                    size=len(data) // 1000,
                )
            ]
        )
    rows = read_rows(decode(data))
    if not rows:
        raise LearnerImportError([_l("The file has no learners in it.")])
    if len(rows) > MAX_LEARNERS:
        raise LearnerImportError(
            [
                _l(
                    "The file has more than %(max)d learners. Split it into smaller files.",
                    max=MAX_LEARNERS,
                )
            ]
        )
    learners, problems = check_rows(rows)
    if problems:
        raise LearnerImportError(problems)
    to_create = decide(learners, duplicates)
    # Usernames are made up only once every chosen one is known, so none is taken twice.
    taken = {u.username for u in User.select(User.username)}
    taken |= {learner.username for learner in to_create if learner.username}
    for learner in to_create:
        if not learner.username:
            learner.username = suggest_username(learner.name, taken)
            taken.add(learner.username)
    # Hashing is slow on purpose: do it before the transaction, not while holding the lock.
    hashes = []
    for learner in to_create:
        learner.password = easy_password("learner")
        hashes.append(hash_password(learner.password))
    try:
        with database.atomic():
            for learner, password_hash in zip(to_create, hashes, strict=True):
                learner.user = User.create(
                    username=learner.username,
                    display_name=learner.name,
                    role="learner",
                    language=learner.language,
                    password_hash=password_hash,
                )
                learner.created = True
    except IntegrityError:  # a username was taken by someone else meanwhile: nothing was saved
        raise LearnerImportError(
            [
                _l(
                    "Someone created an account with one of these usernames "
                    "at the same time. Nothing was saved: try again."
                )
            ]
        ) from None
    return learners
