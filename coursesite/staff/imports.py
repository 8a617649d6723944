"""Staff upload a workshop's list of learners and get a printable sheet of their cards."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from coursesite.accounts.cards import issue_card, render_card
from coursesite.accounts.learner_import import MAX_LEARNERS, LearnerImportError, import_learners
from coursesite.data.database import database

bp = Blueprint("staff_import", __name__)


@bp.route("/staff/import")
def form():
    """Show the form to upload a CSV list of learners."""
    return render_template("staff/import.html", problems=[], max_learners=MAX_LEARNERS)


@bp.route("/staff/import", methods=["POST"])
def upload():
    """Create every learner in the uploaded list, then show their cards ready to print."""
    upload = request.files.get("learners")
    data = upload.read() if upload else b""
    if not data:
        problems = [_l("Please choose a CSV file with the list of learners.")]
        return render_template(
            "staff/import.html", problems=problems, max_learners=MAX_LEARNERS
        ), 400
    try:
        # Learners and their cards together: a failure leaves neither behind.
        with database.atomic():
            learners = import_learners(data)
            tokens = [issue_card(learner.user) for learner in learners]
    except LearnerImportError as exc:
        return render_template(
            "staff/import.html", problems=exc.problems, max_learners=MAX_LEARNERS
        ), 400
    cards = [
        render_card(learner.user, token, learner.password)
        for learner, token in zip(learners, tokens, strict=True)
    ]
    response = current_app.make_response(
        render_template("cards/print.html", cards=cards, learner=None, imported=len(learners))
    )
    response.headers["Cache-Control"] = "no-store"  # it holds sign-in links and passwords
    return response
