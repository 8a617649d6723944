"""Helpers change a learner's name, username or language; every change is recorded."""

from flask import (
    Blueprint,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coursesite.accounts.changes import changes_of, edit_account, submitted_values
from coursesite.data.models import User
from coursesite.desk.lookup import active_learner_or_404
from coursesite.web.i18n import LANGUAGE_NAMES

bp = Blueprint("helper_accounts", __name__, url_prefix="/helper/learners")


def render_form(learner: User, values: dict | None = None, problems=(), status: int = 200):
    values = values or {
        "display_name": learner.display_name,
        "username": learner.username,
        "language": learner.language,
    }
    return render_template(
        "helper/learner_account.html",
        account=learner,
        values=values,
        problems=list(problems),
        languages=[
            (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
        ],
        form_url=url_for(".save", user_id=learner.id),
        changes=changes_of(learner),
        notices=get_flashed_messages(),
    ), status


@bp.route("/<int:user_id>/account")
def learner_account(user_id):
    """Show the form to change a learner's name, username or language."""
    return render_form(active_learner_or_404(user_id))


@bp.route("/<int:user_id>/account", methods=["POST"])
def save(user_id):
    """Save a learner's new name, username or language."""
    learner = active_learner_or_404(user_id)
    values = submitted_values(request.form, ("display_name", "username", "language"))
    actor = current_user._get_current_object()
    problems = edit_account(
        learner, actor, values["display_name"], values["username"], values["language"]
    )
    if problems:
        return render_form(learner, values, problems, 400)
    flash(_l("The changes are saved."))
    return redirect(url_for("helper.learner", user_id=learner.id), 303)
