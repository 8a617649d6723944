"""The floor: coursesite's own handling of a request around a view that does nothing.

Usage: python benchmarks/floor_app.py PORT STEP_PATH (COURSESITE_INSTANCE and
COURSESITE_LESSONS set, as for `coursesite serve`).

The site as `coursesite serve` runs it (every hook: the session and its cookie, the sign-in
check, the language, the security headers, compression), plus one page, /fr/floor, whose view
only answers the step page's own HTML with a new CSRF token and loads the person, as every
page's header does. No step page can be faster than this one: what separates the two is
the step page's own work, and what separates this one from the ceiling is the site's
request handling.
"""

import logging
import sys

from flask_login import current_user

from coursesite import create_app
from coursesite.web.collector import set_aside_start_up_objects
from coursesite.web.quick_pages import quick_page
from coursesite.web.security import csrf_token
from coursesite.web.serving import make_server

TOKEN_FIELD = 'name="csrf_token" value="'


def floor_app(step_path: str):
    app = create_app()
    page = {}  # the step page's HTML before its first CSRF token, and after each token

    # Before the first request: Flask takes no route after it. In a language, as the step
    # page is: its language is remembered in a cookie, as the step page's is.
    @app.route("/<lang:lang>/floor")
    @quick_page  # as the step page is: answered by the server's event loop
    def floor(lang):
        if current_user.is_authenticated:  # the person loaded, as the header does
            pass
        token = csrf_token()  # as the site's forms get theirs
        return page["head"] + "".join(TOKEN_FIELD + token + tail for tail in page["tails"])

    step = app.test_client().get(step_path)
    if step.status_code != 200 or TOKEN_FIELD not in step.text:
        sys.exit(f"{step_path}: {step.status_code}, no form with a CSRF token")
    page["head"], *after_tokens = step.text.split(TOKEN_FIELD)
    page["tails"] = ['"' + after.split('"', 1)[1] for after in after_tokens]
    return app


if __name__ == "__main__":
    application = floor_app(sys.argv[2])
    set_aside_start_up_objects()  # as coursesite serve does
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # Served as coursesite serve serves the site.
    make_server(
        application, host="127.0.0.1", port=int(sys.argv[1]), threads=4, ident="coursesite"
    ).run()
