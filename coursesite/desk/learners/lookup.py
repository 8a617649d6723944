"""Finding the learner a helper's page is about."""

from flask import abort

from coursesite.data.models import User
from coursesite.web.urls import is_id


def active_learner_or_404(user_id: int) -> User:
    """Return the active learner with this id, or answer 404."""
    if not is_id(user_id):  # e.g. ?learner=999…9 (40 digits) overflowed SQLite: a 500
        abort(404)
    user = User.get_or_none((User.id == user_id) & (User.active == True))  # noqa: E712
    if user is None or user.role != "learner":
        abort(404)
    return user
