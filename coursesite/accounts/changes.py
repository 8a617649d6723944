"""Changes made to accounts in the browser, and who made them: the audit list on a person's
page. No HTTP here.

Each change keeps its actor (None once that account is deleted), its time, and the old and
new values of names and usernames (never a password).
"""

from flask_babel import lazy_gettext as _l

from coursesite.accounts.users import (
    language_problems,
    name_problems,
    normalize_username,
    username_problems,
    username_taken,
)
from coursesite.data.database import database
from coursesite.data.models import AccountChange, User

DESCRIPTIONS = {
    "created": _l("Account created"),
    "renamed": _l("Name changed from “%(old)s” to “%(new)s”"),
    "username": _l("Username changed from “%(old)s” to “%(new)s”"),
    "language": _l("Language changed from %(old)s to %(new)s"),
    "password": _l("New password given"),
    "deactivated": _l("Account deactivated"),
    "reactivated": _l("Account reactivated"),
}


def record_change(
    subject: User, actor: User | None, action: str, old: str = "", new: str = ""
) -> AccountChange:
    """Record a change to `subject`'s account made by `actor`."""
    if action not in DESCRIPTIONS:
        raise ValueError(f"unknown account change: {action!r}")
    return AccountChange.create(
        subject=subject, actor=actor, action=action, old_value=old[:120], new_value=new[:120]
    )


def describe(change: AccountChange) -> str:
    """Return a change in plain words, in the reader's language."""
    return str(DESCRIPTIONS[change.action] % {"old": change.old_value, "new": change.new_value})


def changes_of(subject: User) -> list[AccountChange]:
    """Return the changes made to an account, newest first, with their actors."""
    return list(
        AccountChange.select()
        .where(AccountChange.subject == subject)
        .order_by(AccountChange.at.desc(), AccountChange.id.desc())
    )


# The longest text kept of each field of a submitted account form: more is a slip or an attack,
# and edit_account's own checks then say what is wrong with what is kept.
FORM_LIMITS = {"display_name": 200, "username": 80, "language": 8}


def submitted_values(form, names=("display_name", "username")) -> dict[str, str]:
    """Return an account form's fields as typed, each cut to its bound before it is checked."""
    return {name: form.get(name, "")[: FORM_LIMITS[name]] for name in names}


def edit_account(
    user: User, actor: User | None, display_name: str, username: str, language: str | None = None
) -> list:
    """Change an account's name, username (and language if given), recording each change.

    Return every problem in plain words; nothing is changed then.
    """
    display_name = " ".join((display_name or "").split())
    username = normalize_username(username)
    problems = name_problems(display_name)
    if username != user.username:
        problems += username_problems(username)
        if not problems and username_taken(username):
            problems.append(_l("The username “%(username)s” is already taken.", username=username))
    if language is not None:
        problems += language_problems(language)
    if problems:
        return problems
    with database.atomic():
        if display_name != user.display_name:
            record_change(user, actor, "renamed", user.display_name, display_name)
            user.display_name = display_name
        if username != user.username:
            record_change(user, actor, "username", user.username, username)
            user.username = username
        if language is not None and language != user.language:
            record_change(user, actor, "language", user.language, language)
            user.language = language
        user.save()
    return []


def set_active(user: User, actor: User | None, active: bool) -> None:
    """Deactivate an account (it cannot sign in, its sessions end) or reactivate it."""
    if user.active == active:
        return
    with database.atomic():
        user.active = active
        if not active:
            user.auth_version += 1  # every open session ends on its next request
        user.save()
        record_change(user, actor, "reactivated" if active else "deactivated")
