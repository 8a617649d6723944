"""Signing in and out: the /login form, personal sign-in links from cards, sessions.

Every sign-in goes through sign_in(): visitor progress is merged into the account, failures
are forgotten, and the session id records the password version (and the card used, if any)
so that a new password or a revoked card ends those sessions on their next request.
"""

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from peewee import DatabaseError

from coursesite.accounts import cards, throttle
from coursesite.accounts.users import (
    PASSWORD_MAX,
    USERNAME_MAX,
    normalize_username,
    username_problems,
    verify_password,
)
from coursesite.data.models import SignInCard, User, utcnow
from coursesite.desk.paths import next_path_step
from coursesite.learn.answers import merge_visitor_answers
from coursesite.learn.progress import current_progress, merge_visitor_progress
from coursesite.web.urls import safe_next

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def load_user(session_id: str) -> User | None:
    """Return the signed-in user for a session id, or None if that session has ended."""
    try:
        user_id, version, card_id = (int(part) for part in session_id.split(":"))
    except (AttributeError, ValueError):
        return None
    try:
        return _live_user(user_id, version, card_id)
    except DatabaseError:
        # Error pages show the account menu too: they must still render with the database down.
        log.exception("could not load the signed-in user")
        return None


def _live_user(user_id: int, version: int, card_id: int) -> User | None:
    user = User.get_or_none((User.id == user_id) & (User.active == True))  # noqa: E712
    if user is None or user.auth_version != version:
        return None
    if card_id:
        live = SignInCard.select().where(
            (SignInCard.id == card_id) & (SignInCard.user == user) & SignInCard.revoked.is_null()
        )
        # A card opens a learner's account only: not one that has since become a helper's.
        if user.role != "learner" or not live.exists():
            return None
        user.card_id = card_id
    return user


def sign_in(user: User, remember: bool, card: SignInCard | None = None) -> None:
    """Sign the person in, bringing along the progress made as a visitor."""
    if current_user.is_authenticated and current_user.id != user.id:
        logout_user()
        session.clear()  # someone else's session: their visitor progress is not this user's
    merge_visitor_progress(user)
    merge_visitor_answers(user)
    throttle.clear_failures(user.username)
    user.card_id = card.id if card else None
    User.update(last_login=utcnow()).where(User.id == user.id).execute()
    login_user(user, remember=remember)
    g.pop("progress", None)
    g.pop("answers", None)


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
        notices=get_flashed_messages(),
    )
    return page, 200


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out and forget everything this browser's session held."""
    lang = str(get_locale())
    logout_user()
    session.clear()
    flash(_l("You are signed out. You can close this window."))
    return redirect(url_for("auth.login", lang=lang), 303)


@bp.route("/s/<token>")
def card_sign_in(token):
    """Sign in with the personal link of a printed card and go straight to the next step."""
    address = throttle.client_address()
    until = throttle.blocked_until(None, address)
    if until:
        return throttle.too_many_tries(until)
    card = cards.find_card(token)
    if card is None:
        throttle.record_failure(None, address)
        until = throttle.blocked_until(None, address)
        if until:
            return throttle.too_many_tries(until)
        return render_template("auth/card_invalid.html"), 404
    sign_in(card.user, remember=True, card=card)
    return redirect(resume_url(card.user), 303)


def keep_account_language(response):
    """Remember the language a signed-in person last chose, in their account."""
    lang = getattr(g, "page_lang", None)
    if lang and current_user.is_authenticated and current_user.language != lang:
        User.update(language=lang).where(User.id == current_user.id).execute()
    return response


def init_app(app):
    """Set up Flask-Login and the account-language hook."""
    manager = LoginManager()
    manager.init_app(app)
    manager.user_loader(load_user)
    manager.login_view = "auth.login"
    app.after_request(keep_account_language)
