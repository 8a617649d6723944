"""Save a checked "after the session" form, or a group's path form, in one transaction."""

from coursesite.accounts.cards import issue_card
from coursesite.accounts.changes import record_change
from coursesite.accounts.users import create_user, easy_password, set_password, suggest_username
from coursesite.data.database import database
from coursesite.data.models import HelpSession, User
from coursesite.desk.help_sessions.help_session_checks import HelpSessionForm
from coursesite.desk.paths import assign_path, record_session


def give_form_path(
    learner: User, helper: User, form: HelpSessionForm, form_key: str | None, kind: str
) -> HelpSession:
    """Give the learner the path or lessons the form chose, with its notes and appointment."""
    values = form.values
    return assign_path(
        learner,
        helper,
        form.lesson_ids,
        path_id=form.path_id,
        title=values["custom_title"],
        note_for_learner=values["note"],
        private_note=values["private_note"],  # "" on the group's form, which has none
        next_appointment=form.appointment,
        form_key=form_key,
        kind=kind,
        minutes=form.minutes,  # None on the group's form, which does not ask
    )


def save_help_session(form: HelpSessionForm, helper: User, key: str):
    """Create the learner if new, record the session and its path; return what to print.

    Returns (help session, learner, card token or None, new password or None). Raises
    AccountError when the username was taken a moment ago, IntegrityError when the same
    form was saved at the same moment.
    """
    values, learner, password = form.values, form.learner, None
    with database.atomic():
        if learner is None:
            username = values["username"] or suggest_username(
                values["name"], {u.username for u in User.select(User.username)}
            )
            learner, password = create_user(
                username, "learner", values["name"], None, values["language"]
            )
            record_change(learner, helper, "created")
        elif values["new_password"]:
            password = easy_password("learner")
            set_password(learner, password)
            record_change(learner, helper, "password")
        if form.lesson_ids:
            help_session = give_form_path(learner, helper, form, key or None, form.kind)
        else:
            help_session = record_session(
                learner, helper, form.kind, form.minutes, form_key=key or None
            )
        # The new-learner form always prints a QR code, even when the helper then chose
        # an existing account of the same name; an existing learner's form asks. A
        # session without a path prints nothing, but a new learner's card.
        with_qr = not values["learner_id"] or values["new_card"]
        token = issue_card(learner) if with_qr and (form.lesson_ids or password) else None
    return help_session, learner, token, password


def give_group_path(people: list[User], form: HelpSessionForm, helper: User, key: str):
    """Give the form's path to every learner; return (help session, learner, card token)s.

    Raises IntegrityError when the same form was saved at the same moment.
    """
    given = []
    with database.atomic():
        for position, person in enumerate(people):
            # The key on the first one: the same form sent twice saves once. A workshop: a
            # session at the lab for each learner, its length not asked.
            form_key = (key or None) if position == 0 else None
            help_session = give_form_path(person, helper, form, form_key, "lab")
            given.append((help_session, person, issue_card(person)))
    return given


def saved_with_key(key: str) -> HelpSession | None:
    """Return the help session a form with this key already saved, if any."""
    return HelpSession.get_or_none(HelpSession.form_key == key) if key else None
