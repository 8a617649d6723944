"""The "after the session" form: read what the helper typed, and say plainly what is wrong.

One form does it all: the learner (an existing one, or a new one made from a name), a path
from paths.yml or lessons picked and numbered by hand, notes and the next appointment. Every
problem comes back as (field, sentence) so the page can point at the field; nothing is saved
until the whole form is right. The group's path form is the same form without the learner.
"""

import re
import secrets

from flask import current_app

from coursesite.accounts.users import USERNAME_MAX
from coursesite.desk.help_sessions.help_session_checks import (
    NO_PATH,
    HelpSessionForm,
    read_help_given,
    read_learner,
    read_lessons,
    read_notes,
)
from coursesite.desk.paths import (
    CUSTOM_MAX_LESSONS,
    NOTE_MAX,
    PRIVATE_NOTE_MAX,
    TITLE_MAX,
    clean_text,
    lessons_to_offer,
    paths_to_offer,
)

# What secrets.token_urlsafe gives: the only form keys kept.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def blank_form(form_key: str, lang: str) -> HelpSessionForm:
    """Return the form as first shown: a QR code on the slip, the helper's language."""
    values = {
        "form_key": form_key,
        "learner_id": "",
        "name": "",
        "username": "",
        "language": lang,
        "same_as": "",
        "path": "",
        "positions": {},
        "custom_title": "",
        "note": "",
        "private_note": "",
        "appointment": "",
        "new_card": True,
        "new_password": False,
        "kind": "lab",  # the desk is at the lab: the most common case, easy to change
        "minutes": "",
    }
    return HelpSessionForm(values)


def parse_session_form(form, lang: str) -> HelpSessionForm:
    """Return the checked form; `problems` is empty when everything can be saved."""

    def text(name: str, limit: int) -> str:
        # Cut far above the limit: enough to say it is too long, never a huge page back.
        return clean_text(form.get(name, ""))[: limit + 200]

    values = {
        "form_key": (form.get("form_key") or "")[:64],
        "learner_id": (form.get("learner_id") or "").strip()[:12],
        "name": text("name", 80),
        "username": text("username", USERNAME_MAX),
        "language": (form.get("language") or current_app.config["BABEL_DEFAULT_LOCALE"])[:8],
        "same_as": (form.get("same_as") or "")[:12],
        "path": (form.get("path") or "")[:100],
        "positions": {},
        "custom_title": text("custom_title", TITLE_MAX),
        "note": text("note", NOTE_MAX),
        "private_note": text("private_note", PRIVATE_NOTE_MAX),
        "appointment": (form.get("appointment") or "").strip()[:40],
        "new_card": form.get("new_card") == "1",
        "new_password": form.get("new_password") == "1",
        "kind": (form.get("kind") or "")[:10],
        "minutes": (form.get("minutes") or "")[:10],
    }
    result = HelpSessionForm(values)
    read_learner(form, result)
    read_help_given(result)
    read_lessons(form, result, lang)
    read_notes(result)
    return result


def parse_group_path_form(form, lang: str) -> HelpSessionForm:
    """Return the group's path form checked: the path or lessons, the note, the appointment."""
    values = blank_form((form.get("form_key") or "")[:64], lang).values
    values.update(
        {
            "path": (form.get("path") or "")[:100],
            "custom_title": clean_text(form.get("custom_title", ""))[: TITLE_MAX + 200],
            "note": clean_text(form.get("note", ""))[: NOTE_MAX + 200],
            "appointment": (form.get("appointment") or "").strip()[:40],
        }
    )
    if values["path"] == NO_PATH:  # not offered here: a group is given lessons to follow
        values["path"] = ""
    result = HelpSessionForm(values)
    read_lessons(form, result, lang)
    read_notes(result)
    return result


def new_form(lang: str) -> HelpSessionForm:
    """Return a blank form with a key of its own, so that sending it twice saves it once."""
    return blank_form(secrets.token_urlsafe(24), lang)


def submitted_form_key(form) -> str:
    """Return the form's key as sent, or "" when it is not one this site could have given."""
    key = form.get("form_key") or ""
    # A forged key with control characters was stored as is (and a NUL was a 500 on
    # PostgreSQL): only a key secrets.token_urlsafe could have made is kept.
    return key if FORM_KEY.fullmatch(key) else ""


def lesson_choices(form: HelpSessionForm, lang: str) -> dict:
    """Return what a page needs to show the form's path and lesson choices and its problems."""
    return {
        "values": form.values,
        "problems": form.problems,
        "invalid": form.invalid,
        "paths": paths_to_offer(lang),
        "lessons": lessons_to_offer(lang),
        "limits": {
            "title": TITLE_MAX,
            "note": NOTE_MAX,
            "private_note": PRIVATE_NOTE_MAX,
            "lessons": CUSTOM_MAX_LESSONS,
        },
    }
