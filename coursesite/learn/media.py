"""Light copies of lesson screenshots, at URLs that carry their content hash."""

from flask import Blueprint, abort, send_file

from coursesite import services

bp = Blueprint("media", __name__)

YEAR = 365 * 24 * 3600


@bp.route("/media/v/<name>")
def variant(name):
    """Send a resized WebP copy of a screenshot, making it on first use."""
    path = services.images().path_for(name)
    if path is None:
        abort(404)
    # The name holds a hash of the picture's bytes: a new picture gets a new URL, so
    # browsers may keep this one for a year without asking again.
    response = send_file(path, mimetype="image/webp", max_age=YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
