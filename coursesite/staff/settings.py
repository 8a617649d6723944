"""The lab's details, set by staff at /staff/settings and shown on every page (data/lab.py)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from coursesite.data import lab
from coursesite.web.i18n import language_choices

bp = Blueprint("lab_settings", __name__, url_prefix="/staff/settings")


def render_form(values: dict, problems: list, status: int = 200):
    return render_template(
        "staff/settings.html",
        values=values,
        problems=problems,
        invalid={name for name, _ in problems},
        limits=lab.LIMITS,
        languages=language_choices(),
    ), status


@bp.route("")
def form():
    """Show the lab's details, ready to change."""
    return render_form(lab.form_values(), [])


@bp.route("", methods=["POST"])
def save():
    """Save the lab's details; they show at once on every page."""
    values, problems = lab.read_form(request.form)
    if problems:
        return render_form(values, problems, 400)
    lab.save(values)
    flash(_l("The lab’s details are saved. They show at once on every page."))
    return redirect(url_for(".form"), 303)
