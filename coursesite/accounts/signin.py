"""Signing in and out: the /login form, personal sign-in links from cards, the account page.

Every sign-in goes through sign_in(), which records it on the server (sign_ins.py): signing
out, a new password or a revoked card ends it, wherever copies of its cookies went.
"""

import logging

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from peewee import DatabaseError

from coursesite.accounts import cards, sign_ins, throttle
from coursesite.accounts.users import (
    PASSWORD_MAX,
    USERNAME_MAX,
    normalize_username,
    username_problems,
    verify_password,
)
from coursesite.data.models import SignInCard, User, utcnow
from coursesite.desk.paths import next_path_step
from coursesite.learn.progress import current_progress
from coursesite.web.roles import person
from coursesite.web.urls import safe_next

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def load_user(session_key: str) -> User | None:
    """Return the signed-in user for the key in the cookies, or None if that sign-in ended."""
    try:
        return sign_ins.resume(session_key)
    except DatabaseError:
        # Error pages show the account menu too: they must still render with the database down.
        log.exception("could not load the signed-in user")
        return None


def sign_in(user: User, remember: bool, card: SignInCard | None = None) -> None:
    """Sign the person in on this browser, recorded on the server (see sign_ins.py).

    What the browser did as a visitor stays in its session until the person answers the
    question every page then shows (visitor.py): nothing is joined silently.
    """
    if current_user.is_authenticated and current_user.id != user.id:
        sign_ins.end(current_user.session_key)
        logout_user()
        session.clear()  # someone else's session: their visitor progress is not this user's
    throttle.clear_failures(user.username)
    throttle.remember_address(user.username)
    sign_ins.start(user, remember=remember, card=card)
    User.update(last_login=utcnow()).where(User.id == user.id).execute()
    login_user(user, remember=remember or card is not None)
    g.pop("progress", None)
    g.pop("answers", None)


def forget_browser(response):
    """Delete every cookie this browser sent us: nothing of this person stays on it."""
    g.forget_browser = True
    for name in request.cookies:
        response.delete_cookie(name, path="/")
    return response


def resume_url(user: User) -> str:
    """Return the exact next step not done, or the lessons in the person's language."""
    lang = user.language if user.language in current_app.config["LANGUAGES"] else None
    lang = lang or current_app.config["BABEL_DEFAULT_LOCALE"]
    # The path a helper gave comes first: the slip's QR code opens its next step.
    target = next_path_step(user, lang) or current_progress().resume(lang)
    if target:
        lesson, number = target
        return url_for("learn.step", lang=lesson.lang, lesson_id=lesson.id, number=number)
    return url_for("learn.catalogue", lang=lang)


def home_url(user: User) -> str:
    """Return where a person lands after signing in: helpers at their desk, others' lessons."""
    if user.has_role("helper"):
        return url_for("helper.dashboard")
    return url_for("learn.catalogue", lang=user.language)


def login_problems(username: str, password: str) -> list:
    """Return what is wrong with the form before any password is checked."""
    fields = (
        ("username", username, USERNAME_MAX, _l("Please type your username.")),
        ("password", password, PASSWORD_MAX, _l("Please type your password.")),
    )
    too_long = {
        "username": _l(
            "A username has at most %(max)d characters. Please check what you typed.",
            max=USERNAME_MAX,
        ),
        "password": _l(
            "A password has at most %(max)d characters. Please check what you typed.",
            max=PASSWORD_MAX,
        ),
    }
    problems = []
    for field, value, most, missing in fields:
        if not value:
            problems.append((field, missing))
        elif len(value) > most:
            problems.append((field, too_long[field]))
    return problems


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form, and sign in with a username and password."""
    next_url = safe_next(request.values.get("next")) or ""
    remember = not current_app.config["SHARED_COMPUTER"]
    username, problems = "", []
    if request.method == "POST":
        username = normalize_username(request.form.get("username", ""))
        password = request.form.get("password", "")
        remember = request.form.get("remember") == "1"
        problems = login_problems(username, password)
        if not problems:
            address = throttle.client_address()
            # A username no account can have (control characters, spaces…) is neither looked
            # up nor kept among the failures: a NUL in a PostgreSQL query was a 500, and the
            # failures table is no place for junk. Its tries still count for the address.
            counted = None if username_problems(username) else username
            until = throttle.blocked_until(counted, address)
            if until:
                return throttle.too_many_tries(until)
            user = User.get_or_none(User.username == counted) if counted else None
            if user is not None and not user.active:
                user = None
            if verify_password(user, password):
                sign_in(user, remember=remember)
                return redirect(next_url or home_url(user), 303)
            throttle.record_failure(counted, address)
            until = throttle.blocked_until(counted, address)
            if until:
                return throttle.too_many_tries(until)
            problems = [
                (
                    "form",
                    _l(
                        "The username or the password is not right. Check them and "
                        "try again. Capital letters count in the password."
                    ),
                )
            ]
    page = render_template(
        "auth/login.html",
        username=username[:USERNAME_MAX],
        remember=remember,
        next=next_url,
        problems=problems,
        fields={field for field, _ in problems},
    )
    return page, 200


@bp.route("/<lang:lang>/signed-out")
def signed_out(lang):
    """Say the person is signed out, setting no cookie: the browser stays empty for the next."""
    g.forget_browser = True
    return render_template("auth/signed_out.html")


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: end this sign-in on the server and delete every cookie of the site."""
    lang = str(get_locale())
    if current_user.is_authenticated:
        sign_ins.end(current_user.session_key)
    logout_user()
    session.clear()
    return forget_browser(redirect(url_for("auth.signed_out", lang=lang), 303))


# Anything a page can make a browser load by itself: none of them may use a card.
EMBEDDED = frozenset({
    "audio", "audioworklet", "embed", "font", "frame", "iframe", "image", "manifest", "object",
    "paintworklet", "report", "script", "serviceworker", "sharedworker", "style", "track",
    "video", "worker", "xslt", "empty",
})  # fmt: skip


def short_name(display_name: str) -> str:
    """Return "Marie R." for "Marie Roy-Tremblay": enough to recognise oneself, no more."""
    words = display_name.split()
    if len(words) < 2:
        return display_name.strip()
    return f"{words[0]} {words[-1][0]}."


def _card_or_answer(token: str):
    """Return (card, None) for a live card, or (None, response) saying why not."""
    if request.headers.get("Sec-Fetch-Dest", "document").lower() in EMBEDDED:
        # An <img>, <iframe> or script of any page, ours or not: never a sign-in.
        return None, ("", 403, {"Cache-Control": "no-store"})
    address = throttle.client_address()
    until = throttle.blocked_until(None, address)
    if until:
        return None, throttle.too_many_tries(until)
    card = cards.find_card(token)
    if card is None:
        throttle.record_failure(None, address)
        until = throttle.blocked_until(None, address)
        if until:
            return None, throttle.too_many_tries(until)
        return None, (render_template("auth/card_invalid.html"), 404)
    return card, None


@bp.route("/s/<token>")
def card_sign_in(token):
    """Ask "Continue as Marie R.?" for the personal link of a printed card."""
    card, refusal = _card_or_answer(token)
    if refusal:
        return refusal
    learner = card.user
    if current_user.is_authenticated and current_user.id == learner.id:
        return redirect(resume_url(current_user), 303)
    lang = learner.language if learner.language in current_app.config["LANGUAGES"] else None
    g.page_lang = lang or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(g.page_lang):
        return render_template(
            "auth/card.html",
            name=short_name(learner.display_name),
            other=current_user.display_name if current_user.is_authenticated else None,
        )


@bp.route("/s/<token>", methods=["POST"])
def card_confirm(token):
    """Sign in with a card once the person said it is theirs, and go to their next step."""
    card, refusal = _card_or_answer(token)
    if refusal:
        return refusal
    sign_in(card.user, remember=True, card=card)
    return redirect(resume_url(card.user), 303)


@bp.route("/<lang:lang>/account")
@login_required
def account(lang):
    """Show the person's account, with "Sign out of every device"."""
    return render_template("auth/account.html", devices=sign_ins.open_count(current_user))


@bp.route("/<lang:lang>/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere(lang):
    """End every sign-in of this account, this browser's included."""
    sign_ins.end_all(current_user)
    logout_user()
    session.clear()
    return forget_browser(redirect(url_for("auth.signed_out", lang=lang), 303))


def keep_account_language(response):
    """Remember the language a signed-in person last chose, in their account."""
    lang = getattr(g, "page_lang", None)
    user = person() if lang else None
    if user is not None and user.is_authenticated and user.language != lang:
        User.update(language=lang).where(User.id == user.id).execute()
    return response


def init_app(app):
    """Set up Flask-Login and the account-language hook."""
    manager = LoginManager()
    manager.init_app(app)
    manager.user_loader(load_user)
    manager.login_view = "auth.login"
    app.after_request(keep_account_language)
