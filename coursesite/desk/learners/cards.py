"""Helpers print a learner's sign-in card, or stop a lost one from working."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from coursesite.accounts.cards import issue_card, render_card, revoke_cards
from coursesite.accounts.users import easy_password, set_password
from coursesite.data.models import SignInCard
from coursesite.desk.help_sessions.slips import cards_page
from coursesite.desk.learners.lookup import active_learner_or_404

bp = Blueprint("cards", __name__)


@bp.route("/helper/learners/<int:user_id>/card")
def card_form(user_id):
    """Offer to print a new sign-in card for a learner."""
    learner = active_learner_or_404(user_id)
    has_card = (
        SignInCard.select()
        .where((SignInCard.user == learner) & SignInCard.revoked.is_null())
        .exists()
    )
    return render_template("cards/issue.html", learner=learner, has_card=has_card)


@bp.route("/helper/learners/<int:user_id>/card", methods=["POST"])
def issue(user_id):
    """Issue a new card (the old one stops working) and show it, ready to print."""
    learner = active_learner_or_404(user_id)
    password = None
    if request.form.get("new_password") == "1":
        password = easy_password("learner")
        set_password(learner, password)
    token = issue_card(learner)
    return cards_page([render_card(learner, token, password)], learner=learner)


@bp.route("/helper/learners/<int:user_id>/card/revoke", methods=["POST"])
def revoke(user_id):
    """Make the learner's card stop working, for a lost card."""
    learner = active_learner_or_404(user_id)
    revoke_cards(learner)
    flash(_l("The old card no longer works."))
    return redirect(url_for("cards.card_form", user_id=learner.id), 303)
