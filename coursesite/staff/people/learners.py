"""Privacy requests (Quebec Law 25): staff find a learner, give them a copy of everything kept
about them, or delete it.

Every URL here is under /staff/, so roles.py lets only staff in. Deleting is never one click:
a page says what will happen and asks to type the person's username, then a POST (with its
CSRF token) erases the data in one transaction (data/privacy/erasure.py).
"""

import datetime as dt
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from coursesite.accounts import throttle
from coursesite.accounts.users import USERNAME_MAX, normalize_username
from coursesite.data.models import User
from coursesite.data.privacy.erasure import anonymise_learner, erasable
from coursesite.data.privacy.personal_export import export_user, kept_counts
from coursesite.desk.learners import followup

bp = Blueprint("staff_learners", __name__, url_prefix="/staff/learners")


def kept_learner_or_404(user_id: int) -> User:
    """Return the learner whose data is still kept, or answer 404 (erased ones included)."""
    user = User.get_or_none(User.id == user_id)
    if not erasable(user):
        abort(404)
    return user


@bp.route("")
def search():
    """Find a learner by name or username, to answer their privacy request."""
    query = request.args.get("q", "")[: followup.QUERY_MAX].strip()
    found, matched = followup.find_learners(query)
    return render_template(
        "staff/learners.html",
        query=query,
        learners=found,
        matched=matched,
    )


@bp.route("/<int:user_id>")
def learner(user_id):
    """Show what is kept about a learner, with the buttons to download or delete it."""
    user = kept_learner_or_404(user_id)
    counts = kept_counts(user)
    paused_until = throttle.username_paused_until(user.username)
    return render_template(
        "staff/learner.html",
        learner=user,
        counts=counts,
        last_activity=followup.last_activity([user.id]).get(user.id),
        paused_minutes=throttle.minutes_left(paused_until) if paused_until else 0,
    )


@bp.route("/<int:user_id>/lift-pause", methods=["POST"])
def lift_pause(user_id):
    """Let a learner sign in again at once, after too many failed tries on their username."""
    user = kept_learner_or_404(user_id)
    throttle.lift_pause(user.username)
    flash(_l("%(name)s can sign in again from anywhere.", name=user.display_name))
    return redirect(url_for("staff_learners.learner", user_id=user.id), 303)


@bp.route("/<int:user_id>/export.json")
def export(user_id):
    """Download everything stored about a learner as one JSON file (right of access)."""
    user = kept_learner_or_404(user_id)
    document = json.dumps(export_user(user), ensure_ascii=False, indent=2)
    filename = f"coursesite-{user.username}-{dt.date.today().isoformat()}.json"
    return Response(
        document.encode("utf-8"),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # personal data: never kept in a shared browser's cache
        },
    )


def render_delete(user: User, problem=None, status: int = 200):
    return render_template("staff/delete_learner.html", learner=user, problem=problem), status


@bp.route("/<int:user_id>/delete", methods=["GET", "POST"])
def delete(user_id):
    """Explain what deleting a learner's data does and ask to type their username; then
    delete their personal data for good, keeping anonymous counts for the reports."""
    user = kept_learner_or_404(user_id)
    if request.method == "GET":
        return render_delete(user)
    typed = normalize_username(request.form.get("username", "")[: USERNAME_MAX * 2])
    if typed != user.username:
        problem = _l(
            "The username typed is not “%(username)s”. Nothing was deleted.",
            username=user.username,
        )
        return render_delete(user, problem, 400)
    anonymise_learner(user)
    flash(
        _l(
            "The personal data of “%(username)s” is deleted. The reports keep anonymous counts.",
            username=user.username,
        )
    )
    return redirect(url_for("staff_learners.search"), 303)
