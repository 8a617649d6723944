"""Light copies of lesson screenshots, at URLs that carry their content hash."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from coursesite.lessons.images import VariantStore

bp = Blueprint("media", __name__)

FULL_SIZE_LABEL = _l("Open the picture full size")
YEAR = 365 * 24 * 3600


def store() -> VariantStore:
    return current_app.extensions["coursesite.images"]


def variant_url(name: str) -> str:
    return url_for("media.variant", name=name)


def full_size_label(lang: str) -> str:
    with force_locale(lang):
        return str(FULL_SIZE_LABEL)


@bp.route("/media/v/<name>")
def variant(name):
    """Send a resized WebP copy of a screenshot, making it on first use."""
    path = store().path_for(name)
    if path is None:
        abort(404)
    # The name holds a hash of the picture's bytes: a new picture gets a new URL, so
    # browsers may keep this one for a year without asking again.
    response = send_file(path, mimetype="image/webp", max_age=YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def renderer_options(app) -> dict:
    """Return the LessonRenderer settings for screenshots: variants and full-size links."""
    return {
        "variants": app.extensions["coursesite.images"],
        "variant_url": variant_url,
        "full_size_label": full_size_label,
    }


def init_app(app):
    """Keep the image cache in the instance folder and serve it."""
    cache_dir = Path(app.config.get("IMAGE_CACHE") or Path(app.instance_path) / "image-cache")
    app.extensions["coursesite.images"] = VariantStore(
        cache_dir, app.config["LESSON_IMAGE_WIDTHS"], app.config["LESSON_IMAGE_MAX_PIXELS"]
    )
    app.register_blueprint(bp)
