"""Personal sign-in cards: a QR code of /s/<token> that signs a learner in on any phone.

The token has 192 random bits and only its SHA-256 is stored, so a card can be printed once
and never shown again; issuing a new card revokes the old one (and ends the sessions that
were opened with it). Cards are for learners only: a helper's or staff account, which sees
other people's data, must not be one lost piece of paper away from anyone.

Opening /s/<token> is a GET, because a phone camera can only open a link: it is the one
sign-in that is not a POST. The token itself is the secret, and bad tokens are throttled
per address like failed passwords.
"""

import hashlib
import secrets

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from coursesite.accounts.sign_ins import stamp_still_open
from coursesite.data.database import database
from coursesite.data.models import SignInCard, User
from coursesite.web.network import public_url


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def revoke_cards(user: User) -> int:
    """Make every card of this user stop working; return how many did."""
    return stamp_still_open(SignInCard.revoked, SignInCard.user, user)


def issue_card(user: User) -> str:
    """Revoke the user's cards and return the token of a new one (shown only this once)."""
    if user.role != "learner":
        raise ValueError("sign-in cards are for learners only")
    token = secrets.token_urlsafe(24)
    with database.atomic():
        revoke_cards(user)
        SignInCard.create(user=user, token_hash=token_hash(token))
    return token


def find_card(token: str) -> SignInCard | None:
    """Return the live card for this token, if any, with its (active learner) user."""
    if not token or len(token) > 100:
        return None
    return (
        SignInCard.select(SignInCard, User)
        .join(User)
        .where(
            (SignInCard.token_hash == token_hash(token))
            & SignInCard.revoked.is_null()
            & (User.active == True)  # noqa: E712
            & (User.role == "learner")
        )
        .first()
    )


def card_url(token: str) -> str:
    """Return the full personal sign-in link for a token."""
    return public_url() + "s/" + token


def qr_svg(data: str, label: str) -> Markup:
    """Return an inline SVG QR code of `data`, drawn locally by segno."""
    svg = segno.make(data, error="m").svg_inline(
        scale=4, border=2, omitsize=True, svgclass="card-qr", title=label
    )
    # Our own generated SVG, from a URL we built: safe to put in the page as it is.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def render_card(user: User, token: str, password: str | None = None) -> Markup:
    """Return one printable card, written in the learner's own language."""
    lang = user.language if user.language in current_app.config["LANGUAGES"] else None
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        url = card_url(token)
        return Markup(
            render_template(
                "cards/_card.html",
                user=user,
                password=password,
                address=public_url(),
                lang=lang,
                qr=qr_svg(
                    url, str(_l("Personal sign-in link of %(name)s", name=user.display_name))
                ),
            )
        )
