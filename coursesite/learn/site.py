"""Site-wide pages: the language choice, the health check, the lab poster, getting help."""

import io
import logging
from dataclasses import replace

import segno
from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, url_for

from coursesite import services
from coursesite.data import lab
from coursesite.web.i18n import LANGUAGE_NAMES, browser_language, saved_language
from coursesite.web.network import public_url
from coursesite.web.quick_pages import quick_page
from coursesite.web.roles import has_role

log = logging.getLogger(__name__)

bp = Blueprint("site", __name__)


@bp.route("/")
@quick_page
def home():
    """Send people to their language, or let them choose it on their first visit."""
    lang = saved_language()
    if lang:
        return redirect(url_for("learn.catalogue", lang=lang))
    preferred = browser_language()
    others = [lang for lang in current_app.config["LANGUAGES"] if lang != preferred]
    choices = [
        {
            "lang": lang,
            "name": LANGUAGE_NAMES.get(lang, lang),
            "url": url_for("learn.catalogue", lang=lang),
        }
        for lang in [preferred, *others]
    ]
    return render_template("site/choose_language.html", choices=choices)


@bp.route("/healthz")
def healthz():
    """Answer 200 with a short JSON when the app and its database answer and are sound."""
    try:
        problem = services.database_problem()
    except Exception:  # noqa: BLE001 — any database failure means "not healthy"
        log.exception("health check: database does not answer")
        return jsonify(status="error", database="unavailable"), 503
    if problem:
        log.error("health check: the database is damaged: %s", problem)
        return jsonify(status="error", database="damaged", detail=problem[:200]), 503
    lessons = services.catalogue().current().lessons
    return jsonify(status="ok", database="ok", lessons=len(lessons))


@bp.route("/poster")
def poster():
    """Show a printable poster with the site's address and its QR code."""
    return render_template("site/poster.html", address=public_url())


@bp.route("/poster/qr.svg")
def poster_qr():
    """Return the QR code of the site's address as SVG, made locally."""
    buffer = io.BytesIO()
    segno.make(public_url(), error="m").save(buffer, kind="svg", scale=10, border=2, xmldecl=False)
    return Response(
        buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-cache"}
    )


@bp.route("/<lang:lang>/help")
@quick_page
def help_page(lang):
    """Show how to get help: the lab's phone, hours and address, the phone code, the button."""
    return render_template("site/help.html")


def lab_details(lang: str | None = None) -> lab.LabDetails:
    """Return the lab's details for a template, read once per request (the footer, a slip…).

    Staff also get the link to fill them in, shown with the placeholder of a fresh install.
    """
    found = services.lab_details(lang)
    return replace(found, settings_url=url_for("lab_settings.form")) if has_role("staff") else found


def init_app(app):
    """Give every template the lab's details (footer, help page, slips, cards, poster)."""
    app.add_template_global(lab_details)
