"""Helpers change a learner's name, username or language; every change is recorded."""

from flask import Blueprint, request, url_for

from coursesite.accounts.account_form import render_account_form, save_account_form
from coursesite.data.models import User
from coursesite.desk.learners.lookup import active_learner_or_404

bp = Blueprint("helper_accounts", __name__, url_prefix="/helper/learners")
FIELDS = ("display_name", "username", "language")


def render_form(learner: User, values: dict | None = None, problems=(), status: int = 200):
    form_url = url_for(".learner_account", user_id=learner.id)
    return render_account_form(
        "helper/learner_account.html", learner, FIELDS, form_url, values, problems, status
    )


@bp.route("/<int:user_id>/account", methods=["GET", "POST"])
def learner_account(user_id):
    """Show the form to change a learner's name, username or language, and save it."""
    learner = active_learner_or_404(user_id)
    if request.method == "GET":
        return render_form(learner)
    done_url = url_for("helper.learner", user_id=learner.id)
    return save_account_form(learner, FIELDS, render_form, done_url)
