"""Display preferences (text size, contrast, motion), applied by the server: no JavaScript needed.

Signed-in people keep them in their account; visitors in a cookie.
"""

import json

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from coursesite import services
from coursesite.data.models import DISPLAY_PREFERENCES
from coursesite.learn.display.preferences import COOKIE, clean, current_preferences, html_classes
from coursesite.lessons.pictures.slices_in_step import slices_for_text_size
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


@bp.app_template_filter("screenshots_for_text_size")
@pass_context
def screenshots_for_text_size(context, html) -> Markup:
    """Show a step's screenshots on a phone as large as the learner's text size asks.

    `{{ body|screenshots_for_text_size }}`. The text size is read from the page's own
    display classes (`text-200`…), those site.css sizes the page by: a page kept whole for
    everyone with the same classes (web/page_skeleton.py) gets the slices of that size.
    """
    html, store = escape(html), services.images()  # escape() leaves Markup as it is
    if store is None:
        return html
    classes = context.get("display_classes")
    classes = classes() if callable(classes) else ""
    text_size = next((c[5:] for c in classes.split() if c.startswith("text-")), "100")
    hint = _("Slide the picture sideways to see all of it.")
    return Markup(slices_for_text_size(str(html), text_size, store, str(hint)))


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
    app.add_template_global(html_classes, "display_classes")
    app.register_blueprint(bp)
