"""Error pages in the person's language: a clear message, never a stack trace."""

import logging
import re

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
SIGN_IN_TOKEN = re.compile(r"/s/[^/]+")

MESSAGES = {
    400: (
        _l("Something in that request was not right"),
        _l("The page could not use what was sent. Go back, reload the page and try again."),
    ),
    403: (
        _l("This page is not for your account"),
        _l("Your account cannot open this page. Ask a helper if you think it should."),
    ),
    404: (
        _l("We could not find this page"),
        _l("The address may be mistyped, or the page was moved or removed."),
    ),
    405: (
        _l("Something in that request was not right"),
        _l("The page could not use what was sent. Go back, reload the page and try again."),
    ),
    413: (
        _l("That is too large"),
        _l("What you sent is larger than the site accepts. Try a smaller file or a shorter text."),
    ),
    429: (_l("Too many tries"), _l("Please wait a few minutes, then try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("It is not your fault. Try again in a moment, or ask a helper."),
    ),
}


def loggable_path(path: str) -> str:
    """Return the path with personal sign-in tokens hidden: logs must hold no credential."""
    return SIGN_IN_TOKEN.sub("/s/…", path)


def render_error(code: int, detail: str | None = None):
    """Return the error page for this status code."""
    title, message = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def init_app(app):
    """Register the error pages."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400,
            _l(
                "This form has expired or was not sent from this site. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code is None or exc.code < 400:
            return exc
        response, code = render_error(exc.code)
        # Keep Allow (405) and Retry-After (429); the page itself is always our HTML.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return response, code, headers

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        log.exception("unexpected error on %s %s", request.method, loggable_path(request.path))
        return render_error(500)
