"""Security headers and CSRF protection for every response and form."""

import hashlib
import os
from functools import lru_cache

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect

from coursesite.web.response_headers import vary_on
from coursesite.web.roles import person
from coursesite.web.session_cookie import KeptKeySerializer

# No inline script or style anywhere: a slip in the lesson sanitiser can never run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# Everyone's pages under these; and /s/<token> names the card's owner.
PERSONAL_PREFIXES = ("/helper", "/staff", "/s/")
# Files that are the same for everyone: a browser may keep them, even for a signed-in person.
PUBLIC_FILE_TYPES = ("image/", "font/", "text/css", "text/javascript", "application/javascript")


def forbid_caching_personal_pages(response):
    """Send no-store on every page of a signed-in person and every desk or staff page.

    One rule for the whole site, so that no new page can forget it: on a shared computer,
    the back button or the browser's cache must never show the previous person's pages.
    """
    if request.path.startswith(PERSONAL_PREFIXES) or (
        not response.mimetype.startswith(PUBLIC_FILE_TYPES) and _signed_in()
    ):
        response.headers["Cache-Control"] = "no-store"
        vary_on(response, "Cookie")
    return response


def _signed_in() -> bool:
    return hasattr(current_app, "login_manager") and person().is_authenticated


def add_security_headers(response):
    """Add the security headers that are not already set."""
    # One look at the headers there are: asking Werkzeug's Headers for a missing one raises
    # (and catches) an exception each time, on every response.
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend(
        [(name, value) for name, value in HEADERS.items() if name.lower() not in present]
    )
    return response


class SecureCookiesOverHttps:
    """Mark every cookie Secure when the request came over HTTPS.

    A WSGI wrapper, because the session, remember-me and language cookies are set in three
    different places; over plain HTTP on the lab network they must stay usable.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def start_secure(status, headers, exc_info=None):
            headers = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie"
                and "secure" not in (part.strip().lower() for part in value.split(";")[1:])
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_secure)


def csrf_token() -> str:
    """Return this request's CSRF token: Flask-WTF's `generate_csrf`, with a kept signer.

    The same token, kept in the same places (the raw one in the session, the signed one in
    `g`), so Flask-WTF checks it and its forms reuse it; but signed in a few calls, where
    Flask-WTF makes a new serializer and derives its key again on every page with a form.
    """
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    token = g.get(field)
    if token is None:
        raw = session.get(field)
        if not isinstance(raw, str):
            raw = session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
        secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        token = _csrf_serializer(secret).dumps(raw)
        setattr(g, field, token)
    return token


@lru_cache(maxsize=8)
def _csrf_serializer(secret) -> KeptKeySerializer:
    return KeptKeySerializer(secret, salt="wtf-csrf-token")  # as Flask-WTF's generate_csrf


def init_app(app):
    """Protect every POST with a CSRF token and send the security headers."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a form left open all afternoon still works
    CSRFProtect(app)
    # Templates call csrf_token(); Flask-WTF gives them its own through a global and a context
    # processor, and a later context processor wins.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.after_request(add_security_headers)
    app.after_request(forbid_caching_personal_pages)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
