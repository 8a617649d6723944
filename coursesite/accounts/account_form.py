"""The form that changes an account's name and username (and a learner's language): shown
and saved the same way on the helper desk (learners) and on staff's pages (helpers, staff).

Every change is recorded with who made it (changes.py); nothing is saved while a problem is left.
"""

from flask import flash, redirect, render_template, request
from flask_babel import lazy_gettext as _l

from coursesite.accounts.changes import changes_of, edit_account, submitted_values
from coursesite.data.models import User
from coursesite.web.i18n import language_choices
from coursesite.web.roles import person


def render_account_form(
    template: str,
    account: User,
    fields: tuple[str, ...],
    form_url: str,
    values: dict | None = None,
    problems=(),
    status: int = 200,
    **context,
):
    """Return the page with the account's form (as typed, or as stored), its changes, notices."""
    return render_template(
        template,
        account=account,
        values=values or {name: getattr(account, name) for name in fields},
        problems=list(problems),
        languages=language_choices() if "language" in fields else None,
        form_url=form_url,
        changes=changes_of(account),
        **context,
    ), status


def save_account_form(account: User, fields: tuple[str, ...], show_again, done_url: str):
    """Save the account's fields as sent, or show the form again with its problems (400)."""
    values = submitted_values(request.form, fields)
    problems = edit_account(account, person(), *(values[name] for name in fields))
    if problems:
        return show_again(account, values, problems, 400)
    flash(_l("The changes are saved."))
    return redirect(done_url, 303)
