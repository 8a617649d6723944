"""Which language a page is in: URL, then the person's choice, then the browser."""

from flask import current_app, g, request
from flask_babel import Babel, get_locale
from flask_login import current_user

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def languages() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def page_language() -> str:
    """Return the language of the page being made."""
    return str(get_locale())


def language_choices() -> list[tuple[str, str]]:
    """Return (code, name in its own language) of each language the site offers."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in languages()]


def browser_language() -> str:
    """Return the supported language the browser prefers most, or the site default."""
    return request.accept_languages.best_match(languages()) or languages()[0]


def saved_language() -> str | None:
    """Return the language the person chose before (account, then cookie), if any."""
    user = current_user._get_current_object() if hasattr(current_app, "login_manager") else None
    if user is not None and user.is_authenticated and user.language in languages():
        return user.language
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    return cookie if cookie in languages() else None


def select_locale() -> str:
    """Return the language of this page."""
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    url_lang = (request.view_args or {}).get("lang")
    if url_lang in languages():
        return url_lang
    query_lang = request.args.get("lang")
    if query_lang in languages():
        return query_lang
    return saved_language() or browser_language()


def remember_language(response):
    """Keep the language of the page just shown as the person's choice."""
    lang = getattr(g, "page_lang", None)
    if g.get("forget_browser"):  # signing out: every cookie goes, this one too
        return response
    if lang and request.cookies.get(LANGUAGE_COOKIE) != lang:
        response.set_cookie(
            LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


def init_app(app):
    """Set up Flask-Babel and the language cookie."""
    Babel(app, locale_selector=select_locale)

    @app.url_value_preprocessor
    def note_page_language(endpoint, values):
        lang = (values or {}).get("lang")
        if lang in app.config["LANGUAGES"]:
            g.page_lang = lang
        elif request.args.get("lang") in app.config["LANGUAGES"]:
            g.page_lang = request.args["lang"]

    app.after_request(remember_language)
