"""URL parts and query strings that no hostile request can turn into a crash.

- Ids in URLs (`<int:…>`) are bounded: a 40-digit id would overflow SQLite's integers (a 500),
  where it is simply a page that does not exist (404). PostgreSQL's ids stop at 2**31 - 1 too.
- A query string with raw bytes that are not UTF-8 (a hand-made request; browsers percent-
  encode) made Werkzeug fail while reading `request.args`, even on the error page: such bytes
  are percent-encoded before Flask sees them, and then read as any other invalid escape.
"""

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter, IntegerConverter, Map, ValidationError

MAX_ID = 2**31 - 1


def is_id(value) -> bool:
    """Tell whether a value can be a row id (a positive int that the databases can hold)."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    # No control characters: a CR or LF split the Location header (a 500), and browsers drop a
    # tab, so "/<tab>/evil.example" would have become "//evil.example", another site.
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


class IdConverter(IntegerConverter):
    """`<int:…>` matching only the numbers a row id can be: any other number is a 404."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if not is_id(number):
            # Not a ValidationError (Werkzeug then answers 405 to a POST): this page is not here.
            raise NotFound()
        return number


class LanguageConverter(BaseConverter):
    """Match only the site's languages in URLs like /fr/…."""

    regex = "[a-z]{2}"

    def to_python(self, value):
        if value not in current_app.config["LANGUAGES"]:
            raise ValidationError()
        return value


class SiteMap(Map):
    """The app's URL map: bounded ids and `<lang:…>` for every route, whoever adds it first."""

    default_converters = {**Map.default_converters, "int": IdConverter, "lang": LanguageConverter}


class AsciiQueryString:
    """WSGI wrapper percent-encoding the bytes of QUERY_STRING that are not ASCII."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():
            # WSGI carries the raw bytes as latin-1 text: one character per byte.
            raw = query.encode("latin-1", "replace")
            environ["QUERY_STRING"] = "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in raw)
        return self.wsgi_app(environ, start_response)


def init_app(app):
    """Clean raw query strings before Werkzeug reads them."""
    app.wsgi_app = AsciiQueryString(app.wsgi_app)
