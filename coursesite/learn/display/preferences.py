"""The person's display preferences (text size, contrast, motion) and the classes that apply
them: read from the account of a signed-in person, from a cookie for a visitor.

The page that changes them is learn/display/display.py.
"""

import json

from flask import g, request

from coursesite.data.models import DISPLAY_PREFERENCES
from coursesite.web.roles import person

COOKIE = "display"
DEFAULTS = {name: allowed[0] for name, allowed in DISPLAY_PREFERENCES.items()}


def clean(values) -> dict:
    """Return valid preferences from any mapping: unknown or wrong values become defaults."""
    values = values if isinstance(values, dict) else {}
    return {
        name: values.get(name) if values.get(name) in allowed else allowed[0]
        for name, allowed in DISPLAY_PREFERENCES.items()
    }


def current_preferences() -> dict:
    """Return the display preferences of the person making this request."""
    if "display_preferences" not in g:
        user = person()
        if user.is_authenticated:
            g.display_preferences = user.display_preferences
        else:
            try:
                g.display_preferences = clean(json.loads(request.cookies.get(COOKIE, "{}")))
            except ValueError:
                g.display_preferences = dict(DEFAULTS)
    return g.display_preferences


def html_classes() -> str:
    """Return the <html> classes that apply the preferences (see site.css)."""
    preferences = current_preferences()
    classes = []
    if preferences["text_size"] != "100":
        classes.append(f"text-{preferences['text_size']}")
    if preferences["contrast"] == "high":
        classes.append("contrast-high")
    if preferences["motion"] == "reduced":
        classes.append("motion-reduced")
    return " ".join(classes)
