"""The printed slip a learner takes home: their path as a checklist and a QR code to continue.

The slip is written in the learner's language, whatever the helper's. Its QR code is a new
sign-in card (cards.py): a card's token is known only when it is made, so every slip with a
QR code replaces the learner's previous card or slip, and the page says so.
"""

import datetime as dt

from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_time
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from coursesite.accounts.cards import card_url, qr_svg
from coursesite.data.models import HelpSession, User
from coursesite.desk.paths import path_state, progress_of
from coursesite.web.network import public_url


def appointment_text(when: dt.datetime) -> str:
    """Return an appointment (the lab's local time) in words, in the current language."""
    # Stored as the helper typed it, in the lab's time: not converted from UTC.
    return str(
        _l(
            "%(date)s at %(time)s",
            date=format_date(when, "full", rebase=False),
            time=format_time(when, "short", rebase=False),
        )
    )


def render_slip(
    help_session: HelpSession, learner: User, token: str | None, password: str | None = None
) -> Markup:
    """Return the printable slip, in the learner's language."""
    languages = current_app.config["LANGUAGES"]
    lang = learner.language if learner.language in languages else languages[0]
    with force_locale(lang):
        path = path_state(help_session, lang, progress_of(learner))
        qr = None
        if token:
            label = str(_l("Personal sign-in link of %(name)s", name=learner.display_name))
            qr = qr_svg(card_url(token), label)
        return Markup(
            render_template(
                "helper/_slip.html",
                learner=learner,
                help_session=help_session,
                path=path,
                lang=lang,
                qr=qr,
                password=password,
                address=public_url(),
                appointment=appointment_text(help_session.next_appointment)
                if help_session.next_appointment
                else None,
            )
        )


def slip_page(
    help_session: HelpSession,
    learner: User,
    token: str | None,
    password: str | None = None,
    created: bool = False,
):
    """Return the helper's page holding the slip, never cached: it may show a password."""
    response = current_app.make_response(
        render_template(
            "helper/slip.html",
            learner=learner,
            help_session=help_session,
            created=created,
            password=password,
            with_qr=bool(token),
            slip=render_slip(help_session, learner, token, password),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def cards_page(cards: list, learner=None, imported: int | None = None, group=None):
    """Return the page of cards to print, never cached: it holds sign-in links and passwords."""
    response = current_app.make_response(
        render_template(
            "cards/print.html", cards=cards, learner=learner, imported=imported, group=group
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
