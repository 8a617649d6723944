"""Display preferences (text size, contrast, motion), applied by the server: no JavaScript needed.

Signed-in people keep them in their account; visitors in a cookie.
"""

import json

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coursesite.data.models import DISPLAY_PREFERENCES
from coursesite.learn.preferences import COOKIE, clean, current_preferences, html_classes
from coursesite.web.urls import safe_next

bp = Blueprint("display", __name__)

CHOICES = {
    "text_size": [
        ("100", _l("Large (normal)")),
        ("125", _l("Larger")),
        ("150", _l("Very large")),
        ("200", _l("Huge")),
    ],
    "contrast": [("normal", _l("Normal colours")), ("high", _l("High contrast (black and white)"))],
    "motion": [("normal", _l("Normal")), ("reduced", _l("As little movement as possible"))],
}


@bp.route("/<lang:lang>/display", methods=["GET", "POST"])
def preferences(lang):
    """Show and save text size, contrast and motion preferences."""
    back = safe_next(request.values.get("next")) or url_for("learn.catalogue", lang=lang)
    if request.method == "GET":
        return render_template(
            "display/preferences.html", choices=CHOICES, current=current_preferences(), back=back
        )
    chosen = clean({name: request.form.get(name) for name in DISPLAY_PREFERENCES})
    response = redirect(back, 303)
    if current_user.is_authenticated:
        current_user.preferences = json.dumps(chosen)
        current_user.save(only=["preferences"])
    else:
        response.set_cookie(
            COOKIE,
            json.dumps(chosen, separators=(",", ":")),
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response


def init_app(app):
    """Give templates the classes that apply the person's display preferences."""
    app.context_processor(lambda: {"display_classes": html_classes})
    app.register_blueprint(bp)
