"""Accounts: checking names and passwords, easy passwords, creating users. No HTTP here.

Every problem a person can cause comes back as a plain sentence (a lazy string, shown in
the language of whoever reads it), never as an exception trace or a half-saved account.
"""

import re
import secrets
import unicodedata

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from coursesite import services
from coursesite.data.database import database
from coursesite.data.models import ROLES, User
from coursesite.lessons.text import without_accents

USERNAME_MAX = 40
NAME_MAX = 80
PASSWORD_MAX = 200
# Learners get passwords they can remember; accounts that see other people's data need more.
PASSWORD_MIN = {"learner": 6, "helper": 10, "staff": 10}
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*")

# Short words spelled the same in French and English, without accents. Digits are 2 to 9:
# no 0 to confuse with o, no 1 to confuse with l.
WORDS = (
    "animal",
    "atlas",
    "ballet",
    "banjo",
    "bingo",
    "bongo",
    "bus",
    "cactus",
    "camping",
    "canal",
    "caramel",
    "cargo",
    "club",
    "cobra",
    "concert",
    "disco",
    "domino",
    "festival",
    "fruit",
    "garage",
    "golf",
    "hamster",
    "hockey",
    "image",
    "iris",
    "jaguar",
    "jazz",
    "judo",
    "kayak",
    "kiwi",
    "koala",
    "lama",
    "lion",
    "melon",
    "menu",
    "message",
    "nature",
    "olive",
    "orange",
    "panda",
    "parking",
    "photo",
    "piano",
    "pizza",
    "puma",
    "puzzle",
    "radar",
    "radio",
    "robot",
    "rock",
    "rose",
    "safari",
    "salsa",
    "sandwich",
    "signal",
    "ski",
    "soccer",
    "sofa",
    "sport",
    "surf",
    "table",
    "tango",
    "taxi",
    "tennis",
    "train",
    "tunnel",
    "village",
    "yoga",
    "zone",
)
DIGITS = "23456789"


class AccountError(ValueError):
    """One or more problems with what was asked, as plain sentences."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


def easy_password(role: str = "learner") -> str:
    """Return a password that is easy to read aloud and type: words and two digits."""
    count = 2 if role == "learner" else 3
    words = "".join(secrets.choice(WORDS) for _ in range(count))
    return words + "".join(secrets.choice(DIGITS) for _ in range(2))


def normalize_username(text: str) -> str:
    """Return the username as stored: trimmed and lower-case, so "Carole" finds "carole"."""
    return (text or "").strip().lower()


def username_problems(username: str) -> list:
    """Return what is wrong with a (normalized) username, in plain words."""
    if not username:
        return [_l("Please type a username.")]
    if len(username) > USERNAME_MAX:
        return [_l("A username can have at most %(max)d characters.", max=USERNAME_MAX)]
    if not USERNAME_PATTERN.fullmatch(username):
        return [
            _l(
                "A username can only use letters without accents, digits, dots (.), "
                "hyphens (-) and underscores (_), and starts with a letter or a digit."
            )
        ]
    return []


def name_problems(name: str) -> list:
    """Return what is wrong with a display name, in plain words."""
    if not name.strip():
        return [_l("Please type a name.")]
    if len(name.strip()) > NAME_MAX:
        return [_l("A name can have at most %(max)d characters.", max=NAME_MAX)]
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in name):
        return [_l("The name has invisible or control characters. Please type it again.")]
    return []


def password_rules(role: str = "learner"):
    """Return the password rules for this role, in plain words."""
    return _l(
        "A password needs at least %(min)d characters (letters, digits, spaces: all are fine) "
        "and must not be the same as the username. Capital letters count: “Piano” and “piano” "
        "are different.",
        min=PASSWORD_MIN.get(role, PASSWORD_MIN["staff"]),
    )


def password_problems(password: str, role: str = "learner", username: str = "") -> list:
    """Return what is wrong with a new password, in plain words."""
    if len(password) > PASSWORD_MAX:
        return [_l("A password can have at most %(max)d characters.", max=PASSWORD_MAX)]
    if len(password) < PASSWORD_MIN.get(role, PASSWORD_MIN["staff"]):
        return [password_rules(role)]
    if username and password.strip().lower() == username:
        return [password_rules(role)]
    return []


def language_problems(language: str) -> list:
    """Return what is wrong with a language code, in plain words."""
    languages = current_app.config["LANGUAGES"]
    if language not in languages:
        return [_l("The language must be one of: %(choices)s.", choices=", ".join(languages))]
    return []


def hash_password(password: str) -> str:
    """Return a salted hash of the password with werkzeug's current default (scrypt)."""
    return generate_password_hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Tell whether the password is the user's; takes as long when there is no such user."""
    if user is None:
        # Hash anyway, so the answer time does not reveal which usernames exist.
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


def _dummy_hash() -> str:
    shared = services.shared()
    if not shared.dummy_password_hash:
        shared.dummy_password_hash = hash_password(secrets.token_hex(16))
    return shared.dummy_password_hash


def username_taken(username: str) -> bool:
    return User.select().where(User.username == username).exists()


def check_new_user(username, role, display_name, password, language) -> list:
    """Return every problem with these account details, in plain words."""
    problems = username_problems(username)
    if not problems and username_taken(username):
        problems.append(_l("The username “%(username)s” is already taken.", username=username))
    if role not in ROLES:
        problems.append(_l("The role must be one of: %(choices)s.", choices=", ".join(ROLES)))
    problems += name_problems(display_name)
    if password is not None:
        problems += password_problems(password, role, username)
    problems += language_problems(language)
    return problems


def create_user(username, role="learner", display_name=None, password=None, language=None):
    """Create an account; return (user, the generated password or None).

    Raises AccountError with every problem found; nothing is saved then.
    """
    username = normalize_username(username)
    display_name = (display_name or username).strip()
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    problems = check_new_user(username, role, display_name, password, language)
    if problems:
        raise AccountError(problems)
    generated = easy_password(role) if password is None else None
    try:
        with database.atomic():
            user = User.create(
                username=username,
                role=role,
                display_name=display_name,
                language=language,
                password_hash=hash_password(password if generated is None else generated),
            )
    except IntegrityError:  # another request took the username in the meantime
        raise AccountError(
            [_l("The username “%(username)s” is already taken.", username=username)]
        ) from None
    return user, generated


def set_password(user: User, password: str) -> None:
    """Change the password and end every session signed in with the old one."""
    user.password_hash = hash_password(password)
    user.auth_version += 1
    user.save()


def suggest_username(name: str, taken: set[str]) -> str:
    """Return a free username made from the name: "Marie-Ève Roy" gives "marie-eve.roy"."""
    ascii_name = without_accents(name).lower()
    base = re.sub(r"\s+", ".", re.sub(r"[^a-z0-9\s-]", "", ascii_name).strip())
    base = re.sub(r"[.-]{2,}", ".", base).strip(".-")[: USERNAME_MAX - 3] or "learner"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{number}", number + 1
    return candidate
