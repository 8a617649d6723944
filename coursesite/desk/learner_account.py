"""Helpers change a learner's name, username or language; every change is recorded."""

from flask import Blueprint, url_for

from coursesite.accounts.account_form import render_account_form, save_account_form
from coursesite.data.models import User
from coursesite.desk.lookup import active_learner_or_404

bp = Blueprint("helper_accounts", __name__, url_prefix="/helper/learners")
FIELDS = ("display_name", "username", "language")


def render_form(learner: User, values: dict | None = None, problems=(), status: int = 200):
    form_url = url_for(".save", user_id=learner.id)
    return render_account_form(
        "helper/learner_account.html", learner, FIELDS, form_url, values, problems, status
    )


@bp.route("/<int:user_id>/account")
def learner_account(user_id):
    """Show the form to change a learner's name, username or language."""
    return render_form(active_learner_or_404(user_id))


@bp.route("/<int:user_id>/account", methods=["POST"])
def save(user_id):
    """Save a learner's new name, username or language."""
    learner = active_learner_or_404(user_id)
    done_url = url_for("helper.learner", user_id=learner.id)
    return save_account_form(learner, FIELDS, render_form, done_url)
