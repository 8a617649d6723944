"""Which requests the server's event loop may answer itself (web/serving.py).

A page marked `@quick_page` is made from what the site keeps in memory (a kept page
skeleton, the catalogue) and a few small database reads: a fraction of a millisecond, a few
ms when its lesson's version is new, and a small body. Anything else (a password hash, a
save, an upload, an export, a picture's first copy, a staff page, a search waiting on the
full-text index) is left to the worker threads, where a slow request holds no one else. A
view that is not marked simply runs on a worker thread, as every request did before: mark
only what is quick.
"""

from flask import Flask
from werkzeug.exceptions import HTTPException

# Flask's own view for /static/: a file kept by browsers for a year, compressed once.
QUICK_BUILT_IN_ENDPOINTS = frozenset({"static"})
KNOWN_PATHS_AT_MOST = 4096  # one entry per path asked for: lessons × steps × languages


def quick_page(view):
    """Mark a view as quick enough for the server's event loop (see this module's doc)."""
    view.quick_page = True
    return view


class QuickRequests:
    """`is_quick(method, path)` for an app: a GET or HEAD of a quick page's path.

    The answer for a path is worked out once (routing needs an app context) and kept: the
    site's paths are few, and the test runs for every request, before Flask's own routing.
    Only the server's event loop calls it, one request at a time.
    """

    def __init__(self, app):
        self.app = app if isinstance(app, Flask) else None  # any other WSGI app: none quick
        self.adapter = app.url_map.bind("localhost") if self.app else None
        self.known: dict[str, bool] = {}

    def __call__(self, method: str, path: str) -> bool:
        if self.app is None or method not in ("GET", "HEAD"):
            return False
        quick = self.known.get(path)
        if quick is None:
            with self.app.app_context():  # the site's converters look up its languages
                quick = self._quick_endpoint(path)
            if len(self.known) >= KNOWN_PATHS_AT_MOST:
                self.known.clear()  # someone asking for many made-up paths: start again
            self.known[path] = quick
        return quick

    def _quick_endpoint(self, path: str) -> bool:
        try:
            endpoint, _ = self.adapter.match(path, method="GET")
        except HTTPException:  # not found, or a redirect: Flask answers as usual
            return False
        view = self.app.view_functions.get(endpoint)
        return endpoint in QUICK_BUILT_IN_ENDPOINTS or getattr(view, "quick_page", False)
