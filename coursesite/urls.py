"""URL parts and query strings that no hostile request can turn into a crash.

- Ids in URLs (`<int:…>`) are bounded: a 40-digit id would overflow SQLite's integers (a 500),
  where it is simply a page that does not exist (404). PostgreSQL's ids stop at 2**31 - 1 too.
- A query string with raw bytes that are not UTF-8 (a hand-made request; browsers percent-
  encode) made Werkzeug fail while reading `request.args`, even on the error page: such bytes
  are percent-encoded before Flask sees them, and then read as any other invalid escape.
"""

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


def is_id(value) -> bool:
    """Tell whether a value can be a row id (a positive int that the databases can hold)."""
    return isinstance(value, int) and 0 < value <= MAX_ID


class IdConverter(IntegerConverter):
    """`<int:…>` matching only the numbers a row id can be: any other number is a 404."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if not is_id(number):
            # Not a ValidationError (Werkzeug then answers 405 to a POST): this page is not here.
            raise NotFound()
        return number


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
    """Bound the ids in URLs and clean raw query strings (before any route is added)."""
    app.url_map.converters["int"] = IdConverter
    app.wsgi_app = AsciiQueryString(app.wsgi_app)
